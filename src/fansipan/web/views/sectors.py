"""Sector pages: postal, telecom, IT application and digital transformation, press."""

from __future__ import annotations

from functools import partial

from fastapi import Request
from fastapi.responses import Response

from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.insight.sector_page import SectorPage, sector_page
from fansipan.web.deps import Lang, Mark, Viewer, WarehouseDep, page_router
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download, split_format
from fansipan.web.views.overview import PeriodQuery, YearQuery, period_note, table_period

router = page_router()


@router.get("/sectors/{ref}")
def sector_view(ref: str, request: Request, session: SessionDep, warehouse: WarehouseDep,
                viewer: Viewer, lang: Lang, mark: Mark,
                year: int | None = YearQuery, period: str | None = PeriodQuery) -> Response:
    code, fmt = split_format(ref)
    data = sector_page(session=session, warehouse=warehouse, principal=viewer, code=code,
                       year=year, period=period, lang=lang)
    if fmt is not None:
        return download(sector_table(data, lang), check_format(fmt), mark=mark, lang=lang)
    return render(request, "sector.html", title=data.name, data=data)


def sector_table(data: SectorPage, lang: str) -> Table:
    _t = partial(tr, lang)
    table = Table(name=f"sector-{data.code}-{table_period(data.shown)}", title=data.code,
                  keys=["indicator", "name", "unit_of_measure", "period", "period_name", "value",
                        "last_year", "change", "change_pct", "comparison"],
                  labels=[_t("Code"), _t("Indicator"), _t("Unit of measure"), _t("Period"),
                          _t("Period name"), _t("Value"), _t("Same period last year"),
                          _t("Change"), _t("Change (%)"), _t("Comparison note")],
                  note=" — ".join(n for n in (data.name, period_note(data.shown, lang)) if n))
    for item in data.latest:
        ind = item.indicator
        table.rows.append([ind.code, ind.name(lang), ind.unit_en if lang == "en" else ind.unit_vi,
                           item.period, item.label_en if lang == "en" else item.label_vi,
                           item.value,
                           item.last_year, item.change, item.change_pct, item.no_change(lang)])
    return table
