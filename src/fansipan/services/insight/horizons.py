"""Multi-year goals (mục tiêu giai đoạn): how far a year brought each one.

A five-year plan (2021–2025) or a vision (to 2030) sets goals for its last year, each by
a resolution. For a year inside the plan, a goal is judged on the year's figure: a level
or a rate as it stood at the year's end, a flow (revenue, a sum over time) added up from
the plan's first year. Before the plan's last year is over the goal is on track or at
risk (a flow is expected to have reached the share of the plan's time that has passed,
a level to be there already, as `domain.targets.evaluate_progress` says); after it, met,
exceeded or missed. Each says "Đạt X% mục tiêu năm 2025".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicators import Aggregation
from fansipan.domain.targets import (
    TargetStatus,
    elapsed_fraction,
    evaluate_progress,
    evaluate_target,
    percent_of_plan,
    plan_share_text,
)
from fansipan.services.catalog import load_catalog
from fansipan.services.insight.evaluation import figures_for
from fansipan.services.trust.access import require
from fansipan.services.warehouse.targets import target_rows


class HorizonEvaluation(BaseModel):
    indicator: str
    indicator_name: str
    sector: str
    unit: str
    unit_name: str
    horizon: str  # "2021-2025"
    horizon_label: str  # "Giai đoạn 2021–2025" / "2021–2025"
    goal_year: int
    planned: float
    year: int  # the year judged
    actual: float | None
    estimate: bool
    status: TargetStatus
    status_label: str
    plan_percent: float | None
    plan_text: str  # "Đạt 75,0 % mục tiêu năm 2025"
    document: str  # the resolution


def horizon_label(horizon: str, lang: str) -> str:
    first, last = horizon.split("-")
    return f"{first}–{last}" if lang == "en" else f"Giai đoạn {first}–{last}"


def evaluate_horizons(
    *, session: Session, warehouse: Warehouse, year: int, as_of: date | None = None,
    lang: str = "vi", principal: Principal | None = None,
    indicators: Sequence[str] = (), units: Sequence[str] = (),
) -> list[HorizonEvaluation]:
    """Every multi-year goal whose plan covers `year`, judged on that year's figures."""
    if principal is not None:
        require(principal, Permission.READ_DATA)
    today = as_of or date.today()
    with session.begin():
        catalog = load_catalog(session)
        rows = []
        for r in target_rows(session, catalog, principal):
            if not r.horizon:
                continue
            first, last = (int(y) for y in r.horizon.split("-"))
            code = catalog.indicator_codes[r.indicator_id]
            unit = catalog.hierarchy.unit(r.unit_id)
            if (first <= year <= last and (not indicators or code in indicators)
                    and (not units or unit.code in units)):
                rows.append((r, first, last, code, unit))
    out: list[HorizonEvaluation] = []
    goal = "mục tiêu năm {y}" if lang != "en" else "the {y} goal"
    for row, first, last, code, unit in rows:
        indicator = catalog.indicators[code]
        uid = catalog.uid_of(unit)
        flow = indicator.agg_time is Aggregation.SUM
        years = range(first, year + 1) if flow else range(year, year + 1)
        parts = [figures_for(session=session, warehouse=warehouse, indicators=[code],
                             unit=uid, period=str(y))[code] for y in years]
        known = [p for p in parts if p[0] is not None]
        actual = sum(p[0] for p in known if p[0] is not None) if known and (
            len(known) == len(parts)) else None
        estimate = actual is not None and any(p[1] for p in known)
        start, end = date(first, 1, 1), date(last, 12, 31)
        if actual is None:
            status = TargetStatus.NO_DATA
        elif year == last and today > end:
            status = evaluate_target(actual=actual, planned=row.planned,
                                     direction=indicator.direction, tolerance=row.tolerance)
        else:
            # Judged on figures to the end of `year`, whatever day it is now.
            seen = min(today, date(year + 1, 1, 1))
            status = evaluate_progress(
                actual=actual, planned=row.planned, direction=indicator.direction,
                elapsed_fraction=min(elapsed_fraction(start, end, seen), 0.999999),
                accumulates=flow, tolerance=row.tolerance)
        share = percent_of_plan(actual=actual, planned=row.planned,
                                direction=indicator.direction)
        out.append(HorizonEvaluation(
            indicator=code, indicator_name=indicator.name(lang), sector=indicator.sector,
            unit=unit.code, unit_name=unit.name, horizon=row.horizon,
            horizon_label=horizon_label(row.horizon, lang), goal_year=last,
            planned=row.planned, year=year, actual=actual, estimate=estimate,
            status=status, status_label=status.label(lang), plan_percent=share,
            plan_text=plan_share_text(share, lang, goal=goal.format(y=last)),
            document=row.document))
    out.sort(key=lambda h: (h.goal_year, h.sector, h.indicator))
    return out
