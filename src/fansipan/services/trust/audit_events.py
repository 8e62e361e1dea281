"""One audit event as the audit log's page shows it: the event, and for a data write
the values it changed, each with its old and new value.

A data write's event names the range of change numbers it covered; the values are read
from the change log, within the reader's data scope (an administrator scoped to some
units sees the other rows counted, not shown), so the page tells no more than the
change feed would.
"""

from __future__ import annotations

from dataclasses import asdict, replace

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FieldError, NotFound, msg
from fansipan.services.catalog import load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import data_scope, require
from fansipan.services.trust.audit import (
    AuditEventPublic,
    AuditQuery,
    public_event,
    record_export,
    search_events,
)
from fansipan.store.security_tables import AuditEventRow
from fansipan.store.tables import ChangeRow

MAX_CHANGES = 1000  # a bigger write shows its first values; the rest are in the change feed
EXPORT_MAX = 10_000  # events in one download, newest first; narrow the search for older ones


class ValueChange(BaseModel):
    change: int
    operation: str
    kind: str
    indicator: str
    unit: str
    unit_name: str
    period: str
    old_value: float | None
    new_value: float | None
    at: UtcDateTime


class AuditEventDetail(BaseModel):
    event: AuditEventPublic
    changes: list[ValueChange]
    changes_total: int  # every change the event covers
    changes_hidden: int  # of those, outside the reader's scope


def get_event(*, session: Session, principal: Principal, event_id: int) -> AuditEventDetail:
    require(principal, Permission.READ_AUDIT)
    with session.begin():
        row = session.get(AuditEventRow, event_id)
        if row is None:
            raise NotFound(msg("No such audit event"), [FieldError(
                field="event", value=str(event_id),
                message=msg("search the audit log to see the events' numbers"))])
        event = public_event(row)
        first, last = event.detail.get("first_change"), event.detail.get("last_change")
        if not isinstance(first, int) or not isinstance(last, int):
            return AuditEventDetail(event=event, changes=[], changes_total=0, changes_hidden=0)
        catalog = load_catalog(session)
        span = ChangeRow.id.between(first, last)
        total = int(session.scalar(select(func.count()).select_from(ChangeRow).where(span))
                    or 0)
        stmt = data_scope(session, catalog, principal).where(
            select(ChangeRow).where(span).order_by(ChangeRow.id),
            unit=ChangeRow.unit_id, indicator=ChangeRow.indicator_id)
        seen = int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
        codes = catalog.indicator_codes
        changes = []
        for r in session.scalars(stmt.limit(MAX_CHANGES)):
            unit = catalog.hierarchy.unit(r.unit_id)
            changes.append(ValueChange(
                change=r.id, operation=r.operation, kind=r.record_kind,
                indicator=codes[r.indicator_id], unit=unit.code, unit_name=unit.name,
                period=r.period, old_value=r.old_value, new_value=r.new_value, at=r.at))
        return AuditEventDetail(event=event, changes=changes, changes_total=total,
                                changes_hidden=total - seen)


def export_search(*, session: Session, principal: Principal,
                  query: AuditQuery) -> tuple[list[AuditEventPublic], bool]:
    """The events a search finds, for a download (at most EXPORT_MAX, newest first), and
    whether there were more; the export itself is an audited event."""
    found = search_events(session=session, principal=principal,
                          query=replace(query, limit=EXPORT_MAX + 1))
    more = len(found) > EXPORT_MAX
    events = found[:EXPORT_MAX]
    filters = {k: (v.isoformat() if hasattr(v, "isoformat") else v)
               for k, v in asdict(query).items() if v and k != "limit"}
    record_export(session, principal, "audit", rows=len(events),
                  detail={"filters": filters, "truncated": more})
    return events, more
