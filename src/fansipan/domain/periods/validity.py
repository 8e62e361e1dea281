"""Which (type, year, index) triples are periods, and the identifier of each."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Final

from fansipan.domain.periods.period_type import PeriodType
from fansipan.errors import Message, msg

MIN_YEAR: Final = 1
MAX_YEAR: Final = 9999


def iso_weeks(year: int) -> int:
    # 28 December is always in the last ISO week of its year.
    return date(year, 12, 28).isocalendar().week


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def format_id(ptype: PeriodType, year: int, index: int) -> str:
    if ptype is PeriodType.YEAR:
        return f"{year:04d}"
    if ptype is PeriodType.SIX_MONTH:
        return f"{year:04d}S{index}"
    if ptype is PeriodType.QUARTER:
        return f"{year:04d}Q{index}"
    if ptype is PeriodType.MONTH:
        return f"{year:04d}-{index:02d}"
    if ptype is PeriodType.WEEK:
        return f"{year:04d}W{index:02d}"
    if MIN_YEAR <= year <= MAX_YEAR and 1 <= index <= days_in_year(year):
        return (date(year, 1, 1) + timedelta(days=index - 1)).isoformat()
    return f"{year:04d} day {index}"


def problem_of(ptype: PeriodType, year: int, index: int) -> Message | None:
    """Why (type, year, index) is not a period, or None when it is one."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return msg("year must be 0001–9999")
    if ptype is PeriodType.YEAR:
        return None if index == 1 else msg("a year's index must be 1")
    if ptype is PeriodType.SIX_MONTH:
        return None if 1 <= index <= 2 else msg("half-year must be S1 or S2")
    if ptype is PeriodType.QUARTER:
        return None if 1 <= index <= 4 else msg("quarter must be Q1–Q4")
    if ptype is PeriodType.MONTH:
        return None if 1 <= index <= 12 else msg("month must be 01–12")
    if ptype is PeriodType.WEEK:
        weeks = iso_weeks(year)
        if not 1 <= index <= weeks:
            return msg("week must be W01–W{weeks} because {year} has {weeks} ISO weeks",
                       weeks=weeks, year=f"{year:04d}")
        if date.max.toordinal() - date.fromisocalendar(year, index, 1).toordinal() < 6:
            return msg("it would end after 9999-12-31, the last supported day")
        return None
    days = days_in_year(year)
    return None if 1 <= index <= days else msg("day of year must be 1–{days} in {year}",
                                               days=days, year=f"{year:04d}")
