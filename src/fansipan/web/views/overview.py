"""The overview (Tổng quan), its wall-screen form, and the change counter pages poll."""

from __future__ import annotations

from datetime import date
from functools import partial

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response

from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.insight.overview import Overview, last_change, overview
from fansipan.web.deps import Lang, Mark, Viewer, WarehouseDep, page_router
from fansipan.web.formatting import value_decimals
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()

YearQuery = Query(default=None, ge=2000, le=2100, description="The plan year")
UnitQuery = Query(default=None, max_length=40, description="A unit code or uid")


def _overview(session: SessionDep, warehouse: WarehouseDep, viewer: Viewer, lang: str,
              year: int | None, unit: str | None) -> Overview:
    return overview(session=session, warehouse=warehouse, principal=viewer, lang=lang,
                    year=year, unit=unit)


@router.get("/")
def overview_page(request: Request, session: SessionDep, warehouse: WarehouseDep,
                  viewer: Viewer, lang: Lang, year: int | None = YearQuery,
                  unit: str | None = UnitQuery) -> Response:
    data = _overview(session, warehouse, viewer, lang, year, unit)
    return render(request, "overview.html", title=tr(lang, "Overview"), data=data,
                  body_class="overview", live=data.last_change,
                  years=list(range(date.today().year, date.today().year - 6, -1)))


@router.get("/overview.{fmt}")
def overview_table(fmt: str, session: SessionDep, warehouse: WarehouseDep, viewer: Viewer,
                   lang: Lang, mark: Mark, year: int | None = YearQuery,
                   unit: str | None = UnitQuery) -> Response:
    data = _overview(session, warehouse, viewer, lang, year, unit)
    return download(headline_table(data, lang), check_format(fmt), mark=mark, lang=lang)


def headline_table(data: Overview, lang: str) -> Table:
    _t = partial(tr, lang)
    table = Table(name=f"overview-{data.year}", title=_t("Key indicators"),
                  keys=["indicator", "name", "unit_of_measure", "unit", "period", "period_name",
                        "value", "last_year", "change", "change_pct", "comparison"],
                  labels=[_t("Code"), _t("Indicator"), _t("Unit of measure"), _t("Unit"),
                          _t("Period"), _t("Period name"), _t("Value"),
                          _t("Same period last year"), _t("Change"), _t("Change (%)"),
                          _t("Comparison note")])
    for item in data.latest:
        ind = item.indicator
        table.rows.append([ind.code, ind.name(lang), ind.unit_en if lang == "en" else ind.unit_vi,
                           data.unit.code if data.unit else "", item.period,
                           item.label_en if lang == "en" else item.label_vi, item.value,
                           item.last_year, item.change, item.change_pct, item.no_change(lang)])
    return table


@router.get("/wall")
def wall_page(request: Request, session: SessionDep, warehouse: WarehouseDep, viewer: Viewer,
              lang: Lang, year: int | None = YearQuery,
              unit: str | None = UnitQuery) -> Response:
    data = _overview(session, warehouse, viewer, lang, year, unit)
    return render(request, "wall.html", title=tr(lang, "Wall screen"), data=data,
                  body_class="wall", live=data.last_change, decimals=value_decimals)


@router.get("/live")
def live(session: SessionDep) -> JSONResponse:
    """The newest change number; open pages reload when it moves on."""
    return JSONResponse({"last_change": last_change(session=session)},
                        headers={"cache-control": "no-store"})
