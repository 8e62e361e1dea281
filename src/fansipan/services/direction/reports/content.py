"""What a report of results says, gathered from live data with the asker's scope.

- the targets of the report's year at its unit, judged on the year's figures (a year
  report: met, exceeded, missed, each figure official or estimated) or on the figures
  from 1 January to the period's end (a report of part of the year: on track or at risk,
  against the year's plan, with the odds of meeting it where foresight has worked them
  out by the report's date);
- the goals of multi-year plans that cover the year (`insight.horizons`);
- the key tasks assigned in the year to the unit or units below it, as they stood at the
  end of the data cut-off window (or the report's date, if earlier), and their
  completion rate over the tasks fallen due;
- for a year report, next year's targets and tasks, as they stand on the report's date.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.indicators import Aggregation, Indicator, ValueType
from fansipan.domain.periods import parse_period
from fansipan.domain.report_periods import ReportPeriod, parse_cut_off, report_period
from fansipan.domain.targets import (
    TargetStatus,
    TargetSummary,
    evaluate_progress,
    evaluate_target,
    percent_of_plan,
    summarize_statuses,
)
from fansipan.domain.tasks import CompletionRate
from fansipan.domain.units import Unit
from fansipan.errors import NotFound
from fansipan.forecasting import Outlook
from fansipan.services.catalog import Catalog
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.reports.issuers import (
    IssuerWrite,
    choose_issuer,
    draft_issuer,
)
from fansipan.services.direction.reports.numbers import find_number
from fansipan.services.direction.reports.odds import stored_odds
from fansipan.services.direction.shapes import TaskPublic
from fansipan.services.direction.task_rates import RateRow, group_rates
from fansipan.services.direction.task_views import TaskQuery, list_tasks
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.insight.evaluation import evaluate_targets
from fansipan.services.insight.horizons import HorizonEvaluation, evaluate_horizons
from fansipan.services.warehouse.provenance import shows_demo_data
from fansipan.services.warehouse.targets import target_rows
from fansipan.services.warehouse.viewpoints import home_units, viewpoint
from fansipan.settings import Settings


class ReportFormat(StrEnum):
    DOCX = "docx"
    XLSX = "xlsx"
    PDF = "pdf"
    HTML = "html"  # the preview


class ReportRequest(BaseModel):
    """A report of results: which year and part of it, of which unit, from which issuer."""

    year: int = Field(ge=1990, le=2100, examples=[2021])
    period: str = Field(default="year", max_length=10, examples=["year", "9m", "q1", "m3"])
    unit: str | None = Field(default=None, max_length=40, examples=["10"],
                             description="Default: the top unit of your scope")
    issuer: str | None = Field(default=None, max_length=60, examples=["so-kh-cn"])
    issued_on: date | None = Field(default=None, description="Default: today")
    take_number: bool = Field(default=False, description="Take the next number of the "
                                                      "issuer's register (a signed report)")
    number: int | None = Field(default=None, ge=1, le=99999,
                               description="Print again with a number already registered")


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    measure: str
    decimals: int
    planned: float
    actual: float | None
    share: float | None  # per cent of plan
    status: TargetStatus
    status_label: str
    estimate: bool
    document: str
    target_id: int | None = None  # the target's row (reports of part of a year)
    odds: float | None = None  # of meeting the year's plan (0–1), where the report quotes it
    outlook: Outlook | None = None


@dataclass(frozen=True)
class PlanLine:
    code: str
    name: str
    measure: str
    decimals: int
    planned: float
    document: str


@dataclass(frozen=True)
class ReportContent:
    request: ReportRequest
    period: ReportPeriod
    unit: Unit
    top: bool  # the unit is the top of the tree (the province)
    issuer: IssuerWrite
    issuer_code: str | None
    issued_on: date
    number: int | None
    as_of: date  # the day the tasks are counted on
    summary: TargetSummary
    lines: list[IndicatorLine]
    horizons: list[HorizonEvaluation]
    tasks: list[TaskPublic]
    rate: CompletionRate
    by_unit: list[RateRow]
    next_lines: list[PlanLine] = field(default_factory=list)
    next_tasks: list[TaskPublic] = field(default_factory=list)
    illustrative: bool = False
    odds_on: date | None = None  # the day the odds quoted were worked out (the latest)

    @property
    def estimates(self) -> int:
        return sum(1 for line in self.lines if line.estimate)


def decimals_of(ind: Indicator) -> int:
    return 0 if ind.value_type is ValueType.INTEGER else ind.decimals


def gather(*, session: Session, warehouse: Warehouse, principal: Principal,
           request: ReportRequest, settings: Settings | None,
           calendar: WorkingCalendar) -> ReportContent:
    """Everything the report prints, within the principal's scope."""
    nine = parse_cut_off(settings.nine_months_cutoff) if settings else None
    period = report_period(request.year, request.period, nine_months=nine)
    issued_on = request.issued_on or today_in_vietnam()
    view = viewpoint(session, principal)
    catalog = view.catalog
    if request.unit:
        unit = catalog.unit(request.unit, period.end, field="unit")
        view.scope.check_unit(catalog, unit.id)
    else:
        homes = home_units(view, principal, period.end)
        if not homes:
            raise NotFound("Không có đơn vị nào trong phạm vi / No unit in your scope")
        unit = homes[0]
    with session.begin():
        profile = choose_issuer(session, request.issuer, issued_on)
        number = None
        if request.number is not None and profile is not None:
            number = find_number(session, profile.code, issued_on.year, request.number).number
    top = catalog.hierarchy.parent(unit.id, period.end) is None
    as_of = max(period.start, min(period.window.end, issued_on))
    lines, odds_on = _with_odds(session, _lines(session, warehouse, principal, catalog,
                                                period, unit), issued_on)
    horizons = evaluate_horizons(session=session, warehouse=warehouse, year=request.year,
                                 as_of=max(issued_on, period.end), principal=principal,
                                 units=[unit.code])
    uid = catalog.uid_of(unit)
    tasks = list_tasks(session=session, warehouse=warehouse, principal=principal,
                       query=TaskQuery(year=request.year, unit=uid, on=as_of),
                       calendar=calendar)
    rate, by_unit = group_rates(tasks, "unit", "vi")
    next_lines: list[PlanLine] = []
    next_tasks: list[TaskPublic] = []
    if period.is_year:
        next_lines = _plan(session, principal, catalog, request.year + 1, unit)
        next_tasks = list_tasks(session=session, warehouse=warehouse, principal=principal,
                                query=TaskQuery(year=request.year + 1, unit=uid,
                                                on=max(issued_on, date(request.year + 1, 1, 1))),
                                calendar=calendar)
    issuer = profile if profile is not None else draft_issuer(unit)
    return ReportContent(
        request=request, period=period, unit=unit, top=top, issuer=issuer,
        issuer_code=profile.code if profile else None, issued_on=issued_on, number=number,
        as_of=as_of, summary=summarize_statuses(line.status for line in lines), lines=lines,
        horizons=horizons, tasks=tasks, rate=rate, by_unit=by_unit, next_lines=next_lines,
        next_tasks=next_tasks, illustrative=shows_demo_data(session=session),
        odds_on=odds_on)


def _with_odds(session: Session, lines: list[IndicatorLine],
               issued_on: date) -> tuple[list[IndicatorLine], date | None]:
    """The lines with the odds of the targets still open, as worked out by the report's
    date; and the latest day they were worked out on (None: no odds quoted)."""
    found = stored_odds(session, {line.target_id for line in lines if line.target_id
                                  is not None and not line.status.is_final}, issued_on)
    out = [replace(line, odds=found[line.target_id].probability,
                   outlook=found[line.target_id].outlook)
           if line.target_id in found and not line.status.is_final else line
           for line in lines]
    return out, max((o.on for o in found.values()), default=None)


def _lines(session: Session, warehouse: Warehouse, principal: Principal, catalog: Catalog,
           period: ReportPeriod, unit: Unit) -> list[IndicatorLine]:
    if period.is_year:
        return _year_lines(session, warehouse, principal, catalog, period, unit)
    return _progress_lines(session, warehouse, principal, catalog, period, unit)


def _year_lines(session: Session, warehouse: Warehouse, principal: Principal,
                catalog: Catalog, period: ReportPeriod, unit: Unit) -> list[IndicatorLine]:
    """The year's targets judged on the year's figures: final even in December, when the
    figures of the year are estimates (ước thực hiện cả năm)."""
    try:
        report = evaluate_targets(session=session, warehouse=warehouse, year=period.year,
                                  as_of=date(period.year + 1, 1, 1), principal=principal,
                                  units=[unit.code])
    except NotFound:
        return []
    out = []
    for item in report.items:
        if item.period != period.period.id or item.unit != unit.code:
            continue
        if item.status is TargetStatus.NOT_APPLICABLE:
            continue
        ind = catalog.indicators[item.indicator]
        out.append(IndicatorLine(
            code=item.indicator, name=ind.name_vi, measure=ind.unit_vi,
            decimals=decimals_of(ind), planned=item.planned, actual=item.actual,
            share=item.plan_percent, status=item.status, status_label=item.status_label,
            estimate=item.estimate, document=item.document))
    return out


def _progress_lines(session: Session, warehouse: Warehouse, principal: Principal,
                    catalog: Catalog, period: ReportPeriod,
                    unit: Unit) -> list[IndicatorLine]:
    """The year's targets against the figures from 1 January to the period's end."""
    with session.begin():
        rows = [r for r in target_rows(session, catalog, principal)
                if not r.horizon and r.unit_id == unit.id and r.period == str(period.year)]
    if not rows:
        return []
    codes = [catalog.indicator_codes[r.indicator_id] for r in rows]
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(
                               indicators=codes, units=[catalog.uid_of(unit)],
                               periods=[period.period.id], cumulative=True,
                               hierarchy="mapped", as_of=period.end))
    values, estimates = result.values(), result.estimates()
    out = []
    for row, code in zip(rows, codes, strict=True):
        ind = catalog.indicators[code]
        if ind.direction.value == "none":
            continue
        key = (code, unit.code, f"{period.period.id}:ytd")
        actual = values.get(key)
        if actual is None:
            status = TargetStatus.NO_DATA
        elif period.elapsed >= 1:
            status = evaluate_target(actual=actual, planned=row.planned,
                                     direction=ind.direction, tolerance=row.tolerance)
        else:
            status = evaluate_progress(actual=actual, planned=row.planned,
                                       direction=ind.direction, elapsed_fraction=period.elapsed,
                                       accumulates=ind.agg_time is Aggregation.SUM,
                                       tolerance=row.tolerance)
        out.append(IndicatorLine(
            code=code, name=ind.name_vi, measure=ind.unit_vi, decimals=decimals_of(ind),
            planned=row.planned, actual=actual,
            share=percent_of_plan(actual=actual, planned=row.planned, direction=ind.direction),
            status=status, status_label=status.label("vi"),
            estimate=actual is not None and estimates.get(key, False), document=row.document,
            target_id=row.id))
    out.sort(key=lambda line: (catalog.indicators[line.code].sector, line.code))
    return out


def _plan(session: Session, principal: Principal, catalog: Catalog, year: int,
          unit: Unit) -> list[PlanLine]:
    """Next year's targets at the unit (or at the unit that succeeds it then)."""
    with session.begin():
        rows = [r for r in target_rows(session, catalog, principal)
                if not r.horizon and r.period == str(year)]
    end = parse_period(str(year)).end
    # A unit reorganised away by next year hands its plan to those that took it over.
    heirs = {unit.id} | {u.id for u, _ in catalog.hierarchy.successors(unit.id, end)}
    out = []
    for r in rows:
        if r.unit_id not in heirs:
            continue
        code = catalog.indicator_codes[r.indicator_id]
        ind = catalog.indicators[code]
        out.append(PlanLine(code=code, name=ind.name_vi, measure=ind.unit_vi,
                            decimals=decimals_of(ind), planned=r.planned, document=r.document))
    out.sort(key=lambda line: (catalog.indicators[line.code].sector, line.code))
    return out
