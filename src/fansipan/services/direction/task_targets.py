"""Tasks completed by their target being met: the evaluation says when.

A task linked to a target (indicator × unit × period) counts as done when the target
evaluation finds the target met or exceeded. That is known once the target's period is
over: the period's last day is the day the figures describe, so it is the day the task
was done. A target still running completes nothing yet (its figures are not final), and
a task linked to a target nobody set stays as its own events say.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.periods import parse_period
from fansipan.domain.targets import TargetStatus, evaluate_target
from fansipan.services.catalog import Catalog
from fansipan.services.direction.records import StoredTask, target_key
from fansipan.services.insight.evaluation import figures_for
from fansipan.store.tables import TargetRow

_MET = (TargetStatus.MET, TargetStatus.EXCEEDED)


def targets_met_on(*, session: Session, warehouse: Warehouse, catalog: Catalog,
                   tasks: Iterable[StoredTask], on: date) -> dict[str, date]:
    """Target key → the day it was found met, for the linked targets met by `on`.

    Call it outside a transaction: it asks the analytics engine.
    """
    wanted: dict[str, tuple[int, int, str]] = {}
    for t in tasks:
        key = target_key(t.row)
        if key is not None and t.row.target_indicator_id is not None and (
                t.row.target_unit_id is not None and t.row.target_period):
            wanted[key] = (t.row.target_indicator_id, t.row.target_unit_id,
                           t.row.target_period)
    finished = {k: v for k, v in wanted.items() if parse_period(v[2]).end < on}
    if not finished:
        return {}
    with session.begin():
        plans = {(r.indicator_id, r.unit_id, r.period): r for r in session.scalars(
            select(TargetRow).where(
                TargetRow.deleted.is_(False), TargetRow.horizon == "",
                TargetRow.indicator_id.in_({v[0] for v in finished.values()})))}
    met: dict[str, date] = {}
    for key, (ind_id, unit_id, period) in finished.items():
        plan = plans.get((ind_id, unit_id, period))
        if plan is None:
            continue
        code = catalog.indicator_codes[ind_id]
        unit = catalog.hierarchy.unit(unit_id)
        actual, _ = figures_for(session=session, warehouse=warehouse, indicators=[code],
                                unit=catalog.uid_of(unit), period=period)[code]
        status = evaluate_target(actual=actual, planned=plan.planned,
                                 direction=catalog.indicators[code].direction,
                                 tolerance=plan.tolerance)
        if status in _MET:
            met[key] = parse_period(period).end
    return met
