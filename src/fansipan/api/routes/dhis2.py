"""DHIS2 Web API compatibility for aggregate data, under `/dhis2/api`.

Existing DHIS2 tools and client libraries work unchanged: `dataValueSets` (JSON and CSV,
import and export), single `dataValues`, `system/info`, and the task endpoints of an
`async` import. Connected systems sign in with HTTP Basic (client id and key) or a
Bearer token. Indicators are DHIS2 data elements, units are organisation units, and
indicator groups are data sets; ids are our uids (`idScheme=UID`, the default) or codes
(`idScheme=CODE`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from fansipan import __version__
from fansipan.api.downloads import spooled_download
from fansipan.api.exchange_context import note, note_summary
from fansipan.api.runner import RunnerDep
from fansipan.domain.access import Permission, Principal
from fansipan.domain.numbers import NumberStyle
from fansipan.domain.rows import IdScheme, ImportFormat, WriteStrategy
from fansipan.errors import Conflict, FieldError, Unauthenticated, ValidationError, msg
from fansipan.exchange import dhis2
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.http.uploads import spool
from fansipan.services.exchange.exports import ExportFormat, ExportQuery, export_to
from fansipan.services.exchange.imports import ImportOptions
from fansipan.services.exchange.intake import Upload, receive
from fansipan.services.exchange.jobs import JobStatus, get_job
from fansipan.services.trust.access import require
from fansipan.services.warehouse.datavalues import DataValueWrite, get_value, write_values

router = APIRouter(prefix="/dhis2/api", tags=["DHIS2 compatibility"])
Text = Annotated[str | None, Query(max_length=100)]
Many = Annotated[list[str] | None, Query(max_length=500)]
JobId = Annotated[str, Path(min_length=1, max_length=64)]


class WebMessage(BaseModel):
    httpStatus: str  # noqa: N815 - DHIS2's field names
    httpStatusCode: int  # noqa: N815
    status: str
    message: str
    response: dict[str, Any] | None = None


class SystemInfo(BaseModel):
    version: str
    revision: str
    systemName: str  # noqa: N815
    serverDate: datetime  # noqa: N815
    contextPath: str  # noqa: N815
    fansipanVersion: str  # noqa: N815


IMPORT_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "example": {
        "period": "202403", "orgUnit": "02647", "dataValues": [
            {"dataElement": "VT_TRAM_5G", "value": "3"}]}}},
    "application/csv": {"schema": {"type": "string"}},
    "text/csv": {"schema": {"type": "string"}},
}}}
MESSAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"model": WebMessage, "description": "Conflicts: the import summary lists them"}}


@router.post("/dataValueSets", response_model=WebMessage, responses=MESSAGE_RESPONSES,
             openapi_extra=IMPORT_BODY)
async def data_value_sets_import(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    runner: RunnerDep,
    dryRun: bool = False,  # noqa: N803 - DHIS2's parameter names
    importStrategy: Text = None,  # noqa: N803
    idScheme: Text = None,  # noqa: N803
    dataElementIdScheme: Text = None,  # noqa: N803
    orgUnitIdScheme: Text = None,  # noqa: N803
    atomicMode: Literal["ALL", "NONE"] = "ALL",  # noqa: N803
    run_async: Annotated[bool, Query(alias="async")] = False,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key",
                                                  max_length=200)] = None,
) -> JSONResponse:
    """Import a dataValueSet (JSON) or DHIS2 CSV; answers with DHIS2's import summary."""
    require(principal, Permission.WRITE_DATA)
    indicator_scheme, unit_scheme = dhis2.schemes(idScheme, dataElementIdScheme,
                                                  orgUnitIdScheme)
    options = ImportOptions(strategy=dhis2.strategy(importStrategy), dry_run=dryRun,
                            atomic=atomicMode == "ALL", indicator_scheme=indicator_scheme,
                            unit_scheme=unit_scheme, source="dhis2",
                            number_style=NumberStyle.MACHINE)
    spooled = await spool(request, settings)
    kind = spooled.content_type.split(";")[0].strip().lower()
    options.format = ImportFormat.DHIS2_CSV if kind.endswith("csv") else ImportFormat.DHIS2_JSON
    note(request, bytes_in=spooled.size, payload_sha256=spooled.sha256)

    def from_payload(found: dict[str, str]) -> tuple[IdScheme, IdScheme]:
        return dhis2.schemes(found.get("idScheme") or idScheme,
                             found.get("dataElementIdScheme") or dataElementIdScheme,
                             found.get("orgUnitIdScheme") or orgUnitIdScheme)

    intake = await run_in_threadpool(
        receive, session=session, session_factory=request.app.state.session_factory,
        runner=runner, principal=principal,
        upload=Upload(spooled.path, spooled.size, "dataValueSets", spooled.content_type),
        options=options, background=run_async, idempotency_key=idempotency_key,
        schemes_from_payload=from_payload)
    if intake.summary is None:
        note(request, operation="dhis2.dataValueSets.async", job_id=intake.job)
        return JSONResponse(dhis2.job_message(str(intake.job)))
    note_summary(request, "dhis2.dataValueSets", intake.summary)
    return JSONResponse(dhis2.web_message(intake.summary),
                        status_code=intake.summary.http_status)


@router.get("/system/tasks/DATAVALUE_IMPORT/{job_id}")
def import_tasks(session: SessionDep, principal: PrincipalDep,
                 job_id: JobId) -> list[dict[str, Any]]:
    """The notifications of an `async` import, newest first, as DHIS2 lists them."""
    job = get_job(session=session, principal=principal, job_id=job_id)
    done = job.status.finished
    level = "INFO" if job.status is JobStatus.DONE else "ERROR"
    text = ("Import done" if job.status is JobStatus.DONE else job.error or "Import failed"
            ) if done else f"Importing: {job.rows_read} values read ({job.percent or 0:.0f}%)"
    return [{"uid": job.id, "level": level, "category": "DATAVALUE_IMPORT",
             "time": (job.finished_at or job.started_at or job.created_at).isoformat(),
             "message": text, "completed": done}]


@router.get("/system/taskSummaries/DATAVALUE_IMPORT/{job_id}")
def import_task_summary(session: SessionDep, principal: PrincipalDep,
                        job_id: JobId) -> dict[str, Any]:
    """The import summary of a finished `async` import."""
    job = get_job(session=session, principal=principal, job_id=job_id)
    if job.summary is None:
        return {"status": "ERROR" if job.status.finished else "RUNNING",
                "description": job.error or "The import has not finished yet"}
    return dict(dhis2.web_message(job.summary)["response"])


def _system_info(principal: Principal) -> SystemInfo:
    if principal.is_anonymous:  # DHIS2 clients check their credentials here first
        raise Unauthenticated(msg("Sign in with the client id and key (HTTP Basic) or a token"))
    return SystemInfo(version=dhis2.SYSTEM_VERSION, revision=f"fansipan-{__version__}",
                      systemName="Fansipan", serverDate=datetime.now(UTC), contextPath="",
                      fansipanVersion=__version__)


@router.get("/system/info")
def system_info(principal: PrincipalDep) -> SystemInfo:
    """What DHIS2 clients read first: the API `version` and `revision`."""
    return _system_info(principal)


@router.get("/system/info.json")
def system_info_json(principal: PrincipalDep) -> SystemInfo:
    return _system_info(principal)


async def _data_value_sets(
    request: Request, session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
    fmt: Literal["json", "csv"], data_set: list[str] | None, data_element: list[str] | None,
    data_element_group: list[str] | None, period: list[str] | None, start_date: date | None,
    end_date: date | None, org_unit: list[str] | None, children: bool,
    last_updated: datetime | None, include_deleted: bool, limit: int | None,
    id_scheme: str | None, data_element_id_scheme: str | None,
    org_unit_id_scheme: str | None) -> StreamingResponse:
    missing = []
    if not (data_set or data_element or data_element_group):
        missing.append("At least one data set, data element or data element group must be "
                       "specified")
    if not (period or (start_date and end_date) or last_updated):
        missing.append("At least one valid period, start/end dates, or lastUpdated must be "
                       "specified")
    if not org_unit:
        missing.append("At least one organisation unit must be specified")
    if missing:  # DHIS2 answers E2001 with 409
        raise Conflict("E2001: " + "; ".join(missing), [
            FieldError(field="query", message=m) for m in missing])
    ind_scheme, unit_scheme = dhis2.schemes(id_scheme, data_element_id_scheme,
                                            org_unit_id_scheme)
    query = ExportQuery(
        indicators=data_element or (), sectors=[*(data_set or ()), *(data_element_group or ())],
        units=org_unit or (), children=children, periods=period or (), start=start_date,
        end=end_date, last_updated=last_updated, include_deleted=include_deleted, limit=limit,
        indicator_scheme=ind_scheme if ind_scheme is not IdScheme.UID else IdScheme.AUTO,
        unit_scheme=unit_scheme)
    export = ExportFormat.DHIS2_CSV if fmt == "csv" else ExportFormat.DHIS2
    uids = ind_scheme is IdScheme.UID and unit_scheme is IdScheme.UID

    def write(out: IO[bytes]) -> int:
        return export_to(session=session, principal=principal, query=query, fmt=export,
                         out=out, uids=uids)

    media = "application/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return await spooled_download(
        settings, write, media,
        on_rows=lambda n: note(request, operation="dhis2.dataValueSets.export", values_out=n))


@router.get("/dataValueSets", response_class=StreamingResponse)
@router.get("/dataValueSets.{fmt}", response_class=StreamingResponse)
async def data_value_sets_export(
    request: Request, session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
    fmt: Literal["json", "csv"] = "json",
    dataSet: Many = None, dataElement: Many = None, dataElementGroup: Many = None,  # noqa: N803
    period: Many = None, startDate: date | None = None,  # noqa: N803
    endDate: date | None = None, orgUnit: Many = None, children: bool = False,  # noqa: N803
    lastUpdated: datetime | None = None, includeDeleted: bool = False,  # noqa: N803
    limit: Annotated[int | None, Query(ge=1, le=10_000_000)] = None,
    idScheme: Text = None, dataElementIdScheme: Text = None,  # noqa: N803
    orgUnitIdScheme: Text = None,  # noqa: N803
) -> StreamingResponse:
    """Stored values as a dataValueSet (JSON) or DHIS2 CSV; DHIS2's parameters."""
    return await _data_value_sets(
        request, session, settings, principal, fmt, dataSet, dataElement, dataElementGroup,
        period, startDate, endDate, orgUnit, children, lastUpdated, includeDeleted, limit,
        idScheme, dataElementIdScheme, orgUnitIdScheme)


Ref = Annotated[str, Query(min_length=1, max_length=60)]


def _combo(co: str | None) -> None:
    if co and co not in ("HllvX50cXC0", "default"):
        raise Conflict(msg("Category option combination not supported"), [FieldError(
            field="co", value=co[:60], message=msg("Fansipan stores totals only; use the default "
                                                   "combination HllvX50cXC0 or leave co out"))])


@router.get("/dataValues")
@router.get("/dataValues.json")
def data_value_show(session: SessionDep, principal: PrincipalDep, de: Ref, pe: Ref, ou: Ref,
                    co: Text = None) -> list[str]:
    """One value, as DHIS2 answers it: a list holding the value as text."""
    _combo(co)
    found = get_value(session=session, indicator=de, unit=ou, period=pe, principal=principal)
    value = found.value
    return [str(int(value)) if value is not None and value.is_integer() else str(value)]


@router.post("/dataValues", status_code=201)
def data_value_save(request: Request, session: SessionDep, principal: PrincipalDep, de: Ref,
                    pe: Ref, ou: Ref, value: Annotated[str | None, Query(max_length=100)] = None,
                    comment: Annotated[str | None, Query(max_length=2000)] = None,
                    co: Text = None) -> Response:
    """Save one value (DHIS2 answers 201 with no body; invalid or locked → 409)."""
    _combo(co)
    try:
        write_values(session=session, principal=principal, source="dhis2", items=[
            DataValueWrite(indicator=de, unit=ou, period=pe, value=value, comment=comment)],
            number_style=NumberStyle.MACHINE)
    except ValidationError as exc:  # DHIS2 answers an invalid value with 409, not 422
        raise Conflict(exc.message, exc.errors) from None
    note(request, operation="dhis2.dataValues", values_in=1)
    return Response(status_code=201)


@router.delete("/dataValues", status_code=204)
def data_value_delete(request: Request, session: SessionDep, principal: PrincipalDep, de: Ref,
                      pe: Ref, ou: Ref, co: Text = None) -> Response:
    _combo(co)
    write_values(session=session, principal=principal, source="dhis2",
                 strategy=WriteStrategy.DELETE,
                 items=[DataValueWrite(indicator=de, unit=ou, period=pe)])
    note(request, operation="dhis2.dataValues.delete", values_in=1)
    return Response(status_code=204)
