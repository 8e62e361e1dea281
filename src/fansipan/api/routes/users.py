"""Account administration: `/api/v1/users` (administrators, from the admin network)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.trust.accounts import (
    UserCreate,
    UserCreated,
    UserPublic,
    UserUpdate,
    create_user,
    end_sessions,
    get_user,
    list_users,
    reset_password,
    unlock_user,
    update_user,
)

router = APIRouter(prefix="/users", tags=["administration"], dependencies=[AdminNetwork])


class PasswordReset(BaseModel):
    username: str
    initial_password: str


class SessionsEnded(BaseModel):
    username: str
    ended: int


@router.get("")
def users_index(session: SessionDep, principal: PrincipalDep) -> list[UserPublic]:
    return list_users(session=session, principal=principal)


@router.post("", status_code=201)
def user_create(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                data: UserCreate) -> UserCreated:
    """A new person's account; its initial password is returned once, to be changed."""
    return create_user(session=session, settings=settings, principal=principal, data=data)


@router.get("/{username}")
def user_show(session: SessionDep, principal: PrincipalDep, username: str) -> UserPublic:
    return get_user(session=session, principal=principal, username=username)


@router.patch("/{username}")
def user_update(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                username: str, data: UserUpdate) -> UserPublic:
    """Change roles, scope, details, or disable the account (which ends its sessions)."""
    return update_user(session=session, settings=settings, principal=principal,
                       username=username, data=data)


@router.post("/{username}/password-reset")
def user_password_reset(session: SessionDep, principal: PrincipalDep,
                        username: str) -> PasswordReset:
    """A new initial password, shown once; the user's sessions end."""
    password = reset_password(session=session, principal=principal, username=username)
    return PasswordReset(username=username, initial_password=password)


@router.post("/{username}/unlock")
def user_unlock(session: SessionDep, principal: PrincipalDep, username: str) -> UserPublic:
    return unlock_user(session=session, principal=principal, username=username)


@router.delete("/{username}/sessions")
def user_end_sessions(session: SessionDep, principal: PrincipalDep,
                      username: str) -> SessionsEnded:
    """End every session of the user now."""
    ended = end_sessions(session=session, principal=principal, username=username)
    return SessionsEnded(username=username, ended=ended)
