"""The year-to-date stretch (lũy kế từ đầu năm): the months it adds up, and its name."""

from __future__ import annotations

from fansipan.domain.periods.labels import EN_MONTHS, check_lang
from fansipan.domain.periods.messages import period_error
from fansipan.domain.periods.period import Period
from fansipan.domain.periods.period_type import SPANS
from fansipan.errors import msg


def _months_to_date(period: Period) -> int:
    if period.type not in SPANS:
        raise period_error(msg(
            "Year to date needs a month, quarter, half-year or year, but {period} is a {kind}.",
            period=period.id, kind=period.type.word), period.id)
    return period.end.month


def year_to_date(period: Period) -> list[Period]:
    """The months from January to the last month of a month, quarter, half-year or year.

    2022Q3 gives 2022-01 to 2022-09: the months a Vietnamese "9 tháng" report adds up.
    """
    months = _months_to_date(period)
    return [Period.month_of(period.year, m) for m in range(1, months + 1)]


def cumulative_label(period: Period, lang: str = "vi") -> str:
    """The name of the year-to-date total ending with `period`: "9 tháng đầu năm 2022"."""
    check_lang(lang)
    months = _months_to_date(period)
    year = period.year
    if months == 1:
        return Period.month_of(year, 1).label(lang)
    if months == 12:
        return f"Cả năm {year}" if lang == "vi" else f"Full year {year}"
    if lang == "vi":
        return f"{months} tháng đầu năm {year}"
    return f"January–{EN_MONTHS[months - 1]} {year}"
