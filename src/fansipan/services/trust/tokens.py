"""API tokens: personal ones for people, and the credentials of connected systems.

A token is shown once when issued; the store keeps its keyed digest and a short
prefix to recognise it in lists. A request sends it as `Authorization: Bearer <token>`
and acts with its account's roles and scopes.

A personal token is a long-lived credential, so minting one asks for the current
password again (throttled as sign-in is). A token minted by a request that was itself
made with a token can never outlive that token: it expires no later, and it stops
working as soon as its parent is revoked or expires. Changing the password, a password
reset and disabling the account revoke the account's tokens for good.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal, PrincipalKind
from fansipan.errors import (
    FieldError,
    NotFound,
    PermissionDenied,
    Unauthenticated,
    ValidationError,
    msg,
)
from fansipan.services.catalog import load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.trust.accounts import manage_account, owns, principal_of
from fansipan.services.trust.audit import record
from fansipan.services.trust.delegation import check_account
from fansipan.services.trust.digests import API_TOKEN_PREFIX, digest, new_api_token
from fansipan.services.trust.reauth import confirm_password
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.security_tables import ApiTokenRow, UserRow

TOUCH_EVERY = timedelta(seconds=60)


MAX_LINEAGE = 20  # tokens minted from tokens minted from …: a chain longer than this is refused


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100, examples=["LGSP pull, 2026"])
    expires_in_days: int | None = Field(default=365, ge=1, le=3650,
                                        description="Leave empty for a token that never "
                                                    "expires (not recommended); a token "
                                                    "minted with a token expires with it")
    current_password: str | None = Field(
        default=None, max_length=1024,
        description="Your password, asked again for a personal token (not for the token "
                    "of a connected system you manage)")


class TokenPublic(BaseModel):
    id: int
    name: str
    prefix: str
    owner: str
    created_by: str
    created_at: UtcDateTime
    expires_at: UtcDateTime | None
    last_used_at: UtcDateTime | None
    revoked: bool


class TokenIssued(BaseModel):
    token: str = Field(description="Shown once: store it now; it cannot be shown again")
    info: TokenPublic
    note: str = ""


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _owner(session: Session, principal: Principal, owner: str | None) -> UserRow:
    """The account a token belongs to: oneself, or a connected system one manages."""
    if owner is None or (owner == principal.name and principal.kind is PrincipalKind.USER):
        if principal.kind is not PrincipalKind.USER or principal.id is None:
            raise Unauthenticated(msg("Sign in with a personal account to manage your tokens"))
        if principal.must_change_password:
            require(principal, Permission.READ_DATA)  # raises: change the password first
        user = session.get(UserRow, principal.id)
    else:
        require(principal, Permission.MANAGE_CLIENTS)
        user = session.scalars(select(UserRow).where(UserRow.username == owner)).one_or_none()
        if user is not None and user.kind != PrincipalKind.CLIENT.value:
            raise PermissionDenied(msg("Tokens of a person are managed by that person; you can "
                                       "manage the tokens of connected systems"))
        if user is not None and not principal.can(Permission.MANAGE_USERS) and not owns(
                principal, user):
            user = None  # another's system: not found, as if it did not exist
        if user is not None:
            # A token acts with its system's reach and roles: an integrator may not mint
            # one for a system that reaches or may do more than the integrator itself.
            manage_account(session, principal, user)
            check_account(principal, load_catalog(session), principal_of(session, user))
    if user is None:
        raise NotFound(msg("No such account"), [FieldError(
            field="owner", value=owner, message=msg("there is no account by that name"))])
    return user


def _personal(principal: Principal, owner: str | None) -> bool:
    return owner is None or (owner == principal.name and principal.kind is PrincipalKind.USER)


def _parent_id(principal: Principal) -> int | None:
    """The token this request was made with, if it was made with one."""
    return int(principal.via[6:]) if principal.via.startswith("token:") else None


def issue_token(*, session: Session, settings: Settings, principal: Principal,
                data: TokenCreate, owner: str | None = None) -> TokenIssued:
    if _personal(principal, owner) and principal.kind is not PrincipalKind.SYSTEM:
        with session.begin():
            _owner(session, principal, owner)  # who may mint, before a password is checked
        if not data.current_password:
            raise ValidationError("Enter your password to issue a personal token", [FieldError(
                field="current_password", message="a token outlives a session, so your "
                                                  "password is asked again")])
        confirm_password(session=session, settings=settings, principal=principal,
                         password=data.current_password, action="token_create")
    token = new_api_token()
    with audited_transaction(session):
        user = _owner(session, principal, owner)
        now = _now()
        expires = now + timedelta(days=data.expires_in_days) if data.expires_in_days else None
        parent_id = _parent_id(principal)
        note = ""
        if parent_id is not None:
            parent = session.get(ApiTokenRow, parent_id)
            ends = _aware(parent.expires_at) if parent and parent.expires_at else None
            if ends is not None and (expires is None or expires > ends):
                expires = ends
                note = ("This token was made with a token, so it expires with it, on "
                        f"{ends:%d/%m/%Y %H:%M} UTC; sign in with your password to make a "
                        "longer-lived one")
        row = ApiTokenRow(
            user_id=user.id, name=data.name, digest=digest(settings, token),
            prefix=token[len(API_TOKEN_PREFIX):][:8], created_by=principal.actor,
            created_at=now, expires_at=expires, parent_id=parent_id,
        )
        session.add(row)
        session.flush()
        record(session, principal, "token.create", target=user.username,
               detail={"token": row.id, "name": data.name, "prefix": row.prefix,
                       "expires_at": row.expires_at, "parent": parent_id})
        return TokenIssued(token=token, info=public_token(row, user.username), note=note)


def list_tokens(*, session: Session, principal: Principal,
                owner: str | None = None) -> list[TokenPublic]:
    with session.begin():
        user = _owner(session, principal, owner)
        rows = session.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == user.id)
                               .order_by(ApiTokenRow.id)).all()
        return [public_token(r, user.username) for r in rows]


def revoke_token(*, session: Session, principal: Principal, token_id: int,
                 owner: str | None = None) -> TokenPublic:
    with audited_transaction(session):
        user = _owner(session, principal, owner)
        row = session.get(ApiTokenRow, token_id)
        if row is None or row.user_id != user.id:
            raise NotFound(msg("No such token"), [FieldError(field="token_id", value=str(token_id),
                                                        message=msg("list the tokens to see their "
                                                                    "ids"))])
        if row.revoked_at is None:
            row.revoked_at, row.revoked_by = _now(), principal.actor[:100]
            record(session, principal, "token.revoke", target=user.username,
                   detail={"token": row.id, "name": row.name})
        return public_token(row, user.username)


def token_principal(*, session: Session, settings: Settings, token: str,
                    ip: str) -> Principal:
    """The principal an API token acts as; raise when it is unknown, expired or revoked."""
    now = _now()
    token_digest = digest(settings, token)
    with session.begin():
        row = session.scalars(select(ApiTokenRow).where(
            ApiTokenRow.digest == token_digest)).one_or_none()
        user = session.get(UserRow, row.user_id) if row is not None else None
        if row is None or user is None or row.revoked_at is not None or not user.active:
            raise Unauthenticated(msg("The API token is unknown or revoked; ask for a new one"))
        if row.expires_at is not None and _aware(row.expires_at) <= now:
            raise Unauthenticated(msg("The API token has expired; issue a new one"))
        _check_lineage(session, row, now)
        principal = principal_of(session, user, via=f"token:{row.id}", ip=ip)
        stale = row.last_used_at is None or _aware(row.last_used_at) + TOUCH_EVERY <= now
        token_id = row.id
    if stale and _first_to_touch(token_digest, now):
        with session.begin():
            session.execute(update(ApiTokenRow).where(ApiTokenRow.id == token_id)
                            .values(last_used_at=now))
    return principal


# When this process last wrote each token's last use, by digest: the requests that
# arrive together with a stale token would otherwise all write it, each waiting for the
# store's write lock (SQLite's is one for the whole store) before it can answer.
_TOUCHED: dict[str, datetime] = {}
_TOUCHED_LOCK = threading.Lock()


def _first_to_touch(token_digest: str, now: datetime) -> bool:
    """True for one request of this process per token and TOUCH_EVERY."""
    with _TOUCHED_LOCK:
        last = _TOUCHED.get(token_digest)
        if last is not None and now - TOUCH_EVERY < last <= now:
            return False
        if len(_TOUCHED) > 10_000:
            for key in [k for k, at in _TOUCHED.items() if at + TOUCH_EVERY <= now]:
                del _TOUCHED[key]
        _TOUCHED[token_digest] = now
        return True


def _check_lineage(session: Session, row: ApiTokenRow, now: datetime) -> None:
    """A token minted with a token works only while every token it descends from does."""
    parent_id, steps = row.parent_id, 0
    while parent_id is not None:
        parent = session.get(ApiTokenRow, parent_id)
        steps += 1
        if parent is None or parent.revoked_at is not None or steps > MAX_LINEAGE or (
                parent.expires_at is not None and _aware(parent.expires_at) <= now):
            raise Unauthenticated("The API token has ended with the token it was made with; "
                                  "issue a new one")
        parent_id = parent.parent_id


def public_token(row: ApiTokenRow, owner: str) -> TokenPublic:
    return TokenPublic(id=row.id, name=row.name, prefix=row.prefix, owner=owner,
                       created_by=row.created_by, created_at=row.created_at,
                       expires_at=row.expires_at, last_used_at=row.last_used_at,
                       revoked=row.revoked_at is not None)
