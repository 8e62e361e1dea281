"""The year's targets (chỉ tiêu kế hoạch) with the documents that set them; officers edit."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError as PydanticError

from fansipan.domain.numbers import NumberStyle, parse_number
from fansipan.errors import FansipanError, FieldError, msg
from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.foresight.panels import targets_outlook
from fansipan.services.insight.evaluation import EvaluationReport
from fansipan.services.insight.horizons import evaluate_horizons
from fansipan.services.insight.overview import evaluation
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.services.warehouse.viewpoints import viewpoint
from fansipan.web.deps import Lang, Mark, Viewer, WarehouseDep, page_router
from fansipan.web.i18n import translate
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
    goals = evaluate_horizons(session=session, warehouse=warehouse, year=year, lang=lang,
                              principal=viewer)
    odds = targets_outlook(session=session, principal=viewer, report=report, lang=lang).odds
    return render(request, "targets.html", status=status, odds=odds,
                  title=tr(lang, "Targets for {year}", year=year), report=report, year=year,
                  goals=goals,
                  indicators=[i for i in view.indicators() if i.direction.value != "none"],
                  message=message, errors=errors or [], form=form or {},
                  years=list(range(date.today().year + 1, date.today().year - 7, -1)))


@router.get("/targets")
def targets_page(request: Request, session: SessionDep, warehouse: WarehouseDep,
                 viewer: Viewer, lang: Lang, year: int | None = YearQuery) -> Response:
    return _page(request, session, warehouse, viewer, lang, year or date.today().year)


@router.get("/targets.{fmt}")
def targets_table(fmt: str, session: SessionDep, warehouse: WarehouseDep, viewer: Viewer,
                  lang: Lang, mark: Mark, year: int | None = YearQuery) -> Response:
    year = year or date.today().year
    report = _report(session, warehouse, viewer, lang, year)
    odds = targets_outlook(session=session, principal=viewer, report=report, lang=lang).odds
    _t = partial(tr, lang)
    table = Table(name=f"targets-{year}", title=_t("Targets"),
                  keys=["indicator", "name", "sector", "unit", "unit_name", "period", "planned",
                        "actual", "plan_percent", "status", "odds", "outlook", "document",
                        "figure"],
                  labels=[_t("Code"), _t("Indicator"), _t("Sector"), _t("Unit code"), _t("Unit"),
                          _t("Period"), _t("Planned"), _t("Actual"),
                          translate("plan_share", lang), _t("Status"), translate("odds", lang),
                          translate("outlook", lang), _t("Document"), translate("figure", lang)])
    for i in report.items if report else []:
        o = odds.get((i.indicator, i.unit, i.period))
        table.rows.append([i.indicator, i.indicator_name, i.sector, i.unit, i.unit_name, i.period,
                           i.planned, i.actual,
                           None if i.plan_percent is None else round(i.plan_percent, 1),
                           i.status_label, o.probability if o else None,
                           o.outlook_label if o else "", i.document, i.figure_label])
    return download(table, check_format(fmt), mark=mark, lang=lang)


@router.post("/targets")
def targets_save(request: Request, session: SessionDep, warehouse: WarehouseDep,
                 viewer: Viewer, lang: Lang,
                 indicator: Annotated[str, Form(min_length=1, max_length=60)],
                 unit: Annotated[str, Form(min_length=1, max_length=40)],
                 period: Annotated[str, Form(min_length=1, max_length=12)],
                 planned: Annotated[str, Form(min_length=1, max_length=40)],
                 document: Annotated[str, Form(max_length=500)] = "",
                 tolerance: Annotated[str, Form(max_length=10)] = "0",
                 horizon: Annotated[str, Form(max_length=9)] = "") -> Response:
    form = {"indicator": indicator, "unit": unit, "period": period, "planned": planned,
            "document": document, "tolerance": tolerance, "horizon": horizon}
    year = int(period[:4]) if period[:4].isdigit() else date.today().year
    style = NumberStyle.VI if lang == "vi" else NumberStyle.EN
    try:
        tol = parse_number(tolerance or "0", field="tolerance", style=style)
        if not 0 <= tol <= 1:
            raise ValueError
    except (ValueError, FansipanError):
        return _page(request, session, warehouse, viewer, lang, year, status=422,
                     errors=[FieldError(field="tolerance", value=tolerance,
                                        message=msg("a share between 0 and 1, such as 0,02"))],
                     form=form)
    try:
        data = TargetWrite(indicator=indicator, unit=unit, period=period, planned=planned,
                           tolerance=tol, document=document, horizon=horizon.strip())
    except PydanticError:
        hint = msg("Write the plan's years as 2021-2025, or leave it empty for the period's "
                   "own plan")
        return _page(request, session, warehouse, viewer, lang, year, status=422,
                     errors=[FieldError(field="horizon", value=horizon, message=hint)],
                     form=form)
    try:
        saved = set_target(session=session, principal=viewer, data=data,
                           number_style=style)
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
