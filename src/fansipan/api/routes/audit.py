"""The audit log: `/api/v1/audit` (administrators, from the admin network)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.trust.audit import AuditEventPublic, AuditQuery, VerifyReport, search_events
from fansipan.services.trust.audit import verify_chain as verify

router = APIRouter(prefix="/audit", tags=["administration"], dependencies=[AdminNetwork])
Text = Annotated[str | None, Query(max_length=200)]


@router.get("")
def audit_index(
    session: SessionDep,
    principal: PrincipalDep,
    actor: Text = None,
    action: Text = None,
    outcome: Text = None,
    target: Text = None,
    since: datetime | None = None,
    until: datetime | None = None,
    after_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEventPublic]:
    """Audit events, newest first; `action` may be a prefix ending in '.' (`auth.`)."""
    query = AuditQuery(actor=actor, action=action, outcome=outcome, target=target,
                       since=since, until=until, after_id=after_id, limit=limit)
    return search_events(session=session, principal=principal, query=query)


@router.get("/verify")
def audit_verify(session: SessionDep, principal: PrincipalDep) -> VerifyReport:
    """Recompute the hash chain and the data digests; `ok` is false if anything changed."""
    return verify(session=session, principal=principal)
