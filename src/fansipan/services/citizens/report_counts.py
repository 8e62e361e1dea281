"""The field-report dataset counted into indicators (`PAKN_*`, `record_indicators.csv`).

A report counts in one cell: the body responsible for it (the intake body while none
is) × the month it was received (Vietnam time). Every measure of a cell is over the
reports of that cell, as Decision 766 counts feedback (`fansipan.domain.feedback`):
within the remit unless another body's business or a duplicate; handled once an outcome
stands; on time when it came by the deadline; a report both late and rated
dissatisfied is counted in both, and the satisfaction rate adds it back once.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from fansipan.services.citizens.record_counts import Cell, as_day, count_where
from fansipan.store.citizens_tables import ServiceRequestRow as R

DATASET = "field_reports"
Key = tuple[str, date]  # (body code, first day of the month)



_HANDLED = and_(R.within_remit.is_(True), R.outcome_at.is_not(None))
MEASURES: dict[str, ColumnElement[Any]] = {
    "PAKN_TIEP_NHAN": func.count(),
    "PAKN_THUOC_THAM_QUYEN": count_where(R.within_remit.is_(True)),
    "PAKN_DA_XU_LY": count_where(_HANDLED),
    "PAKN_DUNG_HAN": count_where(and_(_HANDLED, R.on_time.is_(True))),
    "PAKN_QUA_HAN": count_where(and_(_HANDLED, R.on_time.is_(False))),
    "PAKN_KHONG_HAI_LONG": count_where(and_(_HANDLED, R.dissatisfied.is_(True))),
    "PAKN_KHL_QUA_HAN": count_where(and_(_HANDLED, R.dissatisfied.is_(True),
                                    R.on_time.is_(False))),
    "PAKN_NGAY_XU_LY": func.coalesce(func.sum(case((_HANDLED, R.days_to_outcome),
                                                   else_=0.0)), 0.0),
}


def report_cells(session: Session, keys: Iterable[Key]) -> list[Cell]:
    """Every measure of the cells `keys`, counted from the reports now in the store
    (zeros for a cell no report is in any more)."""
    wanted = set(keys)
    if not wanted:
        return []
    bodies = sorted({b for b, _ in wanted})
    months = sorted({m for _, m in wanted})
    names = list(MEASURES)
    stmt = (select(R.counted_code, R.received_month, *MEASURES.values())
            .where(R.counted_code.in_(bodies), R.received_month.in_(months))
            .group_by(R.counted_code, R.received_month))
    found: dict[Key, dict[str, float]] = {}
    for row in session.execute(stmt):
        key = (str(row[0]), as_day(row[1]))
        if key in wanted:
            found[key] = {n: float(v or 0) for n, v in zip(names, row[2:], strict=True)}
    cells: list[Cell] = []
    for body, month in sorted(wanted):
        values = found.get((body, month), dict.fromkeys(names, 0.0))
        cells.extend(Cell(n, body, month, round(values[n], 4)) for n in names)
    return cells

