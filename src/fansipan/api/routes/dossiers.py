"""Public-service dossiers for staff: `/api/v1/dossiers` (import from the one-stop shop,
list, one with its replaced versions, the period's figures per body, area or
procedure) and `/api/v1/record-counts/{indicator}` (a counted figure through its changes).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Permission
from fansipan.domain.periods import parse_period
from fansipan.exchange.dossiers_io import detect, read_records
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.http.uploads import spool
from fansipan.services.citizens.dossier_import import DossierImportSummary, import_dossiers
from fansipan.services.citizens.dossiers import (
    DossierPublic,
    ListStatus,
    get_dossier,
    list_dossiers,
    names_of,
    period_summaries,
)
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.snapshots import FigureHistory, figure_history
from fansipan.services.trust.access import require

router = APIRouter(tags=["dossiers"])
Text = Annotated[str | None, Query(max_length=60)]
PeriodQ = Annotated[str, Query(min_length=4, max_length=24, examples=["2026-03", "2026Q1",
                                                                      "2026"])]
IMPORT_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "example": {"dossiers": [{
        "number": "000.00.15.H39-260302-0001", "procedure_code": "1.001234",
        "agency": "so-tu-phap", "unit": "03006", "received_at": "2026-03-02T08:15+07:00",
        "due_at": "2026-03-06T17:00+07:00"}]}}},
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}},
}}}


@router.post("/dossiers/imports", openapi_extra=IMPORT_DOC, responses={
    409: {"model": DossierImportSummary, "description": "Records were refused; with "
                                                         "atomic, nothing was saved"}})
async def dossiers_import(request: Request, session: SessionDep, settings: SettingsDep,
                          principal: PrincipalDep, atomic: bool = True,
                          format: Literal["auto", "json", "csv", "xlsx"] = "auto",
                          file_name: Annotated[str | None, Query(max_length=200)] = None
                          ) -> DossierImportSummary:
    """Import dossiers (JSON, CSV or XLSX, fields in English or Vietnamese): a number seen
    before is a correction; the same content twice changes nothing."""
    require(principal, Permission.WRITE_DATA)  # before reading a large body
    spooled = await spool(request, settings, file_name)

    def work() -> DossierImportSummary:
        try:
            with spooled.path.open("rb") as stream:
                fmt = format if format != "auto" else detect(
                    stream.read(4096), spooled.file_name, spooled.content_type)
                stream.seek(0)
                return import_dossiers(session=session, principal=principal,
                                       records=read_records(stream, fmt), atomic=atomic,
                                       source=f"import:{spooled.file_name or 'api'}"[:100])
        finally:
            spooled.path.unlink(missing_ok=True)

    summary = await run_in_threadpool(work)
    return JSONResponse(summary.model_dump(mode="json"),  # type: ignore[return-value]
                        status_code=summary.http_status)


@router.get("/dossiers")
def dossiers_index(session: SessionDep, principal: PrincipalDep, period: PeriodQ,
                   agency: Text = None, unit: Text = None, status: ListStatus = ListStatus.ALL,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[DossierPublic]:
    """The dossiers of a period for your bodies; `status=late` lists the late ones, the
    furthest past their due moment first."""
    return list_dossiers(session=session, principal=principal, period=parse_period(period),
                         agency=agency, unit=unit, status=status, limit=limit)


class SummaryRow(BaseModel):
    key: list[str]
    name: str
    carried_over: int
    received: int
    handled: int
    early: int
    on_time: int
    late: int
    open_within_time: int
    open_overdue: int
    average_days: float | None
    on_time_rate_handled: float | None
    on_time_rate_with_overdue: float | None
    online_submission_rate: float | None
    online_payment_rate: float | None
    electronic_result_rate: float | None
    digitisation_rate: float | None


class SummaryAnswer(BaseModel):
    period: str
    by: str
    as_of: datetime
    labels: dict[str, dict[str, str]]
    rows: list[SummaryRow]


@router.get("/dossiers/summary")
def dossiers_summary(session: SessionDep, principal: PrincipalDep, period: PeriodQ,
                     by: Literal["agency", "unit", "procedure"] = "agency") -> SummaryAnswer:
    """The period's figures per body, area or procedure as things stand now, best on-time
    rate first; both on-time denominators, each labelled."""
    p = parse_period(period)
    column = {"agency": "agency_code", "unit": "unit_code", "procedure": "procedure_code"}[by]
    at = utc_now()
    found = period_summaries(session=session, principal=principal, period=p, by=(column,),
                             at=at)
    names = names_of(session=session, codes=[k[0] for k in found], at=at) if by != (
        "procedure") else {k[0]: k[0] for k in found}
    rows = [SummaryRow(
        key=list(k), name=names.get(k[0], k[0]), carried_over=s.carried_over,
        received=s.received, handled=s.handled, early=s.early, on_time=s.on_time, late=s.late,
        open_within_time=s.open_within_time, open_overdue=s.open_overdue,
        average_days=s.average_days, on_time_rate_handled=s.on_time_rate_handled.percent,
        on_time_rate_with_overdue=s.on_time_rate_with_overdue.percent,
        online_submission_rate=s.online_submission_rate.percent,
        online_payment_rate=s.online_payment_rate.percent,
        electronic_result_rate=s.electronic_result_rate.percent,
        digitisation_rate=s.digitisation_rate.percent) for k, s in found.items()]
    rows.sort(key=lambda r: (-(r.on_time_rate_handled if r.on_time_rate_handled is not None
                               else -1), r.name))
    sample = next(iter(found.values()), None)
    labels = {} if sample is None else {name: {"vi": rate.label_vi, "en": rate.label_en}
                                        for name, rate in (
        ("on_time_rate_handled", sample.on_time_rate_handled),
        ("on_time_rate_with_overdue", sample.on_time_rate_with_overdue),
        ("online_submission_rate", sample.online_submission_rate),
        ("online_payment_rate", sample.online_payment_rate),
        ("electronic_result_rate", sample.electronic_result_rate),
        ("digitisation_rate", sample.digitisation_rate))}
    return SummaryAnswer(period=p.id, by=by, as_of=at, labels=labels, rows=rows)


@router.get("/dossiers/{number}")
def dossier_show(number: Annotated[str, Path(min_length=1, max_length=60)],
                 session: SessionDep, principal: PrincipalDep) -> DossierPublic:
    """One dossier of your bodies, with the versions corrections replaced."""
    return get_dossier(session=session, principal=principal, number=number)


@router.get("/record-counts/{indicator}")
def record_count_history(indicator: Annotated[str, Path(min_length=1, max_length=60)],
                         session: SessionDep, principal: PrincipalDep,
                         unit: Annotated[str, Query(min_length=1, max_length=40)],
                         period: PeriodQ,
                         change: Annotated[int | None, Query(ge=0)] = None,
                         at: datetime | None = None) -> FigureHistory:
    """A figure counted from records as it stood after each change and each day; with
    `change` or `at`, as it stood then (a past month's figure, reproduced)."""
    return figure_history(session=session, principal=principal, indicator=indicator,
                          unit=unit, period=period, change=change, at=at)
