"""Signing in and out, browser sessions, and changing one's password.

A session is a random token in an HttpOnly cookie; the store keeps only its keyed
digest, with an idle and an absolute expiry. Failed sign-ins are throttled per
address and lock the account for a while after several in a row; every attempt is
audited. The message a person sees never says which part was wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind
from fansipan.errors import (
    FieldError,
    PermissionDenied,
    TooManyRequests,
    Unauthenticated,
    ValidationError,
    msg,
)
from fansipan.services.trust.accounts import principal_of, revoke_tokens
from fansipan.services.trust.audit import count_recent_failures, record
from fansipan.services.trust.digests import digest, new_token, same
from fansipan.services.trust.mfa import code_step
from fansipan.services.trust.passwords import (
    check_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from fansipan.services.trust.reauth import confirm_password
from fansipan.settings import Settings
from fansipan.store.audit import AuditRecord, append_events, audited_transaction
from fansipan.store.security_tables import AuthSessionRow, UserRow

THROTTLE_WINDOW = timedelta(minutes=15)
TOUCH_EVERY = timedelta(seconds=60)  # how stale last_seen may get before it is written
SIGN_IN_FAILED = msg("Sign-in failed: the username or password is wrong, the 6-digit code is "
                     "missing or wrong (for an account with a second factor), or the account is "
                     "locked for a while after repeated failures. Check them and try again, or "
                     "ask an administrator")


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    otp: str | None = Field(default=None, max_length=10,
                            description="The 6-digit code, when the account has a second factor")


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    session_token: str  # for the cookie; never stored
    csrf_token: str  # echoed by the browser in X-CSRF-Token on every change
    expires_at: datetime
    must_change_password: bool


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def login(*, session: Session, settings: Settings, data: LoginRequest, ip: str,
          user_agent: str = "") -> SignedIn:
    now = _now()
    with session.begin():
        if count_recent_failures(session, ip=ip, since=now - THROTTLE_WINDOW) >= (
                settings.login_ip_max_failures):
            throttled = True
        else:
            throttled = False
            user = session.scalars(select(UserRow).where(
                UserRow.username == data.username)).one_or_none()
            stored = user.password_hash if user is not None else None
    if throttled:
        _fail(session, data.username, ip, "throttled", outcome="denied")
        throttle = TooManyRequests(msg("Too many failed sign-ins from your address; wait 15 "
                                       "minutes and try again, or ask an administrator"))
        throttle.audited = True
        raise throttle
    # Argon2 runs outside any transaction: it is slow on purpose, and locks must be short.
    password_ok = verify_password(stored, data.password)
    signed: SignedIn | None = None
    with audited_transaction(session):
        user = session.scalars(select(UserRow).where(
            UserRow.username == data.username)).one_or_none()
        reason = _refusal(user, password_ok, now)
        if reason is None and user is not None and user.totp_enabled and user.totp_secret:
            # A missing code answers exactly as a wrong password does, and counts as one:
            # otherwise the answer would tell whoever is guessing that the password is right.
            step = code_step(user.totp_secret, data.otp, last_step=user.totp_last_step
                             ) if data.otp else None
            if step is None:
                reason = "wrong_code" if data.otp else "missing_code"
            else:
                user.totp_last_step = step
        if reason is not None:
            # The failure is counted and audited: it commits, then the sign-in is refused.
            if user is not None and reason in ("wrong_password", "wrong_code", "missing_code"):
                user.failed_logins += 1
                if user.failed_logins >= settings.login_max_failures:
                    user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                    user.failed_logins = 0
                    reason += ", account locked"
            _append_failure(session, data.username, ip, reason, outcome="failed")
        elif user is not None:
            signed = _open_session(session, settings, user, ip=ip, user_agent=user_agent,
                                   now=now)
            if user.password_hash and needs_rehash(user.password_hash):
                user.password_hash = hash_password(data.password)
            user.failed_logins, user.locked_until = 0, None
            append_events(session, [AuditRecord(
                action="auth.login", actor=user.username, actor_kind=user.kind, ip=ip,
                target=user.username, detail={"via": signed.principal.via})])
    if signed is None:
        failed = Unauthenticated(SIGN_IN_FAILED)
        failed.audited = True
        raise failed
    return signed


def _refusal(user: UserRow | None, password_ok: bool, now: datetime) -> str | None:
    if user is None:
        return "unknown_user"
    if user.kind != PrincipalKind.USER.value or not user.active:
        return "inactive"
    if user.locked_until is not None and _aware(user.locked_until) > now:
        return "locked"
    if not password_ok:
        return "wrong_password"
    return None


def _append_failure(session: Session, username: str, ip: str, reason: str,
                    outcome: str) -> None:
    append_events(session, [AuditRecord(
        action="auth.login", actor=username[:64] or "?", actor_kind="user", outcome=outcome,
        ip=ip, target=username[:64], detail={"reason": reason})])


def _fail(session: Session, username: str, ip: str, reason: str, outcome: str) -> None:
    with audited_transaction(session):
        _append_failure(session, username, ip, reason, outcome)


def _password_expired(settings: Settings, user: UserRow, now: datetime) -> bool:
    if settings.password_max_age_days <= 0 or user.password_changed_at is None:
        return False
    return now - _aware(user.password_changed_at) > timedelta(days=settings.password_max_age_days)


def _open_session(session: Session, settings: Settings, user: UserRow, *, ip: str,
                  user_agent: str, now: datetime) -> SignedIn:
    token, csrf = new_token(), new_token()
    expires = now + timedelta(hours=settings.session_absolute_hours)
    row = AuthSessionRow(id=digest(settings, token), user_id=user.id,
                         csrf_digest=digest(settings, csrf), created_at=now, last_seen_at=now,
                         expires_at=expires, ip=ip[:64], user_agent=user_agent[:300])
    session.add(row)
    session.flush()
    must_change = user.must_change_password or _password_expired(settings, user, now)
    principal = principal_of(session, user, via=f"session:{row.id[:12]}", ip=ip,
                             must_change=must_change)
    return SignedIn(principal=principal, session_token=token, csrf_token=csrf,
                    expires_at=expires, must_change_password=must_change)


def session_principal(*, session: Session, settings: Settings, token: str, ip: str,
                      csrf: str | None, needs_csrf: bool) -> Principal:
    """The principal behind a session cookie; raise when it has ended or CSRF fails."""
    now = _now()
    key = digest(settings, token)
    with session.begin():
        row = session.get(AuthSessionRow, key)
        user = session.get(UserRow, row.user_id) if row is not None else None
        if row is None or user is None or row.revoked_at is not None or not user.active:
            raise Unauthenticated(msg("Your session has ended; sign in again"))
        idle = timedelta(minutes=settings.session_idle_minutes)
        if _aware(row.expires_at) <= now or _aware(row.last_seen_at) + idle <= now:
            raise Unauthenticated(
                msg("Your session has ended (after {idle} minutes without activity "
                    "or {hours} hours in all); sign in again",
                    idle=settings.session_idle_minutes,
                    hours=settings.session_absolute_hours))
        if needs_csrf and (csrf is None or not same(digest(settings, csrf), row.csrf_digest)):
            raise _CsrfFailed()
        must_change = user.must_change_password or _password_expired(settings, user, now)
        principal = principal_of(session, user, via=f"session:{key[:12]}", ip=ip,
                                 must_change=must_change)
        stale = _aware(row.last_seen_at) + TOUCH_EVERY <= now
    if stale:
        with session.begin():
            session.execute(update(AuthSessionRow).where(AuthSessionRow.id == key)
                            .values(last_seen_at=now))
    return principal


class _CsrfFailed(PermissionDenied):
    """A change sent with the session cookie but without the session's CSRF token."""

    def __init__(self) -> None:
        super().__init__("This change lacks the form's security token (X-CSRF-Token header "
                         "or csrf_token field); reload the page and try again")


def logout(*, session: Session, settings: Settings, token: str, principal: Principal) -> None:
    with audited_transaction(session):
        session.execute(update(AuthSessionRow).where(AuthSessionRow.id == digest(settings, token))
                        .values(revoked_at=_now(), revoked_by=principal.actor))
        record(session, principal, "auth.logout", target=principal.name)


def change_password(*, session: Session, settings: Settings, principal: Principal,
                    data: PasswordChange, keep_session: str | None = None) -> None:
    """Re-authenticate with the current password, check the new one, end the other
    sessions and revoke the account's API tokens (but the credential making the change)."""
    with session.begin():
        user = session.get(UserRow, principal.id) if principal.id is not None else None
    if user is None or principal.kind is not PrincipalKind.USER:
        raise Unauthenticated(msg("Sign in with a personal account to change its password"))
    confirm_password(session=session, settings=settings, principal=principal,
                     password=data.current_password, action="password_change")
    check_password(data.new_password, settings=settings, username=user.username,
                   field="new_password")
    if data.new_password == data.current_password:
        raise ValidationError(msg("The new password is the current one"), [FieldError(
            field="new_password", message=msg("choose a password you have not used here"))])
    keep = digest(settings, keep_session) if keep_session else None
    with audited_transaction(session):
        user = session.get(UserRow, principal.id)
        if user is None:
            raise Unauthenticated(msg("This account no longer exists"))
        user.password_hash = hash_password(data.new_password)
        user.password_changed_at = user.updated_at = _now()
        user.must_change_password = False
        stmt = update(AuthSessionRow).where(AuthSessionRow.user_id == user.id,
                                            AuthSessionRow.revoked_at.is_(None))
        if keep:
            stmt = stmt.where(AuthSessionRow.id != keep)
        session.execute(stmt.values(revoked_at=_now(), revoked_by="password change"))
        keep_token = int(principal.via[6:]) if principal.via.startswith("token:") else None
        tokens = revoke_tokens(session, user.id, by="password change", keep=keep_token)
        record(session, principal, "auth.password_change", target=user.username,
               detail={"tokens_revoked": tokens})
