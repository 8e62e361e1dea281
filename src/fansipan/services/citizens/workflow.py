"""Steps on a field report: triage, assign and reassign, start, resolve, reject, mark a
duplicate, refer out, close, reopen, comment, and the citizen's rating; moderation.

Only the body responsible (an officer whose scope reaches it) may take a step, and the
step is recorded by whoever took it, at the server's clock. Each step moves the report's
counts in the same transaction: a reassignment takes the report out of one body's cell
and into another's; an outcome changes how it counts where it is.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.local_time import local_date
from fansipan.domain.service_request_states import Action
from fansipan.domain.service_requests import MAX_TEXT, ServiceRequest, Step, apply_step
from fansipan.errors import FieldError, PermissionDenied, ValidationError
from fansipan.services.catalog import load_catalog
from fansipan.services.citizens.bodies import check_body_in_scope, require_body
from fansipan.services.citizens.categories import intake_body
from fansipan.services.citizens.moments import loaded
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.record_counts import CountingTransaction, month_end
from fansipan.services.citizens.report_counts import report_cells
from fansipan.services.citizens.report_store import (
    StoredReport,
    add_events,
    find_row,
    load_report,
    write_state,
)
from fansipan.services.citizens.submissions import key_digest
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record_for
from fansipan.store.audit import append_events, audited_transaction


class StepWrite(BaseModel):
    """One step as staff send it; which fields go with which action: docs/citizens.md."""

    action: Action = Field(examples=["assign"])
    public_note: str | None = Field(default=None, max_length=MAX_TEXT)
    internal_note: str | None = Field(default=None, max_length=MAX_TEXT)
    agency: str | None = Field(default=None, max_length=40, examples=["so-xay-dung"])
    reason: str | None = Field(default=None, max_length=MAX_TEXT)
    duplicate_of: str | None = Field(default=None, max_length=24)
    referred_to: str | None = Field(default=None, max_length=MAX_TEXT)
    satisfied: bool | None = None


@dataclass(frozen=True)
class StepDone:
    request_id: str
    seq: int
    state: str


def take_step(*, session: Session, principal: Principal, request_id: str,
              data: StepWrite, at: datetime | None = None) -> StepDone:
    """Record a step by an officer of the body responsible, at `at` (default: now; the
    API and pages never pass it, the demo's history does)."""
    require(principal, Permission.HANDLE_REPORTS)
    if data.action is Action.RECEIVE:
        raise ValidationError("Không thể tiếp nhận lại / A report is received once",
                              [FieldError(field="action", value="receive",
                                          message="chọn bước khác / choose another step")])
    return _step(session, principal, request_id, data, actor=principal.actor,
                 scoped=True, at=at)


def rate_report(*, session: Session, principal: Principal, request_id: str, key: str,
                satisfied: bool, note: str | None = None,
                at: datetime | None = None) -> StepDone:
    """The reporter's rating of the handling, with the key they were given once."""
    with session.begin():
        row = find_row(session, request_id)
        digest = row.secret_digest
    if digest is None or not hmac.compare_digest(digest, key_digest(key.strip())):
        raise PermissionDenied(
            "Mã đánh giá không đúng / The rating key does not match",
            [FieldError(field="key", message="nhập mã đánh giá được cấp khi gửi phản ánh / "
                                             "enter the key you were given when you sent "
                                             "the report")])
    return _step(session, principal, request_id,
                 StepWrite(action=Action.RATE, satisfied=satisfied, public_note=note),
                 actor="citizen", scoped=False, at=at)


def _step(session: Session, principal: Principal, request_id: str, data: StepWrite, *,
          actor: str, scoped: bool, at: datetime | None) -> StepDone:
    with CountingTransaction(session, actor=principal.actor,
                             detail={"record": "service_request"}) as tx:
        stored = load_report(session, request_id)
        catalog = tx.catalog
        row = stored.row
        if scoped:
            check_body_in_scope(catalog, principal, row.counted_code,
                                local_date(stored.request.requested_at),
                                what="Phản ánh / The report")
        at = at or max(utc_now(), stored.request.events[-1].at)
        if data.agency is not None and data.action is Action.ASSIGN:
            # Counted in the month received: the body must exist then and now.
            received = local_date(stored.request.requested_at)
            require_body(catalog, data.agency.strip(), (local_date(at), month_end(received)))
        if data.duplicate_of:
            find_row(session, data.duplicate_of)  # the original must exist
        step = Step(action=data.action, at=at, actor=actor, public_note=data.public_note,
                    internal_note=data.internal_note, agency=data.agency, reason=data.reason,
                    duplicate_of=data.duplicate_of, referred_to=data.referred_to,
                    satisfied=data.satisfied)
        updated: ServiceRequest = apply_step(stored.request, step)
        event = updated.events[-1]
        add_events(session, row, [event])
        before = (row.counted_code, row.received_month)
        write_state(row, updated, intake=intake_body())
        tx.write(report_cells(session, {before, (row.counted_code, row.received_month)}))
        append_events(session, [record_for(
            principal, "service_request.step", target=request_id,
            detail={"seq": event.seq, "action": event.action.value,
                    "from": event.from_state.value if event.from_state else None,
                    "to": event.to_state.value, "agency": event.agency,
                    "by": actor})])
        return StepDone(request_id=request_id, seq=event.seq, state=event.to_state.value)


# --------------------------------------------------------------------------- moderation


class ModerationWrite(BaseModel):
    """What the public sees of a report: its description replaced (None: as written,
    its phone numbers and e-mails masked anyway), and its photos hidden or shown."""

    public_description: str | None = Field(default=None, max_length=MAX_TEXT)
    photos_hidden: bool = False


def moderate_report(*, session: Session, principal: Principal, request_id: str,
                    data: ModerationWrite) -> StoredReport:
    """Change what the public sees of a report (the body's officers; audited)."""
    require(principal, Permission.HANDLE_REPORTS)
    with audited_transaction(session):
        catalog = load_catalog(session)
        row = find_row(session, request_id)
        check_body_in_scope(catalog, principal, row.counted_code,
                            local_date(loaded(row.requested_at)), what="Phản ánh / The report")
        text = data.public_description.strip() if data.public_description else None
        row.public_description = text or None
        row.photos_hidden = data.photos_hidden
        append_events(session, [record_for(
            principal, "service_request.moderate", target=request_id,
            detail={"description_replaced": row.public_description is not None,
                    "photos_hidden": data.photos_hidden})])
    with session.begin():
        return load_report(session, request_id)

