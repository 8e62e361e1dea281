"""The application factory: settings in, app out; nothing connects until a request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from fansipan import __version__
from fansipan.analytics.engines import make_analytics_engine
from fansipan.analytics.warehouse import Warehouse
from fansipan.api.citizens import install_citizens
from fansipan.api.exchange import install_exchange
from fansipan.api.foresight import install_foresight
from fansipan.api.guards import RequestGuard
from fansipan.api.metrics import Metrics
from fansipan.api.middleware import OperationsMiddleware
from fansipan.api.proxies import ForwardedHeaders
from fansipan.api.routes import (
    analytics,
    approvals,
    audit,
    auth,
    catalogue,
    changes,
    clients,
    datavalues,
    health,
    indicators,
    periods,
    reports,
    targets,
    tasks,
    unit_admin,
    units,
    users,
)
from fansipan.http.errors import ERROR_RESPONSES, install_error_handlers
from fansipan.settings import Settings
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.web.app import install_web

API_PREFIX = "/api/v1"


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        # Graceful shutdown: requests in flight have finished; close the pool cleanly.
        app.state.engine.dispose()

    app = FastAPI(
        title="Fansipan",
        version=__version__,
        summary="Intelligent operations centre: the warehouse API",
        docs_url=None,  # /api/docs is served by the web, from installed Swagger UI files
        redoc_url=None,
        openapi_url="/api/openapi.json",
        responses=ERROR_RESPONSES,
        lifespan=lifespan,
    )
    engine = make_engine(settings.store_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    # Built empty; it loads from the store on the first question, not at start-up.
    app.state.warehouse = Warehouse(make_analytics_engine(**settings.analytics_engine_options()))
    app.state.metrics = Metrics()
    # Innermost first: the guard's refusals still get the security headers and the log.
    app.add_middleware(RequestGuard, hosts=settings.hosts)
    app.add_middleware(OperationsMiddleware, metrics=app.state.metrics,
                       behind_tls=settings.behind_tls)
    install_error_handlers(app)
    app.include_router(health.router)
    for module in (units, unit_admin, catalogue, indicators, periods, datavalues, targets,
                   changes, analytics):
        app.include_router(module.router, prefix=API_PREFIX)
    for module in (auth, users, clients, approvals, audit, reports):
        app.include_router(module.router, prefix=API_PREFIX)
    app.include_router(tasks.directives, prefix=API_PREFIX)
    app.include_router(tasks.tasks, prefix=API_PREFIX)
    install_exchange(app)  # imports, exports, DHIS2 compatibility, connectors, clients' log
    install_citizens(app)  # Open311, field reports and dossiers for staff
    install_foresight(app)  # forecasts, odds, data quality, late reports, alerts
    install_web(app)  # the dashboard's pages: HTML for people, outside the OpenAPI schema
    # Outermost: every layer inside sees the client as the trusted proxy saw it.
    app.add_middleware(ForwardedHeaders, trusted=settings.trusted_proxies)
    return app
