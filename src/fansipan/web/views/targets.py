"""The year's targets (chỉ tiêu kế hoạch) with the documents that set them; officers edit."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response

from fansipan.errors import FansipanError, FieldError, msg
from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.insight.evaluation import EvaluationReport
from fansipan.services.insight.overview import evaluation
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.services.warehouse.viewpoints import viewpoint
from fansipan.web.deps import Lang, Viewer, WarehouseDep, page_router
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()

YearQuery = Query(default=None, ge=2000, le=2100, description="The plan year")


def _report(session: SessionDep, warehouse: WarehouseDep, viewer: Viewer, lang: str,
            year: int) -> EvaluationReport | None:
    return evaluation(session, warehouse, viewer, year, lang, date.today())


def _page(request: Request, session: SessionDep, warehouse: WarehouseDep, viewer: Viewer,
          lang: str, year: int, *, status: int = 200, message: str = "",
          errors: list[object] | None = None, form: dict[str, str] | None = None) -> Response:
    view = viewpoint(session, viewer)
    report = _report(session, warehouse, viewer, lang, year)
    return render(request, "targets.html", status=status,
                  title=tr(lang, "Targets for {year}", year=year), report=report, year=year,
                  indicators=[i for i in view.indicators() if i.direction.value != "none"],
                  message=message, errors=errors or [], form=form or {},
                  years=list(range(date.today().year + 1, date.today().year - 7, -1)))


@router.get("/targets")
def targets_page(request: Request, session: SessionDep, warehouse: WarehouseDep,
                 viewer: Viewer, lang: Lang, year: int | None = YearQuery) -> Response:
    return _page(request, session, warehouse, viewer, lang, year or date.today().year)


@router.get("/targets.{fmt}")
def targets_table(fmt: str, session: SessionDep, warehouse: WarehouseDep, viewer: Viewer,
                  lang: Lang, year: int | None = YearQuery) -> Response:
    year = year or date.today().year
    report = _report(session, warehouse, viewer, lang, year)
    _t = partial(tr, lang)
    table = Table(name=f"targets-{year}", title=_t("Targets"),
                  keys=["indicator", "name", "sector", "unit", "unit_name", "period", "planned",
                        "actual", "status", "document"],
                  labels=[_t("Code"), _t("Indicator"), _t("Sector"), _t("Unit code"), _t("Unit"),
                          _t("Period"), _t("Planned"), _t("Actual"), _t("Status"), _t("Document")],
                  note=tr(lang, "minh họa / illustrative, not official figures"))
    for i in report.items if report else []:
        table.rows.append([i.indicator, i.indicator_name, i.sector, i.unit, i.unit_name, i.period,
                           i.planned, i.actual, i.status_label, i.document])
    return download(table, check_format(fmt))


@router.post("/targets")
def targets_save(request: Request, session: SessionDep, warehouse: WarehouseDep,
                 viewer: Viewer, lang: Lang,
                 indicator: Annotated[str, Form(min_length=1, max_length=60)],
                 unit: Annotated[str, Form(min_length=1, max_length=40)],
                 period: Annotated[str, Form(min_length=1, max_length=12)],
                 planned: Annotated[str, Form(min_length=1, max_length=40)],
                 document: Annotated[str, Form(max_length=500)] = "",
                 tolerance: Annotated[str, Form(max_length=10)] = "0") -> Response:
    form = {"indicator": indicator, "unit": unit, "period": period, "planned": planned,
            "document": document, "tolerance": tolerance}
    year = int(period[:4]) if period[:4].isdigit() else date.today().year
    try:
        tol = float(tolerance.replace(",", ".") or 0)
        if not 0 <= tol <= 1:
            raise ValueError
    except ValueError:
        return _page(request, session, warehouse, viewer, lang, year, status=422,
                     errors=[FieldError(field="tolerance", value=tolerance,
                                        message=msg("a share between 0 and 1, such as 0,02"))],
                     form=form)
    try:
        saved = set_target(session=session, principal=viewer, data=TargetWrite(
            indicator=indicator, unit=unit, period=period, planned=planned, tolerance=tol,
            document=document))
    except FansipanError as exc:
        if exc.status in (401, 403):
            raise
        return _page(request, session, warehouse, viewer, lang, year, status=exc.status,
                     errors=[*exc.errors] or [FieldError(field="target", message=exc.message)],
                     form=form)
    return _page(request, session, warehouse, viewer, lang, year,
                 message=tr(lang, "Saved the target {indicator} ({unit}, {period}).",
                            indicator=saved.indicator, unit=saved.unit_name,
                            period=saved.period))
