"""Liveness for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from fansipan import __version__

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    ok: bool
    version: str


@router.get("/healthz")
def healthz() -> Health:
    return Health(ok=True, version=__version__)
