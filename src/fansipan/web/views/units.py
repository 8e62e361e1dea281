"""A unit's page: every indicator it has, with its status against target and its rank."""

from __future__ import annotations

from functools import partial

from fastapi import Query, Request
from fastapi.responses import Response

from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.insight.unit_page import UnitPage, unit_page
from fansipan.web.deps import Lang, Mark, Viewer, WarehouseDep, page_router
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download, split_format

router = page_router()

PeriodQuery = Query(default=None, max_length=24, description="A period: 2024, 2024Q1, 2024-03")


@router.get("/units/{ref}")
def unit_view(ref: str, request: Request, session: SessionDep, warehouse: WarehouseDep,
              viewer: Viewer, lang: Lang, mark: Mark,
              period: str | None = PeriodQuery) -> Response:
    code, fmt = split_format(ref)
    data = unit_page(session=session, warehouse=warehouse, principal=viewer, ref=code,
                     period=period, lang=lang)
    if fmt is not None:
        return download(unit_indicators_table(data, lang), check_format(fmt), mark=mark,
                        lang=lang)
    return render(request, "unit.html", title=data.unit.name, data=data)


def unit_indicators_table(data: UnitPage, lang: str) -> Table:
    _t = partial(tr, lang)
    table = Table(name=f"{data.unit.code}-{data.period.id}", title=data.unit.code,
                  keys=["indicator", "name", "sector", "unit_of_measure", "value", "last_year",
                        "change", "change_pct", "rank", "rank_of", "planned", "status",
                        "comparison"],
                  labels=[_t("Code"), _t("Indicator"), _t("Sector"), _t("Unit of measure"),
                          _t("Value"), _t("Same period last year"), _t("Change"),
                          _t("Change (%)"), _t("Rank"), _t("Ranked among"),
                          _t("Planned"), _t("Status"), _t("Comparison note")],
                  note=f"{data.unit.name} — {data.period_label(lang)}")
    for r in data.rows:
        ind = r.indicator
        table.rows.append([ind.code, ind.name(lang), data.sector_names.get(ind.sector, ""),
                           ind.unit_en if lang == "en" else ind.unit_vi, r.value, r.last_year,
                           r.change, r.change_pct, r.rank, r.rank_of, r.planned,
                           r.status.label(lang) if r.status else None, r.no_change(lang)])
    return table
