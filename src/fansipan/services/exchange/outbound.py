"""The outbound allow-list (danh sách địa chỉ được phép kết nối ra), kept by administrators.

Connectors reach only what is on it (see `fansipan.domain.outbound` for the rules);
each change is audited, and every request checks the list as it stands at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.outbound import AllowList, Destination, EntryKind, parse_entry
from fansipan.errors import Conflict, FieldError, NotFound, ValidationError
from fansipan.exchange.http import Outbound, system_resolve
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.outbound_tables import OutboundDestinationRow


class DestinationCreate(BaseModel):
    entry: str = Field(min_length=1, max_length=300, examples=["api.example.vn", "10.20.0.0/16"],
                       description="A host name, *.domain, an address or a network")
    note: str = Field(default="", max_length=300, description="What it is, who asked")


class DestinationPublic(BaseModel):
    id: int
    entry: str
    kind: EntryKind
    note: str
    created_at: UtcDateTime
    created_by: str


def _public(row: OutboundDestinationRow) -> DestinationPublic:
    return DestinationPublic(id=row.id, entry=row.entry, kind=EntryKind(row.kind),
                             note=row.note, created_at=row.created_at,
                             created_by=row.created_by)


def allow_destination(*, session: Session, principal: Principal,
                      data: DestinationCreate) -> DestinationPublic:
    require(principal, Permission.MANAGE_OUTBOUND)
    destination = parse_entry(data.entry)
    with audited_transaction(session):
        if session.scalar(select(OutboundDestinationRow.id).where(
                OutboundDestinationRow.entry == destination.entry)):
            raise Conflict("Địa chỉ này đã có trong danh sách / That entry is already on the "
                           "outbound allow-list", [FieldError(field="entry",
                                                              value=destination.entry,
                                                              message="already listed")])
        row = OutboundDestinationRow(entry=destination.entry, kind=destination.kind.value,
                                     note=data.note, created_at=datetime.now(UTC),
                                     created_by=principal.actor)
        session.add(row)
        session.flush()
        record(session, principal, "outbound.allow", target=destination.entry,
               detail={"kind": destination.kind.value, "note": data.note})
        return _public(row)


def list_destinations(*, session: Session, principal: Principal) -> list[DestinationPublic]:
    require(principal, Permission.MANAGE_OUTBOUND)
    with session.begin():
        return [_public(r) for r in session.scalars(
            select(OutboundDestinationRow).order_by(OutboundDestinationRow.entry))]


def revoke_destination(*, session: Session, principal: Principal,
                       ref: str) -> DestinationPublic:
    """Take an entry off the list, by its id or as it is written."""
    require(principal, Permission.MANAGE_OUTBOUND)
    with audited_transaction(session):
        row = None
        if ref.isdigit():
            row = session.get(OutboundDestinationRow, int(ref))
        if row is None:
            try:
                entry = parse_entry(ref).entry
            except ValidationError:  # not an entry at all: simply not on the list
                entry = ref
            row = session.scalars(select(OutboundDestinationRow).where(
                OutboundDestinationRow.entry == entry)).one_or_none()
        if row is None:
            raise NotFound("Không có trong danh sách / Not on the outbound allow-list", [
                FieldError(field="entry", value=ref[:200],
                           message="list the allow-list to see its entries")])
        gone = _public(row)
        session.delete(row)
        record(session, principal, "outbound.revoke", target=gone.entry)
        return gone


def read_outbound(session: Session, settings: Settings,
                  resolve: Callable[[str, int], list[str]] = system_resolve) -> Outbound:
    """The allow-list as it stands now (inside the caller's transaction), with the limits
    of the settings."""
    rows = session.scalars(select(OutboundDestinationRow)).all()
    allow = AllowList(Destination(r.entry, EntryKind(r.kind)) for r in rows)
    return Outbound(allow=allow, max_bytes=settings.outbound_max_mb << 20,
                    timeout=float(settings.outbound_timeout), resolve=resolve)
