"""The indicator list and each indicator's page: definition, trend, map, table by unit."""

from __future__ import annotations

import textwrap
from functools import partial
from typing import Any

from fastapi import Query, Request
from fastapi.responses import Response

from fansipan.domain.indicators import Indicator
from fansipan.domain.search import matches
from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.foresight.panels import forecast_panel
from fansipan.services.insight.indicator_page import IndicatorPage, indicator_page
from fansipan.services.warehouse.viewpoints import viewpoint
from fansipan.web.deps import Lang, Mark, Viewer, WarehouseDep, page_router
from fansipan.web.forecast_figures import forecast_figure
from fansipan.web.formatting import number, percent, value_decimals
from fansipan.web.labels import label
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download, split_format

router = page_router()

PeriodQuery = Query(default=None, max_length=24,
                    description="A period: 2024, 2024Q1, 2024-03, or 2024-01..2024-09 (the "
                    "nine months from January)")
UnitQuery = Query(default=None, max_length=40, description="A unit code or uid")
SearchQuery = Query(default="", max_length=80,
                    description="Words of a name or a code, with or without accents")


def _list_table(indicators: list[Indicator], sectors: dict[str, str], lang: str) -> Table:
    _t = partial(tr, lang)
    table = Table(name="indicators", title=_t("Indicators"),
                  keys=["code", "name", "sector", "unit_of_measure", "periodicity", "formula"],
                  labels=[_t("Code"), _t("Name"), _t("Sector"), _t("Unit of measure"),
                          _t("Reported"), _t("Formula")])
    for ind in indicators:
        table.rows.append([ind.code, ind.name(lang), sectors.get(ind.sector, ind.sector),
                           ind.unit_en if lang == "en" else ind.unit_vi,
                           label("periodicity", ind.periodicity.value, lang),
                           ind.formula or ""])
    return table


def _found(indicators: list[Indicator], query: str) -> list[Indicator]:
    """The indicators whose code or name, in either language, holds the search."""
    return [i for i in indicators if matches(query, i.code, i.name_vi, i.name_en)]


@router.get("/indicators")
def indicator_list(request: Request, session: SessionDep, viewer: Viewer,
                   lang: Lang, q: str = SearchQuery) -> Response:
    view = viewpoint(session, viewer)
    sectors = {c: (s.name_en if lang == "en" else s.name_vi)
               for c, s in view.catalog.sectors.items()}
    query = q.strip()
    groups = [(code, name, _found(view.indicators(code), query))
              for code, name in sectors.items()]
    return render(request, "indicators.html", title=tr(lang, "Indicators"), query=query,
                  groups=[g for g in groups if g[2]])


@router.get("/indicators.{fmt}")
def indicator_list_table(fmt: str, session: SessionDep, viewer: Viewer, lang: Lang,
                         mark: Mark, q: str = SearchQuery) -> Response:
    view = viewpoint(session, viewer)
    sectors = {c: (s.name_en if lang == "en" else s.name_vi)
               for c, s in view.catalog.sectors.items()}
    return download(_list_table(_found(view.indicators(), q.strip()), sectors, lang),
                    check_format(fmt), mark=mark, lang=lang)


@router.get("/indicators/{ref}")
def indicator_view(ref: str, request: Request, session: SessionDep, warehouse: WarehouseDep,
                   viewer: Viewer, lang: Lang, mark: Mark, unit: str | None = UnitQuery,
                   period: str | None = PeriodQuery) -> Response:
    code, fmt = split_format(ref)
    data = indicator_page(session=session, warehouse=warehouse, principal=viewer, code=code,
                          unit=unit, period=period, lang=lang)
    if fmt is not None:
        return download(unit_table(data, lang), check_format(fmt), mark=mark, lang=lang)
    ind = data.indicator
    band = forecast_panel(session=session, warehouse=warehouse, principal=viewer,
                          indicator=ind.code, unit_uid=data.unit.uid, lang=lang)
    figure = (forecast_figure(band.forecast, ind.unit_en if lang == "en" else ind.unit_vi,
                              ind.decimals, lang)
              if band is not None and band.forecast is not None else None)
    return render(request, "indicator.html", title=ind.name(lang), data=data, charts=True,
                  trend_figure=trend_figure(data, lang), map_figure=map_figure(data, lang),
                  tiles=tiles(data), band=band,
                  forecast_figure=figure)


def unit_table(data: IndicatorPage, lang: str) -> Table:
    _t = partial(tr, lang)
    table = Table(
        name=f"{data.indicator.code}-{data.unit.code}-{data.period.id}"
             + ("-ytd" if data.to_date else ""),
        title=data.indicator.code,
        keys=["rank", "rank_of", "unit_code", "unit", "level", "value", "last_year", "change",
              "change_pct", "share_of_parent", "comparison"],
        labels=[_t("Rank"), _t("Ranked among"), _t("Code"), _t("Unit"), _t("Level"),
                _t("Value"), _t("Same period last year"), _t("Change"), _t("Change (%)"),
                _t("Share (%)"), _t("Comparison note")],
        note=f"{data.indicator.name(lang)} — {data.period_label(lang)}")
    for f in [*([data.total] if data.total else []), *data.children]:
        table.rows.append([f.rank, f.rank_of, f.unit.code, f.unit.name,
                           label("level", f.unit.level, lang), f.value, f.last_year, f.change,
                           f.change_pct, f.share, f.no_change(lang)])
    return table


MAX_WRITTEN = 12  # trend points with their figure written above them


def _axis_label(period: str) -> str:
    """2026 stays 2026; 2026-03 becomes 03/2026, the month as Vietnamese dates write it."""
    year, _, month = period.partition("-")
    return f"{month}/{year}" if month else period


def trend_figure(data: IndicatorPage, lang: str) -> dict[str, Any] | None:
    points = [p for p in data.trend if p.value is not None or p.target is not None]
    if not points:
        return None
    ind = data.indicator
    # Bare years and months as 03/2026 keep the axis short; the running year or month is
    # marked and explained below.
    labels = [_axis_label(p.period) + ("*" if p.partial else "") for p in points]
    values = [p.value for p in points]
    shown = [number(v, value_decimals(v, ind.decimals), lang) for v in values]
    # Two years of months written above their points overlap: beyond a dozen points the
    # figures are read on hover, and the table below the chart has them all.
    mode = "lines+markers+text" if len(points) <= MAX_WRITTEN else "lines+markers"
    traces: list[dict[str, Any]] = [{
        "type": "scatter", "mode": mode, "name": tr(lang, "Actual"),
        "x": labels, "y": values, "text": shown, "textposition": "top center",
        "hovertemplate": "%{x}: %{text}<extra></extra>", "cliponaxis": False,
        "line": {"color": "#0b5394", "width": 3},
        "marker": {"size": 9, "symbol": ["circle-open" if p.partial else "circle"
                                         for p in points]},
    }]
    if any(p.target is not None for p in points):
        traces.append({
            "type": "scatter", "mode": "lines+markers", "name": tr(lang, "Planned"),
            "x": labels, "y": [p.target for p in points], "connectgaps": True,
            "line": {"color": "#b45f06", "dash": "dash", "width": 2},
            "marker": {"symbol": "diamond", "size": 8},
            # The planned value as the page writes it, and how much of it was reached.
            "customdata": [[number(p.target, value_decimals(p.target, ind.decimals), lang),
                            tr(lang, "{percent} of plan",
                               percent=percent(p.plan_percent, lang, 1))
                            if p.plan_percent is not None else ""] for p in points],
            "hovertemplate": "%{x}: %{customdata[0]}<br>%{customdata[1]}<extra>"
                             + tr(lang, "Planned") + "</extra>",
        })
    unit = ind.unit_en if lang == "en" else ind.unit_vi
    return {"data": traces, "layout": {
        "margin": {"t": 30, "r": 20, "b": 50, "l": 60}, "height": 320,
        "yaxis": {"title": {"text": unit}, "rangemode": "tozero",
                  "separatethousands": True, "automargin": True},
        "xaxis": {"type": "category", "automargin": True},
        "legend": {"orientation": "h", "y": -0.2},
        "separators": ",." if lang == "vi" else ".,", "font": {"size": 14},
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
    }}


def map_figure(data: IndicatorPage, lang: str) -> dict[str, Any] | None:
    layer = data.map
    if layer is None:
        return None
    ind = data.indicator
    shown = [number(v, value_decimals(v, ind.decimals), lang) for v in layer.values]
    link = f"/indicators/{ind.code}?period={data.period_ref}&unit="
    return {
        "geojson": layer.geojson,
        "data": [{
            "type": "choroplethmap", "featureidkey": "properties.code",
            "locations": layer.codes, "z": layer.values,
            "text": [f"{name}: {value}" for name, value in zip(layer.names, shown, strict=True)],
            "customdata": [link + uid for uid in layer.uids],
            "hovertemplate": "%{text}<extra></extra>",
            # Light to dark as the figure gets better (reversed where lower is better).
            "colorscale": [[0, "#e3eef9"], [0.5, "#5b9bd5"], [1, "#0b3d6e"]],
            "reversescale": ind.direction.value == "down",
            "marker": {"line": {"color": "#333", "width": 1}},
            # The legend says what the colours measure, and in what.
            "colorbar": {"thickness": 14, "len": 0.8, "separatethousands": True,
                         "title": {"text": legend_title(ind, lang), "side": "top"}},
        }],
        "layout": {
            "map": {"style": "white-bg", "center": {"lon": 104.03, "lat": 22.36}, "zoom": 8.05},
            "margin": {"t": 0, "r": 0, "b": 0, "l": 0}, "height": 440,
            "separators": ",." if lang == "vi" else ".,",
            "paper_bgcolor": "rgba(0,0,0,0)",
        },
    }


def legend_title(ind: Indicator, lang: str) -> str:
    """The indicator's name in short lines, then its unit: "Tỷ lệ hộ gia đình có<br>…<br>(%)"."""
    unit = ind.unit_en if lang == "en" else ind.unit_vi
    lines = textwrap.wrap(ind.name(lang), 18)
    return "<br>".join([*lines, f"({unit})"] if unit else lines)


def tiles(data: IndicatorPage) -> list[dict[str, Any]]:
    """The children as a tile grid, each coloured by its value's fifth (quintile)."""
    figures = [f for f in data.children if f.value is not None]
    ordered = sorted(f.value for f in figures if f.value is not None)
    out = []
    for f in figures:
        position = ordered.index(f.value) / max(1, len(ordered) - 1) if f.value is not None else 0
        if data.indicator.direction.value == "down":
            position = 1 - position
        out.append({"figure": f, "shade": min(4, int(position * 5))})
    return sorted(out, key=lambda x: x["figure"].unit.name)
