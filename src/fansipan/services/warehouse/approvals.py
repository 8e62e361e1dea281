"""Approval (phê duyệt): an officer submits a unit's period, an approver approves it.

Approved data is locked: no value of that unit or of a unit below it, in that period
or a shorter one inside it, can be written until an approver reopens the period, which
needs a reason. Every step is audited. State changes take the change lock first, so a
lock and a data write never slip past each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.periods import parse_period
from fansipan.errors import Conflict, FieldError, Message, ValidationError, msg
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import data_scope, require
from fansipan.services.trust.audit import record
from fansipan.store.audit import audited_transaction
from fansipan.store.security_tables import ApprovalRow


class ApprovalState(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"
    APPROVED = "approved"


class ApprovalNote(BaseModel):
    comment: str = Field(default="", max_length=2000)


class ApprovalPublic(BaseModel):
    unit: str
    unit_uid: str
    unit_name: str
    period: str
    state: ApprovalState
    submitted_by: str | None
    submitted_at: UtcDateTime | None
    decided_by: str | None
    decided_at: UtcDateTime | None
    comment: str
    updated_at: UtcDateTime


# action: (permission, states it may start from, state it leads to, audit action)
_STEPS = {
    "submit": (Permission.SUBMIT, {ApprovalState.OPEN}, ApprovalState.SUBMITTED),
    "approve": (Permission.APPROVE, {ApprovalState.SUBMITTED}, ApprovalState.APPROVED),
    "reopen": (Permission.APPROVE, {ApprovalState.SUBMITTED, ApprovalState.APPROVED},
               ApprovalState.OPEN),
}
_REFUSED: dict[str, Message] = {
    "submit": msg("{unit} {period} cannot be submitted: it is {state}; an approver must "
                  "reopen it before it can be submitted again"),
    "approve": msg("{unit} {period} cannot be approved: it is {state}; an officer must "
                   "submit it first"),
    "reopen": msg("{unit} {period} cannot be reopened: it is open already"),
}
_STATE_NAMES: dict[ApprovalState, Message] = {
    ApprovalState.OPEN: msg("open"),
    ApprovalState.SUBMITTED: msg("submitted"),
    ApprovalState.APPROVED: msg("approved"),
}


def change_state(*, session: Session, principal: Principal, unit: str, period: str,
                 action: str, note: ApprovalNote | None = None) -> ApprovalPublic:
    """Move a unit's period through open → submitted → approved, or back to open."""
    permission, starts, target = _STEPS[action]
    require(principal, permission)
    with audited_transaction(session, numbered=True):
        catalog = load_catalog(session)
        p = parse_period(period)
        u = catalog.unit(unit, p.end)
        data_scope(session, catalog, principal).check_unit(catalog, u.id)
        row = session.scalars(select(ApprovalRow).where(
            ApprovalRow.unit_id == u.id, ApprovalRow.period == p.id)).one_or_none()
        now = datetime.now(UTC)
        if row is None:
            row = ApprovalRow(unit_id=u.id, period=p.id, period_start=p.start,
                              period_end=p.end, state=ApprovalState.OPEN.value, comment="",
                              updated_at=now)
            session.add(row)
        before = ApprovalState(row.state)
        if before not in starts:
            state = _STATE_NAMES[before]
            raise Conflict(Message(_REFUSED[action].msgid, params={
                "unit": f"{u.code} ({u.name})", "period": p.id, "state": state}), [FieldError(
                    field="period", value=p.id, message=msg("state is {state}", state=state))])
        reason = (note.comment.strip() if note else "")
        if action == "reopen" and before is ApprovalState.APPROVED and not reason:
            raise ValidationError(msg("Say why {unit} {period} is unlocked", unit=u.code,
                                      period=p.id), [FieldError(
                field="comment", message=msg("write the reason for reopening approved data; "
                                             "it is kept in the audit log"))])
        row.state, row.updated_at = target.value, now
        row.comment = (note.comment if note else "") or row.comment
        if action == "submit":
            row.submitted_by, row.submitted_at = principal.actor, now
            row.decided_by = row.decided_at = None
        else:
            row.decided_by, row.decided_at = principal.actor, now
        session.flush()
        record(session, principal, f"approval.{action}", target=f"{u.code}/{p.id}",
               detail={"unit_uid": catalog.uid_of(u), "from": before.value,
                       "to": target.value, "comment": row.comment})
        return _public(catalog, row)


def list_approvals(*, session: Session, principal: Principal, state: ApprovalState | None = None,
                   period: str | None = None) -> list[ApprovalPublic]:
    # Who submitted and approved is part of the data trail: the change feed's permission.
    require(principal, Permission.READ_CHANGES)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
        stmt = scope.where(select(ApprovalRow).order_by(ApprovalRow.id),
                           unit=ApprovalRow.unit_id)
        if state is not None:
            stmt = stmt.where(ApprovalRow.state == state.value)
        if period is not None:
            stmt = stmt.where(ApprovalRow.period == parse_period(period).id)
        return [_public(catalog, r) for r in session.scalars(stmt)]


def _public(catalog: Catalog, row: ApprovalRow) -> ApprovalPublic:
    unit = catalog.hierarchy.unit(row.unit_id)
    return ApprovalPublic(
        unit=unit.code, unit_uid=catalog.uid_of(unit), unit_name=unit.name,
        period=row.period, state=ApprovalState(row.state), submitted_by=row.submitted_by,
        submitted_at=row.submitted_at, decided_by=row.decided_by, decided_at=row.decided_at,
        comment=row.comment, updated_at=row.updated_at,
    )


def check_not_locked(session: Session, catalog: Catalog,
                     rows: Iterable[tuple[int, int, date, date]]) -> None:
    """Refuse a write touching approved data: rows are (row, unit id, start, end)."""
    rows = list(rows)
    if not rows:
        return
    # Only locks whose period overlaps the batch's span can matter.
    first, last = min(r[2] for r in rows), max(r[3] for r in rows)
    locks = session.scalars(select(ApprovalRow).where(
        ApprovalRow.state == ApprovalState.APPROVED.value,
        ApprovalRow.period_end >= first, ApprovalRow.period_start <= last)).all()
    if not locks:
        return
    h = catalog.hierarchy
    by_unit: dict[int, list[ApprovalRow]] = {}
    for lock in locks:
        covered = [lock.unit_id, *(u.id for u in h.descendants(lock.unit_id, lock.period_end))]
        for unit_id in covered:
            by_unit.setdefault(unit_id, []).append(lock)
    errors: list[FieldError] = []
    for row, unit_id, start, end in rows:
        for lock in by_unit.get(unit_id, ()):
            if lock.period_start <= start and end <= lock.period_end:
                owner = h.unit(lock.unit_id)
                errors.append(FieldError(
                    field="period", row=row, value=lock.period,
                    message=msg("{unit} {period} is approved and locked; ask an approver "
                                "to reopen it", unit=f"{owner.code} ({owner.name})",
                                period=lock.period)))
                break
    if errors:
        raise Conflict(msg("{count} row(s) fall in approved, locked data; nothing was saved",
                           count=len(errors)), errors)
