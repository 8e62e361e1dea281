"""Single sign-on with the province's identity platform (OpenID Connect, code flow + PKCE).

Authlib is the relying party: it builds the authorisation request (with the S256 PKCE
challenge), exchanges the code, and checks the ID token's claims (issuer, audience,
expiry, issued-at, nonce, azp, at_hash); joserfc checks its signature against the
platform's JWKS. Everything the callback must match is kept in the store, never in a
cookie we would have to trust: the state (by its keyed digest, used once, for ten
minutes), a random value bound to the browser that started (so a callback link sent
to someone else signs nobody in), the nonce and the PKCE verifier.

Accounts are linked by the platform's issuer and subject, never by e-mail or name. A
subject without a link is refused (`FANSIPAN_OIDC_NEW_ACCOUNTS=refuse`, the default)
or given a new account with no roles (`create`). Roles and scopes are Fansipan's.
Every outcome is audited as a local sign-in is (`auth.login`, with `via: sso`).
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
from authlib.common.urls import add_params_to_uri
from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ClaimError,
    ExpiredTokenError,
    InvalidKeyIdError,
    JoseError,
)
from joserfc.jwk import KeySet
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fansipan.domain.access import PrincipalKind
from fansipan.errors import StoreUnavailable, TooManyRequests, Unauthenticated, msg
from fansipan.services.trust.audit import count_recent_failures
from fansipan.services.trust.auth import THROTTLE_WINDOW, SignedIn, _open_session
from fansipan.services.trust.digests import digest, new_token, same
from fansipan.services.trust.sso_claims import apply_claims
from fansipan.settings import Settings
from fansipan.store.audit import AuditRecord, append_events, audited_transaction
from fansipan.store.security_tables import UserRow
from fansipan.store.sso_tables import SsoLinkRow, SsoSignInRow

SIGN_IN_TTL = timedelta(minutes=10)
METADATA_TTL = 3600.0  # seconds the discovery document and keys are kept
LEEWAY = 60  # seconds of clock difference allowed on exp, iat and nbf
CALLBACK_PATH = "/login/sso/callback"
SSO_FAILED = msg("Sign-in through the identity platform could not be completed or verified. "
                 "Start again from the sign-in page; if it keeps failing, ask an administrator")
NOT_LINKED = msg("Your identity platform account ({subject}) is not linked to a Fansipan "
                 "account yet: ask an administrator to create your account, giving them this "
                 "identifier")


def enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def redirect_url(settings: Settings, request_base: str) -> str:
    """The callback address registered with the platform: set, else derived."""
    if settings.oidc_redirect_url:
        return settings.oidc_redirect_url
    base = settings.public_url or request_base.rstrip("/")
    return base + CALLBACK_PATH


@dataclass
class _Platform:
    metadata: dict[str, Any]
    keys: KeySet
    fetched: float


_platforms: dict[str, _Platform] = {}
_platforms_lock = threading.Lock()


def _unavailable() -> StoreUnavailable:
    return StoreUnavailable(msg("The identity platform does not answer (or answers something "
                                "that is not OpenID Connect); sign in with your password, or "
                                "try again later"))


def _get_json(settings: Settings, url: str) -> dict[str, Any]:
    try:
        answer = httpx2.get(url, timeout=settings.oidc_timeout, follow_redirects=False)
        answer.raise_for_status()
        data = answer.json()
    except (httpx2.HTTPError, ValueError):
        raise _unavailable() from None
    if not isinstance(data, dict):
        raise _unavailable()
    return data


def _platform(settings: Settings, *, refresh_keys: bool = False) -> _Platform:
    """The discovery document and signing keys, fetched once an hour (keys again when an
    ID token names a key we do not have: the platform rotated them)."""
    issuer = settings.oidc_issuer
    with _platforms_lock:
        known = _platforms.get(issuer)
    if known is not None and not refresh_keys and time.monotonic() - known.fetched < METADATA_TTL:
        return known
    metadata = _get_json(settings, issuer + "/.well-known/openid-configuration")
    # OpenID Connect Discovery 1.0, 4.3: the document must name the issuer we asked.
    if metadata.get("issuer") != issuer or not all(
            isinstance(metadata.get(k), str) for k in
            ("authorization_endpoint", "token_endpoint", "jwks_uri")):
        raise _unavailable()
    try:
        keys = KeySet.import_key_set(_get_json(settings, metadata["jwks_uri"]))  # type: ignore[arg-type]
    except (JoseError, ValueError, KeyError, TypeError):
        raise _unavailable() from None
    found = _Platform(metadata=metadata, keys=keys, fetched=time.monotonic())
    with _platforms_lock:
        _platforms[issuer] = found
    return found


def _client(settings: Settings, redirect_uri: str) -> Any:
    return OAuth2Client(client_id=settings.oidc_client_id,
                        client_secret=settings.oidc_client_secret,
                        scope=settings.oidc_scopes, redirect_uri=redirect_uri,
                        code_challenge_method="S256", timeout=settings.oidc_timeout)


@dataclass(frozen=True)
class SsoStart:
    url: str  # the platform's authorisation request
    browser_token: str  # for the binding cookie; only its digest is stored


def begin_sign_in(*, session: Session, settings: Settings, redirect_uri: str,
                  next_path: str) -> SsoStart:
    platform = _platform(settings)
    state, browser, nonce = new_token(), new_token(), new_token()
    verifier = new_token() + new_token()  # 86 characters; RFC 7636 asks for 43 to 128
    now = datetime.now(UTC)
    with session.begin():
        # Sign-ins never finished, and finished ones whose session has surely ended.
        session.execute(delete(SsoSignInRow).where(
            SsoSignInRow.created_at < now - timedelta(hours=settings.session_absolute_hours + 1)))
        session.add(SsoSignInRow(id=digest(settings, state), browser_digest=digest(
            settings, browser), nonce=nonce, code_verifier=verifier, next_path=next_path[:500],
            created_at=now))
    with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(platform.metadata["authorization_endpoint"],
                                                 state=state, code_verifier=verifier,
                                                 nonce=nonce)
    return SsoStart(url=str(url), browser_token=browser)


@dataclass(frozen=True)
class SsoSignedIn:
    signed: SignedIn
    next_path: str


class SsoRefused(Unauthenticated):
    """A sign-in through the platform that was refused; `reason` is what the audit says."""

    def __init__(self, reason: str, message: object = SSO_FAILED) -> None:
        super().__init__(message)  # type: ignore[arg-type]
        self.reason = reason
        self.audited = True


def _refuse(session: Session, ip: str, reason: str, *, actor: str = "?",
            detail: dict[str, object] | None = None) -> None:
    append_events(session, [AuditRecord(
        action="auth.login", actor=actor[:64], actor_kind="user", outcome="failed", ip=ip,
        target=actor[:64], detail={"via": "sso", "reason": reason, **(detail or {})})])


def finish_sign_in(*, session: Session, settings: Settings, redirect_uri: str,
                   state: str, code: str, error: str, browser_token: str, ip: str,
                   user_agent: str = "") -> SsoSignedIn:
    """Check the platform's answer, exchange the code, verify the ID token, open a session."""
    now = datetime.now(UTC)
    with session.begin():
        throttled = count_recent_failures(session, ip=ip, since=now - THROTTLE_WINDOW) >= (
            settings.login_ip_max_failures)
    if throttled:
        with audited_transaction(session):
            _refuse(session, ip, "throttled")
        stop = TooManyRequests(msg("Too many failed sign-ins from your address; wait 15 "
                                   "minutes and try again, or ask an administrator"))
        stop.audited = True
        raise stop
    pending = _take_pending(session, settings, state=state, error=error,
                            browser_token=browser_token, ip=ip, now=now)
    nonce, verifier, next_path, key = pending
    try:
        claims, id_token = _exchange(settings, redirect_uri, code=code, verifier=verifier,
                                     nonce=nonce)
    except SsoRefused as exc:
        with audited_transaction(session):
            _refuse(session, ip, exc.reason)
        raise
    signed = _open_for_subject(session, settings, claims, id_token, key=key, ip=ip,
                               user_agent=user_agent, now=now)
    return SsoSignedIn(signed=signed, next_path=next_path)


def _take_pending(session: Session, settings: Settings, *, state: str, error: str,
                  browser_token: str, ip: str, now: datetime) -> tuple[str, str, str, str]:
    """The sign-in this answer returns from, marked used whatever comes next."""
    reason: str | None = None
    with audited_transaction(session):
        row = session.get(SsoSignInRow, digest(settings, state)) if state else None
        if row is None:
            reason = "unknown_state"
        elif row.used_at is not None:
            reason = "state_used_again"
        elif not browser_token or not same(digest(settings, browser_token), row.browser_digest):
            reason = "other_browser"
        elif row.created_at.replace(tzinfo=row.created_at.tzinfo or UTC) + SIGN_IN_TTL < now:
            reason = "state_expired"
        elif error:
            reason = f"platform_error:{error[:60]}"
        if row is not None and row.used_at is None:
            row.used_at = now
        if reason is not None or row is None:
            _refuse(session, ip, reason or "unknown_state")
        else:
            found = (row.nonce, row.code_verifier, row.next_path, row.id)
    if reason is not None:
        raise SsoRefused(reason)
    return found


def _exchange(settings: Settings, redirect_uri: str, *, code: str, verifier: str,
              nonce: str) -> tuple[dict[str, Any], str]:
    platform = _platform(settings)
    try:
        with _client(settings, redirect_uri) as client:
            token = client.fetch_token(platform.metadata["token_endpoint"], code=code,
                                       code_verifier=verifier, grant_type="authorization_code")
    except (OAuthError, httpx2.HTTPError, ValueError, KeyError):
        raise SsoRefused("code_exchange_failed") from None
    id_token = token.get("id_token") if isinstance(token, dict) else None
    if not isinstance(id_token, str):
        raise SsoRefused("no_id_token")
    claims = verify_id_token(settings, id_token, nonce=nonce,
                             access_token=token.get("access_token"))
    return claims, id_token


def verify_id_token(settings: Settings, id_token: str, *, nonce: str,
                    access_token: str | None = None) -> dict[str, Any]:
    """The ID token's claims, or `SsoRefused` naming the check that failed: signature
    (JWKS), issuer, audience (and azp), expiry, issued-at, nonce, access token hash."""
    platform = _platform(settings)
    algorithms = [a for a in platform.metadata.get("id_token_signing_alg_values_supported",
                                                    ["RS256"]) if a != "none"]
    try:
        try:
            token = jwt.decode(id_token, platform.keys, algorithms=algorithms)
        except InvalidKeyIdError:
            token = jwt.decode(id_token, _platform(settings, refresh_keys=True).keys,
                               algorithms=algorithms)
    except BadSignatureError:
        raise SsoRefused("id_token_bad_signature") from None
    except (JoseError, ValueError):
        raise SsoRefused("id_token_unreadable") from None
    options = {"iss": {"essential": True, "value": settings.oidc_issuer},
               "aud": {"essential": True, "value": settings.oidc_client_id}}
    params = {"nonce": nonce, "client_id": settings.oidc_client_id}
    if access_token:
        params["access_token"] = access_token
    claims = CodeIDToken(token.claims, token.header, options, params)
    try:
        claims.validate(leeway=LEEWAY)
    except ExpiredTokenError:
        raise SsoRefused("id_token_expired") from None
    except ClaimError as exc:
        raise SsoRefused(f"id_token_{exc.error}:{exc.claim}") from None
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SsoRefused("id_token_missing_claim:sub")
    return dict(claims)


def _open_for_subject(session: Session, settings: Settings, claims: dict[str, Any],
                      id_token: str, *, key: str, ip: str, user_agent: str,
                      now: datetime) -> SignedIn:
    issuer, subject = settings.oidc_issuer, str(claims["sub"])[:255]
    who: dict[str, object] = {"issuer": issuer, "subject": subject}
    refused: SsoRefused | None = None
    with audited_transaction(session):
        link = session.scalars(select(SsoLinkRow).where(
            SsoLinkRow.issuer == issuer, SsoLinkRow.subject == subject)).one_or_none()
        user = session.get(UserRow, link.user_id) if link is not None else None
        if link is None and settings.oidc_new_accounts == "create":
            user = _new_account(session, claims, now)
            link = SsoLinkRow(user_id=user.id, issuer=issuer, subject=subject, created_at=now,
                              created_by="sso")
            session.add(link)
            append_events(session, [AuditRecord(
                action="user.sso_link", actor="sso", actor_kind="system", ip=ip,
                target=user.username, detail={**who, "created": True, "roles": []})])
        if link is None or user is None:
            _refuse(session, ip, "not_linked", detail=who)
            refused = SsoRefused("not_linked", msg(NOT_LINKED, subject=subject))
        elif user.kind != PrincipalKind.USER.value or not user.active:
            _refuse(session, ip, "inactive", actor=user.username, detail=who)
            refused = SsoRefused("inactive")
        else:
            apply_claims(session, settings, user, claims, ip=ip)
            signed = _open_session(session, settings, user, ip=ip, user_agent=user_agent,
                                   now=now)
            link.last_sign_in_at = now
            pending = session.get(SsoSignInRow, key)
            if pending is not None:
                pending.session_id = digest(settings, signed.session_token)
                pending.id_token = id_token
            append_events(session, [AuditRecord(
                action="auth.login", actor=user.username, actor_kind=user.kind, ip=ip,
                target=user.username, detail={"via": "sso", **who})])
    if refused is not None:
        raise refused
    return signed


_NAME_CHARS = re.compile(r"[^a-z0-9._-]+")


def _new_account(session: Session, claims: dict[str, Any], now: datetime) -> UserRow:
    """An account with no roles for a subject seen first; its name never links anything."""
    wanted = _NAME_CHARS.sub("-", str(claims.get("preferred_username") or "").lower()).strip(
        "-._")[:50]
    if len(wanted) < 3:
        wanted = "sso-" + hashlib.sha256(str(claims["sub"]).encode()).hexdigest()[:10]
    name, n = wanted, 1
    while session.scalar(select(UserRow.id).where(UserRow.username == name)) is not None:
        n += 1
        name = f"{wanted}-{n}"
    user = UserRow(username=name, kind=PrincipalKind.USER.value,
                   display_name=str(claims.get("name") or "")[:200],
                   email=str(claims.get("email") or "")[:200] if claims.get(
                       "email_verified") else "",
                   password_hash=None, must_change_password=False, roles="", all_units=False,
                   all_indicators=False, active=True, failed_logins=0, totp_enabled=False,
                   created_by="sso", created_at=now, updated_at=now)
    session.add(user)
    session.flush()
    return user


def end_session_url(*, session: Session, settings: Settings, session_token: str,
                    after: str) -> str | None:
    """The platform's logout for a session opened through it (RP-initiated logout), with
    the ID token as hint; None for a local session or a platform without one."""
    if not enabled(settings):
        return None
    with session.begin():
        row = session.scalars(select(SsoSignInRow).where(
            SsoSignInRow.session_id == digest(settings, session_token))).first()
        hint = row.id_token if row is not None else None
    if hint is None:
        return None
    try:
        endpoint = _platform(settings).metadata.get("end_session_endpoint")
    except StoreUnavailable:
        return None
    if not isinstance(endpoint, str):
        return None
    url: str = add_params_to_uri(endpoint, [("id_token_hint", hint),
                                            ("post_logout_redirect_uri", after),
                                            ("client_id", settings.oidc_client_id)])
    return url
