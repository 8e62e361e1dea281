"""What the dashboard pages show, composed from the analytics, target and value services.

The web views stay thin: they parse the request, call one function here and render.
Nothing here knows about HTTP or HTML; every figure comes from `run_analytics` (so
the viewer's scope applies exactly as in the API) and every status from
`evaluate_targets`.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.data.reference import read_geojson
from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, PeriodType, parse_period
from fansipan.domain.targets import TargetStatus, TargetSummary
from fansipan.domain.units import Unit
from fansipan.errors import FieldError, NotFound, ValidationError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.insight.analytics import AnalyticsRequest, AnalyticsResult, run_analytics
from fansipan.services.trust.access import Scope, data_scope, require
from fansipan.services.warehouse.reference import REFORM_DATE
from fansipan.services.warehouse.targets import (
    EvaluationReport,
    TargetEvaluation,
    evaluate_targets,
    list_targets,
)
from fansipan.store.tables import ChangeRow

DISTRICT_MAP = "laocai_districts_2024"
HEADLINE_FALLBACK = 8  # indicators on the overview when the year has no targets
TREND_YEARS = 8


@dataclass(frozen=True)
class Viewpoint:
    """The catalogue and what of it the viewer may see."""

    catalog: Catalog
    scope: Scope

    def indicators(self, sector: str | None = None) -> list[Indicator]:
        ids = self.catalog.indicator_ids
        return [i for c, i in self.catalog.indicators.items()
                if self.scope.allows_indicator(ids[c]) and (sector is None or i.sector == sector)]

    def sees_unit(self, unit: Unit) -> bool:
        return self.scope.allows_unit(unit.id)


def viewpoint(session: Session, principal: Principal) -> Viewpoint:
    require(principal, Permission.READ_DATA)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
    return Viewpoint(catalog, scope)


# --- Units ---------------------------------------------------------------------------------


def home_units(view: Viewpoint, principal: Principal, on: date) -> list[Unit]:
    """Where the viewer's pages start on a date: the top units of its scope in force then."""
    h = view.catalog.hierarchy
    if principal.all_units:
        roots = h.roots(on)
    else:
        roots = [h.unit(u) for u in sorted(principal.unit_ids)
                 if u in view.catalog.unit_uids and h.unit(u).in_force(on)]
    # Administrative units before agencies; then by code, for a stable order.
    return sorted(roots, key=lambda u: (u.level.value == "agency", u.code))


def resolve_unit(view: Viewpoint, ref: str, on: date) -> Unit:
    """A unit named by uid or by code (as in force on `on`), which the viewer may see."""
    unit = view.catalog.unit(ref.strip(), on, field="unit")
    view.scope.check_unit(view.catalog, unit.id)
    return unit


@dataclass(frozen=True)
class UnitRef:
    uid: str
    code: str
    name: str
    level: str


def unit_ref(catalog: Catalog, unit: Unit) -> UnitRef:
    return UnitRef(catalog.uid_of(unit), unit.code, unit.name, unit.level.value)


def breadcrumbs(view: Viewpoint, unit: Unit, on: date) -> list[UnitRef]:
    """The unit's ancestors the viewer may see, top first, then the unit."""
    h = view.catalog.hierarchy
    chain = [u for u in reversed(h.ancestors(unit.id, on)) if view.sees_unit(u)]
    return [unit_ref(view.catalog, u) for u in [*chain, unit]]


# --- Overview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Latest:
    """An indicator's latest figure at a unit, with the same period a year before."""

    indicator: Indicator
    period: str
    label_vi: str
    label_en: str
    value: float
    last_year: float | None
    change: float | None
    change_pct: float | None


@dataclass(frozen=True)
class SectorTargets:
    code: str
    name: str
    summary: TargetSummary
    sentence: str


@dataclass(frozen=True)
class Freshness:
    source: str
    last_at: datetime
    last_change: int
    changes: int


@dataclass(frozen=True)
class Overview:
    unit: UnitRef | None
    units: list[UnitRef]
    year: int
    targets: EvaluationReport | None
    sectors: list[SectorTargets]
    latest: list[Latest]
    freshness: list[Freshness]
    last_change: int
    sector_names: dict[str, str]


def overview(*, session: Session, warehouse: Warehouse, principal: Principal, lang: str,
             year: int | None = None, unit: str | None = None,
             today: date | None = None) -> Overview:
    """The year's targets, headline figures and freshness; a past year is seen from its end."""
    today = today or date.today()
    year = year or today.year
    on = min(today, date(year, 12, 31))
    view = viewpoint(session, principal)
    homes = home_units(view, principal, on)
    home = resolve_unit(view, unit, on) if unit else (homes[0] if homes else None)
    report = evaluation(session, warehouse, principal, year, lang, today)
    sectors: list[SectorTargets] = []
    headline_codes: list[str] = []
    if report is not None:
        sectors = [SectorTargets(g.key, g.name, g.summary, g.sentence) for g in report.by_sector]
        headline_codes = list(dict.fromkeys(i.indicator for i in report.items))
    visible = view.indicators()
    if not headline_codes:
        headline_codes = [i.code for i in visible if i.formula is None][:HEADLINE_FALLBACK]
    latest = (latest_values(session=session, warehouse=warehouse, principal=principal,
                            view=view, codes=headline_codes, unit=home,
                            today=today if year >= today.year else date(year + 1, 1, 1))
              if home is not None and headline_codes else [])
    return Overview(
        unit=unit_ref(view.catalog, home) if home else None,
        units=[unit_ref(view.catalog, u) for u in homes], year=year, targets=report,
        sectors=sectors, latest=latest, freshness=freshness(session=session),
        last_change=warehouse.last_change,
        sector_names={c: (s.name_en if lang == "en" else s.name_vi)
                      for c, s in view.catalog.sectors.items()},
    )


def evaluation(session: Session, warehouse: Warehouse, principal: Principal, year: int,
                lang: str, today: date, units: Sequence[str] = (),
                indicators: Sequence[str] = ()) -> EvaluationReport | None:
    try:
        return evaluate_targets(session=session, warehouse=warehouse, year=year, as_of=today,
                                lang=lang, principal=principal, units=units,
                                indicators=indicators)
    except NotFound:
        return None


def latest_values(*, session: Session, warehouse: Warehouse, principal: Principal,
                  view: Viewpoint, codes: Sequence[str], unit: Unit,
                  today: date) -> list[Latest]:
    """Each indicator's year-to-date figure up to the last or the month before (the later
    with data), else the last complete year's, as things stood on `today` (exclusive).
    Two months, not more: each month asked is a scan, and a report is rarely later.

    History is counted in the units in force then (mapped), so a year-on-year change
    across the 2025 reform compares like with like.
    """
    uid = view.catalog.uid_of(unit)
    last_month = Period.month_of(today.year, today.month).previous()
    months = [m for m in (last_month.shift(-1), last_month)
              if m.start.year == last_month.start.year]
    on = last_month.end
    ytd = run_analytics(session=session, warehouse=warehouse, principal=principal,
                        request=AnalyticsRequest(
                            indicators=list(codes), units=[uid], periods=[m.id for m in months],
                            hierarchy="mapped", as_of=on, cumulative=True, compare=True,
                            today=today))
    last_year = today.year - 1
    years = run_analytics(session=session, warehouse=warehouse, principal=principal,
                          request=AnalyticsRequest(
                              indicators=list(codes), units=[uid], periods=[str(last_year)],
                              hierarchy="mapped", as_of=min(on, date(last_year, 12, 31))
                              if unit.in_force(date(last_year, 12, 31)) else on,
                              compare=True, today=today))
    best: dict[str, Latest] = {}
    for result in (years, ytd):  # later rows overwrite: the latest month wins over the year
        for r in result.records():
            period = str(r["period"])
            meta = result.meta.periods[period]
            code = str(r["indicator"])
            value = r["value"]
            if value is None:
                continue
            best[code] = Latest(view.catalog.indicators[code], period, meta["label_vi"],
                                meta["label_en"], float(value), _float(r["last_year"]),
                                _float(r["change"]), _float(r["change_pct"]))
    return [best[c] for c in codes if c in best]


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


_FRESH_LOCK = threading.Lock()
_FRESH: dict[str, tuple[int, dict[str, Freshness]]] = {}


def freshness(*, session: Session) -> list[Freshness]:
    """The last change per source (import, API, web form, demo...), newest first.

    Kept per store and brought up to date from the change numbers it has not seen, so
    a page never scans the whole change log.
    """
    key = str(session.get_bind().engine.url)
    with _FRESH_LOCK:
        seen, known = _FRESH.get(key, (0, {}))
    with session.begin():
        rows = session.execute(
            select(ChangeRow.source, func.max(ChangeRow.at), func.max(ChangeRow.id),
                   func.count()).where(ChangeRow.id > seen).group_by(ChangeRow.source)).all()
    if rows:
        known = dict(known)
        for source, at, last, count in rows:
            before = known.get(source)
            known[source] = Freshness(source, _utc(at), int(last),
                                      int(count) + (before.changes if before else 0))
        with _FRESH_LOCK:
            _FRESH[key] = (max(f.last_change for f in known.values()), known)
    return sorted(known.values(), key=lambda f: f.last_change, reverse=True)


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def last_change(*, session: Session) -> int:
    """The newest change number: pages poll it to know when new data has landed."""
    with session.begin():
        return int(session.scalar(select(func.max(ChangeRow.id))) or 0)


# --- Indicator page -----------------------------------------------------------------------


@dataclass(frozen=True)
class UnitFigure:
    unit: UnitRef
    value: float | None
    last_year: float | None
    change: float | None
    change_pct: float | None
    share: float | None
    rank: int | None
    rank_of: int | None
    has_children: bool


@dataclass(frozen=True)
class TrendPoint:
    period: str
    label_vi: str
    label_en: str
    value: float | None
    target: float | None
    partial: bool  # the running year: not final yet


@dataclass(frozen=True)
class MapLayer:
    """A choropleth of the unit's children, when boundaries exist for them then."""

    geojson: str  # the packaged file's name
    codes: list[str]
    values: list[float]
    names: list[str]
    uids: list[str]


@dataclass(frozen=True)
class IndicatorPage:
    indicator: Indicator
    sector_name: str
    period: Period
    unit: UnitRef
    total: UnitFigure | None
    trail: list[UnitRef]
    children: list[UnitFigure]
    map: MapLayer | None
    no_map_reason: str | None  # "reform" or "communes" when the children have no polygons
    trend: list[TrendPoint]
    targets_mapped: bool
    roots: list[UnitRef] = field(default_factory=list)


def indicator_page(*, session: Session, warehouse: Warehouse, principal: Principal, code: str,
                   unit: str | None, period: str | None, today: date | None = None,
                   lang: str = "vi") -> IndicatorPage:
    today = today or date.today()
    view = viewpoint(session, principal)
    ind = view.catalog.indicator(code)
    view.scope.check_indicator(view.catalog, view.catalog.indicator_ids[ind.code])
    p = parse_period(period) if period else Period.year_of(today.year - 1)
    roots = home_units(view, principal, p.end)
    if unit:
        chosen = resolve_unit(view, unit, p.end)
    elif roots:
        chosen = _root_with_data(session, warehouse, principal, view, ind, roots, p)
    else:
        raise NotFound("None of your units is in force at the end of this period",
                       [FieldError(field="period", value=p.id,
                                   message="choose a period when your units existed")])
    figures = unit_figures(session=session, warehouse=warehouse, principal=principal,
                           view=view, codes=[ind.code], unit=chosen, period=p)
    total = figures.pop(0) if figures and figures[0].unit.uid == view.catalog.uid_of(chosen) \
        else None
    layer, reason = _map_layer(view.catalog, figures, chosen, p)
    trend, mapped = _trend(session, warehouse, principal, view, ind, chosen, today)
    sector = view.catalog.sectors.get(ind.sector)
    return IndicatorPage(
        indicator=ind, sector_name=(sector.name_en if lang == "en" else sector.name_vi)
        if sector else ind.sector, period=p, unit=unit_ref(view.catalog, chosen), total=total,
        trail=breadcrumbs(view, chosen, p.end), children=figures, map=layer,
        no_map_reason=reason, trend=trend, targets_mapped=mapped,
        roots=[unit_ref(view.catalog, u) for u in roots],
    )


def _root_with_data(session: Session, warehouse: Warehouse, principal: Principal,
                    view: Viewpoint, ind: Indicator, roots: list[Unit], p: Period) -> Unit:
    """Of several top units (two provinces before the merger), the first with a value."""
    if len(roots) == 1:
        return roots[0]
    uids = [view.catalog.uid_of(u) for u in roots]
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(indicators=[ind.code], units=uids,
                                                    periods=[p.id], as_of=p.end))
    with_data = {str(r["unit_uid"]) for r in result.records()}
    return next((u for u, uid in zip(roots, uids, strict=True) if uid in with_data), roots[0])


def unit_figures(*, session: Session, warehouse: Warehouse, principal: Principal,
                 view: Viewpoint, codes: list[str], unit: Unit,
                 period: Period) -> list[UnitFigure]:
    """The unit itself, then each of its children (as the tree stood at the period's end)
    that has a value, best rank first; for the first indicator of `codes`.

    History is counted in the units of the period's end (mapped), so a commune created
    by the 2025 reform still compares with what its predecessors reported a year before.
    """
    catalog = view.catalog
    uid = catalog.uid_of(unit)
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(
                               indicators=codes, units=[uid, f"{uid}/children"],
                               periods=[period.id], hierarchy="mapped", as_of=period.end,
                               compare=True, rank=True, share_of_parent=True))
    h = catalog.hierarchy
    by_uid = {catalog.uid_of(u): u for u in [unit, *h.children(unit.id, period.end)]}
    out: list[UnitFigure] = []
    for r in result.records():
        u = by_uid.get(str(r["unit_uid"]))
        if u is None or r["indicator"] != codes[0]:
            continue
        out.append(UnitFigure(
            unit=unit_ref(catalog, u), value=_float(r["value"]),
            last_year=_float(r["last_year"]), change=_float(r["change"]),
            change_pct=_float(r["change_pct"]), share=_float(r["share_of_parent"]),
            rank=None if r["rank"] is None else int(str(r["rank"])),
            rank_of=None if r["rank_of"] is None else int(str(r["rank_of"])),
            has_children=bool(h.children(u.id, period.end)),
        ))
    out.sort(key=lambda f: (f.unit.uid != uid, f.rank or 10**9, f.unit.name))
    return out


@cache
def _boundaries(name: str) -> dict[str, date | None]:
    """Feature code → last day in force, of a packaged boundary file."""
    found: dict[str, date | None] = {}
    for feature in read_geojson(name)["features"]:
        props = feature.get("properties") or {}
        end = props.get("valid_to")
        found[str(props.get("code"))] = date.fromisoformat(end) if end else None
    return found


def _map_layer(catalog: Catalog, figures: list[UnitFigure], unit: Unit,
               p: Period) -> tuple[MapLayer | None, str | None]:
    shapes = _boundaries(DISTRICT_MAP)
    districts = [f for f in figures if f.unit.level == "district" and f.value is not None]
    drawn = [f for f in districts if f.unit.code in shapes
             and (shapes[f.unit.code] is None or p.end <= shapes[f.unit.code])]  # type: ignore[operator]
    if drawn:
        return MapLayer(DISTRICT_MAP, [f.unit.code for f in drawn],
                        [f.value for f in drawn if f.value is not None],
                        [f.unit.name for f in drawn], [f.unit.uid for f in drawn]), None
    levels = {f.unit.level for f in figures}
    if p.end >= REFORM_DATE and unit.level.value == "province":
        return None, "reform"
    if "commune" in levels:
        return None, "communes"
    return None, None


def _trend(session: Session, warehouse: Warehouse, principal: Principal, view: Viewpoint,
           ind: Indicator, unit: Unit, today: date) -> tuple[list[TrendPoint], bool]:
    """Yearly values with the planned ones, in today's units when the unit still exists."""
    catalog = view.catalog
    mapped = unit.in_force(today)
    years = [Period.year_of(y) for y in range(today.year - TREND_YEARS + 1, today.year + 1)]
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(
                               indicators=[ind.code], units=[catalog.uid_of(unit)],
                               periods=[y.id for y in years],
                               hierarchy="mapped" if mapped else "as_of", today=today,
                               as_of=None if mapped else unit.valid_to))
    values = {str(r["period"]): _float(r["value"]) for r in result.records()}
    planned: dict[str, float] = {}
    h = catalog.hierarchy
    for t in list_targets(session=session, principal=principal):
        if t.indicator != ind.code:
            continue
        tp = parse_period(t.period)
        if tp.type is not PeriodType.YEAR:
            continue
        try:
            target_unit = catalog.unit(t.unit, tp.end)
        except (NotFound, ValidationError):
            continue
        same = target_unit.id == unit.id or (mapped and any(
            s.id == unit.id for s, _ in h.successors(target_unit.id, today)))
        if same:
            planned[tp.id] = t.planned
    known = [i for i, y in enumerate(years) if values.get(y.id) is not None
             or y.id in planned]
    shown = years[known[0]:known[-1] + 1] if known else []
    return [TrendPoint(y.id, y.label("vi"), y.label("en"), values.get(y.id), planned.get(y.id),
                       partial=y.end >= today) for y in shown], mapped


# --- Unit page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitIndicator:
    indicator: Indicator
    value: float | None
    last_year: float | None
    change_pct: float | None
    rank: int | None
    rank_of: int | None
    status: TargetStatus | None
    planned: float | None


@dataclass(frozen=True)
class UnitPage:
    unit: UnitRef
    period: Period
    trail: list[UnitRef]
    children: list[UnitRef]
    rows: list[UnitIndicator]
    sector_names: dict[str, str]


def unit_page(*, session: Session, warehouse: Warehouse, principal: Principal, ref: str,
              period: str | None, today: date | None = None, lang: str = "vi") -> UnitPage:
    today = today or date.today()
    view = viewpoint(session, principal)
    p = parse_period(period) if period else Period.year_of(today.year - 1)
    unit = resolve_unit(view, ref, p.end)
    catalog = view.catalog
    uid = catalog.uid_of(unit)
    codes = [i.code for i in view.indicators()]
    rows: list[UnitIndicator] = []
    if codes and unit.in_force(p.end):
        result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                               request=AnalyticsRequest(
                                   indicators=codes, units=[uid], periods=[p.id],
                                   hierarchy="mapped", as_of=p.end, compare=True, rank=True))
        report = evaluation(session, warehouse, principal, p.start.year, lang, today,
                             units=[unit.code])
        status: dict[str, TargetEvaluation] = {
            i.indicator: i for i in (report.items if report else [])
            if i.period == p.id and i.unit == unit.code}
        for r in result.records():
            code = str(r["indicator"])
            ev = status.get(code)
            rows.append(UnitIndicator(
                catalog.indicators[code], _float(r["value"]), _float(r["last_year"]),
                _float(r["change_pct"]),
                None if r["rank"] is None else int(str(r["rank"])),
                None if r["rank_of"] is None else int(str(r["rank_of"])),
                ev.status if ev else None, ev.planned if ev else None))
    order = {c: n for n, c in enumerate(catalog.sectors)}
    rows.sort(key=lambda r: (order.get(r.indicator.sector, 99), r.indicator.code))
    kids = [u for u in catalog.hierarchy.children(unit.id, p.end) if view.sees_unit(u)]
    return UnitPage(
        unit=unit_ref(catalog, unit), period=p, trail=breadcrumbs(view, unit, p.end),
        children=[unit_ref(catalog, u) for u in sorted(kids, key=lambda u: u.name)],
        rows=rows, sector_names={c: (s.name_en if lang == "en" else s.name_vi)
                                 for c, s in catalog.sectors.items()},
    )


# --- Sector page --------------------------------------------------------------------------


@dataclass(frozen=True)
class SectorPage:
    code: str
    name: str
    unit: UnitRef | None
    year: int
    targets: SectorTargets | None
    items: list[TargetEvaluation]
    latest: list[Latest]


def sector_page(*, session: Session, warehouse: Warehouse, principal: Principal, code: str,
                year: int | None = None, today: date | None = None,
                lang: str = "vi") -> SectorPage:
    today = today or date.today()
    year = year or today.year
    view = viewpoint(session, principal)
    sector = view.catalog.sectors.get(code)
    if sector is None:
        raise NotFound("Unknown sector", [FieldError(
            field="sector", value=code,
            message=f"there is no sector {code!r}; known: {', '.join(view.catalog.sectors)}")])
    homes = home_units(view, principal, today)
    indicators = view.indicators(code)
    report = evaluation(session, warehouse, principal, year, lang, today,
                         indicators=[i.code for i in indicators]) if indicators else None
    group = next((g for g in report.by_sector if g.key == code), None) if report else None
    latest = (latest_values(session=session, warehouse=warehouse, principal=principal,
                            view=view, codes=[i.code for i in indicators], unit=homes[0],
                            today=today) if homes and indicators else [])
    return SectorPage(
        code=code, name=sector.name_en if lang == "en" else sector.name_vi,
        unit=unit_ref(view.catalog, homes[0]) if homes else None, year=year,
        targets=SectorTargets(group.key, group.name, group.summary, group.sentence)
        if group else None,
        items=[i for i in report.items if i.sector == code] if report else [], latest=latest,
    )


def analytics_table(*, session: Session, warehouse: Warehouse, principal: Principal,
                    request: AnalyticsRequest) -> AnalyticsResult:
    """The analytics answer as is, for pages that download a plain table."""
    return run_analytics(session=session, warehouse=warehouse, principal=principal,
                         request=request)
