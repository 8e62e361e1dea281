"""Typed dependencies shared by the routers."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Principal
from fansipan.errors import PermissionDenied, Unauthenticated
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    factory: SessionFactory = request.app.state.session_factory
    session = factory()
    try:
        yield session
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only
    # and for the whole site, so a sibling subdomain cannot plant or read it.
    return "__Host-fansipan_session" if settings.behind_tls else "fansipan_session"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def get_principal(request: Request, session: SessionDep,
                        settings: SettingsDep) -> Principal:
    """Who is asking: an API token, else a session cookie, else an anonymous visitor.

    Credentials that were sent but are no good are refused (401) rather than ignored,
    so a client learns at once that its token or session has ended. A change made with
    the cookie must carry the session's CSRF token: the X-CSRF-Token header, or for an
    HTML form its `csrf_token` field.
    """
    from fansipan.services.trust.auth import session_principal
    from fansipan.services.trust.tokens import token_principal

    ip = client_ip(request)
    header = request.headers.get("authorization")
    cookie = request.cookies.get(session_cookie_name(settings))
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "basic" and token.strip():
            # DHIS2-style: a connected system's id and key (services.clients).
            from fansipan.services.exchange.clients import basic_principal

            principal = await run_in_threadpool(
                lambda: basic_principal(session=session, settings=settings,
                                        credentials=token, ip=ip))
        elif scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Send the API token as 'Authorization: Bearer <token>'")
        else:
            principal = await run_in_threadpool(
                lambda: token_principal(session=session, settings=settings,
                                        token=token.strip(), ip=ip))
    elif cookie:
        unsafe = request.method not in SAFE_METHODS
        csrf = request.headers.get("x-csrf-token")
        if unsafe and csrf is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            field = (await request.form()).get("csrf_token")  # parsed once, kept for the route
            csrf = field if isinstance(field, str) else None
        principal = await run_in_threadpool(
            lambda: session_principal(session=session, settings=settings, token=cookie, ip=ip,
                                      csrf=csrf, needs_csrf=unsafe))
    else:
        principal = Principal.anonymous(ip)
    request.state.principal = principal
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def _in_networks(ip: str, networks: tuple[str, ...]) -> bool:
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


def require_admin_network(request: Request, settings: SettingsDep) -> None:
    """Administration only from FANSIPAN_ADMIN_NETWORKS, when it is set."""
    if settings.admin_networks and not _in_networks(client_ip(request),
                                                    settings.admin_networks):
        raise PermissionDenied("Administration is allowed only from the administrators' "
                               "network (FANSIPAN_ADMIN_NETWORKS); connect from there")


def require_metrics_network(request: Request, settings: SettingsDep) -> None:
    if not _in_networks(client_ip(request), settings.metrics_networks):
        raise PermissionDenied("Metrics are served only to FANSIPAN_METRICS_NETWORKS; scrape "
                               "from there or add the scraper's address")


AdminNetwork = Depends(require_admin_network)
MetricsNetwork = Depends(require_metrics_network)
