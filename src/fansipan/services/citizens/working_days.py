"""The working-day calendar the citizens' deadlines are counted with, in one place.

Deadlines of field reports are promised in working days. The holiday calendar
(Vietnamese public holidays, Tết) belongs to the direction capability; until it is in
this code base, weekends are the only days off here. Everything in this room that counts
working days takes `add_working_days` from this module and nowhere else, so switching to
the holiday calendar is one line.
"""

from __future__ import annotations

from datetime import date, timedelta

from fansipan.domain.service_request_deadlines import AddWorkingDays

_SATURDAY = 5


def weekdays_only(start: date, n: int) -> date:
    """`start` moved on by `n` working days, Saturdays and Sundays being the days off.

    n = 0 is `start` itself, even on a weekend (a report received on a Sunday with a
    same-day promise is due that Sunday).
    """
    if n < 0:
        raise ValueError(f"working days are counted forward, not {n}")
    day = start
    left = n
    while left:
        day += timedelta(days=1)
        if day.weekday() < _SATURDAY:
            left -= 1
    return day


#: The calendar every deadline of this room is counted with.
add_working_days: AddWorkingDays = weekdays_only
