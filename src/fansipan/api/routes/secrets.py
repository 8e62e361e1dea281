"""The secret store: `/api/v1/secrets` — credentials of remote systems (administrators).

Values go in and are never given back: every answer is the secret's name, kind, origin,
who may use it, and who made, rotated and last used it when.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.trust.secrets import (
    SecretCreate,
    SecretPublic,
    SecretRotate,
    add_secret,
    delete_secret,
    list_secrets,
    rotate_secret,
)

router = APIRouter(prefix="/secrets", tags=["administration"], dependencies=[AdminNetwork])
Name = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("")
def secrets_index(session: SessionDep, principal: PrincipalDep) -> list[SecretPublic]:
    return list_secrets(session=session, principal=principal)


@router.post("", status_code=201)
def secret_add(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
               data: SecretCreate) -> SecretPublic:
    """Store a credential, encrypted; it is sent only to `origin`, by connectors of `users`."""
    return add_secret(session=session, settings=settings, principal=principal, data=data)


@router.put("/{name}")
def secret_rotate(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                  name: Name, data: SecretRotate) -> SecretPublic:
    """Replace the value (and, if given, who may use it); the old value is gone at once."""
    return rotate_secret(session=session, settings=settings, principal=principal, name=name,
                         data=data)


@router.delete("/{name}")
def secret_delete(session: SessionDep, principal: PrincipalDep, name: Name) -> SecretPublic:
    """Delete a secret that no connector names."""
    return delete_secret(session=session, principal=principal, name=name)
