"""The overview (Tổng quan), its wall-screen form, and the change counter pages poll."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import Query, Request
from fastapi.responses import JSONResponse, Response

from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.foresight.due_reports import reports_due
from fansipan.services.foresight.panels import alerts_panel, targets_outlook
from fansipan.services.insight.first_screen import featured_page, yearly_series
from fansipan.services.insight.overview import Overview, PagePeriod, last_change, overview
from fansipan.web.deps import Lang, Mark, Viewer, WarehouseDep, page_router
from fansipan.web.pages import render
from fansipan.web.sparklines import sparkline
from fansipan.web.tables import Table, check_format, download
from fansipan.web.views.indicators import map_figure, tiles, trend_figure

router = page_router()

YearQuery = Query(default=None, ge=2000, le=2100,
                  description="The plan year (the same as period=YEAR)")
PeriodQuery = Query(default=None, max_length=24,
                    description="A period: 2026, 2026S1, 2026Q3, 2026-11, or 2026-01..2026-09 "
                    "(the nine months from January); by default the running year")
UnitQuery = Query(default=None, max_length=40, description="A unit code or uid")


def _overview(session: SessionDep, warehouse: WarehouseDep, viewer: Viewer, lang: str,
              year: int | None, unit: str | None, period: str | None = None) -> Overview:
    return overview(session=session, warehouse=warehouse, principal=viewer, lang=lang,
                    year=year, unit=unit, period=period)


@router.get("/")
def overview_page(request: Request, session: SessionDep, warehouse: WarehouseDep,
                  viewer: Viewer, lang: Lang, year: int | None = YearQuery,
                  unit: str | None = UnitQuery,
                  period: str | None = PeriodQuery) -> Response:
    data = _overview(session, warehouse, viewer, lang, year, unit, period)
    return render(request, "overview.html", title=tr(lang, "Overview"), data=data,
                  body_class="overview", live=data.last_change, charts=True,
                  due=reports_due(session=session, principal=viewer, lang=lang),
                  alerts=alerts_panel(session=session, principal=viewer, lang=lang),
                  **first_screen(session, warehouse, viewer, data, lang))


def first_screen(session: SessionDep, warehouse: WarehouseDep, viewer: Viewer,
                 data: Overview, lang: str, figure: str | None = None) -> dict[str, Any]:
    """What the first screen and the wall show beside the overview: sparklines, the
    targets at risk by name and the odds of the year's targets (`outlook`), the map (or
    tiles) and trend of one key figure."""
    series = (yearly_series(session=session, warehouse=warehouse, principal=viewer,
                            codes=[i.indicator.code for i in data.latest],
                            unit_uid=data.unit.uid)
              if data.unit is not None else {})
    outlook = targets_outlook(session=session, principal=viewer, report=data.targets,
                              lang=lang)
    featured = featured_page(session=session, warehouse=warehouse, principal=viewer,
                             data=data, lang=lang, code=figure)
    return {
        "sparks": {code: sparkline(points, tr(lang, "{first}–{last}", first=points[0].year,
                                              last=points[-1].year))
                   for code, points in series.items() if len(points) > 1},
        "outlook": outlook, "at_risk": outlook.at_risk, "more_at_risk": outlook.more_at_risk,
        "featured": featured,
        "map_figure": map_figure(featured, lang) if featured else None,
        "trend_figure": trend_figure(featured, lang) if featured else None,
        "tiles": tiles(featured) if featured else [],
        "updated": data.freshness[0].last_at if data.freshness else None,
    }


@router.get("/overview.{fmt}")
def overview_table(fmt: str, session: SessionDep, warehouse: WarehouseDep, viewer: Viewer,
                   lang: Lang, mark: Mark, year: int | None = YearQuery,
                   unit: str | None = UnitQuery, period: str | None = PeriodQuery) -> Response:
    data = _overview(session, warehouse, viewer, lang, year, unit, period)
    return download(headline_table(data, lang), check_format(fmt), mark=mark, lang=lang)


def headline_table(data: Overview, lang: str) -> Table:
    _t = partial(tr, lang)
    table = Table(name=f"overview-{table_period(data.shown)}", title=_t("Key indicators"),
                  keys=["indicator", "name", "unit_of_measure", "unit", "period", "period_name",
                        "value", "last_year", "change", "change_pct", "comparison"],
                  labels=[_t("Code"), _t("Indicator"), _t("Unit of measure"), _t("Unit"),
                          _t("Period"), _t("Period name"), _t("Value"),
                          _t("Same period last year"), _t("Change"), _t("Change (%)"),
                          _t("Comparison note")],
                  note=period_note(data.shown, lang))
    for item in data.latest:
        ind = item.indicator
        table.rows.append([ind.code, ind.name(lang), ind.unit_en if lang == "en" else ind.unit_vi,
                           data.unit.code if data.unit else "", item.period,
                           item.label_en if lang == "en" else item.label_vi, item.value,
                           item.last_year, item.change, item.change_pct, item.no_change(lang)])
    return table


def period_note(shown: PagePeriod, lang: str) -> str:
    """A part of a year named on the table; a year's figures each name their own."""
    return "" if shown.whole_year else shown.period_label(lang)


def table_period(shown: PagePeriod) -> str:
    """The period in a download's name: 2026Q3, or 2026-09-ytd for the nine months."""
    reading = shown.reading
    return reading.period.id + ("-ytd" if reading.to_date else "")


@router.get("/live")
def live(session: SessionDep) -> JSONResponse:
    """The newest change number; open pages reload when it moves on."""
    return JSONResponse({"last_change": last_change(session=session)},
                        headers={"cache-control": "no-store"})
