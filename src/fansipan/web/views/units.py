"""A unit's page: every indicator it has, with its status against target and its rank."""

from __future__ import annotations

from functools import partial

from fastapi import Query, Request
from fastapi.responses import Response

from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.insight.unit_list import MAX_QUERY, UnitList, unit_list
from fansipan.services.insight.unit_page import UnitPage, unit_page
from fansipan.web.deps import Lang, Mark, Viewer, WarehouseDep, page_router
from fansipan.web.labels import label
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download, split_format

router = page_router()

PeriodQuery = Query(default=None, max_length=24,
                    description="A period: 2024, 2024Q1, 2024-03, or 2024-01..2024-09 (the "
                    "nine months from January)")
SearchQuery = Query(default="", max_length=MAX_QUERY,
                    description="Words of a name or a code, with or without accents")


@router.get("/units")
def unit_list_view(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                   q: str = SearchQuery) -> Response:
    data = unit_list(session=session, principal=viewer, query=q)
    return render(request, "units.html", title=tr(lang, "Units"), data=data)


@router.get("/units.{fmt}")
def unit_list_table(fmt: str, session: SessionDep, viewer: Viewer, lang: Lang, mark: Mark,
                    q: str = SearchQuery) -> Response:
    data = unit_list(session=session, principal=viewer, query=q)
    return download(units_table(data, lang), check_format(fmt), mark=mark, lang=lang)


def units_table(data: UnitList, lang: str) -> Table:
    _t = partial(tr, lang)
    table = Table(name="units", title=_t("Units"),
                  keys=["code", "name", "level", "valid_from", "valid_to", "uid"],
                  labels=[_t("Code"), _t("Name"), _t("Level"), _t("In force from"),
                          _t("In force until"), _t("Identifier")])
    for group in data.groups:
        for u in group.units:
            table.rows.append([u.ref.code, u.ref.name, label("level", group.level, lang),
                               u.valid_from, u.valid_to, u.ref.uid])
    return table


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
    table = Table(name=f"{data.unit.code}-{data.period.id}" + ("-ytd" if data.to_date else ""),
                  title=data.unit.code,
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
