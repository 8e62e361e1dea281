"""Exports: `/api/v1/exports` streams stored values as JSON, CSV, XLSX, DHIS2 or SDMX."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import IO, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from fansipan.api.downloads import spooled_download
from fansipan.api.exchange_context import note
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.exchange.exports import (
    MEDIA,
    ExportFormat,
    ExportQuery,
    export_file_name,
    export_to,
)

router = APIRouter(prefix="/exports", tags=["exchange"])
Codes = Annotated[list[str] | None, Query(max_length=500)]
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {200: {"content": {
    "application/json": {}, "text/csv": {}, "application/csv": {},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
    "application/vnd.sdmx.structurespecificdata+xml": {}, "application/vnd.sdmx.data+csv": {},
}, "description": "The values, as a file"}}


@router.get("", response_class=StreamingResponse, responses=EXPORT_RESPONSES)
async def exports_index(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    format: ExportFormat = ExportFormat.CSV,
    indicator: Codes = None,
    sector: Codes = None,
    unit: Codes = None,
    children: bool = False,
    period: Codes = None,
    start: date | None = None,
    end: date | None = None,
    last_updated: datetime | None = None,
    changed_after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    include_deleted: bool = False,
    limit: Annotated[int | None, Query(ge=1, le=100_000_000)] = None,
) -> StreamingResponse:
    """Values within your scope, filtered by indicators (or groups), units (`children`
    adds every unit below), periods, dates, `last_updated` or the change feed's
    `changed_after`; audited."""
    query = ExportQuery(indicators=indicator or (), sectors=sector or (), units=unit or (),
                        children=children, periods=period or (), start=start, end=end,
                        last_updated=last_updated, changed_after=changed_after,
                        include_deleted=include_deleted, limit=limit)
    media = MEDIA[format][0]
    # Asking the store blocks: in the thread pool, as the export itself is.
    name = await run_in_threadpool(export_file_name, session=session, stem="fansipan-values",
                                   fmt=format)

    def write(out: IO[bytes]) -> int:
        return export_to(session=session, principal=principal, query=query, fmt=format,
                         out=out)

    return await spooled_download(
        settings, write, media, name,
        on_rows=partial(lambda n: note(request, operation="export", values_out=n)))
