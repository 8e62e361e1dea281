"""The overview: the year's targets per sector, headline figures and data freshness, for
a year or a part of one (`page_periods`)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.periods.choices import ChoiceGroup
from fansipan.domain.periods.cumulative import Reading, to_date_label
from fansipan.domain.targets import TargetSummary
from fansipan.domain.units import Unit
from fansipan.errors import NotFound
from fansipan.services.insight.analytics import (
    AnalyticsRequest,
    period_label,
    reason_text,
    run_analytics,
)
from fansipan.services.insight.asks import span_of
from fansipan.services.insight.evaluation import EvaluationReport, evaluate_targets
from fansipan.services.insight.page_periods import (
    newest_month,
    page_choices,
    read_page_period,
    targets_to,
)
from fansipan.services.warehouse.viewpoints import (
    UnitRef,
    Viewpoint,
    home_units,
    resolve_unit,
    unit_ref,
    viewpoint,
)
from fansipan.store.tables import ChangeRow

HEADLINE_FALLBACK = 8  # indicators on the overview when the year has no targets


@dataclass(frozen=True)
class Latest:
    """An indicator's latest figure at a unit, with the same period a year before; when
    the two are not comparable, `no_change_vi`/`_en` say why."""

    indicator: Indicator
    period: str
    label_vi: str
    label_en: str
    value: float
    last_year: float | None
    change: float | None
    change_pct: float | None
    no_change_vi: str | None = None
    no_change_en: str | None = None
    estimate: bool = False  # the figure is (or includes) an estimate: ước thực hiện

    def no_change(self, lang: str) -> str | None:
        return self.no_change_en if lang == "en" else self.no_change_vi


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
class PagePeriod:
    """What a summary page says of the period it shows, beside its figures."""

    reading: Reading  # the period asked: a year, or a part of one
    choices: list[ChoiceGroup] = field(default_factory=list)  # the period picker's
    # The day the year's targets are read to, when a part of the year is shown.
    targets_to: date | None = None
    period_vi: str = ""  # the part as the figures cover it ("2 tháng đầu quý IV/2026")
    period_en: str = ""
    yearly_only: int = 0  # indicators entered by year, which a part of a year cannot show

    @property
    def period_ref(self) -> str:
        """The period as links and the picker send it: 2026Q3, or 2026-01..2026-09."""
        return self.reading.id

    @property
    def whole_year(self) -> bool:
        return self.reading.period.type is PeriodType.YEAR

    def period_label(self, lang: str) -> str:
        return (self.period_en if lang == "en" else self.period_vi) \
            or self.reading.period.label(lang)

    def targets_label(self, lang: str) -> str:
        """"lũy kế đến hết tháng 9/2026" beside the year's targets; "" for a whole year."""
        return to_date_label(self.targets_to, lang) if self.targets_to else ""


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
    shown: PagePeriod


def overview(*, session: Session, warehouse: Warehouse, principal: Principal, lang: str,
             year: int | None = None, unit: str | None = None, period: str | None = None,
             today: date | None = None) -> Overview:
    """The year's targets, headline figures and freshness; a past year is seen from its end.

    `period` (a quarter, a month, nine months...; else `year`) shows the figures of that
    part of the year and the year's targets read to its end.
    """
    today = today or date.today()
    asked = read_page_period(period, year, today)
    p = asked.period
    year = p.year
    whole = p.type is PeriodType.YEAR
    on = min(today, p.end)
    view = viewpoint(session, principal)
    homes = home_units(view, principal, on)
    home = resolve_unit(view, unit, on) if unit else (homes[0] if homes else None)
    # The targets of the unit shown, not of every unit the viewer may see.
    report = evaluation(session, warehouse, principal, year, lang, today,
                        units=[view.catalog.uid_of(home)],
                        to_date=None if whole else p) if home is not None else None
    sectors: list[SectorTargets] = []
    headline_codes: list[str] = []
    if report is not None:
        sectors = [SectorTargets(g.key, g.name, g.summary, g.sentence) for g in report.by_sector]
        headline_codes = list(dict.fromkeys(i.indicator for i in report.items))
    visible = view.indicators()
    if not headline_codes:
        headline_codes = [i.code for i in visible if i.formula is None][:HEADLINE_FALLBACK]
    latest, shown = figures_of(session=session, warehouse=warehouse, principal=principal,
                               view=view, codes=headline_codes, unit=home, asked=asked,
                               today=today)
    return Overview(
        unit=unit_ref(view.catalog, home) if home else None,
        units=[unit_ref(view.catalog, u) for u in homes], year=year, targets=report,
        sectors=sectors, latest=latest, freshness=freshness(session=session),
        last_change=warehouse.last_change,
        sector_names={c: (s.name_en if lang == "en" else s.name_vi)
                      for c, s in view.catalog.sectors.items()},
        shown=shown,
    )


def figures_of(*, session: Session, warehouse: Warehouse, principal: Principal,
               view: Viewpoint, codes: Sequence[str], unit: Unit | None, asked: Reading,
               today: date) -> tuple[list[Latest], PagePeriod]:
    """A summary page's figures of `codes` at `unit` for the period asked, and what the
    page says of that period: for a year, each figure of that year so far (else the year
    before, `latest_values`); for a part of a year, the part (`period_values`)."""
    catalog = view.catalog
    indicators = [catalog.indicators[c] for c in codes]
    through = newest_month(catalog, warehouse, indicators, today)
    p = asked.period
    shown = PagePeriod(asked, page_choices(indicators, today, through, asked),
                       targets_to(asked, through))
    if unit is None or not codes:
        return [], shown
    if p.type is PeriodType.YEAR:
        latest = latest_values(session=session, warehouse=warehouse, principal=principal,
                               view=view, codes=codes, unit=unit,
                               today=today if p.year >= today.year else date(p.year + 1, 1, 1))
        return latest, shown
    latest, names = period_values(session=session, warehouse=warehouse, principal=principal,
                                  view=view, codes=codes, unit=unit, asked=asked,
                                  on=min(today, p.end), today=today)
    found = {item.indicator.code for item in latest}
    yearly = sum(1 for i in indicators
                 if i.code not in found and i.periodicity is PeriodType.YEAR)
    return latest, PagePeriod(asked, shown.choices, shown.targets_to, names.get("vi", ""),
                              names.get("en", ""), yearly)


def evaluation(session: Session, warehouse: Warehouse, principal: Principal, year: int,
                lang: str, today: date, units: Sequence[str] = (),
                indicators: Sequence[str] = (),
                to_date: Period | None = None) -> EvaluationReport | None:
    try:
        return evaluate_targets(session=session, warehouse=warehouse, year=year, as_of=today,
                                lang=lang, principal=principal, units=units,
                                indicators=indicators, to_date=to_date)
    except NotFound:
        return None


def period_values(*, session: Session, warehouse: Warehouse, principal: Principal,
                  view: Viewpoint, codes: Sequence[str], unit: Unit, asked: Reading,
                  on: date, today: date) -> tuple[list[Latest], dict[str, str]]:
    """Each indicator's figure for a part of a year (a quarter, a month, nine months...)
    with the same months a year before, and the part's name per language.

    Named, compared and refused exactly as the indicator page's figures are, by the
    analytics' own rules: a part the data covers in part is named for its months and
    compared with the same months a year before, history is counted in the units in
    force on `on` (mapped), and a change is given only between figures of the same
    territory (otherwise `no_change` says why).
    """
    p = asked.period
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(
                               indicators=list(codes), units=[view.catalog.uid_of(unit)],
                               periods=[p.id], hierarchy="mapped", as_of=on, compare=True,
                               cumulative=asked.to_date, today=today))
    answered = span_of(p, asked.to_date).id
    named = result.meta.periods.get(answered)
    names = {"vi": named["label_vi"], "en": named["label_en"]} if named else {}
    notes = {n["indicator"]: n for n in result.meta.notes or () if n["about"] == "change"}
    found: dict[str, Latest] = {}
    for r in result.records():
        code = str(r["indicator"])
        value = r["value"]
        if value is None:
            continue
        note = notes.get(code)
        found[code] = Latest(
            view.catalog.indicators[code], asked.id,
            period_label(result.meta, code, answered, "vi"),
            period_label(result.meta, code, answered, "en"), float(value),
            as_float(r["last_year"]), as_float(r["change"]), as_float(r["change_pct"]),
            reason_text(note, "vi") if note else None, reason_text(note, "en") if note else None,
            estimate=bool(r["estimate"]))
    return [found[c] for c in codes if c in found], names


def latest_values(*, session: Session, warehouse: Warehouse, principal: Principal,
                  view: Viewpoint, codes: Sequence[str], unit: Unit,
                  today: date) -> list[Latest]:
    """Each indicator's figure for the running year so far, else for the year before, as
    things stood on `today` (exclusive): one question for both years.

    A year the data covers in part is named for its months ("11 tháng đầu năm 2026") and
    compared with the same months a year before; history is counted in the units in
    force then (mapped), and a change is given only where both figures cover the same
    territory (otherwise `no_change` says why), all by the analytics' own rules.
    """
    uid = view.catalog.uid_of(unit)
    on = today - timedelta(days=1)
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(
                               indicators=list(codes), units=[uid],
                               periods=[str(on.year - 1), str(on.year)], hierarchy="mapped",
                               as_of=on if unit.in_force(on) else unit.valid_to,
                               compare=True, today=today))
    notes = {(n["indicator"], n["period"]): n for n in result.meta.notes or ()
             if n["about"] == "change"}
    best: dict[str, Latest] = {}
    for r in sorted(result.records(), key=lambda r: str(r["period"])):  # the later year wins
        period = str(r["period"])
        code = str(r["indicator"])
        value = r["value"]
        if value is None:
            continue
        note = notes.get((code, period))
        best[code] = Latest(
            view.catalog.indicators[code], period,
            period_label(result.meta, code, period, "vi"),
            period_label(result.meta, code, period, "en"), float(value),
            as_float(r["last_year"]), as_float(r["change"]), as_float(r["change_pct"]),
            reason_text(note, "vi") if note else None, reason_text(note, "en") if note else None,
            estimate=bool(r["estimate"]))
    return [best[c] for c in codes if c in best]


def as_float(value: object) -> float | None:
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
