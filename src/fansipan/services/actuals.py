"""The actual value of an indicator for a unit and a period, straight from the store.

This is the reference computation (small queries, plain Python): it serves target
evaluation and is what the columnar engine's answers are checked against.

Rules: a value stored for exactly that unit and period wins. Otherwise the unit's
own finer values are combined over time by the indicator's time rule; a unit with
no values of its own takes its children's actuals combined by the unit rule. A
derived indicator aggregates its parts first and applies its formula last (a rate
of sums, never a sum of rates).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.aggregation import combine
from fansipan.domain.formulas import parse_formula
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, parse_period
from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog
from fansipan.store.tables import DataValueRow

Values = dict[int, list[tuple[date, str, float]]]


def actual_value(
    session: Session, catalog: Catalog, indicator: Indicator, unit: Unit, period: Period
) -> float | None:
    """The actual of `indicator` at `unit` over `period`, with the tree as of the period end."""
    if indicator.formula is not None:
        formula = parse_formula(indicator.formula)
        parts = {
            code: actual_value(session, catalog, catalog.indicators[code], unit, period)
            for code in formula.references
        }
        return formula.evaluate(parts)
    values = _load(session, catalog, indicator, period)
    return _actual(catalog, indicator, unit, period, values)


def _load(session: Session, catalog: Catalog, indicator: Indicator, period: Period) -> Values:
    rows = session.execute(
        select(DataValueRow.unit_id, DataValueRow.period_start, DataValueRow.period,
               DataValueRow.value)
        .where(
            DataValueRow.indicator_id == catalog.indicator_ids[indicator.code],
            DataValueRow.period_start >= period.start,
            DataValueRow.period_end <= period.end,
            DataValueRow.deleted.is_(False),
            DataValueRow.value.is_not(None),
        )
    ).all()
    out: Values = defaultdict(list)
    for unit_id, start, pid, value in rows:
        if value is not None:
            out[unit_id].append((start, pid, float(value)))
    return out


def _actual(
    catalog: Catalog, indicator: Indicator, unit: Unit, period: Period, values: Values
) -> float | None:
    own = values.get(unit.id, [])
    exact = [v for _, pid, v in own if pid == period.id]
    if exact:
        return exact[0]
    if own:
        # Prefer the finest type present so a month and its quarter are not counted twice.
        finest = min(_rank(pid) for _, pid, _ in own)
        same_kind = sorted(t for t in own if _rank(t[1]) == finest)
        return combine([v for _, _, v in same_kind], indicator.agg_time)
    kids = catalog.hierarchy.children(unit.id, period.end)
    parts = [_actual(catalog, indicator, kid, period, values) for kid in kids]
    present = [p for p in parts if p is not None]
    return combine(present, indicator.agg_units)


def _rank(period_id: str) -> int:
    return parse_period(period_id).type.rank
