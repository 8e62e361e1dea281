"""The outbound allow-list: `/api/v1/outbound` — the addresses connectors may reach
(administrators). Loopback, private, link-local and other non-public addresses are
refused unless listed themselves."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.exchange.outbound import (
    DestinationCreate,
    DestinationPublic,
    allow_destination,
    list_destinations,
    revoke_destination,
)

router = APIRouter(prefix="/outbound", tags=["administration"], dependencies=[AdminNetwork])


@router.get("")
def outbound_index(session: SessionDep, principal: PrincipalDep) -> list[DestinationPublic]:
    return list_destinations(session=session, principal=principal)


@router.post("", status_code=201)
def outbound_allow(session: SessionDep, principal: PrincipalDep,
                   data: DestinationCreate) -> DestinationPublic:
    """List a host name (`api.example.vn`, `*.laocai.gov.vn`), an address or a network."""
    return allow_destination(session=session, principal=principal, data=data)


@router.delete("/{entry_id}")
def outbound_revoke(session: SessionDep, principal: PrincipalDep,
                    entry_id: Annotated[int, Path(ge=1, le=2**31)]) -> DestinationPublic:
    return revoke_destination(session=session, principal=principal, ref=str(entry_id))
