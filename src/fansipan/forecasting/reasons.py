"""Why a forecast, an odds estimate or an outlier check came out the way it did, for people.

Every reason has a stable code (for the service layer and tests) and a sentence in
Vietnamese and in English; numbers in the Vietnamese text use Vietnamese formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fansipan.domain.numbers import format_number
from fansipan.domain.periods import PeriodType


class ReasonCode(StrEnum):
    NO_DATA = "no_data"
    ONE_VALUE = "one_value"
    CONSTANT = "constant"
    SHORT_SERIES = "short_series"
    ALL_CANDIDATES_FAILED = "all_candidates_failed"
    MANY_GAPS = "many_gaps"
    # outliers
    OUTLIER = "outlier"
    NOT_OUTLIER = "not_outlier"
    TOO_LITTLE_HISTORY = "too_little_history"
    CONSTANT_HISTORY = "constant_history"
    # odds
    NO_JUDGEMENT = "no_judgement"
    NOT_AGGREGATABLE = "not_aggregatable"
    PERIOD_OVER = "period_over"
    NO_FORECAST = "no_forecast"


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    vi: str
    en: str

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


_NOUNS: dict[PeriodType, tuple[str, str, str]] = {
    PeriodType.MONTH: ("tháng", "month", "months"),
    PeriodType.QUARTER: ("quý", "quarter", "quarters"),
    PeriodType.YEAR: ("năm", "year", "years"),
}


def count_of(n: int, period_type: PeriodType) -> tuple[str, str]:
    """"5 năm" / "5 years", "1 quý" / "1 quarter"."""
    vi, one, many = _NOUNS[period_type]
    return f"{format_number(n)} {vi}", f"{n:,} {one if n == 1 else many}"


def number(value: float, lang: str) -> str:
    """A value as people read it: up to two decimals, trailing zeros dropped."""
    value = round(float(value), 2) + 0.0  # no "-0" for a value that rounds to zero
    decimals = 0 if value.is_integer() else 2
    text = format_number(value, decimals, lang)
    if decimals:
        sep = "," if lang == "vi" else "."
        text = text.rstrip("0").rstrip(sep)
    return text
