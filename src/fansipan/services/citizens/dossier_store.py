"""Dossiers in and out of the store, and how each one counts.

A dossier's fields are kept as the one-stop shop sent them; beside them, what follows
from them alone (the month received, the month completed, early / on time / late, the
net processing time), so the counts are grouped sums over rows. A version replaced by a
correction is kept whole in `dossier_history`, as canonical JSON.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from fansipan.domain.dossiers import (
    Dossier,
    OnlineService,
    Pause,
    classify_dossier,
    net_processing_time,
)
from fansipan.domain.local_time import local_date
from fansipan.services.citizens.moments import loaded, maybe, stored
from fansipan.services.citizens.record_counts import month_of
from fansipan.store.citizens_tables import DossierRow

FLAGS = ("submitted_online", "fee_payable", "paid_online", "electronic_result", "digitised")


def canonical(dossier: Dossier, procedure_name: str) -> dict[str, Any]:
    """The dossier as plain values (moments in UTC), for comparing and for history."""
    def at(moment: Any) -> str | None:
        return None if moment is None else stored(moment).isoformat()

    return {
        "number": dossier.number, "procedure_code": dossier.procedure_code,
        "procedure_name": procedure_name, "agency": dossier.agency_code,
        "unit": dossier.unit_code, "received_at": at(dossier.received_at),
        "due_at": at(dossier.due_at), "completed_at": at(dossier.completed_at),
        "pauses": [[at(p.start), at(p.end)] for p in dossier.pauses],
        "online_service": dossier.online_service.value,
        **{name: bool(getattr(dossier, name)) for name in FLAGS},
    }


def row_canonical(row: DossierRow) -> dict[str, Any]:
    return canonical(from_row(row), row.procedure_name)


def from_row(row: DossierRow) -> Dossier:
    pauses = tuple(Pause(loaded(_parse(s)), maybe(_parse(e)) if e else None)
                   for s, e in json.loads(row.pauses or "[]"))
    return Dossier(
        number=row.number, procedure_code=row.procedure_code, agency_code=row.agency_code,
        unit_code=row.unit_code, received_at=loaded(row.received_at),
        due_at=loaded(row.due_at), completed_at=maybe(row.completed_at), pauses=pauses,
        submitted_online=row.submitted_online, online_service=OnlineService(row.online_service),
        fee_payable=row.fee_payable, paid_online=row.paid_online,
        electronic_result=row.electronic_result, digitised=row.digitised)


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def row_values(dossier: Dossier, procedure_name: str) -> dict[str, Any]:
    """The columns of a dossier's row: its fields and how it counts."""
    completed = dossier.completed_at
    status = classify_dossier(dossier, as_of=completed) if completed is not None else None
    net = net_processing_time(dossier)
    return {
        "number": dossier.number, "procedure_code": dossier.procedure_code,
        "procedure_name": procedure_name, "agency_code": dossier.agency_code,
        "unit_code": dossier.unit_code, "received_at": stored(dossier.received_at),
        "due_at": stored(dossier.due_at),
        "completed_at": stored(completed) if completed is not None else None,
        "pauses": json.dumps([[stored(p.start).isoformat(),
                               stored(p.end).isoformat() if p.end else None]
                              for p in dossier.pauses]),
        "online_service": dossier.online_service.value,
        **{name: bool(getattr(dossier, name)) for name in FLAGS},
        "received_month": month_of(local_date(dossier.received_at)),
        "completed_month": month_of(local_date(completed)) if completed is not None else None,
        "status": status.value if status is not None else None,
        "net_days": net / timedelta(days=1) if net is not None else None,
    }
