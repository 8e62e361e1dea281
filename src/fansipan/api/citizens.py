"""The citizens' part of the app: Open311, and the staff API of field reports and dossiers."""

from __future__ import annotations

from fastapi import FastAPI

from fansipan.api.routes import dossiers, open311, service_requests

API_PREFIX = "/api/v1"


def install_citizens(app: FastAPI) -> None:
    app.include_router(open311.router)
    app.include_router(service_requests.router, prefix=API_PREFIX)
    app.include_router(dossiers.router, prefix=API_PREFIX)
