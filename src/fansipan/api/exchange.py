"""The exchange hub's part of the app: its routers, and the log of connected systems."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from fansipan.api.exchange_log import ExchangeLogMiddleware
from fansipan.api.routes import (
    connectors,
    dhis2,
    exchange_admin,
    exports,
    imports,
    jobs,
    metadata,
    outbound,
    secrets,
    templates,
)
from fansipan.http.uploads import spool_dir
from fansipan.services.citizens.dossier_pull import PULL_TARGETS
from fansipan.services.exchange.connector_runs import Runtime
from fansipan.services.exchange.exchange_log import LogWriter
from fansipan.services.exchange.scheduler import ConnectorScheduler

API_PREFIX = "/api/v1"


def install_exchange(app: FastAPI) -> None:
    """Imports, jobs, exports, DHIS2 compatibility, clients' log and connectors."""
    for module in (imports, jobs, exports, templates, exchange_admin, connectors, secrets,
                   outbound, metadata):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(dhis2.router)
    app.state.exchange_log = LogWriter(app.state.session_factory)
    app.add_middleware(ExchangeLogMiddleware, writer=app.state.exchange_log)
    _schedule_connectors(app)


def _schedule_connectors(app: FastAPI) -> None:
    """Scheduled connectors run while the server runs (its lifespan), not at import."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:
        runtime = Runtime(spool=spool_dir(a.state.settings), settings=a.state.settings,
                          warehouse=a.state.warehouse, pull_targets=PULL_TARGETS)
        scheduler = ConnectorScheduler(a.state.session_factory, runtime)
        scheduler.start()
        async with inner(a) as state:
            try:
                yield state
            finally:
                # Before the app's own shutdown closes the store's connections.
                scheduler.stop()
                a.state.exchange_log.close()

    app.router.lifespan_context = lifespan
