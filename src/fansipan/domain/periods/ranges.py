"""Runs of consecutive periods of one type: between two periods, or within two dates."""

from __future__ import annotations

from datetime import date

from fansipan.domain.periods.messages import period_error
from fansipan.domain.periods.period import (
    Period,
    from_ordinal,
    ordinal_containing,
    period_containing,
)
from fansipan.domain.periods.period_type import PeriodType
from fansipan.errors import msg


def periods_between(first: Period, last: Period, *, limit: int | None = None) -> list[Period]:
    """Every period from `first` to `last` inclusive; both must be of the same type.

    With `limit`, a longer list is refused rather than built (for ranges from query strings).
    """
    shown = f"{first}..{last}"
    if first.type is not last.type:
        raise period_error(msg(
            "{given} mixes a {first} and a {last}: both ends of a range must be of the same "
            "type, as in 2022-01..2022-06.", given=repr(shown), first=first.type.word,
            last=last.type.word), shown)
    a = ordinal_containing(first.start, first.type)
    b = ordinal_containing(last.start, last.type)
    if b < a:
        raise period_error(msg("{given} ends before it starts: put the earlier period first.",
                               given=repr(shown)), shown)
    if limit is not None and b - a + 1 > limit:
        raise period_error(msg(
            "{given} spans {count} periods; at most {limit} can be asked for at once.",
            given=repr(shown), count=b - a + 1, limit=limit), shown)
    return [from_ordinal(first.type, o) for o in range(a, b + 1)]


def periods_in_range(start: date, end: date, ptype: PeriodType) -> list[Period]:
    """The periods of the given type lying wholly between `start` and `end` (both inclusive)."""
    if end < start:
        shown = f"{start.isoformat()}..{end.isoformat()}"
        raise period_error(msg("{given} ends before it starts: put the earlier date first.",
                               given=repr(shown)), shown)
    first = period_containing(start, ptype)
    if first.start < start:
        first = first.next()
    last = period_containing(end, ptype)
    if last.end > end:
        last = last.previous()
    return periods_between(first, last) if first.start <= last.start else []
