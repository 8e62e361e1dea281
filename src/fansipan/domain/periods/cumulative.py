"""The year-to-date stretch (lũy kế từ đầu năm): the months it adds up, its name, and how
a page asks for it ("9 tháng đầu năm 2026" is no single period, so it travels as the run
of its months, 2026-01..2026-09)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Final

from fansipan.domain.periods.labels import EN_MONTHS, check_lang
from fansipan.domain.periods.messages import period_error
from fansipan.domain.periods.parsing import parse_period, year_to_date_of
from fansipan.domain.periods.period import Period
from fansipan.domain.periods.period_type import SPANS, PeriodType
from fansipan.errors import msg


def _months_to_date(period: Period) -> int:
    if period.type not in SPANS:
        raise period_error(msg(
            "Year to date needs a month, quarter, half-year or year, but {period} is a {kind}.",
            period=period.id, kind=period.type.word), period.id)
    return period.end.month


def year_to_date(period: Period) -> list[Period]:
    """The months from January to the last month of a month, quarter, half-year or year.

    2022Q3 gives 2022-01 to 2022-09: the months a Vietnamese "9 tháng" report adds up.
    """
    months = _months_to_date(period)
    return [Period.month_of(period.year, m) for m in range(1, months + 1)]


def cumulative_label(period: Period, lang: str = "vi") -> str:
    """The name of the year-to-date total ending with `period`: "9 tháng đầu năm 2022"."""
    check_lang(lang)
    months = _months_to_date(period)
    year = period.year
    if months == 1:
        return Period.month_of(year, 1).label(lang)
    if months == 12:
        return f"Cả năm {year}" if lang == "vi" else f"Full year {year}"
    if lang == "vi":
        return f"{months} tháng đầu năm {year}"
    return f"January–{EN_MONTHS[months - 1]} {year}"


def to_date_label(day: date, lang: str = "vi") -> str:
    """How a year's figure read from January to the end of `day`'s month is named beside
    the year's target: "lũy kế đến hết tháng 9/2026", "year to date, to the end of
    September 2026". Never "9 tháng đầu năm", which names a period of its own."""
    check_lang(lang)
    if lang == "vi":
        return f"lũy kế đến hết tháng {day.month}/{day.year}"
    return f"year to date, to the end of {EN_MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Reading:
    """A period asked for on a page: one period, or the year to date ending with it."""

    period: Period
    to_date: bool = False

    @property
    def id(self) -> str:
        """What a page sends back: the period's id, or the run of months (2026-01..2026-09)."""
        if not self.to_date:
            return self.period.id
        return f"{self.period.year}-01..{self.period.year}-{self.period.end.month:02d}"


_WHOLE: Final = {3: PeriodType.QUARTER, 6: PeriodType.SIX_MONTH, 12: PeriodType.YEAR}
_RUN: Final = re.compile(r"(\d{4})-01\.\.(\d{4})-(\d{1,2})")


def year_to_date_id(period: Period) -> str:
    """The id of the year to date ending with `period`: 2022Q3 gives 2022-01..2022-09."""
    return Reading(period, to_date=True).id


def read_period(text: str) -> Reading:
    """A page's period: an id or name `parse_period` reads, or a year to date written as
    the run of its months (2022-01..2022-09) or by name ("9 tháng đầu năm 2022").

    A run that is itself a period (January–June) is read as that period.
    """
    s = text.strip() if isinstance(text, str) else ""
    run = _RUN.fullmatch(s)
    if run is not None and run.group(1) == run.group(2):
        year, months = int(run.group(1)), int(run.group(3))
    elif (named := year_to_date_of(s)) is not None:
        year, months = named
    else:
        return Reading(parse_period(text))
    if not 1 <= months <= 12:
        raise period_error(msg("{given} is not a year to date: it must end in a month from "
                               "01 to 12, as in {year}-01..{year}-09", given=repr(s),
                               year=year), s)
    if months == 1:
        return Reading(Period.month_of(year, 1))
    if months in _WHOLE:
        return Reading(Period(_WHOLE[months], year, 1))
    return Reading(parse_period(f"{year}-{months:02d}"), to_date=True)
