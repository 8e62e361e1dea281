"""The report page (Báo cáo): choose the year, part of it and unit, read the preview,
then download the DOCX to sign, the XLSX or the PDF; files are made as jobs whose page
shows their progress."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from fansipan.domain.access import Permission
from fansipan.domain.report_periods import PERIOD_CHOICES
from fansipan.errors import FansipanError, FieldError
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.http.disposition import attachment
from fansipan.http.runner import RunnerDep
from fansipan.reports.layout import lay_out
from fansipan.services.direction.calendars import working_calendar
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.records import require_reader
from fansipan.services.direction.reports.content import ReportFormat, ReportRequest
from fansipan.services.direction.reports.files import build_report
from fansipan.services.direction.reports.issuers import list_issuers
from fansipan.services.direction.reports.jobs import report_file, submit_report
from fansipan.services.exchange.jobs import get_job
from fansipan.services.warehouse.viewpoints import UnitRef, home_units, unit_ref, viewpoint
from fansipan.web.deps import Lang, Viewer, WarehouseDep, page_router
from fansipan.web.i18n import translate
from fansipan.web.pages import render

router = page_router()
YearQuery = Query(default=None, ge=1990, le=2100)


def _units(session: SessionDep, viewer: Viewer, on: date) -> list[UnitRef]:
    view = viewpoint(session, viewer)
    h = view.catalog.hierarchy
    out = []
    for top in home_units(view, viewer, on):
        out.append(unit_ref(view.catalog, top))
        out.extend(unit_ref(view.catalog, u) for u in h.children(top.id, on)
                   if view.sees_unit(u) and u.level.value != "agency")
    return out


@router.get("/reports")
def reports_page(request: Request, session: SessionDep, settings: SettingsDep,
                 warehouse: WarehouseDep, viewer: Viewer, lang: Lang,
                 year: int | None = YearQuery,
                 period: str = Query(default="year", max_length=10),
                 unit: str | None = Query(default=None, max_length=40),
                 issuer: str | None = Query(default=None, max_length=60),
                 preview: bool = False) -> Response:
    require_reader(viewer)
    today = today_in_vietnam()
    year = year or (today.year if today.month == 12 else today.year - 1)
    chosen = ReportRequest(year=year, period=period if period in PERIOD_CHOICES else "year",
                           unit=unit or None, issuer=issuer or None)
    layout, content, errors = None, None, []
    if preview:
        try:
            content, report = build_report(session=session, warehouse=warehouse,
                                           principal=viewer, request=chosen, settings=settings,
                                           calendar=working_calendar(settings))
            layout = lay_out(report)
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            errors = exc.errors or [FieldError(field="report", message=exc.message)]
    end = date(year, 12, 31)
    return render(request, "reports.html", title=translate("reports_title", lang),
                  chosen=chosen, layout=layout, content=content, errors=errors,
                  periods=PERIOD_CHOICES, units=_units(session, viewer, end),
                  issuers=list_issuers(session=session, principal=viewer),
                  years=list(range(today.year, today.year - 8, -1)),
                  can_number=viewer.can(Permission.ISSUE_REPORTS),
                  status=200 if not errors else 422)


@router.post("/reports/jobs")
def report_job(request: Request, settings: SettingsDep, warehouse: WarehouseDep,
               viewer: Viewer, runner: RunnerDep,
               year: Annotated[int, Form(ge=1990, le=2100)],
               format: Annotated[str, Form(pattern=r"^(docx|xlsx|pdf)$")],
               period: Annotated[str, Form(max_length=10)] = "year",
               unit: Annotated[str, Form(max_length=40)] = "",
               issuer: Annotated[str, Form(max_length=60)] = "",
               take_number: Annotated[str, Form(max_length=5)] = "") -> Response:
    request_data = ReportRequest(year=year, period=period, unit=unit or None,
                                 issuer=issuer or None, take_number=bool(take_number))
    job_id = submit_report(session_factory=request.app.state.session_factory,
                           runner=runner, warehouse=warehouse, principal=viewer,
                           request=request_data, fmt=ReportFormat(format), settings=settings,
                           calendar=working_calendar(settings))
    return RedirectResponse(f"/reports/jobs/{job_id}", status_code=303)


@router.get("/reports/jobs/{job_id}")
def report_job_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                    job_id: str) -> Response:
    job = get_job(session=session, principal=viewer, job_id=job_id[:64])
    return render(request, "report_job.html", title=translate("report_job", lang), job=job,
                  refresh=job.status.value in ("queued", "running"))


@router.get("/reports/jobs/{job_id}/file")
def report_job_file(session: SessionDep, viewer: Viewer, job_id: str) -> Response:
    made = report_file(session=session, principal=viewer, job_id=job_id[:64])
    return Response(made.data, media_type=made.media_type,
                    headers={"Content-Disposition": attachment(made.name),
                             "cache-control": "no-store"})
