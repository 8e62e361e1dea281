"""Foresight's part of the app: its routers, and the refresher running beside the server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from fansipan.api.routes import alerts, forecasts
from fansipan.services.foresight.refresh import ForesightWorker, Refresher
from fansipan.settings import Settings

API_PREFIX = "/api/v1"


def install_foresight(app: FastAPI) -> None:
    """Forecasts, odds, data quality, regimes, late reports, alerts and their rules."""
    for module in (forecasts, alerts):
        app.include_router(module.router, prefix=API_PREFIX)
    settings: Settings = app.state.settings
    app.state.foresight = Refresher(app.state.session_factory, app.state.warehouse, settings)
    if settings.foresight_worker:
        _run_worker(app)


def _run_worker(app: FastAPI) -> None:
    """The refresher works while the server runs (its lifespan), not at import."""
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:
        worker = ForesightWorker(a.state.foresight, a.state.settings.foresight_poll_seconds)
        worker.start()
        a.state.foresight_worker = worker
        async with inner(a) as state:
            try:
                yield state
            finally:
                worker.stop()  # before the app's own shutdown closes the store

    app.router.lifespan_context = lifespan
