"""Connected systems (hệ thống kết nối) and their tokens: `/api/v1/clients`.

Integrators manage the ones they own, within their own units; administrators manage all.
"""

from __future__ import annotations

from fastapi import APIRouter

from fansipan.domain.access import PrincipalKind
from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.trust.accounts import (
    UserCreate,
    UserCreated,
    UserPublic,
    create_user,
    list_users,
)
from fansipan.services.trust.tokens import (
    TokenCreate,
    TokenIssued,
    TokenPublic,
    issue_token,
    list_tokens,
    revoke_token,
)

router = APIRouter(prefix="/clients", tags=["administration"], dependencies=[AdminNetwork])


@router.get("")
def clients_index(session: SessionDep, principal: PrincipalDep) -> list[UserPublic]:
    return list_users(session=session, principal=principal, kind=PrincipalKind.CLIENT)


@router.post("", status_code=201)
def client_create(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                  data: UserCreate) -> UserCreated:
    """A connected system: roles officer or leader, units within yours; no password."""
    return create_user(session=session, settings=settings, principal=principal, data=data,
                       kind=PrincipalKind.CLIENT)


@router.get("/{name}/tokens")
def client_tokens(session: SessionDep, principal: PrincipalDep, name: str) -> list[TokenPublic]:
    return list_tokens(session=session, principal=principal, owner=name)


@router.post("/{name}/tokens")
def client_token_create(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                        name: str, data: TokenCreate) -> TokenIssued:
    """A token for the system; shown once; hand it over through a secure channel."""
    return issue_token(session=session, settings=settings, principal=principal, data=data,
                       owner=name)


@router.delete("/{name}/tokens/{token_id}")
def client_token_revoke(session: SessionDep, principal: PrincipalDep, name: str,
                        token_id: int) -> TokenPublic:
    return revoke_token(session=session, principal=principal, token_id=token_id, owner=name)
