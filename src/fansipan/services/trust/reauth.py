"""Re-authentication: the current password asked again before a sensitive change (the
password itself, the second factor, a new personal API token).

Wrong answers count exactly as failed sign-ins do: on the same per-account counter, so
an attacker holding a stolen session or token gets no more guesses than one at the
sign-in form (FANSIPAN_LOGIN_MAX_FAILURES in a row lock the account for
FANSIPAN_LOCKOUT_MINUTES), and each is an audited `auth.reauth` event. While the account
is locked no password is checked at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind
from fansipan.errors import (
    FansipanError,
    FieldError,
    TooManyRequests,
    Unauthenticated,
    ValidationError,
    msg,
)
from fansipan.services.trust.audit import record, record_alone
from fansipan.services.trust.passwords import verify_password
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.security_tables import UserRow


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _locked(settings: Settings) -> TooManyRequests:
    refused = TooManyRequests(msg(
        "Too many wrong passwords or codes for this account: it is locked for {minutes} "
        "minutes. Try again later, or ask an administrator to unlock it",
        minutes=settings.lockout_minutes))
    refused.audited = True
    return refused


def confirm_password(*, session: Session, settings: Settings, principal: Principal,
                     password: str, action: str, field: str = "current_password") -> None:
    """Return when `password` is the account's current one; else count, audit and raise."""
    now = _now()
    with session.begin():
        user = session.get(UserRow, principal.id) if principal.id is not None else None
        if user is None or principal.kind is not PrincipalKind.USER or (
                user.kind != PrincipalKind.USER.value):
            raise Unauthenticated(msg("Sign in with a personal account to do this"))
        stored = user.password_hash
        locked = user.locked_until is not None and _aware(user.locked_until) > now
        failures = user.failed_logins
    if locked:
        record_alone(session, principal, "auth.reauth", target=principal.name,
                     outcome="denied", detail={"for": action, "reason": "locked"})
        raise _locked(settings)
    # Argon2 runs outside any transaction: it is slow on purpose, and locks must be short.
    if verify_password(stored, password):
        if failures:
            with session.begin():
                found = session.get(UserRow, principal.id)
                if found is not None:
                    found.failed_logins = 0
        return
    wrong = ValidationError(msg("The current password is wrong"), [FieldError(
        field=field, message=msg("enter the password you signed in with"))])
    count_failure(session=session, settings=settings, principal=principal, action=action,
                  reason="wrong_password", refusal=wrong)


def count_failure(*, session: Session, settings: Settings, principal: Principal, action: str,
                  reason: str, refusal: FansipanError) -> None:
    """Count one wrong answer (a password or a code) against the account and raise."""
    now = _now()
    with audited_transaction(session):
        user = session.get(UserRow, principal.id) if principal.id is not None else None
        if user is None:
            raise Unauthenticated(msg("This account no longer exists"))
        user.failed_logins += 1
        locked_now = user.failed_logins >= settings.login_max_failures
        if locked_now:
            user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
            user.failed_logins = 0
            reason += ", account locked"
        record(session, principal, "auth.reauth", target=user.username, outcome="failed",
               detail={"for": action, "reason": reason})
    if locked_now:
        raise _locked(settings)
    refusal.audited = True
    raise refusal
