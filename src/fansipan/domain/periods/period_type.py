"""The kinds of period, from the finest to the coarsest, and how their names are read."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from fansipan.domain.periods.messages import clipped, period_error
from fansipan.errors import Message, msg, pmsg


class PeriodType(StrEnum):
    """The kinds of period, declared from the finest to the coarsest."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    SIX_MONTH = "six_month"
    YEAR = "year"

    @property
    def rank(self) -> int:
        """0 for DAY up to 5 for YEAR: a smaller rank is a finer period."""
        return _RANKS[self]

    @property
    def noun(self) -> str:
        """The English name used in messages ("half-year" rather than "six_month")."""
        return _NOUNS[self]

    @property
    def word(self) -> Message:
        """The noun as a message, said in the reader's language ("quý" for a quarter)."""
        return _WORDS[self]

    def is_finer_than(self, other: PeriodType) -> bool:
        return self.rank < other.rank

    def is_coarser_than(self, other: PeriodType) -> bool:
        return self.rank > other.rank


_RANKS: Final[dict[PeriodType, int]] = {t: i for i, t in enumerate(PeriodType)}
_NOUNS: Final[dict[PeriodType, str]] = {t: t.value for t in PeriodType} | {
    PeriodType.SIX_MONTH: "half-year"
}
_WORDS: Final[dict[PeriodType, Message]] = {
    PeriodType.DAY: pmsg("period type", "day"),
    PeriodType.WEEK: pmsg("period type", "week"),
    PeriodType.MONTH: pmsg("period type", "month"),
    PeriodType.QUARTER: pmsg("period type", "quarter"),
    PeriodType.SIX_MONTH: pmsg("period type", "half-year"),
    PeriodType.YEAR: pmsg("period type", "year"),
}
# Months per period for the types that tile the calendar year; weeks and days do not.
SPANS: Final[dict[PeriodType, int]] = {
    PeriodType.MONTH: 1,
    PeriodType.QUARTER: 3,
    PeriodType.SIX_MONTH: 6,
    PeriodType.YEAR: 12,
}
_TYPE_ALIASES: Final[dict[str, PeriodType]] = {
    **{t.value: t for t in PeriodType},
    # DHIS2 period type names, so exported metadata can be read back.
    "daily": PeriodType.DAY,
    "weekly": PeriodType.WEEK,
    "monthly": PeriodType.MONTH,
    "quarterly": PeriodType.QUARTER,
    "sixmonthly": PeriodType.SIX_MONTH,
    "yearly": PeriodType.YEAR,
}


def parse_period_type(text: str) -> PeriodType:
    """Read a period type: day, week, month, quarter, six_month, year (or DHIS2's Monthly...)."""
    key = str(text).strip().lower().replace("-", "_")
    found = _TYPE_ALIASES.get(key) or _TYPE_ALIASES.get(key.replace("_", ""))
    if found is None:
        raise period_error(msg("{given} is not a period type. Use day, week, month, quarter, "
                               "six_month or year.", given=repr(clipped(str(text)))),
                           str(text), field="period_type")
    return found
