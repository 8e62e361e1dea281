"""Numbers, dates and changes as people read them, by Babel's CLDR rules for `vi_VN` and
`en`: `1.234,5` and `27/11/2026` in Vietnamese, `1,234.5` in English.

Halves round away from zero (2,5 → 3), as people and spreadsheets round, not to even.
Dates are dd/mm/yyyy in both languages: the English pages serve the same officials.
"""

from __future__ import annotations

import decimal
import math
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from typing import Final
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import NumberPattern, parse_pattern

from fansipan.domain.indicators import Indicator, Kind
from fansipan.domain.periods import parse_period
from fansipan.errors import FansipanError
from fansipan.locale import tr, tr_n

# Government offices read clock times in Indochina Time.
LOCAL_ZONE: Final = ZoneInfo("Asia/Ho_Chi_Minh")
_LOCALES: Final = {"vi": "vi_VN", "en": "en"}
_DAY: Final = "dd/MM/yyyy"
# Enough digits for the largest value a store accepts (about 1.8e308) with its decimals.
_ROUNDING: Final = decimal.Context(rounding=decimal.ROUND_HALF_UP, prec=400)


@cache
def babel_locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES.get(lang, "vi_VN"))


@cache
def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


# Parsed once: Babel's format_decimal parses its pattern on every call, and a page
# formats hundreds of numbers. `apply` is what format_decimal then runs, so the text is
# the same to the byte.
@cache
def _number_pattern(decimals: int) -> NumberPattern:
    return parse_pattern(_pattern(decimals))


@cache
def _percent_pattern(decimals: int, lang: str) -> NumberPattern:
    space = " " if lang == "vi" else ""  # Vietnamese writing sets the sign apart
    return parse_pattern(_pattern(decimals) + space + "%")


# A page shows the same figures on every view (and the same figure in its table, map
# and chart): each text is kept, by the value's type too, so 1 and 1.0 stay apart.
_KEPT_TEXTS: Final = 8192


def _decimal(value: float | int) -> decimal.Decimal:
    # Through its shortest repr, so 0.1 is 0.1 and not 0.1000000000000000055…
    return decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)


def _tidy(text: str) -> str:
    """A true minus sign, and no sign on a figure that rounds to nothing ("−0,0")."""
    if not any(c in "123456789" for c in text):
        return text.lstrip("-−")
    return text.replace("-", "−")


def number(value: float | int | None, decimals: int = 0, lang: str = "vi") -> str:
    """A value with thousands grouped; an em dash when there is none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return _number(type(value).__name__, value, max(0, decimals), lang)


@lru_cache(maxsize=_KEPT_TEXTS)
def _number(_kind: str, value: float | int, decimals: int, lang: str) -> str:
    with decimal.localcontext(_ROUNDING):
        text = _number_pattern(decimals).apply(_decimal(value), babel_locale(lang),
                                               decimal_quantization=True)
    return _tidy(text)


def value_decimals(value: float | None, decimals: int) -> int:
    """The indicator's decimals, or one more for small rates that would show as 0."""
    if value is not None and decimals == 0 and value != 0 and abs(value) < 10 \
            and value != int(value):
        return 1
    return decimals


def percent(value: float | None, lang: str = "vi", decimals: int = 1) -> str:
    """A figure already in percent (34,5 means 34,5 %): `34,5 %` / `34.5%`."""
    if value is None or not math.isfinite(value):
        return "—"
    return _percent(type(value).__name__, value, lang, decimals)


@lru_cache(maxsize=_KEPT_TEXTS)
def _percent(_kind: str, value: float | int, lang: str, decimals: int) -> str:
    with decimal.localcontext(_ROUNDING):
        text = _percent_pattern(decimals, lang).apply(_decimal(value) / 100,
                                                      babel_locale(lang),
                                                      decimal_quantization=True)
    return _tidy(text)


def signed(value: float | None, decimals: int = 0, lang: str = "vi") -> str:
    """A change with its sign: `+1.234` or `−12,5`."""
    if value is None:
        return "—"
    text = number(value, decimals, lang)
    if not any(c in "123456789" for c in text):
        return text  # nothing to sign: no "+0,0" nor "−0,0"
    return text if text.startswith("−") else "+" + text


def signed_percent(value: float | None, lang: str = "vi") -> str:
    if value is None:
        return "—"
    text = percent(value, lang)
    if any(c in "123456789" for c in text) and not text.startswith("−"):
        return "+" + text
    return text


def change_text(change: float | None, change_pct: float | None, ind: Indicator,
                lang: str = "vi") -> str:
    """A change as the figure's kind tells it: `+3,4 %` for an amount, `+3,1 điểm %` for a
    share in per cent, `+0,05 điểm` for an index, `+2,5 thuê bao/100 dân` for a rate per
    100, and `−53 xã` for a denominator (never a per cent)."""
    if change is None:
        return "—"
    if ind.kind.changes_in_percent and change_pct is not None:
        return signed_percent(change_pct, lang)
    text = signed(change, value_decimals(change, ind.decimals), lang)
    unit = ind.unit_en if lang == "en" else ind.unit_vi
    if ind.kind is Kind.RATE and unit.strip() == "%":
        return tr(lang, "{change} percentage points", change=text)
    if ind.kind is Kind.INDEX and unit.startswith(("điểm", "point")):
        return tr(lang, "{change} points", change=text)
    return f"{text} {unit}".strip()


def day(value: date | datetime | None, lang: str = "vi") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_ZONE).date()
    return format_date(value, format=_DAY, locale=babel_locale(lang))


def moment(value: datetime | None, lang: str = "vi") -> str:
    """`14:05 27/11/2026`, in the province's time zone."""
    if value is None:
        return "—"
    local = value.astimezone(LOCAL_ZONE)
    clock = format_time(local, format="HH:mm", locale=babel_locale(lang))
    return f"{clock} {day(local, lang)}"


def ago(value: datetime | None, lang: str = "vi", now: datetime | None = None) -> str:
    """`cập nhật 3 ngày trước` / `updated 3 days ago`: how old the data is, at a glance."""
    if value is None:
        return "—"
    at = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    age = max((now or datetime.now(UTC)) - at, timedelta(0))
    if age < timedelta(minutes=1):
        return tr(lang, "updated just now")
    return tr(lang, "updated {ago} ago",
              ago=format_timedelta(age, threshold=1.1, locale=babel_locale(lang)))


def trend_class(change: float | None, direction: str) -> str:
    """`good`, `bad` or `flat`: the colour of a change, by the indicator's direction."""
    if change is None or change == 0 or direction == "none":
        return "flat"
    better = change > 0 if direction != "down" else change < 0
    return "good" if better else "bad"


def exact(value: float | None, lang: str = "vi") -> str:
    """A stored number as it is (every decimal it has, up to 6), for the audit log."""
    if value is None:
        return "—"
    places = len(f"{float(value):.6f}".rstrip("0").partition(".")[2])
    return number(value, places, lang)


def plain(value: float | None, lang: str = "vi") -> str:
    """A number to edit: no thousands separators (`3456789,5`), so it reads back as is."""
    if value is None:
        return ""
    text = repr(float(value)).removesuffix(".0") if value == int(value) else repr(float(value))
    if "e" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text


def share(value: float | None, lang: str = "vi") -> str:
    """A share in per cent as a sentence says it: `25 %` when whole, else `33,3 %`; one more
    decimal where one would round a share that is not all or nothing to 100 % or 0 %."""
    if value is None or not math.isfinite(value):
        return "—"
    if value == int(value):
        return percent(value, lang, 0)
    decimals = 1
    while decimals < 3 and round(value, decimals) in (0, 100):
        decimals += 1
    return percent(value, lang, decimals)


def period_name(code: str, lang: str = "vi") -> str:
    """A period's name as officials write it ("Tháng 11/2026", "November 2026") from its
    code; a text that is not a period is shown as it is."""
    try:
        return parse_period(code).label(lang)
    except FansipanError:
        return code


def lateness(days: float | None, lang: str = "vi") -> str:
    """How long past due: `7 giờ` under a day (a tenth of a day says little to a reader),
    `2,5 ngày` from a day on, `dưới 1 giờ` for minutes."""
    if days is None or not math.isfinite(days):
        return "—"
    if days >= 1:
        return tr(lang, "{days} days", days=number(days, 1, lang))
    hours = round(days * 24)
    if hours < 1:
        return tr(lang, "under 1 hour")
    if hours >= 24:  # 0,99 day rounds to a whole day, said as one
        return tr(lang, "{days} days", days=number(1, 1, lang))
    return tr_n(lang, "{n} hour", "{n} hours", hours)
