"""The optional second factor: time-based one-time codes (TOTP, RFC 6238, 30 seconds).

A code is accepted in its own 30-second step or the one either side (clock drift),
and never twice: the last accepted step is stored, so a code seen over a shoulder
cannot be replayed.
"""

from __future__ import annotations

import hmac
import time

import pyotp
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.errors import Conflict, FieldError, Unauthenticated, ValidationError, msg
from fansipan.services.trust.audit import record
from fansipan.services.trust.reauth import confirm_password, count_failure
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.security_tables import UserRow

ISSUER = "Fansipan"


class TotpSetup(BaseModel):
    secret: str = Field(description="Enter it in an authenticator app, or scan the URI")
    uri: str


def code_step(secret: str, code: str, *, last_step: int | None,
              now: float | None = None) -> int | None:
    """The time step `code` belongs to, if it is valid now and newer than `last_step`."""
    totp = pyotp.TOTP(secret)
    current = int((now or time.time()) // totp.interval)
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code.strip()):
            return step
    return None


def _user(session: Session, principal: Principal) -> UserRow:
    user = session.get(UserRow, principal.id) if principal.id is not None else None
    if user is None or user.kind != "user":
        raise Unauthenticated(msg("Sign in with a personal account to set up a second factor"))
    return user


def start_totp(*, session: Session, settings: Settings, principal: Principal,
               password: str) -> TotpSetup:
    """A new secret (not yet in force): confirm it with `enable_totp` and a first code."""
    with session.begin():
        _user(session, principal)
    confirm_password(session=session, settings=settings, principal=principal,
                     password=password, action="totp_setup", field="password")
    with audited_transaction(session):
        user = _user(session, principal)
        if user.totp_enabled:
            raise Conflict(msg("A second factor is already on; turn it off first to change it"))
        user.totp_secret = pyotp.random_base32()
        record(session, principal, "auth.totp_start", target=user.username)
        uri = pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
        return TotpSetup(secret=user.totp_secret, uri=uri)


def enable_totp(*, session: Session, principal: Principal, code: str) -> None:
    with audited_transaction(session):
        user = _user(session, principal)
        if not user.totp_secret:
            raise Conflict(msg("Start the set-up first (POST /api/v1/auth/totp/setup)"))
        step = code_step(user.totp_secret, code, last_step=user.totp_last_step)
        if step is None:
            raise ValidationError(msg("The code is not right"), [FieldError(
                field="code", message=msg("enter the 6-digit code your app shows now; check that "
                                          "the phone's clock is right"))])
        user.totp_enabled, user.totp_last_step = True, step
        record(session, principal, "auth.totp_enable", target=user.username)


def disable_totp(*, session: Session, settings: Settings, principal: Principal, password: str,
                 code: str) -> None:
    with session.begin():
        _user(session, principal)
    confirm_password(session=session, settings=settings, principal=principal,
                     password=password, action="totp_disable", field="password")
    with audited_transaction(session):
        user = _user(session, principal)
        if not user.totp_enabled or not user.totp_secret:
            raise Conflict(msg("No second factor is on for this account"))
        step = code_step(user.totp_secret, code, last_step=user.totp_last_step)
        if step is not None:
            user.totp_enabled, user.totp_secret, user.totp_last_step = False, None, None
            record(session, principal, "auth.totp_disable", target=user.username)
    if step is None:  # a wrong code counts as one at sign-in does
        count_failure(session=session, settings=settings, principal=principal,
                      action="totp_disable", reason="wrong_code", refusal=ValidationError(
                          msg("The code is not right"), [FieldError(
                              field="code", message=msg("enter the 6-digit code your app "
                                                        "shows now"))]))
