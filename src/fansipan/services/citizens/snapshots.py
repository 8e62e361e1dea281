"""A figure counted from records, as it stood at any change or any day: reproducible.

Every move of a count is a numbered row of the change log (the counts are written
through the one write path), so the figure of a body or of an area, for a month (or the
months of a longer period), is known as of every change number: the value of each cell
after the last change up to that number, added up over the units below (counts add up),
then the formula of a rate applied to those totals. The daily snapshot of a day is the
figure as of the last change of that day (Vietnam time), so a month's figure as it was
reported on the 5th of the next month can be had again at any time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.formulas import parse_formula
from fansipan.domain.indicators import Aggregation
from fansipan.domain.local_time import local_date
from fansipan.domain.periods import PeriodType, parse_period, periods_in_range
from fansipan.errors import FieldError, ValidationError
from fansipan.services.catalog import load_catalog
from fansipan.services.citizens.moments import loaded
from fansipan.services.citizens.moments import stored as to_store
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import data_scope, require
from fansipan.store.tables import ChangeRow

MAX_POINTS = 2000


class FigurePoint(BaseModel):
    change: int
    at: UtcDateTime
    value: float | None


class DayPoint(BaseModel):
    day: date
    value: float | None


class FigureHistory(BaseModel):
    indicator: str
    unit: str
    unit_name: str
    period: str
    value: float | None = Field(description="As of the change or moment asked (default: now)")
    as_of_change: int | None = Field(description="The last change the value includes")
    changes: list[FigurePoint] = Field(description="The figure after each change, oldest "
                                                   "first (the last 2,000)")
    days: list[DayPoint] = Field(description="The daily snapshots: the figure as of the last "
                                             "change of each day with a change")


def figure_history(*, session: Session, principal: Principal, indicator: str, unit: str,
                   period: str, change: int | None = None,
                   at: datetime | None = None) -> FigureHistory:
    """The figure of `indicator` for `unit` and `period` through its changes."""
    require(principal, Permission.READ_DATA)
    p = parse_period(period)
    with session.begin():
        catalog = load_catalog(session)
        ind = catalog.indicator(indicator)
        target = catalog.unit(unit, p.end)
        scope = data_scope(session, catalog, principal)
        scope.check_indicator(catalog, catalog.indicator_ids[ind.code])
        scope.check_unit(catalog, target.id)
        parts = sorted(parse_formula(ind.formula).references) if ind.formula else [ind.code]
        for code in parts:
            part = catalog.indicators[code]
            if part.agg_units is not Aggregation.SUM or part.agg_time is not Aggregation.SUM:
                raise ValidationError(
                    "Chỉ tiêu không cộng dồn được / The indicator does not add up",
                    [FieldError(field="indicator", value=ind.code,
                                message=f"{code} không cộng theo đơn vị và thời gian; lịch sử "
                                        f"chỉ dựng cho chỉ tiêu đếm / {code} does not add up "
                                        "over units and time; histories are for counts")])
        months = [m.id for m in periods_in_range(p.start, p.end, PeriodType.MONTH)]
        units = {target.id, *(u.id for u in catalog.hierarchy.descendants(target.id, p.end))}
        ids = {catalog.indicator_ids[c]: c for c in parts}
        stmt = (select(ChangeRow.id, ChangeRow.at, ChangeRow.indicator_id, ChangeRow.unit_id,
                       ChangeRow.period, ChangeRow.new_value)
                .where(ChangeRow.indicator_id.in_(sorted(ids)), ChangeRow.period.in_(months))
                .order_by(ChangeRow.id))
        if change is not None:
            stmt = stmt.where(ChangeRow.id <= change)
        if at is not None:
            stmt = stmt.where(ChangeRow.at <= to_store(at))
        rows = [r for r in session.execute(stmt) if r.unit_id in units]
    cells: dict[tuple[int, int, str], float] = {}
    totals: dict[str, float] = defaultdict(float)
    formula = parse_formula(ind.formula) if ind.formula else None
    points: list[FigurePoint] = []
    for r in rows:
        key = (r.indicator_id, r.unit_id, r.period)
        code = ids[r.indicator_id]
        totals[code] += (r.new_value or 0.0) - cells.get(key, 0.0)
        cells[key] = r.new_value or 0.0
        value = formula.evaluate(dict(totals)) if formula else totals[code]
        points.append(FigurePoint(change=r.id, at=loaded(r.at), value=_tidy(value)))
    days: dict[date, float | None] = {}
    for point in points:
        days[local_date(point.at)] = point.value
    return FigureHistory(
        indicator=ind.code, unit=target.code, unit_name=target.name, period=p.id,
        value=points[-1].value if points else None,
        as_of_change=points[-1].change if points else None, changes=points[-MAX_POINTS:],
        days=[DayPoint(day=d, value=v) for d, v in sorted(days.items())])


def _tidy(value: float | None) -> float | None:
    return None if value is None else round(value, 6)
