"""An indicator's page: its figure, its children ranked, a map and the trend.

The trend is by year; for an indicator entered by month, read for a month, a quarter or
a half-year, it is the months up to the period's end, so the chosen stretch is seen
against the months before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.data.reference import read_geojson
from fansipan.domain.access import Principal
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, PeriodType, parse_period, periods_between
from fansipan.domain.periods.choices import ChoiceGroup, period_choices
from fansipan.domain.periods.cumulative import Reading, read_period
from fansipan.domain.targets import percent_of_plan
from fansipan.domain.units import Unit
from fansipan.errors import FieldError, NotFound, ValidationError, msg
from fansipan.services.catalog import Catalog
from fansipan.services.insight.analytics import (
    AnalyticsRequest,
    AnalyticsResult,
    period_label,
    reason_text,
    run_analytics,
)
from fansipan.services.insight.asks import span_of
from fansipan.services.insight.overview import (
    as_float,
)
from fansipan.services.insight.spans import data_through
from fansipan.services.warehouse.reference import REFORM_DATE
from fansipan.services.warehouse.targets import (
    list_targets,
)
from fansipan.services.warehouse.viewpoints import (
    UnitRef,
    Viewpoint,
    breadcrumbs,
    home_units,
    resolve_unit,
    unit_ref,
    viewpoint,
)

DISTRICT_MAP = "laocai_districts_2024"
TREND_YEARS = 8
TREND_MONTHS = 24


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
    no_change_vi: str | None = None  # why the change is not given, when it is not
    no_change_en: str | None = None

    def no_change(self, lang: str) -> str | None:
        return self.no_change_en if lang == "en" else self.no_change_vi


@dataclass(frozen=True)
class TrendPoint:
    period: str
    label_vi: str
    label_en: str
    value: float | None
    target: float | None
    partial: bool  # the running year (or month): not final yet
    plan_percent: float | None = None  # "đạt X % kế hoạch" (plan ÷ actual if lower is better)


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
    # The period as the figures cover it: "11 tháng đầu năm 2026" for a running year.
    period_vi: str = ""
    period_en: str = ""
    # What the trend's points are: years, or months for a monthly indicator read by
    # month, quarter or half-year.
    trend_kind: PeriodType = PeriodType.YEAR
    choices: list[ChoiceGroup] = field(default_factory=list)  # the period picker's
    to_date: bool = False  # the figures add up the year to `period` ("9 tháng đầu năm")

    def period_label(self, lang: str) -> str:
        return (self.period_en if lang == "en" else self.period_vi) or self.period.label(lang)

    @property
    def period_ref(self) -> str:
        """The period as links and the picker send it: 2026Q3, or 2026-01..2026-09."""
        return Reading(self.period, self.to_date).id


def indicator_page(*, session: Session, warehouse: Warehouse, principal: Principal, code: str,
                   unit: str | None, period: str | None, today: date | None = None,
                   lang: str = "vi") -> IndicatorPage:
    today = today or date.today()
    view = viewpoint(session, principal)
    ind = view.catalog.indicator(code)
    view.scope.check_indicator(view.catalog, view.catalog.indicator_ids[ind.code])
    asked = read_period(period) if period else Reading(Period.year_of(today.year - 1))
    p, to_date = asked.period, asked.to_date
    roots = home_units(view, principal, p.end)
    if unit:
        chosen = resolve_unit(view, unit, p.end)
    elif roots:
        chosen = _root_with_data(session, warehouse, principal, view, ind, roots, p, to_date)
    else:
        raise NotFound(msg("None of your units is in force at the end of this period"),
                       [FieldError(field="period", value=p.id,
                                   message=msg("choose a period when your units existed"))])
    labels: dict[str, str] = {}
    figures = unit_figures(session=session, warehouse=warehouse, principal=principal,
                           view=view, codes=[ind.code], unit=chosen, period=p, labels=labels,
                           to_date=to_date)
    total = figures.pop(0) if figures and figures[0].unit.uid == view.catalog.uid_of(chosen) \
        else None
    layer, reason = _map_layer(view.catalog, figures, chosen, p)
    kind = trend_kind(ind, p)
    trend, mapped = _trend(session, warehouse, principal, view, ind, chosen, today, p, kind)
    sector = view.catalog.sectors.get(ind.sector)
    through = data_through(view.catalog, warehouse.latest(), ind, today)
    return IndicatorPage(
        indicator=ind, sector_name=(sector.name_en if lang == "en" else sector.name_vi)
        if sector else ind.sector, period=p, unit=unit_ref(view.catalog, chosen), total=total,
        trail=breadcrumbs(view, chosen, p.end), children=figures, map=layer,
        no_map_reason=reason, trend=trend, targets_mapped=mapped,
        roots=[unit_ref(view.catalog, u) for u in roots],
        period_vi=labels.get("vi", ""), period_en=labels.get("en", ""), trend_kind=kind,
        choices=period_choices(ind.periodicity, today, through, None if to_date else p),
        to_date=to_date,
    )


def trend_kind(ind: Indicator, period: Period) -> PeriodType:
    """Months for an indicator entered by month (or finer) read for less than a year;
    years otherwise."""
    if ind.periodicity.rank <= PeriodType.MONTH.rank and period.type is not PeriodType.YEAR:
        return PeriodType.MONTH
    return PeriodType.YEAR


def trend_periods(kind: PeriodType, period: Period, today: date) -> list[Period]:
    """The trend's periods, oldest first: the last eight years to today's, or the 24
    months to the chosen period's last month (never past today's month)."""
    if kind is PeriodType.YEAR:
        return [Period.year_of(y) for y in range(today.year - TREND_YEARS + 1, today.year + 1)]
    last = min(Period.month_of(period.end.year, period.end.month),
               Period.month_of(today.year, today.month))
    return periods_between(last.shift(-(TREND_MONTHS - 1)), last)


def _root_with_data(session: Session, warehouse: Warehouse, principal: Principal,
                    view: Viewpoint, ind: Indicator, roots: list[Unit], p: Period,
                    to_date: bool) -> Unit:
    """Of several top units (two provinces before the merger), the first with a value."""
    if len(roots) == 1:
        return roots[0]
    uids = [view.catalog.uid_of(u) for u in roots]
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(indicators=[ind.code], units=uids,
                                                    periods=[p.id], as_of=p.end,
                                                    cumulative=to_date))
    with_data = {str(r["unit_uid"]) for r in result.records()}
    return next((u for u, uid in zip(roots, uids, strict=True) if uid in with_data), roots[0])


def unit_figures(*, session: Session, warehouse: Warehouse, principal: Principal,
                 view: Viewpoint, codes: list[str], unit: Unit, period: Period,
                 labels: dict[str, str] | None = None,
                 to_date: bool = False) -> list[UnitFigure]:
    """The unit itself, then each of its children (as the tree stood at the period's end)
    that has a value, best rank first; for the first indicator of `codes`. `labels` gets
    the period's name as the figures cover it, per language. With `to_date`, the figures
    add up the year from January to the period's end.

    History is counted in the units of the period's end (mapped), so a commune created
    by the 2025 reform still compares with what its predecessors reported a year before,
    where they reported; where the territories differ the figure says why instead.
    """
    catalog = view.catalog
    uid = catalog.uid_of(unit)
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(
                               indicators=codes, units=[uid, f"{uid}/children"],
                               periods=[period.id], hierarchy="mapped", as_of=period.end,
                               compare=True, rank=True, share_of_parent=True,
                               cumulative=to_date))
    h = catalog.hierarchy
    answered = span_of(period, to_date).id  # the answer's id for the period asked
    if labels is not None:
        labels.update(vi=period_label(result.meta, codes[0], answered, "vi"),
                      en=period_label(result.meta, codes[0], answered, "en"))
    why = _reasons(result)
    by_uid = {catalog.uid_of(u): u for u in [unit, *h.children(unit.id, period.end)]}
    out: list[UnitFigure] = []
    for r in result.records():
        u = by_uid.get(str(r["unit_uid"]))
        if u is None or r["indicator"] != codes[0]:
            continue
        vi, en = why.get((str(r["unit_uid"]), str(r["period"])), (None, None))
        out.append(UnitFigure(
            unit=unit_ref(catalog, u), value=as_float(r["value"]),
            last_year=as_float(r["last_year"]), change=as_float(r["change"]),
            change_pct=as_float(r["change_pct"]), share=as_float(r["share_of_parent"]),
            rank=None if r["rank"] is None else int(str(r["rank"])),
            rank_of=None if r["rank_of"] is None else int(str(r["rank_of"])),
            has_children=bool(h.children(u.id, period.end)), no_change_vi=vi, no_change_en=en,
        ))
    # The unit, then its units of each level in rank order: communes, then departments.
    out.sort(key=lambda f: (f.unit.uid != uid, f.unit.level == "agency", f.rank or 10**9,
                            f.unit.name))
    return out


def _reasons(result: AnalyticsResult) -> dict[tuple[str, str], tuple[str, str]]:
    """(unit uid, period) → why its change is not given, in Vietnamese and English."""
    return {(n["unit_uid"], n["period"]): (reason_text(n, "vi"), reason_text(n, "en"))
            for n in result.meta.notes or () if n["about"] == "change"}


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
           ind: Indicator, unit: Unit, today: date, period: Period,
           kind: PeriodType) -> tuple[list[TrendPoint], bool]:
    """Values of each year (or month) with the planned ones of the same kind, in today's
    units when the unit still exists."""
    catalog = view.catalog
    mapped = unit.in_force(today)
    years = trend_periods(kind, period, today)
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(
                               indicators=[ind.code], units=[catalog.uid_of(unit)],
                               periods=[y.id for y in years],
                               hierarchy="mapped" if mapped else "as_of", today=today,
                               as_of=None if mapped else unit.valid_to))
    values = {str(r["period"]): as_float(r["value"]) for r in result.records()}
    planned: dict[str, float] = {}
    h = catalog.hierarchy
    for t in list_targets(session=session, principal=principal):
        if t.indicator != ind.code:
            continue
        tp = parse_period(t.period)
        if tp.type is not kind:
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
    partial = (result.meta.partial or {}).get(ind.code, {})
    return [TrendPoint(y.id, period_label(result.meta, ind.code, y.id, "vi"),
                       period_label(result.meta, ind.code, y.id, "en"), values.get(y.id),
                       planned.get(y.id), partial=y.id in partial or y.end >= today,
                       plan_percent=_plan_percent(values.get(y.id), planned.get(y.id), ind))
            for y in shown], mapped


def _plan_percent(actual: float | None, planned: float | None, ind: Indicator) -> float | None:
    if planned is None:
        return None
    return percent_of_plan(actual=actual, planned=planned, direction=ind.direction)
