"""Relative periods (DHIS2 names such as LAST_12_MONTHS) resolved against a reference date.

As in DHIS2, THIS_x is the period holding the reference date and LAST_n_x are the n complete
periods before it, so LAST_12_MONTHS on 2022-03-15 is 2021-03..2022-02. Lists run oldest first.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date
from typing import Final

from fansipan.domain.periods import (
    Period,
    PeriodType,
    parse_period,
    period_containing,
    periods_between,
    year_to_date,
)
from fansipan.domain.periods.parsing import fold, year_to_date_of
from fansipan.errors import FieldError, Message, ValidationError, msg

__all__ = [
    "MAX_PERIODS",
    "RELATIVE_PERIODS",
    "is_relative",
    "parse_periods",
    "resolve_relative",
]

# A range in a query string is user input: refuse one that would build millions of periods.
# Ten thousand still allows 27 years of days.
MAX_PERIODS: Final = 10_000

_Resolver = Callable[[date], list[Period]]

_DAY, _WEEK, _MONTH = PeriodType.DAY, PeriodType.WEEK, PeriodType.MONTH
_QUARTER, _SIX_MONTH, _YEAR = PeriodType.QUARTER, PeriodType.SIX_MONTH, PeriodType.YEAR


def _this(ptype: PeriodType) -> _Resolver:
    def resolve(today: date) -> list[Period]:
        return [period_containing(today, ptype)]

    return resolve


def _last(ptype: PeriodType, n: int) -> _Resolver:
    def resolve(today: date) -> list[Period]:
        current = period_containing(today, ptype)
        return periods_between(current.shift(-n), current.shift(-1))

    return resolve


def _in_year(ptype: PeriodType, years_back: int) -> _Resolver:
    def resolve(today: date) -> list[Period]:
        return Period.year_of(today.year - years_back).periods_within(ptype)

    return resolve


def _year_to_date(today: date) -> list[Period]:
    return year_to_date(period_containing(today, _MONTH))


_RESOLVERS: Final[dict[str, _Resolver]] = {
    "TODAY": _this(_DAY),
    "YESTERDAY": _last(_DAY, 1),
    "LAST_3_DAYS": _last(_DAY, 3),
    "LAST_7_DAYS": _last(_DAY, 7),
    "LAST_14_DAYS": _last(_DAY, 14),
    "LAST_30_DAYS": _last(_DAY, 30),
    "LAST_60_DAYS": _last(_DAY, 60),
    "LAST_90_DAYS": _last(_DAY, 90),
    "LAST_180_DAYS": _last(_DAY, 180),
    "THIS_WEEK": _this(_WEEK),
    "LAST_WEEK": _last(_WEEK, 1),
    "LAST_4_WEEKS": _last(_WEEK, 4),
    "LAST_12_WEEKS": _last(_WEEK, 12),
    "LAST_52_WEEKS": _last(_WEEK, 52),
    "WEEKS_THIS_YEAR": _in_year(_WEEK, 0),
    "THIS_MONTH": _this(_MONTH),
    "LAST_MONTH": _last(_MONTH, 1),
    "LAST_3_MONTHS": _last(_MONTH, 3),
    "LAST_6_MONTHS": _last(_MONTH, 6),
    "LAST_12_MONTHS": _last(_MONTH, 12),
    "MONTHS_THIS_YEAR": _in_year(_MONTH, 0),
    "MONTHS_LAST_YEAR": _in_year(_MONTH, 1),
    "YEAR_TO_DATE": _year_to_date,
    "THIS_QUARTER": _this(_QUARTER),
    "LAST_QUARTER": _last(_QUARTER, 1),
    "LAST_4_QUARTERS": _last(_QUARTER, 4),
    "QUARTERS_THIS_YEAR": _in_year(_QUARTER, 0),
    "QUARTERS_LAST_YEAR": _in_year(_QUARTER, 1),
    "THIS_SIX_MONTH": _this(_SIX_MONTH),
    "LAST_SIX_MONTH": _last(_SIX_MONTH, 1),
    "LAST_2_SIXMONTHS": _last(_SIX_MONTH, 2),
    "THIS_YEAR": _this(_YEAR),
    "LAST_YEAR": _last(_YEAR, 1),
    "LAST_5_YEARS": _last(_YEAR, 5),
    "LAST_10_YEARS": _last(_YEAR, 10),
}

RELATIVE_PERIODS: Final[tuple[str, ...]] = tuple(_RESOLVERS)

# The same, as Vietnamese reports say them (matched without diacritics).
_VIETNAMESE: Final[dict[str, str]] = {
    "hom nay": "TODAY", "hom qua": "YESTERDAY",
    "tuan nay": "THIS_WEEK", "tuan truoc": "LAST_WEEK",
    "thang nay": "THIS_MONTH", "thang truoc": "LAST_MONTH",
    "3 thang qua": "LAST_3_MONTHS", "6 thang qua": "LAST_6_MONTHS",
    "12 thang qua": "LAST_12_MONTHS", "12 thang gan nhat": "LAST_12_MONTHS",
    "quy nay": "THIS_QUARTER", "quy truoc": "LAST_QUARTER",
    "nam nay": "THIS_YEAR", "nam truoc": "LAST_YEAR", "nam ngoai": "LAST_YEAR",
    "5 nam qua": "LAST_5_YEARS", "10 nam qua": "LAST_10_YEARS",
    "tu dau nam": "YEAR_TO_DATE", "luy ke tu dau nam": "YEAR_TO_DATE",
    "luy ke": "YEAR_TO_DATE",
}

_EXAMPLES: Final = ("THIS_MONTH", "LAST_12_MONTHS", "THIS_QUARTER", "THIS_YEAR", "YEAR_TO_DATE")


def _normalise(name: str) -> str:
    said = _VIETNAMESE.get(fold(name))
    return said if said is not None else name.strip().upper()


def is_relative(name: str) -> bool:
    """Whether `name` is a supported relative period (any case, surrounding spaces ignored)."""
    return isinstance(name, str) and _normalise(name) in _RESOLVERS


def resolve_relative(name: str, today: date) -> list[Period]:
    """The periods a relative period name stands for on the reference date, oldest first."""
    resolver = _RESOLVERS.get(_normalise(name)) if isinstance(name, str) else None
    if resolver is None:
        raise _unknown(str(name), msg("a relative period"))
    return resolver(today)


def parse_periods(spec: str, today: date) -> list[Period]:
    """Read a query parameter: a period id, a relative name, or a range such as 2022-01..2022-06.

    A range must join two periods of one type, earliest first, and span at most MAX_PERIODS.
    """
    text = spec.strip() if isinstance(spec, str) else ""
    if ".." in text:
        first, _, last = (part.strip() for part in text.partition(".."))
        if not first or not last or ".." in last:
            raise _invalid(msg(
                "{given} is not a range: a range has two ends, as in 2022-01..2022-06.",
                given=repr(_shown(text))), spec)
        return periods_between(parse_period(first), parse_period(last), limit=MAX_PERIODS)
    if is_relative(text):
        return resolve_relative(text, today)
    to_date = year_to_date_of(text)
    if to_date is not None:  # "9 tháng đầu năm 2022": January to September
        year, months = to_date
        return year_to_date(Period.month_of(year, months))
    # Every period id starts with a digit; a name that is no period was meant as a
    # relative one.
    if text and not text[0].isdigit():
        try:
            return [parse_period(text)]
        except ValidationError:
            raise _unknown(text, msg("a period, a range or a relative period"), spec) from None
    return [parse_period(text)]


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def _invalid(message: Message, value: str, gist: Message | None = None) -> ValidationError:
    return ValidationError(message, [FieldError(field="period", message=gist or message,
                                                value=value)])


def _unknown(name: str, what: Message, value: str | None = None) -> ValidationError:
    close = difflib.get_close_matches(_normalise(name), RELATIVE_PERIODS, n=3, cutoff=0.6)
    given = repr(_shown(name.strip()))
    examples = ", ".join(_EXAMPLES)
    if close:
        message = msg("{given} is not {what}. Did you mean {options}? Relative periods include "
                      "{examples}; periods are written 2022, 2022Q1, 2022-03, 2022-03-15 or "
                      "Quý I/2022.", given=given, what=what, options=", ".join(close),
                      examples=examples)
    else:
        message = msg("{given} is not {what}. Relative periods include {examples}; periods "
                      "are written 2022, 2022Q1, 2022-03, 2022-03-15 or Quý I/2022.",
                      given=given, what=what, examples=examples)
    gist = msg("{given} is not {what}", given=given, what=what)
    return _invalid(message, name if value is None else value, gist)
