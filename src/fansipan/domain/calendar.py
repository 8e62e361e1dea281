"""Vietnam's working days (ngày làm việc) for deadlines counted in working days.

A day is a working day unless it is a Saturday or Sunday, a public holiday, or a day off
that the Government swapped in (ngày nghỉ bù, ngày nghỉ thay). A Saturday or Sunday that
the Government turned into a working day in exchange (ngày làm bù) is a working day.

The public holidays, Tết by the lunar calendar included, and the swaps already announced
come from the maintained `holidays` library (its Vietnamese data cites the Labour Code
and the Government's yearly notices). Swaps are announced every year, sometimes late, so
a deployment adds what the library does not know yet: `extra_days_off` (a day given off)
and `extra_working_days` (a Saturday made a working day). What the deployment says wins
over the library, so a wrong or missing library entry can be corrected without a release.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from typing import Final

import holidays
from holidays.countries.vietnam import VietnamStaticHolidays

from fansipan.domain.bilingual import invalid

__all__ = [
    "MAX_WORKING_DAYS",
    "WorkingCalendar",
    "vietnam_calendar",
]

# Deadlines in directives run to weeks or months; ten years of working days is a typo.
MAX_WORKING_DAYS: Final = 2600
_SATURDAY: Final = 5
_ONE_DAY: Final = timedelta(days=1)


def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


@cache
def _library_days_off(year: int) -> dict[date, str]:
    """The library's public holidays and swapped days off of a year, with Vietnamese names."""
    found = holidays.country_holidays("VN", years=year, language="vi")
    return {day: str(name) for day, name in found.items()}


@cache
def _library_working_weekend_days() -> dict[int, frozenset[date]]:
    """Weekend days the library's data turned into working days, by their year.

    The library writes a swap as (month off, day off, month worked, day worked[, year
    worked]): the day off is one of its holidays, the day worked is only in this table.
    """
    by_year: dict[int, set[date]] = {}
    table: dict[int, object] = dict(VietnamStaticHolidays.special_public_holidays)
    for year, entries in table.items():
        for row in _swap_rows(entries):
            worked = date(row[4] if len(row) == 5 else year, row[2], row[3])
            if worked.weekday() >= _SATURDAY:
                by_year.setdefault(worked.year, set()).add(worked)
    return {y: frozenset(days) for y, days in by_year.items()}


def _swap_rows(entries: object) -> list[tuple[int, ...]]:
    rows = entries if isinstance(entries, tuple) and entries and isinstance(
        entries[0], tuple) else (entries,)
    checked: list[tuple[int, ...]] = []
    for row in rows:
        if not (isinstance(row, tuple) and len(row) in (4, 5)
                and all(isinstance(x, int) for x in row)):
            raise RuntimeError(  # the library changed shape: fail loudly, never guess
                f"holidays' Vietnamese swap table has an entry {row!r} of an unknown shape; "
                "pin the holidays version that passed the tests."
            )
        checked.append(row)
    return checked


@dataclass(frozen=True)
class _Year:
    days_off: dict[date, str]  # weekday holidays and swaps as well as holidays on weekends
    made_working: frozenset[date]  # weekend days (or holidays) that are worked


@dataclass(frozen=True)
class WorkingCalendar:
    """Vietnam's working days, corrected by the deployment's own announcements.

    `extra_days_off` maps each added day off to its name (e.g. a provincial decision);
    `extra_working_days` lists weekend days made working days. A day cannot be in both.
    With `public_holidays` False only weekends and the extra days count (for tests and for
    bodies that follow a calendar of their own).
    """

    extra_days_off: tuple[tuple[date, str], ...] = ()
    extra_working_days: frozenset[date] = frozenset()
    public_holidays: bool = True
    _years: dict[int, _Year] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        clash = sorted({d for d, _ in self.extra_days_off} & self.extra_working_days)
        if clash:
            shown = ", ".join(_vn(d) for d in clash)
            raise invalid(
                "extra_working_days",
                f"Ngày {shown} vừa là ngày nghỉ vừa là ngày làm việc; bỏ ngày đó khỏi một "
                "trong hai danh sách",
                f"{shown} is both a day off and a working day; remove it from one of the "
                "two lists",
                value=shown,
            )

    @classmethod
    def build(
        cls,
        *,
        days_off: Iterable[date] | dict[date, str] = (),
        working_days: Iterable[date] = (),
        public_holidays: bool = True,
    ) -> WorkingCalendar:
        """A calendar from plain lists, as settings hold them."""
        named = (
            dict(days_off)
            if isinstance(days_off, dict)
            else dict.fromkeys(days_off, "Ngày nghỉ theo thông báo")
        )
        return cls(
            extra_days_off=tuple(sorted(named.items())),
            extra_working_days=frozenset(working_days),
            public_holidays=public_holidays,
        )

    # -- one year at a time, computed once ------------------------------------------------

    def _year(self, year: int) -> _Year:
        found = self._years.get(year)
        if found is not None:
            return found
        extra_off = {d: name for d, name in self.extra_days_off if d.year == year}
        if self.public_holidays:
            library_off = _library_days_off(year)
            library_on = _library_working_weekend_days().get(year, frozenset())
        else:
            library_off, library_on = {}, frozenset()
        # A weekday that is a working day anyway changes nothing and is not listed.
        extra_on = {
            d for d in self.extra_working_days
            if d.year == year and (d.weekday() >= _SATURDAY or d in library_off)
        }
        days_off = {d: n for d, n in library_off.items() if d not in extra_on} | extra_off
        working = frozenset((library_on - extra_off.keys()) | extra_on)
        found = _Year(days_off=days_off, made_working=working)
        self._years[year] = found
        return found

    # -- questions about one day --------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        """Whether officials work on `day`."""
        year = self._year(day.year)
        if day in year.made_working:
            return True
        if day in year.days_off:
            return False
        return day.weekday() < _SATURDAY

    def day_off_name(self, day: date) -> str | None:
        """The Vietnamese name of a holiday or swapped day off, None on other days."""
        return self._year(day.year).days_off.get(day)

    def days_off(self, year: int) -> dict[date, str]:
        """The holidays and swapped days off of a year (weekends not listed), in order."""
        return dict(sorted(self._year(year).days_off.items()))

    def made_working_days(self, year: int) -> list[date]:
        """The days of a year that are worked although they would be off, in order: the
        Saturdays of the swaps, and any holiday the deployment declared a working day."""
        return sorted(self._year(year).made_working)

    # -- counting -------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The `n`-th working day after `start` (before it when `n` is negative).

        `start` itself is not counted, as with "within 10 working days of receipt": a
        document received on Friday 13/02/2026 with 3 working days is due on Wednesday
        25/02/2026, since Tết 2026 closes 16–20/02. With `n` = 0 it is `start` unchanged.
        """
        if isinstance(n, bool) or not isinstance(n, int):
            raise invalid("working_days", f"Số ngày làm việc phải là số nguyên, không phải {n!r}",
                          f"The number of working days must be a whole number, not {n!r}",
                          value=n)
        if abs(n) > MAX_WORKING_DAYS:
            raise invalid(
                "working_days",
                f"{n} ngày làm việc là quá xa; ghi tối đa {MAX_WORKING_DAYS} ngày, hoặc ghi "
                "hạn là một ngày cụ thể",
                f"{n} working days is too far; use at most {MAX_WORKING_DAYS}, or give the "
                "deadline as a date",
                value=n,
            )
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        day, left = start, abs(n)
        while left:
            day += step
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """The working days after `a` up to and including `b`; negative when `b` is before `a`.

        It is the inverse of `add_working_days`: for a working day `b` after `a`,
        `add_working_days(a, working_days_between(a, b)) == b`. A task due on `a` and still
        open on `b` is that many working days overdue.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return sum(1 for d in _days(a + _ONE_DAY, b) if self.is_working_day(d))

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _ONE_DAY
        return day

    def working_days_in_month(self, year: int, month: int) -> int:
        """How many working days a month has (for pro-rata progress and staffing)."""
        last = _gregorian.monthrange(year, month)[1]
        return sum(
            1 for d in _days(date(year, month, 1), date(year, month, last))
            if self.is_working_day(d)
        )


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


@cache
def vietnam_calendar() -> WorkingCalendar:
    """The national calendar with nothing added: the library's holidays and swaps."""
    return WorkingCalendar()
