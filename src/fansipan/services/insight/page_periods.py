"""The period a summary page (the overview, a sector) is read for, and its picker.

These pages offer what the indicator pages offer (years, quarters, halves, nine months,
months), down to the finest kind their indicators are entered at. A part of a year is
shown as the engine names and compares it; the year's targets beside it are read from
January to the part's end (`targets_to`), since targets are set for a year.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.periods.choices import WINDOWS, ChoiceGroup, period_choices
from fansipan.domain.periods.cumulative import Reading, read_period
from fansipan.domain.periods.messages import period_error
from fansipan.errors import msg
from fansipan.services.catalog import Catalog
from fansipan.services.insight.spans import data_through


def read_page_period(period: str | None, year: int | None, today: date) -> Reading:
    """`period` as the indicator pages read it; else `year` (how these pages were asked
    before they had a picker); else the running year.

    Weeks and days are refused: a page of yearly targets has nothing to say of them.
    """
    asked = read_period(period) if period else Reading(Period.year_of(year or today.year))
    if asked.period.type not in WINDOWS:
        raise period_error(
            msg("{period} is a {kind}: this page is read by year, half-year, quarter, nine "
                "months or month, such as {year}Q3 or {year}-09", period=asked.period.id,
                kind=asked.period.type.word, year=asked.period.year),
            period or "", gist=msg("choose a year, a half-year, a quarter, nine months or a "
                                   "month"))
    return asked


def newest_month(catalog: Catalog, warehouse: Warehouse, indicators: Sequence[Indicator],
                 today: date) -> date | None:
    """The last day of the newest complete month any of the indicators has data for."""
    latest = warehouse.latest()
    ends = [end for ind in indicators
            if (end := data_through(catalog, latest, ind, today)) is not None]
    return max(ends, default=None)


def page_choices(indicators: Sequence[Indicator], today: date, through: date | None,
                 asked: Reading) -> list[ChoiceGroup]:
    """The picker's groups, down to the finest kind the indicators are entered at."""
    finest = min((i.periodicity for i in indicators), key=lambda t: t.rank,
                 default=PeriodType.YEAR)
    return period_choices(finest, today, through, None if asked.to_date else asked.period)


def targets_to(asked: Reading, through: date | None) -> date | None:
    """The day the year's targets are read to when a part of the year is shown: the
    part's end, or the end of the data's last month when it stops before (None for a
    whole year, whose targets are read as always)."""
    p = asked.period
    if p.type is PeriodType.YEAR:
        return None
    if through is not None and Period.year_of(p.year).start <= through < p.end:
        return through
    return p.end
