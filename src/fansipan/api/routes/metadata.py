"""Metadata exchange: `GET /api/v1/metadata` and `POST /api/v1/metadata/import`."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Body

from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.exchange.metadata import (
    MetadataSummary,
    export_metadata,
    import_metadata,
)

router = APIRouter(prefix="/metadata", tags=["metadata"], dependencies=[AdminNetwork])


@router.get("")
def metadata_export(session: SessionDep, principal: PrincipalDep,
                    shape: Literal["json", "dhis2"] = "json") -> dict[str, Any]:
    """The catalogue and the units: Fansipan's document, or DHIS2's metadata shape."""
    return export_metadata(session=session, principal=principal, shape=shape)


@router.post("/import")
def metadata_import(session: SessionDep, principal: PrincipalDep,
                    document: dict[str, Any] = Body(...),  # noqa: B008 - FastAPI's way
                    dry_run: bool = True) -> MetadataSummary:
    """Import a document of either shape, idempotently; a dry run unless `dry_run=false`."""
    return import_metadata(session=session, principal=principal, document=document,
                           dry_run=dry_run)
