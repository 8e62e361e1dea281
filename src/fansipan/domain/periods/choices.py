"""The periods a picker offers: years, quarters, halves and months, newest first.

An indicator entered by month can be read by month, quarter, half-year or year; one
entered by quarter by quarter, half-year or year; one entered by year only by year. The
newest period of each kind is the one holding the data's last complete month (or today,
when there is no data yet), and a period the data covers only in part is named for the
months it covers ("11 tháng đầu năm 2026"), as the figures on the page are. Beside the
halves stand the nine months from January ("9 tháng đầu năm 2026"), the report every
province writes in October: it is no single period, so its value is the run of its
months (2026-01..2026-09), which `read_period` reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from fansipan.domain.periods.cumulative import cumulative_label, year_to_date_id
from fansipan.domain.periods.partial import PartialPeriod, partial_period
from fansipan.domain.periods.period import Period, period_containing
from fansipan.domain.periods.period_type import PeriodType

# How many periods of each kind, from the coarsest: eight years, twelve quarters, the
# halves of four years, two years of months.
WINDOWS: Final[dict[PeriodType, int]] = {
    PeriodType.YEAR: 8,
    PeriodType.QUARTER: 12,
    PeriodType.SIX_MONTH: 8,
    PeriodType.MONTH: 24,
}


@dataclass(frozen=True)
class PeriodChoice:
    """One option: the machine id it sends and its names."""

    id: str
    label_vi: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


@dataclass(frozen=True)
class ChoiceGroup:
    """The options of one kind of period, newest first."""

    kind: PeriodType
    choices: tuple[PeriodChoice, ...]


def kinds_for(finest: PeriodType) -> list[PeriodType]:
    """The kinds a figure entered at `finest` can be read at, coarsest first; weeks and
    days are read by month and above (they do not tile the picker's calendar)."""
    finest = max(finest, PeriodType.MONTH, key=lambda t: t.rank)
    return [t for t in WINDOWS if t.rank >= finest.rank]


def choice_of(period: Period, through: date | None) -> PeriodChoice:
    """`period` as an option, named for the months the data covers when it runs on."""
    part = partial_period(period, through)
    if part is not None:
        return PeriodChoice(period.id, part.label("vi"), part.label("en"))
    return PeriodChoice(period.id, period.label("vi"), period.label("en"))


def nine_months_of(year: int, through: date | None) -> PeriodChoice:
    """January to September of `year` as an option, named for the months the data covers
    when it stops before September's end."""
    q3 = Period.quarter_of(year, 3)
    start = Period.year_of(year).start
    if through is not None and start <= through < q3.end:
        part = PartialPeriod(Period.year_of(year), through)
        return PeriodChoice(year_to_date_id(q3), part.label("vi"), part.label("en"))
    return PeriodChoice(year_to_date_id(q3), cumulative_label(q3, "vi"),
                        cumulative_label(q3, "en"))


def _with_nine_months(halves: list[Period], newest_day: date,
                      through: date | None) -> tuple[PeriodChoice, ...]:
    """The halves and, for each of their years whose third quarter has begun, its nine
    months; newest end first."""
    dated = [(h.end, choice_of(h, through)) for h in halves]
    for year in sorted({h.year for h in halves}, reverse=True):
        q3 = Period.quarter_of(year, 3)
        if q3.start <= newest_day:
            dated.append((q3.end, nine_months_of(year, through)))
    return tuple(c for _, c in sorted(dated, key=lambda x: x[0], reverse=True))


def period_choices(finest: PeriodType, today: date, through: date | None,
                   current: Period | None = None) -> list[ChoiceGroup]:
    """The picker's groups for an indicator entered at `finest`, coarsest kind first.

    `through` is the last day of the data's last complete month (None: no data yet).
    `current`, the period shown, is always offered, in its own kind's group.
    """
    newest_day = min(through, today) if through is not None else today
    groups = []
    for kind in kinds_for(finest):
        last = period_containing(newest_day, kind)
        periods = [last.shift(-n) for n in range(WINDOWS[kind])]
        if current is not None and current.type is kind and current not in periods:
            periods = sorted([*periods, current], reverse=True)
        if kind is PeriodType.SIX_MONTH and PeriodType.QUARTER in kinds_for(finest):
            groups.append(ChoiceGroup(kind, _with_nine_months(periods, newest_day, through)))
        else:
            groups.append(ChoiceGroup(kind, tuple(choice_of(p, through) for p in periods)))
    if current is not None and current.type not in WINDOWS:
        # A week or a day typed into the address: keep it offered rather than drop it.
        groups.append(ChoiceGroup(current.type, (choice_of(current, through),)))
    return groups
