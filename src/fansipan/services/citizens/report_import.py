"""Reports with their whole history at once: a legacy system's archive, or the demo's year.

Each report comes as the domain built it (`receive_request`, then `apply_step` for every
step, so the workflow's rules held), with its number. Here every report is checked like
a new one (category, place in the province, every body named in force) and all are
stored and counted in one transaction: all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.local_time import local_date
from fansipan.domain.service_requests import ServiceRequest
from fansipan.errors import FieldError, ValidationError
from fansipan.services.catalog import Catalog
from fansipan.services.citizens.bodies import body_unit
from fansipan.services.citizens.categories import intake_body, read_categories
from fansipan.services.citizens.moments import stored
from fansipan.services.citizens.places import place_report
from fansipan.services.citizens.record_counts import CountingTransaction, month_end
from fansipan.services.citizens.report_counts import report_cells
from fansipan.services.citizens.report_store import ID_PREFIX, new_row
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record_for
from fansipan.store.audit import append_events
from fansipan.store.citizens_tables import ServiceRequestEventRow, ServiceRequestRow

_NUMBER = re.compile(rf"{ID_PREFIX}-(\d{{4}})-\d{{6}}")
CHUNK = 2000


@dataclass(frozen=True)
class Historic:
    request: ServiceRequest
    channel: str = "import"
    submitted_by: str = "import"


def load_reports(*, session: Session, principal: Principal,
                 reports: Sequence[Historic]) -> int:
    """Store and count reports with their history; returns how many were stored."""
    require(principal, Permission.HANDLE_REPORTS)
    with CountingTransaction(session, actor=principal.actor,
                             detail={"record": "service_requests", "bulk": True}) as tx:
        catalog = tx.catalog
        codes = {c.code for c in read_categories(session, active_only=False)}
        taken = set(session.scalars(select(ServiceRequestRow.request_id).where(
            ServiceRequestRow.request_id.in_([h.request.request_id for h in reports])))) \
            if len(reports) < 30_000 else _all_ids(session)
        errors: list[FieldError] = []
        for n, h in enumerate(reports, start=1):
            errors.extend(_problems(catalog, codes, taken, n, h.request))
            if len(errors) >= 100:
                break
        if errors:
            raise ValidationError(f"{len(errors)} lỗi; chưa lưu gì / {len(errors)} problem(s); "
                                  "nothing was saved", errors[:100])
        intake = intake_body()
        cells: set[tuple[str, date]] = set()
        for start in range(0, len(reports), CHUNK):
            part = reports[start:start + CHUNK]
            rows = [new_row(h.request, channel=h.channel, submitted_by=h.submitted_by,
                            media_url=None, token=None, secret_digest=None, intake=intake)
                    for h in part]
            session.add_all(rows)
            session.flush()
            session.execute(insert(ServiceRequestEventRow), [
                {"request_pk": row.id, "seq": e.seq, "action": e.action.value,
                 "at": stored(e.at), "actor": e.actor,
                 "from_state": e.from_state.value if e.from_state else None,
                 "to_state": e.to_state.value, "public_note": e.public_note,
                 "internal_note": e.internal_note, "agency": e.agency, "reason": e.reason,
                 "duplicate_of": e.duplicate_of, "referred_to": e.referred_to,
                 "satisfied": e.satisfied}
                for row, h in zip(rows, part, strict=True) for e in h.request.events])
            cells.update((row.counted_code, row.received_month) for row in rows)
            session.expunge_all()
        tx.write(report_cells(session, cells))
        append_events(session, [record_for(principal, "service_request.load",
                                           target=f"{len(reports)} reports",
                                           detail={"reports": len(reports)})])
    return len(reports)


def _all_ids(session: Session) -> set[str]:
    return set(session.scalars(select(ServiceRequestRow.request_id)))


def _problems(catalog: Catalog, codes: set[str], taken: set[str], n: int,
              request: ServiceRequest) -> list[FieldError]:
    out: list[FieldError] = []
    found = _NUMBER.fullmatch(request.request_id)
    if found is None or int(found.group(1)) != local_date(request.requested_at).year:
        out.append(FieldError(field="request_id", row=n, value=request.request_id,
                              message=f"cần dạng {ID_PREFIX}-NĂM-SỐ theo năm tiếp nhận / "
                                      f"use {ID_PREFIX}-YEAR-NUMBER of the year received"))
    if request.request_id in taken:
        out.append(FieldError(field="request_id", row=n, value=request.request_id,
                              message="mã đã có / the number is taken"))
    if request.service_code not in codes:
        out.append(FieldError(field="service_code", row=n, value=request.service_code,
                              message="không có loại phản ánh này / no such category"))
    day = local_date(request.requested_at)
    try:
        place_report(catalog, request.location, day)
    except ValidationError as exc:
        out.extend(FieldError(field=e.field, row=n, value=e.value, message=e.message)
                   for e in exc.errors)
    for event in request.events:
        if event.agency and (body_unit(catalog, event.agency, local_date(event.at)) is None
                             or body_unit(catalog, event.agency, month_end(day)) is None):
            out.append(FieldError(field="agency", row=n, value=event.agency,
                                  message="cơ quan không hoạt động / no such body in force"))
    return out

