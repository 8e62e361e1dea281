"""The exchange hub's part of the app: its routers, and the log of connected systems."""

from __future__ import annotations

from fastapi import FastAPI

from fansipan.api.exchange_log import ExchangeLogMiddleware
from fansipan.api.routes import dhis2, exchange_admin, exports, imports, jobs, templates
from fansipan.services.exchange_log import LogWriter

API_PREFIX = "/api/v1"


def install_exchange(app: FastAPI) -> None:
    """Imports, jobs, exports, DHIS2 compatibility, clients' log and connectors."""
    for module in (imports, jobs, exports, templates, exchange_admin):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(dhis2.router)
    app.state.exchange_log = LogWriter(app.state.session_factory)
    app.add_middleware(ExchangeLogMiddleware, writer=app.state.exchange_log)
