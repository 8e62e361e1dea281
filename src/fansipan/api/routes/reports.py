"""Reports of results: `/api/v1/reports`.

`GET /api/v1/reports/{year}.{fmt}` answers with the file at once (a draft, or a reprint
with a number already registered); `POST /api/v1/reports/jobs` makes it in the
background (taking a number from the register if asked), followed at `/api/v1/jobs/{id}`
and fetched at `/api/v1/reports/jobs/{id}/file`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from fansipan.api.runner import RunnerDep
from fansipan.http.deps import SessionDep, SettingsDep, WarehouseDep
from fansipan.http.disposition import attachment
from fansipan.http.principals import PrincipalDep
from fansipan.services.direction.calendars import working_calendar
from fansipan.services.direction.reports.content import ReportFormat, ReportRequest
from fansipan.services.direction.reports.files import MEDIA, make_report
from fansipan.services.direction.reports.issuers import (
    IssuerPublic,
    IssuerWrite,
    list_issuers,
    set_issuer,
)
from fansipan.services.direction.reports.jobs import report_file, submit_report
from fansipan.services.direction.reports.numbers import ReportNumber, list_numbers
from fansipan.services.exchange.jobs import JobPublic, get_job

router = APIRouter(prefix="/reports", tags=["reports"])
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {200: {
    "content": {m: {} for m in MEDIA.values()}, "description": "The report as a file"}}
FileFormat = Annotated[str, Path(pattern=r"^(docx|xlsx|pdf)$")]


class ReportJob(ReportRequest):
    format: ReportFormat = ReportFormat.DOCX


def _file(name: str, media: str, data: bytes) -> Response:
    return Response(data, media_type=media, headers={"Content-Disposition": attachment(name)})


@router.get("/issuers")
def issuers_index(session: SessionDep, principal: PrincipalDep) -> list[IssuerPublic]:
    """The issuing bodies and how their reports are signed."""
    return list_issuers(session=session, principal=principal)


@router.put("/issuers/{code}")
def issuer_put(session: SessionDep, principal: PrincipalDep,
               code: Annotated[str, Path(min_length=1, max_length=60)],
               data: IssuerWrite) -> IssuerPublic:
    """Create or replace an issuer's sign-off details (administrators; audited)."""
    return set_issuer(session=session, principal=principal, code=code, data=data)


@router.get("/numbers")
def numbers_index(session: SessionDep, principal: PrincipalDep,
                  issuer: Annotated[str | None, Query(max_length=60)] = None,
                  year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                  ) -> list[ReportNumber]:
    """The register of report numbers: from 01 each year for each issuer."""
    return list_numbers(session=session, principal=principal, issuer=issuer, year=year)


@router.post("/jobs", status_code=202)
def report_job(request: Request, settings: SettingsDep, warehouse: WarehouseDep,
               principal: PrincipalDep, runner: RunnerDep, session: SessionDep,
               data: ReportJob) -> JSONResponse:
    """Make a report in the background; `take_number` registers the next number."""
    job_id = submit_report(session_factory=request.app.state.session_factory, runner=runner,
                           warehouse=warehouse, principal=principal,
                           request=ReportRequest(**data.model_dump(exclude={"format"})),
                           fmt=data.format, settings=settings,
                           calendar=working_calendar(settings))
    job: JobPublic = get_job(session=session, principal=principal, job_id=job_id)
    return JSONResponse(job.model_dump(mode="json"), status_code=202,
                        headers={"Location": f"/api/v1/jobs/{job_id}"})


@router.get("/jobs/{job_id}/file", response_class=Response, responses=FILE_RESPONSES)
def report_job_file(session: SessionDep, principal: PrincipalDep,
                    job_id: Annotated[str, Path(min_length=1, max_length=64)]) -> Response:
    """The file of a finished report job (409 while it runs)."""
    made = report_file(session=session, principal=principal, job_id=job_id)
    return _file(made.name, made.media_type, made.data)


@router.get("/{year}.{fmt}", response_class=Response, responses=FILE_RESPONSES)
async def report_show(
    session: SessionDep, settings: SettingsDep, warehouse: WarehouseDep,
    principal: PrincipalDep, year: Annotated[int, Path(ge=1990, le=2100)], fmt: FileFormat,
    period: Annotated[str, Query(max_length=10)] = "year",
    unit: Annotated[str | None, Query(max_length=40)] = None,
    issuer: Annotated[str | None, Query(max_length=60)] = None,
    issued_on: Annotated[date | None, Query(alias="date")] = None,
    number: Annotated[int | None, Query(ge=1, le=99999)] = None,
) -> Response:
    """"Báo cáo kết quả thực hiện chỉ tiêu, nhiệm vụ" of a year or part of it (`period`:
    year, 6m, 9m, q1–q4, m1–m12) for a unit, as DOCX, XLSX or PDF; a draft unless
    `number` names one already registered."""
    request = ReportRequest(year=year, period=period, unit=unit, issuer=issuer,
                            issued_on=issued_on, number=number)
    made = await run_in_threadpool(
        make_report, session=session, warehouse=warehouse, principal=principal,
        request=request, fmt=ReportFormat(fmt), settings=settings,
        calendar=working_calendar(settings))
    return _file(made.name, made.media_type, made.data)
