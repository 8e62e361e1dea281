"""Linking accounts to the identity platform: done by administrators, by subject only.

A link names the platform's issuer and the person's subject (`sub`, as the platform
shows it, or as Fansipan's refusal page shows it to the person). Linking a local
account removes its password and second factor: from then on it signs in through the
platform, whose own password and second factor stand in for ours. Unlinking leaves an
account without a password until an administrator resets one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal, PrincipalKind
from fansipan.errors import Conflict, FieldError, NotFound, ValidationError, msg
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.security_tables import AuthSessionRow, UserRow
from fansipan.store.sso_tables import SsoLinkRow


class SsoLink(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    subject: str = Field(min_length=1, max_length=255,
                         description="The person's `sub` at the identity platform")


def _user(session: Session, username: str) -> UserRow:
    user = session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
    if user is None:
        raise NotFound(msg("No such account"), [FieldError(
            field="username", value=username, message=msg("there is no account by that name"))])
    return user


def link_account(*, session: Session, settings: Settings, principal: Principal,
                 data: SsoLink) -> None:
    require(principal, Permission.MANAGE_USERS)
    if not settings.oidc_issuer:
        raise ValidationError(msg("Single sign-on is not configured: set FANSIPAN_OIDC_ISSUER "
                                  "first"), [FieldError(field="subject", message=msg(
                                      "there is no identity platform to link to"))])
    now = datetime.now(UTC)
    with audited_transaction(session):
        user = _user(session, data.username)
        if user.kind != PrincipalKind.USER.value:
            raise ValidationError(msg("A connected system signs in with a token, not through "
                                      "the identity platform"), [FieldError(
                                          field="username", value=data.username,
                                          message=msg("link a person's account"))])
        taken = session.scalars(select(SsoLinkRow).where(
            SsoLinkRow.issuer == settings.oidc_issuer,
            SsoLinkRow.subject == data.subject)).one_or_none()
        if taken is not None:
            raise Conflict(msg("That subject is already linked to another account"), [FieldError(
                field="subject", value=data.subject, message=msg("unlink it there first"))])
        if session.scalars(select(SsoLinkRow).where(SsoLinkRow.user_id == user.id)).first():
            raise Conflict(msg("{username} is already linked; unlink it first",
                               username=data.username))
        session.add(SsoLinkRow(user_id=user.id, issuer=settings.oidc_issuer,
                               subject=data.subject, created_at=now, created_by=principal.actor))
        had_password = user.password_hash is not None
        user.password_hash, user.password_changed_at = None, None
        user.must_change_password = False
        user.totp_secret, user.totp_enabled, user.totp_last_step = None, False, None
        user.failed_logins, user.locked_until, user.updated_at = 0, None, now
        # Sessions opened with the password end: the account now signs in another way.
        session.execute(update(AuthSessionRow).where(
            AuthSessionRow.user_id == user.id, AuthSessionRow.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by="linked to single sign-on"))
        record(session, principal, "user.sso_link", target=user.username,
               detail={"issuer": settings.oidc_issuer, "subject": data.subject,
                       "password_removed": had_password})


def unlink_account(*, session: Session, principal: Principal, username: str) -> None:
    require(principal, Permission.MANAGE_USERS)
    with audited_transaction(session):
        user = _user(session, username)
        link = session.scalars(select(SsoLinkRow).where(SsoLinkRow.user_id == user.id)).first()
        if link is None:
            raise NotFound(msg("{username} is not linked to the identity platform",
                               username=username))
        session.delete(link)
        record(session, principal, "user.sso_unlink", target=user.username,
               detail={"issuer": link.issuer, "subject": link.subject})
