"""Numbers, dates and changes as people read them: `1.234,5` and `27/11/2026` in Vietnamese."""

from __future__ import annotations

import math
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fansipan.domain.indicators import Indicator, Kind
from fansipan.domain.numbers import format_number

# Government offices read clock times in Indochina Time.
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def number(value: float | int | None, decimals: int = 0, lang: str = "vi") -> str:
    """A value with thousands grouped; an em dash when there is none."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    shown = format_number(float(value), decimals, lang)
    if not any(c in "123456789" for c in shown):
        return shown.lstrip("-")  # a tiny negative rounds to 0, never to "−0,0"
    return shown.replace("-", "−")


def value_decimals(value: float | None, decimals: int) -> int:
    """The indicator's decimals, or one more for small rates that would show as 0."""
    if value is not None and decimals == 0 and value != 0 and abs(value) < 10 \
            and value != int(value):
        return 1
    return decimals


def percent(value: float | None, lang: str = "vi", decimals: int = 1) -> str:
    if value is None:
        return "—"
    shown = number(value, decimals, lang)
    return f"{shown} %" if lang == "vi" else f"{shown}%"


def signed(value: float | None, decimals: int = 0, lang: str = "vi") -> str:
    """A change with its sign: `+1.234` or `−12,5`."""
    if value is None:
        return "—"
    text = number(value, decimals, lang)
    if not any(c in "123456789" for c in text):
        return text.lstrip("−")  # nothing to sign: no "+0,0" nor "−0,0"
    return text if text.startswith("−") else "+" + text


def signed_percent(value: float | None, lang: str = "vi") -> str:
    if value is None:
        return "—"
    text = signed(value, 1, lang)
    return f"{text} %" if lang == "vi" else f"{text}%"


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
        return f"{text} điểm %" if lang == "vi" else f"{text} percentage points"
    if ind.kind is Kind.INDEX and unit.startswith(("điểm", "point")):
        return f"{text} điểm" if lang == "vi" else f"{text} points"
    return f"{text} {unit}".strip()


def day(value: date | datetime | None, lang: str = "vi") -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_ZONE).date()
    # dd/mm/yyyy in both languages: the English pages serve the same officials.
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | None, lang: str = "vi") -> str:
    """`14:05 27/11/2026`, in the province's time zone."""
    if value is None:
        return "—"
    local = value.astimezone(LOCAL_ZONE)
    return local.strftime("%H:%M %d/%m/%Y")


def trend_class(change: float | None, direction: str) -> str:
    """`good`, `bad` or `flat`: the colour of a change, by the indicator's direction."""
    if change is None or change == 0 or direction == "none":
        return "flat"
    better = change > 0 if direction != "down" else change < 0
    return "good" if better else "bad"


def plain(value: float | None, lang: str = "vi") -> str:
    """A number to edit: no thousands separators (`3456789,5`), so it reads back as is."""
    if value is None:
        return ""
    text = repr(float(value)).removesuffix(".0") if value == int(value) else repr(float(value))
    if "e" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "vi" else text
