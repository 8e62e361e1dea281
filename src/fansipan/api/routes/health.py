"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from fansipan import __version__
from fansipan.api.metrics import MetricsDep
from fansipan.errors import StoreUnavailable, msg
from fansipan.http.deps import MetricsNetwork
from fansipan.services.warehouse.setup import check_ready

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    ok: bool
    version: str


@router.get("/healthz")
def healthz() -> Health:
    """The process is up (it does not touch the database)."""
    return Health(ok=True, version=__version__)


@router.get("/readyz")
async def readyz(request: Request) -> Health:
    """The process can serve: the database answers and its schema is current."""
    problem = await run_in_threadpool(check_ready, request.app.state.engine)
    if problem is not None:
        raise StoreUnavailable(msg("Not ready: {problem}", problem=problem))
    return Health(ok=True, version=__version__)


@router.get("/metrics", include_in_schema=False, dependencies=[MetricsNetwork])
def metrics(metrics: MetricsDep) -> Response:
    """Prometheus text format: requests, latency, imports, the request queue."""
    return Response(metrics.render(), media_type="text/plain; version=0.0.4; charset=utf-8")
