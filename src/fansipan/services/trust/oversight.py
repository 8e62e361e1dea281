"""What an administrator sees and ends of another account: its sessions and its tokens.

A person manages their own tokens (tokens.py); an administrator may list anyone's and
revoke one that leaked, and end one session or all of them. A session is known by the
first characters of its keyed digest: enough to tell sessions apart on a page, useless
to anyone who would sign in with it. Every ending is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FieldError, NotFound, msg
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.trust.accounts import get_account_row
from fansipan.services.trust.audit import record
from fansipan.services.trust.tokens import TokenPublic, public_token
from fansipan.store.audit import audited_transaction
from fansipan.store.security_tables import ApiTokenRow, AuthSessionRow

SESSION_REF = 12  # characters of a session's digest shown to tell it apart


class SessionPublic(BaseModel):
    ref: str
    created_at: UtcDateTime
    last_seen_at: UtcDateTime
    expires_at: UtcDateTime
    ip: str
    user_agent: str
    live: bool


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def list_sessions(*, session: Session, principal: Principal,
                  username: str) -> list[SessionPublic]:
    """The account's sessions not yet revoked, newest first (expired ones marked)."""
    require(principal, Permission.MANAGE_USERS)
    now = datetime.now(UTC)
    with session.begin():
        user = get_account_row(session, username)
        rows = session.scalars(select(AuthSessionRow).where(
            AuthSessionRow.user_id == user.id, AuthSessionRow.revoked_at.is_(None))
            .order_by(AuthSessionRow.created_at.desc())).all()
        return [SessionPublic(ref=r.id[:SESSION_REF], created_at=r.created_at,
                              last_seen_at=r.last_seen_at, expires_at=r.expires_at, ip=r.ip,
                              user_agent=r.user_agent, live=_aware(r.expires_at) > now)
                for r in rows]


def end_session(*, session: Session, principal: Principal, username: str, ref: str) -> None:
    """End one session of the account, named by the reference its list shows."""
    require(principal, Permission.MANAGE_USERS)
    with audited_transaction(session):
        user = get_account_row(session, username)
        rows = session.scalars(select(AuthSessionRow).where(
            AuthSessionRow.user_id == user.id, AuthSessionRow.revoked_at.is_(None))).all()
        found = [r for r in rows if len(ref) == SESSION_REF and r.id.startswith(ref)]
        if len(found) != 1:
            raise NotFound(msg("No such session"), [FieldError(
                field="session", value=ref[:SESSION_REF],
                message=msg("it has ended already, or the list has changed; reload the page"))])
        found[0].revoked_at, found[0].revoked_by = datetime.now(UTC), principal.actor[:100]
        record(session, principal, "user.end_session", target=username,
               detail={"session": ref})


def list_account_tokens(*, session: Session, principal: Principal,
                        username: str) -> list[TokenPublic]:
    """Every API token of an account, revoked ones included (the page shows which)."""
    require(principal, Permission.MANAGE_USERS)
    with session.begin():
        user = get_account_row(session, username)
        rows = session.scalars(select(ApiTokenRow).where(ApiTokenRow.user_id == user.id)
                               .order_by(ApiTokenRow.id.desc())).all()
        return [public_token(r, user.username) for r in rows]


def revoke_account_token(*, session: Session, principal: Principal, username: str,
                         token_id: int) -> TokenPublic:
    """Revoke one token of an account (tokens minted with it end with it)."""
    require(principal, Permission.MANAGE_USERS)
    with audited_transaction(session):
        user = get_account_row(session, username)
        row = session.get(ApiTokenRow, token_id)
        if row is None or row.user_id != user.id:
            raise NotFound(msg("No such token"), [FieldError(
                field="token_id", value=str(token_id),
                message=msg("list the tokens to see their ids"))])
        if row.revoked_at is None:
            row.revoked_at, row.revoked_by = datetime.now(UTC), principal.actor[:100]
            record(session, principal, "token.revoke", target=user.username,
                   detail={"token": row.id, "name": row.name, "by_administrator": True})
        return public_token(row, user.username)
