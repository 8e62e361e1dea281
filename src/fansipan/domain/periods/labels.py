"""Names of periods for people: Vietnamese first, English second."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from fansipan.domain.periods.messages import clipped, period_error
from fansipan.domain.periods.period_type import PeriodType
from fansipan.errors import msg

if TYPE_CHECKING:
    from fansipan.domain.periods.period import Period

LANGUAGES: Final = ("vi", "en")

EN_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
ROMAN: Final = ("I", "II", "III", "IV")


def period_label(period: Period, lang: str) -> str:
    """The name of `period` in `lang`; see `Period.label`."""
    check_lang(lang)
    vi = lang == "vi"
    y, i = period.year, period.index
    if period.type is PeriodType.YEAR:
        return f"Năm {y}" if vi else f"{y}"
    if period.type is PeriodType.SIX_MONTH:
        if vi:
            return f"6 tháng {'đầu' if i == 1 else 'cuối'} năm {y}"
        return f"{'Jan–Jun' if i == 1 else 'Jul–Dec'} {y}"
    if period.type is PeriodType.QUARTER:
        return f"Quý {ROMAN[i - 1]}/{y}" if vi else f"Q{i} {y}"
    if period.type is PeriodType.MONTH:
        return f"Tháng {i}/{y}" if vi else f"{EN_MONTHS[i - 1]} {y}"
    if period.type is PeriodType.WEEK:
        return f"Tuần {i}/{y}" if vi else f"Week {i} {y}"
    d = period.start
    if vi:
        return f"Ngày {d.day:02d}/{d.month:02d}/{d.year}"
    return f"{d.day} {EN_MONTHS[d.month - 1]} {d.year}"


def check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise period_error(msg("{given} is not a supported language. Use vi or en.",
                               given=repr(clipped(str(lang)))), str(lang), field="lang")
