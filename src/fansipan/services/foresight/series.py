"""Series for forecasting: an indicator × unit, read through analytics with history mapped.

A series is read as analytics answers it with `hierarchy="mapped"`: every value since
`HISTORY_YEARS` ago counted in the units in force on the reference day, so the new
province's months before 1 July 2025 are what its predecessors reported. Forecasts are
made for monthly, quarterly and yearly indicators, at the indicator's own periodicity.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.formulas import parse_formula
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, PeriodType, parse_period
from fansipan.domain.units import Unit
from fansipan.forecasting import Observation, Series
from fansipan.forecasting.series import SEASON_LENGTHS
from fansipan.services.catalog import Catalog
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.trust.access import data_scope
from fansipan.store.tables import DataValueRow

HISTORY_YEARS: Final = 10
# The horizon a forecast gets unless asked: a year ahead, or three years for yearly ones.
DEFAULT_HORIZONS: Final = {PeriodType.MONTH: 12, PeriodType.QUARTER: 4, PeriodType.YEAR: 3}
# Units asked in one analytics question (a batch of series of one indicator).
UNITS_PER_ASK: Final = 200
# Series kept between changes: those of a page's question (one or a few), not a refresh's
# thousands, and not more than a few thousand in all (a crawler walking every page).
KEEP_ASKS_UP_TO: Final = 8
KEEP_AT_MOST: Final = 2000


@dataclass(frozen=True)
class SeriesKey:
    """One series: an indicator code and the id of a unit in force on the reference day."""

    indicator: str
    unit_id: int


def forecastable(indicator: Indicator) -> bool:
    return indicator.periodicity in SEASON_LENGTHS


def default_horizon(indicator: Indicator) -> int:
    return DEFAULT_HORIZONS.get(indicator.periodicity, 12)


def history_periods(period_type: PeriodType, today: date, since: int | None = None) -> str:
    """The analytics period range from HISTORY_YEARS ago (or the year `since`, if later)
    to the end of next year: a value entered ahead of its period (an estimate, a plan
    figure) is part of the series too."""
    start = today.year - HISTORY_YEARS + 1
    if since is not None:
        start = min(max(start, since), today.year + 1)
    first = Period.year_of(start).periods_within(period_type)[0]
    last = Period.year_of(today.year + 1).periods_within(period_type)[-1]
    return f"{first.id}..{last.id}"


def first_year(session: Session, catalog: Catalog, code: str) -> int | None:
    """The first year any value of the indicator (or of the parts of its formula) is
    stored for; asking analytics for fewer empty years makes a series cheaper to read."""
    parts = {code}
    frontier = [code]
    while frontier:
        formula = catalog.indicators[frontier.pop()].formula
        if formula:
            for ref in parse_formula(formula).references - parts:
                if ref in catalog.indicators:
                    parts.add(ref)
                    frontier.append(ref)
    ids = [catalog.indicator_ids[c] for c in parts if not catalog.indicators[c].formula]
    if not ids:
        return None
    with session.begin():
        found = session.scalar(select(func.min(DataValueRow.period_start))
                               .where(DataValueRow.indicator_id.in_(sorted(ids))))
    return found.year if found is not None else None


def load_series(*, session: Session, warehouse: Warehouse, catalog: Catalog,
                keys: Sequence[SeriesKey], today: date,
                principal: Principal | None = None) -> dict[SeriesKey, Series]:
    """The series of `keys`, read in as few analytics questions as their indicators allow.

    With a principal, analytics refuses what lies outside its scope. A series read before
    is used again while no value has changed since (a page asks for the same series on
    every view), for the same day, catalogue and reach of the asker.
    """
    warehouse.sync(session)
    kept = warehouse.kept_until_change()  # taken before reading: see kept_until_change
    reach = _reach(session, catalog, principal)
    out: dict[SeriesKey, Series] = {}
    by_indicator: dict[str, list[SeriesKey]] = {}
    for key in keys:
        if not forecastable(catalog.indicators[key.indicator]):
            continue
        found = kept.get(("series", key, today, reach))
        if isinstance(found, tuple) and found[0] is catalog:
            out[key] = found[1]
        else:
            by_indicator.setdefault(key.indicator, []).append(key)
    read = _read_series(session, warehouse, catalog, by_indicator, today, principal)
    if len(keys) <= KEEP_ASKS_UP_TO and len(kept) < KEEP_AT_MOST:
        for key, series in read.items():
            kept[("series", key, today, reach)] = (catalog, series)
    out.update(read)
    return out


def _reach(session: Session, catalog: Catalog, principal: Principal | None) -> object:
    """What of the asker shapes a series: the units and indicators of its scope."""
    if principal is None:
        return None
    with session.begin():
        scope = data_scope(session, catalog, principal)
    return (scope.unit_ids, scope.indicator_ids)


def _read_series(session: Session, warehouse: Warehouse, catalog: Catalog,
                 by_indicator: dict[str, list[SeriesKey]], today: date,
                 principal: Principal | None) -> dict[SeriesKey, Series]:
    out: dict[SeriesKey, Series] = {}
    for code, group in by_indicator.items():
        ind = catalog.indicators[code]
        periods = history_periods(ind.periodicity, today, first_year(session, catalog, code))
        for start in range(0, len(group), UNITS_PER_ASK):
            chunk = group[start:start + UNITS_PER_ASK]
            uids = [catalog.unit_uids[k.unit_id] for k in chunk]
            result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                                   request=AnalyticsRequest(
                                       indicators=[code], units=uids,
                                       periods=[periods],
                                       hierarchy="mapped", as_of=today, today=today))
            found: dict[str, dict[Period, float]] = {uid: {} for uid in uids}
            for row in result.records():
                value = row["value"]
                if value is None:
                    continue
                found[str(row["unit_uid"])][parse_period(str(row["period"]))] = float(value)
            for key, uid in zip(chunk, uids, strict=True):
                unit = catalog.hierarchy.unit(key.unit_id)
                out[key] = Series.of_indicator(
                    indicator=ind, unit=unit.code,
                    values=[Observation(p, v) for p, v in found[uid].items()])
    return out


def series_digest(series: Series) -> str:
    """A fingerprint of a series' values: a stored forecast is current while it matches."""
    text = json.dumps([[o.period.id, repr(o.value)] for o in series.observations],
                      separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def dependants(catalog: Catalog, codes: Iterable[str]) -> set[str]:
    """`codes` and every derived indicator that reads them, however indirectly."""
    uses: dict[str, set[str]] = {}
    for code, ind in catalog.indicators.items():
        if ind.formula:
            for ref in parse_formula(ind.formula).references:
                uses.setdefault(ref, set()).add(code)
    found = set(codes)
    frontier = list(found)
    while frontier:
        for user in uses.get(frontier.pop(), ()):
            if user not in found:
                found.add(user)
                frontier.append(user)
    return found


def units_carrying(catalog: Catalog, unit_id: int, today: date) -> list[Unit]:
    """The units in force today whose mapped series hold a value of `unit_id`: its
    successors (itself, if still in force) and every unit above them."""
    h = catalog.hierarchy
    out: dict[int, Unit] = {}
    for successor, _share in h.successors(unit_id, today):
        out[successor.id] = successor
        for above in h.ancestors(successor.id, today):
            out[above.id] = above
    return list(out.values())
