"""The dossier dataset counted into indicators (`DVC_*`, `record_indicators.csv`).

A dossier counts at the body handling it, in two months: the month it was received
(received, submitted online, with a fee, paid online, digitised) and the month it was
completed (handled, early, on time, late, days taken, electronic result), each in
Vietnam's time. How it counts follows from the dossier alone (`dossier_store`), so a
cell is a grouped sum over rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from fansipan.services.citizens.record_counts import Cell, as_day, count_where
from fansipan.store.citizens_tables import DossierRow as D

DATASET = "dossiers"
Key = tuple[str, date]  # (body code, first day of the month)



BY_RECEPTION: dict[str, ColumnElement[Any]] = {
    "DVC_TIEP_NHAN": func.count(),
    "DVC_NOP_TRUC_TUYEN": count_where(D.submitted_online.is_(True)),
    "DVC_PHAI_NOP_PHI": count_where(D.fee_payable.is_(True)),
    "DVC_TT_TRUC_TUYEN": count_where(D.fee_payable.is_(True) & D.paid_online.is_(True)),
    "DVC_SO_HOA": count_where(D.digitised.is_(True)),
}
BY_COMPLETION: dict[str, ColumnElement[Any]] = {
    "DVC_DA_GIAI_QUYET": func.count(),
    "DVC_TRUOC_HAN": count_where(D.status == "early"),
    "DVC_DUNG_HAN": count_where(D.status == "on_time"),
    "DVC_QUA_HAN": count_where(D.status == "late"),
    "DVC_NGAY_GIAI_QUYET": func.coalesce(func.sum(D.net_days), 0.0),
    "DVC_KQ_DIEN_TU": count_where(D.electronic_result.is_(True)),
}


def dossier_cells(session: Session, keys: Iterable[Key]) -> list[Cell]:
    """Every measure of the cells `keys`, from the dossiers now in the store."""
    wanted = set(keys)
    if not wanted:
        return []
    bodies = sorted({b for b, _ in wanted})
    months = sorted({m for _, m in wanted})
    cells: list[Cell] = []
    for month_column, measures in ((D.received_month, BY_RECEPTION),
                                   (D.completed_month, BY_COMPLETION)):
        names = list(measures)
        found: dict[Key, list[float]] = {}
        stmt = (select(D.agency_code, month_column, *measures.values())
                .where(D.agency_code.in_(bodies), month_column.in_(months))
                .group_by(D.agency_code, month_column))
        for row in session.execute(stmt):
            key = (str(row[0]), as_day(row[1]))
            if key in wanted:
                found[key] = [float(v or 0) for v in row[2:]]
        for body, month in sorted(wanted):
            values = found.get((body, month), [0.0] * len(names))
            cells.extend(Cell(n, body, month, round(v, 4))
                         for n, v in zip(names, values, strict=True))
    return cells

