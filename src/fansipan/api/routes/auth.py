"""Signing in and out, one's own password, second factor and API tokens: `/api/v1/auth`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from fansipan.domain.access import PrincipalKind
from fansipan.errors import Unauthenticated, msg
from fansipan.http.deps import SessionDep, SettingsDep, client_ip, session_cookie_name
from fansipan.http.principals import PrincipalDep
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.accounts import UserPublic, get_user
from fansipan.services.trust.auth import (
    LoginRequest,
    PasswordChange,
    change_password,
    login,
    logout,
)
from fansipan.services.trust.mfa import TotpSetup, disable_totp, enable_totp, start_totp
from fansipan.services.trust.tokens import (
    TokenCreate,
    TokenIssued,
    TokenPublic,
    issue_token,
    list_tokens,
    revoke_token,
)

router = APIRouter(prefix="/auth", tags=["accounts"])


class SignInResult(BaseModel):
    username: str
    roles: list[str]
    must_change_password: bool
    csrf_token: str = Field(description="Send it back as the X-CSRF-Token header with every "
                                        "change made with this session")
    expires_at: UtcDateTime


class Me(BaseModel):
    kind: str
    name: str
    roles: list[str]
    permissions: list[str]
    must_change_password: bool
    account: UserPublic | None = None


class PasswordConfirm(BaseModel):
    password: str = Field(min_length=1, max_length=1024)


class CodeConfirm(BaseModel):
    code: str = Field(min_length=6, max_length=10)


class TotpOff(PasswordConfirm):
    code: str = Field(min_length=6, max_length=10)


@router.post("/login")
def auth_login(session: SessionDep, settings: SettingsDep, request: Request,
               response: Response, data: LoginRequest) -> SignInResult:
    """Sign in; the session comes back as an HttpOnly cookie."""
    signed = login(session=session, settings=settings, data=data, ip=client_ip(request),
                   user_agent=request.headers.get("user-agent", ""))
    response.set_cookie(
        session_cookie_name(settings), signed.session_token, httponly=True,
        secure=settings.behind_tls, samesite="strict", path="/",
        max_age=settings.session_absolute_hours * 3600,
    )
    return SignInResult(username=signed.principal.name,
                        roles=sorted(r.value for r in signed.principal.roles),
                        must_change_password=signed.must_change_password,
                        csrf_token=signed.csrf_token, expires_at=signed.expires_at)


@router.post("/logout")
def auth_logout(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                request: Request, response: Response) -> Me:
    token = request.cookies.get(session_cookie_name(settings))
    if token is None or not principal.via.startswith("session:"):
        raise Unauthenticated(msg("You are not signed in with a session"))
    logout(session=session, settings=settings, token=token, principal=principal)
    response.delete_cookie(session_cookie_name(settings), path="/",
                           secure=settings.behind_tls, httponly=True, samesite="strict")
    return Me(kind="anonymous", name="anonymous", roles=[], permissions=[],
              must_change_password=False)


@router.get("/me")
def auth_me(session: SessionDep, principal: PrincipalDep) -> Me:
    """Who you are signed in as, with your roles and what they let you do."""
    account = None
    if principal.kind in (PrincipalKind.USER, PrincipalKind.CLIENT):
        account = get_user(session=session, principal=principal, username=principal.name)
    return Me(kind=principal.kind.value, name=principal.name,
              roles=sorted(r.value for r in principal.roles),
              permissions=sorted(p.value for p in principal.permissions),
              must_change_password=principal.must_change_password, account=account)


@router.post("/password")
def auth_password(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                  request: Request, data: PasswordChange) -> Me:
    """Change your password (the current one is asked again); your other sessions end."""
    change_password(session=session, settings=settings, principal=principal, data=data,
                    keep_session=request.cookies.get(session_cookie_name(settings)))
    return Me(kind=principal.kind.value, name=principal.name,
              roles=sorted(r.value for r in principal.roles),
              permissions=sorted(p.value for p in principal.permissions),
              must_change_password=False)


@router.post("/totp/setup")
def auth_totp_setup(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                    data: PasswordConfirm) -> TotpSetup:
    """Start a second factor: a secret for an authenticator app (confirm with a code)."""
    return start_totp(session=session, settings=settings, principal=principal,
                      password=data.password)


@router.post("/totp/enable")
def auth_totp_enable(session: SessionDep, principal: PrincipalDep, data: CodeConfirm) -> Me:
    enable_totp(session=session, principal=principal, code=data.code)
    return auth_me(session, principal)


@router.post("/totp/disable")
def auth_totp_disable(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                      data: TotpOff) -> Me:
    disable_totp(session=session, settings=settings, principal=principal,
                 password=data.password, code=data.code)
    return auth_me(session, principal)


@router.get("/tokens")
def auth_tokens(session: SessionDep, principal: PrincipalDep) -> list[TokenPublic]:
    """Your personal API tokens (never the tokens themselves: they are shown once)."""
    return list_tokens(session=session, principal=principal)


@router.post("/tokens")
def auth_token_create(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                      data: TokenCreate) -> TokenIssued:
    """A personal API token acting with your roles and scopes; shown once."""
    return issue_token(session=session, settings=settings, principal=principal, data=data)


@router.delete("/tokens/{token_id}")
def auth_token_revoke(session: SessionDep, principal: PrincipalDep,
                      token_id: int) -> TokenPublic:
    return revoke_token(session=session, principal=principal, token_id=token_id)
