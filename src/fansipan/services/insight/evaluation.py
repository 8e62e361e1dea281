"""Targets judged against their actuals: đạt, vượt, không đạt, or progress before the end.

Each judgement says how much of the plan was reached ("Đạt 103,8 % kế hoạch") and whether
the actual is an estimate (ước thực hiện): one that includes an estimate is one. Targets
of multi-year plans are judged in `insight.horizons`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.estimates import ValueStatus
from fansipan.domain.indicators import Aggregation
from fansipan.domain.periods import Period, PeriodType, parse_period
from fansipan.domain.targets import (
    TargetStatus,
    TargetSummary,
    elapsed_fraction,
    evaluate_progress,
    evaluate_target,
    percent_of_plan,
    plan_share_text,
    summarize_statuses,
)
from fansipan.errors import NotFound, msg
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.trust.access import require
from fansipan.services.warehouse.targets import target_rows
from fansipan.store.tables import TargetRow


class TargetEvaluation(BaseModel):
    indicator: str
    indicator_name: str
    sector: str
    unit: str
    unit_name: str
    period: str
    planned: float
    actual: float | None
    status: TargetStatus
    status_label: str
    document: str
    # "Đạt 103,8 % kế hoạch": the share of the plan reached (None where it means nothing).
    plan_percent: float | None = None
    plan_text: str = "—"
    # The actual is an estimate (ước thực hiện) or includes one.
    estimate: bool = False
    figure: ValueStatus = ValueStatus.OFFICIAL
    figure_label: str = ""


class GroupSummary(BaseModel):
    """The counts of one sector or one unit, with their sentence ("3/4 chỉ tiêu đạt")."""

    key: str
    name: str
    summary: TargetSummary
    sentence: str


class EvaluationReport(BaseModel):
    year: int
    as_of: date
    summary: TargetSummary
    sentence: str
    by_sector: list[GroupSummary]
    by_unit: list[GroupSummary]
    items: list[TargetEvaluation]

    @property
    def estimates(self) -> int:
        """How many actuals are estimates (the December report's "ước thực hiện cả năm")."""
        return sum(1 for i in self.items if i.estimate)


def actuals_for(
    *, session: Session, warehouse: Warehouse, indicators: list[str], unit: str, period: str,
    principal: Principal | None = None,
) -> dict[str, float | None]:
    """What the indicators came to at a unit (code or uid) over a period.

    History is mapped into the units in force at the period's end, so the new
    province's 2025 includes what its predecessors reported before the July reform.
    With a principal, an actual made of units it may not read is not given.
    """
    return {code: value for code, (value, _) in figures_for(
        session=session, warehouse=warehouse, indicators=indicators, unit=unit,
        period=period, principal=principal).items()}


def figures_for(
    *, session: Session, warehouse: Warehouse, indicators: list[str], unit: str, period: str,
    principal: Principal | None = None, to_date: Period | None = None,
) -> dict[str, tuple[float | None, bool]]:
    """`actuals_for` with whether each actual is (or includes) an estimate; with
    `to_date`, the year's figures from January to that period's end instead."""
    p = parse_period(period)
    # Counted in the units of the period's end either way, so the part of a year is
    # the same territory as the year its target was set for.
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(indicators=indicators, units=[unit],
                                                    periods=[(to_date or p).id],
                                                    hierarchy="mapped", as_of=p.end,
                                                    cumulative=to_date is not None))
    found: dict[str, tuple[float | None, bool]] = dict.fromkeys(indicators, (None, False))
    estimates = result.estimates()
    for key, value in result.values().items():
        found[key[0]] = (value, estimates.get(key, False))
    return found


def evaluate_targets(
    *, session: Session, warehouse: Warehouse, year: int, as_of: date | None = None,
    lang: str = "vi", principal: Principal | None = None,
    indicators: Sequence[str] = (), units: Sequence[str] = (), to_date: Period | None = None,
) -> EvaluationReport:
    """Every target of a year against its actual: đạt / vượt / không đạt, or progress.

    With a principal, only the targets inside its scope are evaluated, and their actuals
    are what the principal may read; `indicators` and `units` (codes or uids) narrow the
    set further.

    With `to_date` (a month, quarter or half of the year), the year's targets are read
    as they stood at its end: each actual is the year from January to then, and its
    progress is judged on the next day. Targets of shorter periods are left out: they
    are not the year's, and a part of one is not what it was set for.
    """
    if principal is not None:
        require(principal, Permission.READ_DATA)
    today = as_of or date.today()
    if to_date is not None:
        today = min(today, to_date.end + timedelta(days=1))
    with session.begin():
        catalog = load_catalog(session)
        rows = [r for r in target_rows(session, catalog, principal)
                if not r.horizon and parse_period(r.period).start.year == year
                and (to_date is None or parse_period(r.period).type is PeriodType.YEAR)
                and (not indicators or catalog.indicator_codes[r.indicator_id] in indicators)
                and (not units or catalog.hierarchy.unit(r.unit_id).code in units
                     or catalog.unit_uids[r.unit_id] in units)]
    if not rows:
        raise NotFound(msg("No targets are set for {year}", year=year))
    asked: dict[tuple[str, str], list[TargetRow]] = {}
    for row in rows:
        unit = catalog.hierarchy.unit(row.unit_id)
        asked.setdefault((catalog.uid_of(unit), row.period), []).append(row)
    items: list[TargetEvaluation] = []
    for (uid, period), group in asked.items():
        codes = [catalog.indicator_codes[r.indicator_id] for r in group]
        actuals = figures_for(session=session, warehouse=warehouse, indicators=codes,
                              unit=uid, period=period, principal=principal, to_date=to_date)
        for row, code in zip(group, codes, strict=True):
            actual, estimate = actuals[code]
            items.append(_evaluate(catalog, row, actual, today, lang, estimate=estimate))
    items.sort(key=lambda i: (i.period, i.sector, i.indicator))
    summary = summarize_statuses(i.status for i in items)
    sectors = {code: (s.name_en if lang == "en" else s.name_vi)
               for code, s in catalog.sectors.items()}
    return EvaluationReport(
        year=year, as_of=today, summary=summary, sentence=summary.sentence(lang),
        by_sector=_groups(items, lambda i: i.sector, lambda i: sectors.get(i.sector, i.sector),
                          lang),
        by_unit=_groups(items, lambda i: i.unit, lambda i: i.unit_name, lang),
        items=items,
    )


def _groups(items: list[TargetEvaluation], key: Callable[[TargetEvaluation], str],
            name: Callable[[TargetEvaluation], str], lang: str) -> list[GroupSummary]:
    grouped: dict[str, list[TargetEvaluation]] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(item)
    out = []
    for k, group in grouped.items():
        summary = summarize_statuses(i.status for i in group)
        out.append(GroupSummary(key=k, name=name(group[0]), summary=summary,
                                sentence=summary.sentence(lang)))
    return out


def _evaluate(
    catalog: Catalog, row: TargetRow, actual: float | None, today: date, lang: str,
    *, estimate: bool = False,
) -> TargetEvaluation:
    code = catalog.indicator_codes[row.indicator_id]
    indicator = catalog.indicators[code]
    unit = catalog.hierarchy.unit(row.unit_id)
    period = parse_period(row.period)
    if actual is None:
        status = TargetStatus.NO_DATA
    elif today > period.end:
        status = evaluate_target(actual=actual, planned=row.planned,
                                 direction=indicator.direction, tolerance=row.tolerance)
    else:
        status = evaluate_progress(
            actual=actual, planned=row.planned, direction=indicator.direction,
            elapsed_fraction=elapsed_fraction(period.start, period.end, today),
            accumulates=indicator.agg_time is Aggregation.SUM, tolerance=row.tolerance,
        )
    share = percent_of_plan(actual=actual, planned=row.planned, direction=indicator.direction)
    figure = ValueStatus.of(estimate and actual is not None)
    return TargetEvaluation(
        indicator=code, indicator_name=indicator.name(lang), sector=indicator.sector,
        unit=unit.code, unit_name=unit.name, period=row.period, planned=row.planned,
        actual=actual, status=status, status_label=status.label(lang), document=row.document,
        plan_percent=share, plan_text=plan_share_text(share, lang),
        estimate=figure.is_estimate, figure=figure, figure_label=figure.label(lang),
    )
