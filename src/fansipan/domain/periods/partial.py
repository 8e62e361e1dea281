"""Partial periods (kỳ chưa đủ): a year, half or quarter the data covers only in part.

A period whose end is after the data's last complete month is partial: its figure is
the months from its start to that month, it is named for those months ("11 tháng đầu
năm 2026", never "Năm 2026"), and it is compared with the same months a year before.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from fansipan.domain.periods.labels import EN_MONTHS, ROMAN, check_lang
from fansipan.domain.periods.period import Period
from fansipan.domain.periods.period_type import PeriodType

# Periods made of whole months that can be partly covered; a month is covered or not.
_SPLITTABLE = (PeriodType.QUARTER, PeriodType.SIX_MONTH, PeriodType.YEAR)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def last_complete_month(latest: date | None, today: date) -> date | None:
    """The last day of the data's last complete month: the month of the latest data, and
    never a month after today's (a figure dated in the future is not yet complete)."""
    if latest is None:
        return None
    return min(month_end(latest), month_end(today))


@dataclass(frozen=True)
class PartialPeriod:
    """The months of `period` that the data covers: from its start to `end`."""

    period: Period
    end: date

    @property
    def months(self) -> list[Period]:
        return [m for m in self.period.periods_within(PeriodType.MONTH) if m.end <= self.end]

    def same_months_last_year(self) -> PartialPeriod:
        before = self.period.same_period_last_year()
        return PartialPeriod(before, month_end(date(self.end.year - 1, self.end.month, 1)))

    def label(self, lang: str = "vi") -> str:
        """"11 tháng đầu năm 2026", "2 tháng đầu quý IV/2026", "Từ tháng 7 đến tháng
        11/2026"; one month is named as itself."""
        check_lang(lang)
        months = self.months
        first, last = months[0], months[-1]
        year, n = self.period.year, len(months)
        if n == 1:
            return first.label(lang)
        if lang == "en":
            return f"{EN_MONTHS[first.index - 1]}–{EN_MONTHS[last.index - 1]} {year}"
        if first.index == 1:
            return f"{n} tháng đầu năm {year}"
        if self.period.type is PeriodType.QUARTER:
            return f"{n} tháng đầu quý {ROMAN[self.period.index - 1]}/{year}"
        return f"Từ tháng {first.index} đến tháng {last.index}/{year}"


def partial_period(period: Period, through: date | None) -> PartialPeriod | None:
    """The covered part of `period` when the data runs only to `through` (the last day
    of its last complete month), or None when the period is whole: it ends by then, has
    not begun by then, or is not made of months.
    """
    if through is None or period.type not in _SPLITTABLE:
        return None
    if period.end <= through or period.start > through:
        return None
    return PartialPeriod(period, month_end(through))
