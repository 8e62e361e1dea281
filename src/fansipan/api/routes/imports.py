"""Imports: `/api/v1/imports` takes a file in any supported format and answers with an
import summary (or, with `async=true`, a job to follow at `/api/v1/jobs/{id}`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from fansipan.api.exchange_context import note, note_summary
from fansipan.api.runner import RunnerDep
from fansipan.domain.access import Permission
from fansipan.domain.numbers import NumberStyle
from fansipan.domain.rows import IdScheme, ImportFormat, WriteStrategy
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.http.uploads import spool
from fansipan.services.exchange.imports import ImportOptions, ImportSummary
from fansipan.services.exchange.intake import Upload, receive
from fansipan.services.exchange.jobs import JobPublic, get_job
from fansipan.services.trust.access import require

router = APIRouter(prefix="/imports", tags=["exchange"])

_TEXT = {"schema": {"type": "string"}}
BODY_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "example": {"values": [
        {"indicator": "VT_TRAM_5G", "unit": "02647", "period": "2024-03", "value": 3}]}}},
    "text/csv": _TEXT,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}},
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
}}}
IMPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": JobPublic, "description": "Queued as a background job"},
    409: {"model": ImportSummary, "description": "Some rows were refused: the summary lists "
                                                 "them (with atomic, nothing was saved)"},
}
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=200,
                                              description="Send the same key again to get "
                                                          "the first answer, not a second "
                                                          "import")]


@router.post("", responses=IMPORT_RESPONSES, openapi_extra=BODY_DOC)
async def imports_create(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    runner: RunnerDep,
    format: ImportFormat = ImportFormat.AUTO,
    strategy: WriteStrategy = WriteStrategy.CREATE_AND_UPDATE,
    dry_run: bool = False,
    atomic: bool = True,
    run_async: Annotated[bool, Query(alias="async", description="Run as a background job")] = False,
    indicator_scheme: IdScheme = IdScheme.AUTO,
    unit_scheme: IdScheme = IdScheme.AUTO,
    file_name: Annotated[str | None, Query(max_length=200)] = None,
    number_style: NumberStyle = NumberStyle.AUTO,
    idempotency_key: IdempotencyKey = None,
) -> ImportSummary:
    """Import JSON, CSV (comma or semicolon, Vietnamese or English headers), XLSX or DHIS2
    files: every row is checked first; all or nothing unless `atomic=false`."""
    require(principal, Permission.WRITE_DATA)  # before reading a large body
    spooled = await spool(request, settings, file_name)
    options = ImportOptions(format=format, strategy=strategy, dry_run=dry_run, atomic=atomic,
                            indicator_scheme=indicator_scheme, unit_scheme=unit_scheme,
                            number_style=number_style, source="import")
    note(request, bytes_in=spooled.size, payload_sha256=spooled.sha256)
    intake = await run_in_threadpool(
        receive, session=session, session_factory=request.app.state.session_factory,
        runner=runner, principal=principal,
        upload=Upload(spooled.path, spooled.size, spooled.file_name, spooled.content_type),
        options=options, background=run_async, idempotency_key=idempotency_key)
    if intake.summary is None:
        job = await run_in_threadpool(get_job, session=session, principal=principal,
                                      job_id=str(intake.job))
        note(request, operation="import.async", job_id=job.id)
        return JSONResponse(job.model_dump(mode="json"), status_code=202,  # type: ignore[return-value]
                            headers={"Location": f"/api/v1/jobs/{job.id}"})
    note_summary(request, "import", intake.summary)
    return JSONResponse(intake.summary.model_dump(mode="json"),  # type: ignore[return-value]
                        status_code=intake.summary.http_status)
