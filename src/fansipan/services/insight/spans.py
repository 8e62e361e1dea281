"""The stretch of time each figure of an answer covers, and the same stretch a year before.

A period whose end is after the data's last complete month is partial: its figure is the
months from its start to that month, it is named for those months ("11 tháng đầu năm
2026") and compared with the same months a year before. The data's last complete month
is worked out per indicator (a derived one: the earliest of its parts'), from the latest
value the engine holds, and never later than today's month.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from fansipan.analytics.warehouse import Span
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import (
    PartialPeriod,
    Period,
    PeriodType,
    cumulative_label,
    last_complete_month,
    partial_period,
)
from fansipan.services.catalog import Catalog
from fansipan.services.insight.asks import Ask, span_of

LAST_YEAR = "ly:"  # prefix of the engine's ids for the stretches a year before


@dataclass(frozen=True)
class Stretch:
    """One asked period as one indicator's figure covers it."""

    span: Span  # what the engine is asked; its id is the answer's period id
    last_year: Span  # the same stretch a year before
    partial: PartialPeriod | None  # set when the data covers the period in part
    label_vi: str
    label_en: str

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_vi


def base_parts(catalog: Catalog, ind: Indicator) -> list[Indicator]:
    """The stored indicators a figure is made of: itself, or a derived one's base parts."""
    if ind.formula is None:
        return [ind]
    return [catalog.indicators[c] for c in sorted(catalog.parts[ind.code])
            if catalog.indicators[c].formula is None]


def data_through(catalog: Catalog, latest: Mapping[int, date], ind: Indicator,
                 today: date) -> date | None:
    """The last day of the indicator's last complete month of data (None: no data)."""
    ends = []
    for part in base_parts(catalog, ind):
        end = last_complete_month(latest.get(catalog.indicator_ids[part.code]), today)
        if end is None:
            return None
        ends.append(end)
    return min(ends) if ends else None


def stretches_of(catalog: Catalog, latest: Mapping[int, date], ask: Ask, cumulative: bool,
                 today: date) -> dict[str, dict[str, Stretch]]:
    """indicator code → asked period id → the stretch its figure covers."""
    out: dict[str, dict[str, Stretch]] = {}
    for ind in ask.indicators:
        through = data_through(catalog, latest, ind, today)
        out[ind.code] = {p.id: stretch(p, cumulative, through) for p in ask.periods}
    return out


@lru_cache(maxsize=4096)
def stretch(period: Period, cumulative: bool, through: date | None) -> Stretch:
    full = span_of(period, cumulative)
    if cumulative:
        # Year to date: January to the period's end, or to the data's last month.
        part = None
        if through is not None and full.start <= through < full.end:
            part = PartialPeriod(Period.year_of(period.year), through)
        vi = part.label("vi") if part else cumulative_label(period, "vi")
        en = part.label("en") if part else cumulative_label(period, "en")
    else:
        part = partial_period(period, through)
        vi = part.label("vi") if part else period.label("vi")
        en = part.label("en") if part else period.label("en")
    if part is None:
        before = span_of(period.same_period_last_year(), cumulative)
        return Stretch(full, Span(LAST_YEAR + full.id, before.start, before.end, before.rank),
                       None, vi, en)
    now = between(full.id, full.start, part.end)
    earlier = part.same_months_last_year()
    start = (Period.year_of(period.year - 1).start if cumulative
             else earlier.period.start)
    return Stretch(now, between(LAST_YEAR + full.id, start, earlier.end), part, vi, en)


_WHOLE = {1: PeriodType.MONTH, 3: PeriodType.QUARTER, 6: PeriodType.SIX_MONTH,
          12: PeriodType.YEAR}


def between(span_id: str, start: date, end: date) -> Span:
    """A stretch of whole months; a value stored for exactly it (a quarter, a half) wins."""
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    kind = _WHOLE.get(months)
    aligned = kind is not None and (start.month - 1) % months == 0
    return Span(span_id, start, end, kind.rank if kind is not None and aligned else -2)
