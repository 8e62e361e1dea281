"""Typed dependencies of every route: the store session, the settings, the engine."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.errors import PermissionDenied, msg
from fansipan.services.catalog import hold_catalog
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_session(request: Request) -> Iterator[Session]:
    factory: SessionFactory = request.app.state.session_factory
    session = factory()
    hold_catalog(session)
    try:
        yield session
    finally:
        session.close()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_warehouse(request: Request) -> Warehouse:
    warehouse: Warehouse = request.app.state.warehouse
    return warehouse


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
WarehouseDep = Annotated[Warehouse, Depends(get_warehouse)]


def session_cookie_name(settings: Settings) -> str:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only
    # and for the whole site, so a sibling subdomain cannot plant or read it.
    return "__Host-fansipan_session" if settings.behind_tls else "fansipan_session"


def csrf_cookie_name(settings: Settings) -> str:
    return "__Host-fansipan_csrf" if settings.behind_tls else "fansipan_csrf"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


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
        raise PermissionDenied(msg("Administration is allowed only from the administrators' "
                                   "network (FANSIPAN_ADMIN_NETWORKS); connect from there"))


def require_metrics_network(request: Request, settings: SettingsDep) -> None:
    """Metrics tell how the server is used: closed until FANSIPAN_METRICS_NETWORKS opens it."""
    if not settings.metrics_networks:
        raise PermissionDenied("Metrics are off; set FANSIPAN_METRICS_NETWORKS to the "
                               "scraper's network to serve them")
    if not _in_networks(client_ip(request), settings.metrics_networks):
        raise PermissionDenied(msg("Metrics are served only to FANSIPAN_METRICS_NETWORKS; scrape "
                                   "from there or add the scraper's address"))


AdminNetwork = Depends(require_admin_network)
MetricsNetwork = Depends(require_metrics_network)
