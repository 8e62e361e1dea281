"""One reporting period: its dates, its order among others, its roll-ups and steps."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property, total_ordering

from fansipan.domain.periods.labels import period_label
from fansipan.domain.periods.messages import not_a_period, period_error
from fansipan.domain.periods.period_type import SPANS, PeriodType, parse_period_type
from fansipan.domain.periods.validity import MIN_YEAR, format_id, iso_weeks, problem_of
from fansipan.errors import ValidationError, msg


@total_ordering
@dataclass(frozen=True, repr=False)
class Period:
    """One reporting period: a type, a year (the ISO year for weeks) and an index in it.

    The index is the half (1–2), quarter (1–4), month (1–12), ISO week (1–53) or day of
    the year (1–366); a year's index is 1. Prefer the `*_of` constructors or `parse_period`.
    """

    type: PeriodType
    year: int
    index: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.type, PeriodType):
            object.__setattr__(self, "type", parse_period_type(str(self.type)))
        for name in ("year", "index"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise period_error(msg("A period's {name} must be a whole number, not {value}.",
                                       name=name, value=repr(value)), str(value))
        reason = problem_of(self.type, self.year, self.index)
        if reason is not None:
            shown = format_id(self.type, self.year, self.index)
            raise not_a_period(shown, reason, shown)

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(PeriodType.YEAR, year, 1)

    @classmethod
    def six_month_of(cls, year: int, half: int) -> Period:
        return cls(PeriodType.SIX_MONTH, year, half)

    @classmethod
    def quarter_of(cls, year: int, quarter: int) -> Period:
        return cls(PeriodType.QUARTER, year, quarter)

    @classmethod
    def month_of(cls, year: int, month: int) -> Period:
        return cls(PeriodType.MONTH, year, month)

    @classmethod
    def week_of(cls, iso_year: int, week: int) -> Period:
        return cls(PeriodType.WEEK, iso_year, week)

    @classmethod
    def day_of(cls, day: date) -> Period:
        return cls(PeriodType.DAY, day.year, day.toordinal() - date(day.year, 1, 1).toordinal() + 1)

    # -- identity and dates ------------------------------------------------------------------

    @cached_property
    def id(self) -> str:
        """The canonical identifier, e.g. 2022Q1; `parse_period` reads it back. Kept on
        the period once made (a frozen period never changes; answers ask it by thousands)."""
        return format_id(self.type, self.year, self.index)

    def __str__(self) -> str:
        return self.id

    def __repr__(self) -> str:
        return f"Period('{self.id}')"

    @property
    def start(self) -> date:
        """The first day of the period."""
        if self.type is PeriodType.DAY:
            return date(self.year, 1, 1) + timedelta(days=self.index - 1)
        if self.type is PeriodType.WEEK:
            return date.fromisocalendar(self.year, self.index, 1)
        return date(self.year, (self.index - 1) * SPANS[self.type] + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        if self.type is PeriodType.DAY:
            return self.start
        if self.type is PeriodType.WEEK:
            return self.start + timedelta(days=6)
        month = self.index * SPANS[self.type]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def _anchor(self) -> date:
        # A week belongs to the month, quarter and year of its Thursday (ISO 8601, DHIS2).
        return self.start + timedelta(days=3) if self.type is PeriodType.WEEK else self.start

    @property
    def _ordinal(self) -> int:
        return ordinal_containing(self.start, self.type)

    # -- ordering: by start date, then the finer period first --------------------------------

    def _key(self) -> tuple[date, int]:
        return (self.start, self.type.rank)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return self._key() < other._key()

    # -- hierarchy ---------------------------------------------------------------------------

    def contains(self, other: Period | date) -> bool:
        """Whether every day of `other` (a period or a single day) lies in this period."""
        if isinstance(other, Period):
            return self.start <= other.start and other.end <= self.end
        if isinstance(other, datetime):
            # date and datetime refuse to compare; a timestamp counts as its calendar day.
            other = other.date()
        return self.start <= other <= self.end

    def roll_up(self, ptype: PeriodType) -> Period:
        """The period of a coarser (or the same) type this one belongs to.

        A week belongs to the period holding its Thursday, so 2020W53 rolls up to 2020 even
        though it ends on 2021-01-03.
        """
        if ptype.is_finer_than(self.type):
            raise period_error(msg(
                "Cannot roll {period} up to a {coarse}: a {coarse} is shorter than a {kind}. "
                "Roll up to a coarser type, or use periods_within.", period=self.id,
                coarse=ptype.word, kind=self.type.word), self.id)
        if ptype is self.type:
            return self
        return period_containing(self._anchor, ptype)

    def periods_within(self, ptype: PeriodType) -> list[Period]:
        """The periods of a finer (or the same) type that roll up to this one, in order.

        For weeks these are the ISO weeks whose Thursday falls inside this period.
        """
        if ptype.is_coarser_than(self.type):
            raise period_error(msg(
                "Cannot split {period} into {fine} periods: a {fine} is longer than a {kind}. "
                "Split into a finer type, or use roll_up.", period=self.id, fine=ptype.word,
                kind=self.type.word), self.id)
        if ptype is self.type:
            return [self]
        first = ordinal_containing(self.start, ptype)
        last = ordinal_containing(self.end, ptype)
        candidates = (from_ordinal(ptype, o) for o in range(first, last + 1))
        return [p for p in candidates if self.contains(p._anchor)]

    # -- arithmetic --------------------------------------------------------------------------

    def shift(self, n: int) -> Period:
        """The period `n` steps later (earlier when negative) of the same type."""
        try:
            return from_ordinal(self.type, self._ordinal + n)
        except ValidationError:
            raise period_error(msg(
                "Cannot move {period} by {n} {kind}(s): periods must lie between 0001-01-01 "
                "and 9999-12-31.", period=self.id, n=n, kind=self.type.word), self.id) from None

    def next(self) -> Period:
        return self.shift(1)

    def previous(self) -> Period:
        return self.shift(-1)

    def same_period_last_year(self) -> Period:
        """The matching period a year earlier, for year-on-year comparison (cùng kỳ năm trước).

        Week 53 maps to the last week of a 52-week year, and 29 February to 28 February.
        """
        year = self.year - 1
        if year < MIN_YEAR:
            raise period_error(msg(
                "{period} has no same period last year: periods start in 0001.",
                period=self.id), self.id)
        if self.type is PeriodType.WEEK:
            return Period.week_of(year, min(self.index, iso_weeks(year)))
        if self.type is PeriodType.DAY:
            day = self.start
            last_day = calendar.monthrange(year, day.month)[1]
            return Period.day_of(date(year, day.month, min(day.day, last_day)))
        return Period(self.type, year, self.index)

    # -- labels ------------------------------------------------------------------------------

    def label(self, lang: str = "vi") -> str:
        """A name for people: "Quý I/2022" in Vietnamese, "Q1 2022" in English."""
        return period_label(self, lang)


# -- ordinals: one integer per period of a type, consecutive periods differ by one ------------


def ordinal_containing(day: date, ptype: PeriodType) -> int:
    if ptype is PeriodType.DAY:
        return day.toordinal()
    if ptype is PeriodType.WEEK:
        # Day 1 (0001-01-01) is a Monday, so weeks are the 7-day blocks counted from it.
        return (day.toordinal() - 1) // 7
    span = SPANS[ptype]
    return day.year * (12 // span) + (day.month - 1) // span


def from_ordinal(ptype: PeriodType, ordinal: int) -> Period:
    try:
        if ptype is PeriodType.DAY:
            return Period.day_of(date.fromordinal(ordinal))
        if ptype is PeriodType.WEEK:
            iso = date.fromordinal(ordinal * 7 + 1).isocalendar()
            return Period.week_of(iso.year, iso.week)
    except (ValueError, OverflowError):
        raise period_error(msg(
            "That {kind} is outside the supported calendar (0001-01-01 to 9999-12-31).",
            kind=ptype.word), str(ordinal)) from None
    year, index = divmod(ordinal, 12 // SPANS[ptype])
    return Period(ptype, year, index + 1)


def period_containing(day: date, ptype: PeriodType) -> Period:
    """The period of the given type that holds `day` (for weeks, the ISO week)."""
    if ptype is PeriodType.DAY:
        return Period.day_of(day)
    if ptype is PeriodType.WEEK:
        iso = day.isocalendar()
        return Period.week_of(iso.year, iso.week)
    return Period(ptype, day.year, (day.month - 1) // SPANS[ptype] + 1)
