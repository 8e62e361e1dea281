"""A unit's page: every indicator it may show, with rank, change and target status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, PeriodType, last_complete_month
from fansipan.domain.periods.choices import ChoiceGroup, period_choices
from fansipan.domain.periods.cumulative import Reading, read_period
from fansipan.domain.targets import TargetStatus
from fansipan.errors import NotFound
from fansipan.services.insight.analytics import AnalyticsRequest, reason_text, run_analytics
from fansipan.services.insight.asks import span_of
from fansipan.services.insight.evaluation import TargetEvaluation
from fansipan.services.insight.lineage import Lineage, lineage
from fansipan.services.insight.overview import (
    as_float,
    evaluation,
)
from fansipan.services.warehouse.viewpoints import (
    UnitRef,
    Viewpoint,
    breadcrumbs,
    resolve_unit,
    unit_ref,
    viewpoint,
)


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
    change: float | None = None
    no_change_vi: str | None = None  # why the change is not given, when it is not
    no_change_en: str | None = None
    plan_percent: float | None = None  # "đạt X % kế hoạch", from the target's evaluation

    def no_change(self, lang: str) -> str | None:
        return self.no_change_en if lang == "en" else self.no_change_vi


@dataclass(frozen=True)
class UnitPage:
    unit: UnitRef
    period: Period
    trail: list[UnitRef]
    children: list[UnitRef]
    rows: list[UnitIndicator]
    sector_names: dict[str, str]
    period_vi: str = ""  # the period as the figures cover it ("11 tháng đầu năm 2026")
    period_en: str = ""
    lineage: Lineage | None = None  # when it began or ended in a reorganisation
    choices: list[ChoiceGroup] = field(default_factory=list)  # the period picker's
    to_date: bool = False  # the figures add up the year to `period` ("9 tháng đầu năm")

    def period_label(self, lang: str) -> str:
        return (self.period_en if lang == "en" else self.period_vi) or self.period.label(lang)

    @property
    def period_ref(self) -> str:
        """The period as links and the picker send it: 2026Q3, or 2026-01..2026-09."""
        return Reading(self.period, self.to_date).id


def unit_page(*, session: Session, warehouse: Warehouse, principal: Principal, ref: str,
              period: str | None, today: date | None = None, lang: str = "vi") -> UnitPage:
    today = today or date.today()
    view = viewpoint(session, principal)
    asked = read_period(period) if period else Reading(Period.year_of(today.year - 1))
    p, to_date = asked.period, asked.to_date
    try:
        unit = resolve_unit(view, ref, p.end)
    except NotFound:
        # No period asked and the code's unit has ended: its last version, on its last day.
        versions = [] if period else view.catalog.hierarchy.versions(ref.strip())
        last = versions[-1].valid_to if versions else None
        if last is None:
            raise
        unit = resolve_unit(view, ref, last)
    catalog = view.catalog
    history = lineage(view, unit, today)
    if period is None and history.last_full_year is not None and not unit.in_force(p.end):
        # An ended unit opens on its last whole year, the last one with its own figures.
        p = Period.year_of(history.last_full_year)
    uid = catalog.uid_of(unit)
    codes = [i.code for i in view.indicators()]
    rows: list[UnitIndicator] = []
    labels = {"vi": "", "en": ""}
    if codes and unit.in_force(p.end):
        result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                               request=AnalyticsRequest(
                                   indicators=codes, units=[uid], periods=[p.id],
                                   hierarchy="mapped", as_of=p.end, compare=True, rank=True,
                                   cumulative=to_date))
        report = evaluation(session, warehouse, principal, p.start.year, lang, today,
                             units=[uid])
        status: dict[str, TargetEvaluation] = {
            i.indicator: i for i in (report.items if report else [])
            if i.period == p.id and i.unit == unit.code and not to_date}
        notes = {n["indicator"]: n for n in result.meta.notes or () if n["about"] == "change"}
        named = result.meta.periods.get(span_of(p, to_date).id)
        if named is not None:
            labels = {"vi": named["label_vi"], "en": named["label_en"]}
        for r in result.records():
            code = str(r["indicator"])
            ev = status.get(code)
            note = notes.get(code)
            rows.append(UnitIndicator(
                catalog.indicators[code], as_float(r["value"]), as_float(r["last_year"]),
                as_float(r["change_pct"]),
                None if r["rank"] is None else int(str(r["rank"])),
                None if r["rank_of"] is None else int(str(r["rank_of"])),
                ev.status if ev else None, ev.planned if ev else None,
                change=as_float(r["change"]),
                no_change_vi=reason_text(note, "vi") if note else None,
                no_change_en=reason_text(note, "en") if note else None,
                plan_percent=ev.plan_percent if ev else None))
    order = {c: n for n, c in enumerate(catalog.sectors)}
    rows.sort(key=lambda r: (order.get(r.indicator.sector, 99), r.indicator.code))
    kids = [u for u in catalog.hierarchy.children(unit.id, p.end) if view.sees_unit(u)]
    return UnitPage(
        unit=unit_ref(catalog, unit), period=p, trail=breadcrumbs(view, unit, p.end),
        children=[unit_ref(catalog, u) for u in sorted(kids, key=lambda u: u.name)],
        rows=rows, sector_names={c: (s.name_en if lang == "en" else s.name_vi)
                                 for c, s in catalog.sectors.items()},
        period_vi=labels["vi"], period_en=labels["en"],
        lineage=history if history.ended or history.predecessors else None,
        choices=_choices(view, warehouse, today, None if to_date else p), to_date=to_date,
    )


def _choices(view: Viewpoint, warehouse: Warehouse, today: date,
             p: Period | None) -> list[ChoiceGroup]:
    """Periods down to the finest the unit's indicators are entered at, named as the
    newest data covers them."""
    catalog = view.catalog
    indicators = view.indicators()
    finest = min((i.periodicity for i in indicators), key=lambda t: t.rank,
                 default=PeriodType.YEAR)
    latest = warehouse.latest()
    ends = [latest[catalog.indicator_ids[i.code]] for i in indicators
            if catalog.indicator_ids[i.code] in latest]
    return period_choices(finest, today, last_complete_month(max(ends, default=None), today), p)
