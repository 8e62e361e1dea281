"""Reporting periods (kỳ báo cáo): parse, compare, roll up, shift and label them.

Identifiers follow DHIS2 so that data can be exchanged as is: 2022, 2022S1, 2022Q1, 2022-03
(or 202203), 2022W05 (ISO week) and 2022-03-15 (or 20220315). Relative periods such as
LAST_12_MONTHS live in `fansipan.domain.relative_periods`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import total_ordering
from typing import Final

from fansipan.errors import FieldError, ValidationError

__all__ = [
    "ACCEPTED_FORMS",
    "LANGUAGES",
    "MAX_YEAR",
    "MIN_YEAR",
    "Period",
    "PeriodType",
    "cumulative_label",
    "parse_period",
    "parse_period_type",
    "period_containing",
    "periods_between",
    "periods_in_range",
    "year_to_date",
]

MIN_YEAR: Final = 1
MAX_YEAR: Final = 9999
LANGUAGES: Final = ("vi", "en")
ACCEPTED_FORMS: Final = "2022, 2022S1, 2022Q1, 2022-03, 2022W05 or 2022-03-15"


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

    def is_finer_than(self, other: PeriodType) -> bool:
        return self.rank < other.rank

    def is_coarser_than(self, other: PeriodType) -> bool:
        return self.rank > other.rank


_RANKS: Final[dict[PeriodType, int]] = {t: i for i, t in enumerate(PeriodType)}
_NOUNS: Final[dict[PeriodType, str]] = {t: t.value for t in PeriodType} | {
    PeriodType.SIX_MONTH: "half-year"
}
# Months per period for the types that tile the calendar year; weeks and days do not.
_SPANS: Final[dict[PeriodType, int]] = {
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

_EN_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_ROMAN: Final = ("I", "II", "III", "IV")


def _shown(text: str) -> str:
    # Query strings can be arbitrarily long: echo enough to recognise, not the whole payload.
    return text if len(text) <= 40 else text[:39] + "…"


def _error(message: str, value: str, field: str = "period") -> ValidationError:
    # str(error) prints the message and then each field message: keep the latter to the gist.
    gist = message.split(". ", 1)[0].rstrip(".")
    return ValidationError(message, [FieldError(field=field, message=gist, value=value)])


def _not_a_period(shown: str, reason: str, value: str) -> ValidationError:
    message = f"'{_shown(shown)}' is not a period: {reason}. Use {ACCEPTED_FORMS}."
    return ValidationError(message, [FieldError(field="period", message=reason, value=value)])


def _iso_weeks(year: int) -> int:
    # 28 December is always in the last ISO week of its year.
    return date(year, 12, 28).isocalendar().week


def _days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


def _format_id(ptype: PeriodType, year: int, index: int) -> str:
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
    if MIN_YEAR <= year <= MAX_YEAR and 1 <= index <= _days_in_year(year):
        return (date(year, 1, 1) + timedelta(days=index - 1)).isoformat()
    return f"{year:04d} day {index}"


def _problem(ptype: PeriodType, year: int, index: int) -> str | None:
    """Why (type, year, index) is not a period, or None when it is one."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return "year must be 0001–9999"
    if ptype is PeriodType.YEAR:
        return None if index == 1 else "a year's index must be 1"
    if ptype is PeriodType.SIX_MONTH:
        return None if 1 <= index <= 2 else "half-year must be S1 or S2"
    if ptype is PeriodType.QUARTER:
        return None if 1 <= index <= 4 else "quarter must be Q1–Q4"
    if ptype is PeriodType.MONTH:
        return None if 1 <= index <= 12 else "month must be 01–12"
    if ptype is PeriodType.WEEK:
        weeks = _iso_weeks(year)
        if not 1 <= index <= weeks:
            return f"week must be W01–W{weeks} because {year:04d} has {weeks} ISO weeks"
        if date.max.toordinal() - date.fromisocalendar(year, index, 1).toordinal() < 6:
            return "it would end after 9999-12-31, the last supported day"
        return None
    days = _days_in_year(year)
    return None if 1 <= index <= days else f"day of year must be 1–{days} in {year:04d}"


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
                raise _error(
                    f"A period's {name} must be a whole number, not {value!r}.", str(value)
                )
        reason = _problem(self.type, self.year, self.index)
        if reason is not None:
            shown = _format_id(self.type, self.year, self.index)
            raise _not_a_period(shown, reason, shown)

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

    @property
    def id(self) -> str:
        """The canonical identifier, e.g. 2022Q1; `parse_period` reads it back."""
        return _format_id(self.type, self.year, self.index)

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
        return date(self.year, (self.index - 1) * _SPANS[self.type] + 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        if self.type is PeriodType.DAY:
            return self.start
        if self.type is PeriodType.WEEK:
            return self.start + timedelta(days=6)
        month = self.index * _SPANS[self.type]
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def _anchor(self) -> date:
        # A week belongs to the month, quarter and year of its Thursday (ISO 8601, DHIS2).
        return self.start + timedelta(days=3) if self.type is PeriodType.WEEK else self.start

    @property
    def _ordinal(self) -> int:
        return _ordinal_containing(self.start, self.type)

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
            raise _error(
                f"Cannot roll {self} up to a {ptype.noun}: a {ptype.noun} is shorter than a "
                f"{self.type.noun}. Roll up to a coarser type, or use periods_within.",
                self.id,
            )
        if ptype is self.type:
            return self
        return period_containing(self._anchor, ptype)

    def periods_within(self, ptype: PeriodType) -> list[Period]:
        """The periods of a finer (or the same) type that roll up to this one, in order.

        For weeks these are the ISO weeks whose Thursday falls inside this period.
        """
        if ptype.is_coarser_than(self.type):
            raise _error(
                f"Cannot split {self} into {ptype.noun}s: a {ptype.noun} is longer than a "
                f"{self.type.noun}. Split into a finer type, or use roll_up.",
                self.id,
            )
        if ptype is self.type:
            return [self]
        first = _ordinal_containing(self.start, ptype)
        last = _ordinal_containing(self.end, ptype)
        candidates = (_from_ordinal(ptype, o) for o in range(first, last + 1))
        return [p for p in candidates if self.contains(p._anchor)]

    # -- arithmetic --------------------------------------------------------------------------

    def shift(self, n: int) -> Period:
        """The period `n` steps later (earlier when negative) of the same type."""
        try:
            return _from_ordinal(self.type, self._ordinal + n)
        except ValidationError:
            raise _error(
                f"Cannot move {self} by {n} {self.type.noun}(s): periods must lie between "
                "0001-01-01 and 9999-12-31.",
                self.id,
            ) from None

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
            raise _error(f"{self} has no same period last year: periods start in 0001.", self.id)
        if self.type is PeriodType.WEEK:
            return Period.week_of(year, min(self.index, _iso_weeks(year)))
        if self.type is PeriodType.DAY:
            day = self.start
            last_day = calendar.monthrange(year, day.month)[1]
            return Period.day_of(date(year, day.month, min(day.day, last_day)))
        return Period(self.type, year, self.index)

    # -- labels ------------------------------------------------------------------------------

    def label(self, lang: str = "vi") -> str:
        """A name for people: "Quý I/2022" in Vietnamese, "Q1 2022" in English."""
        _check_lang(lang)
        vi = lang == "vi"
        y, i = self.year, self.index
        if self.type is PeriodType.YEAR:
            return f"Năm {y}" if vi else f"{y}"
        if self.type is PeriodType.SIX_MONTH:
            if vi:
                return f"6 tháng {'đầu' if i == 1 else 'cuối'} năm {y}"
            return f"{'Jan–Jun' if i == 1 else 'Jul–Dec'} {y}"
        if self.type is PeriodType.QUARTER:
            return f"Quý {_ROMAN[i - 1]}/{y}" if vi else f"Q{i} {y}"
        if self.type is PeriodType.MONTH:
            return f"Tháng {i}/{y}" if vi else f"{_EN_MONTHS[i - 1]} {y}"
        if self.type is PeriodType.WEEK:
            return f"Tuần {i}/{y}" if vi else f"Week {i} {y}"
        d = self.start
        if vi:
            return f"Ngày {d.day:02d}/{d.month:02d}/{d.year}"
        return f"{d.day} {_EN_MONTHS[d.month - 1]} {d.year}"


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise _error(
            f"'{_shown(str(lang))}' is not a supported language. Use vi or en.",
            str(lang),
            field="lang",
        )


# -- ordinals: one integer per period of a type, consecutive periods differ by one ------------


def _ordinal_containing(day: date, ptype: PeriodType) -> int:
    if ptype is PeriodType.DAY:
        return day.toordinal()
    if ptype is PeriodType.WEEK:
        # Day 1 (0001-01-01) is a Monday, so weeks are the 7-day blocks counted from it.
        return (day.toordinal() - 1) // 7
    span = _SPANS[ptype]
    return day.year * (12 // span) + (day.month - 1) // span


def _from_ordinal(ptype: PeriodType, ordinal: int) -> Period:
    try:
        if ptype is PeriodType.DAY:
            return Period.day_of(date.fromordinal(ordinal))
        if ptype is PeriodType.WEEK:
            iso = date.fromordinal(ordinal * 7 + 1).isocalendar()
            return Period.week_of(iso.year, iso.week)
    except (ValueError, OverflowError):
        raise _error(
            f"That {ptype.noun} is outside the supported calendar (0001-01-01 to 9999-12-31).",
            str(ordinal),
        ) from None
    year, index = divmod(ordinal, 12 // _SPANS[ptype])
    return Period(ptype, year, index + 1)


# -- parsing ----------------------------------------------------------------------------------

_FLAGS: Final = re.IGNORECASE | re.ASCII
_INDEXED: Final = re.compile(r"(\d{4})-?([SQW])(\d{1,2})", _FLAGS)
_MONTH: Final = re.compile(r"(\d{4})(?:-(\d{1,2})|(\d{2}))", _FLAGS)
_DAY: Final = re.compile(r"(\d{4})(?:-(\d{1,2})-(\d{1,2})|(\d{2})(\d{2}))", _FLAGS)
_YEAR: Final = re.compile(r"\d{4}", _FLAGS)
# Vietnamese paperwork writes dates day first; say how to write them instead of guessing.
_DAY_FIRST: Final = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", _FLAGS)
_MONTH_FIRST: Final = re.compile(r"(\d{1,2})[/.](\d{4})", _FLAGS)
_LETTER_TYPES: Final = {"S": PeriodType.SIX_MONTH, "Q": PeriodType.QUARTER, "W": PeriodType.WEEK}


def parse_period(text: str) -> Period:
    """Read a period identifier such as 2022, 2022S1, 2022Q1, 2022-03, 2022W05 or 2022-03-15.

    Also accepted: 202203, 20220315, 2022W5, 2022-W05; letters in any case; surrounding spaces.
    """
    if not isinstance(text, str):
        raise _not_a_period(repr(text), "a period must be text", repr(text))
    s = text.strip()
    if not s:
        raise _not_a_period(s, "it is empty", text)

    if _YEAR.fullmatch(s):
        return _build(PeriodType.YEAR, int(s), 1, s, text)
    if m := _INDEXED.fullmatch(s):
        ptype = _LETTER_TYPES[m.group(2).upper()]
        return _build(ptype, int(m.group(1)), int(m.group(3)), s, text)
    if m := _MONTH.fullmatch(s):
        return _build(PeriodType.MONTH, int(m.group(1)), int(m.group(2) or m.group(3)), s, text)
    if m := _DAY.fullmatch(s):
        year, month = int(m.group(1)), int(m.group(2) or m.group(4))
        day = int(m.group(3) or m.group(5))
        reason = _problem(PeriodType.MONTH, year, month)
        if reason is None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                reason = f"day must be 01–{last} in {year:04d}-{month:02d}"
        if reason is not None:
            raise _not_a_period(s, reason, text)
        return Period.day_of(date(year, month, day))

    if m := _DAY_FIRST.fullmatch(s):
        hint = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        raise _not_a_period(s, f"write the date year first, as {hint}", text)
    if m := _MONTH_FIRST.fullmatch(s):
        hint = f"{m.group(2)}-{int(m.group(1)):02d}"
        raise _not_a_period(s, f"write the month year first, as {hint}", text)
    raise _not_a_period(s, "the form is not recognised", text)


def _build(ptype: PeriodType, year: int, index: int, shown: str, text: str) -> Period:
    reason = _problem(ptype, year, index)
    if reason is not None:
        raise _not_a_period(shown, reason, text)
    return Period(ptype, year, index)


def parse_period_type(text: str) -> PeriodType:
    """Read a period type: day, week, month, quarter, six_month, year (or DHIS2's Monthly...)."""
    key = str(text).strip().lower().replace("-", "_")
    found = _TYPE_ALIASES.get(key) or _TYPE_ALIASES.get(key.replace("_", ""))
    if found is None:
        raise _error(
            f"'{_shown(str(text))}' is not a period type. Use day, week, month, quarter, "
            "six_month or year.",
            str(text),
            field="period_type",
        )
    return found


# -- sets of periods --------------------------------------------------------------------------


def period_containing(day: date, ptype: PeriodType) -> Period:
    """The period of the given type that holds `day` (for weeks, the ISO week)."""
    if ptype is PeriodType.DAY:
        return Period.day_of(day)
    if ptype is PeriodType.WEEK:
        iso = day.isocalendar()
        return Period.week_of(iso.year, iso.week)
    return Period(ptype, day.year, (day.month - 1) // _SPANS[ptype] + 1)


def periods_between(first: Period, last: Period, *, limit: int | None = None) -> list[Period]:
    """Every period from `first` to `last` inclusive; both must be of the same type.

    With `limit`, a longer list is refused rather than built (for ranges from query strings).
    """
    shown = f"{first}..{last}"
    if first.type is not last.type:
        raise _error(
            f"'{shown}' mixes a {first.type.noun} and a {last.type.noun}: both ends of a range "
            "must be of the same type, as in 2022-01..2022-06.",
            shown,
        )
    a, b = first._ordinal, last._ordinal
    if b < a:
        raise _error(f"'{shown}' ends before it starts: put the earlier period first.", shown)
    if limit is not None and b - a + 1 > limit:
        raise _error(
            f"'{shown}' spans {b - a + 1} periods; at most {limit} can be asked for at once.",
            shown,
        )
    return [_from_ordinal(first.type, o) for o in range(a, b + 1)]


def periods_in_range(start: date, end: date, ptype: PeriodType) -> list[Period]:
    """The periods of the given type lying wholly between `start` and `end` (both inclusive)."""
    if end < start:
        shown = f"{start.isoformat()}..{end.isoformat()}"
        raise _error(f"'{shown}' ends before it starts: put the earlier date first.", shown)
    first = period_containing(start, ptype)
    if first.start < start:
        first = first.next()
    last = period_containing(end, ptype)
    if last.end > end:
        last = last.previous()
    return periods_between(first, last) if first.start <= last.start else []


# -- year to date (lũy kế từ đầu năm) -------------------------------------------------------


def _months_to_date(period: Period) -> int:
    if period.type not in _SPANS:
        raise _error(
            f"Year to date needs a month, quarter, half-year or year, but {period} is a "
            f"{period.type.noun}.",
            period.id,
        )
    return period.end.month


def year_to_date(period: Period) -> list[Period]:
    """The months from January to the last month of a month, quarter, half-year or year.

    2022Q3 gives 2022-01 to 2022-09: the months a Vietnamese "9 tháng" report adds up.
    """
    months = _months_to_date(period)
    return [Period.month_of(period.year, m) for m in range(1, months + 1)]


def cumulative_label(period: Period, lang: str = "vi") -> str:
    """The name of the year-to-date total ending with `period`: "9 tháng đầu năm 2022"."""
    _check_lang(lang)
    months = _months_to_date(period)
    year = period.year
    if months == 1:
        return Period.month_of(year, 1).label(lang)
    if months == 12:
        return f"Cả năm {year}" if lang == "vi" else f"Full year {year}"
    if lang == "vi":
        return f"{months} tháng đầu năm {year}"
    return f"January–{_EN_MONTHS[months - 1]} {year}"
