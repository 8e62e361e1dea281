"""Reporting periods (kỳ báo cáo): parse, compare, roll up, shift and label them.

Identifiers follow DHIS2 so that data can be exchanged as is: 2022, 2022S1, 2022Q1, 2022-03
(or 202203), 2022W05 (ISO week) and 2022-03-15 (or 20220315). Relative periods such as
LAST_12_MONTHS live in `fansipan.domain.relative_periods`.

The package has one idea a module: `period_type` (the kinds of period), `validity` (which
periods exist, and their identifiers), `messages` (how a refusal is worded), `period` (one
period: dates, order, roll-up, steps), `parsing` (identifiers from text), `ranges` (runs of
periods), `cumulative` (year to date), `partial` (periods the data covers in part) and
`labels` (names in Vietnamese and English).
"""

from fansipan.domain.periods.cumulative import cumulative_label, year_to_date
from fansipan.domain.periods.labels import LANGUAGES
from fansipan.domain.periods.messages import ACCEPTED_FORMS
from fansipan.domain.periods.parsing import parse_period
from fansipan.domain.periods.partial import (
    PartialPeriod,
    last_complete_month,
    month_end,
    partial_period,
)
from fansipan.domain.periods.period import Period, period_containing
from fansipan.domain.periods.period_type import PeriodType, parse_period_type
from fansipan.domain.periods.ranges import periods_between, periods_in_range
from fansipan.domain.periods.validity import MAX_YEAR, MIN_YEAR

__all__ = [
    "ACCEPTED_FORMS",
    "LANGUAGES",
    "MAX_YEAR",
    "MIN_YEAR",
    "PartialPeriod",
    "Period",
    "PeriodType",
    "cumulative_label",
    "last_complete_month",
    "month_end",
    "parse_period",
    "parse_period_type",
    "partial_period",
    "period_containing",
    "periods_between",
    "periods_in_range",
    "year_to_date",
]
