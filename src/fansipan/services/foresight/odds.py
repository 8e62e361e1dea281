"""The odds of meeting each target of the year (khả năng đạt chỉ tiêu kế hoạch).

The targets are those insight's evaluation judges for the year; each gets the odds that
it is met by its period's end, from paths simulated by its series' own forecast (what is
known so far plus the simulated rest, combined as the indicator combines over time), and
an outlook: on track (≥ 0.8), at risk (0.5–0.8), off track (< 0.5), or met / missed once
the period is over. The odds are stored with the change number they were computed at.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.periods import parse_period
from fansipan.errors import NotFound
from fansipan.forecasting import (
    AttainmentRequest,
    Forecast,
    Outlook,
    Series,
    Target,
    estimate_attainments,
)
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.foresight.series import SeriesKey
from fansipan.services.insight.evaluation import evaluate_targets
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import data_scope, require
from fansipan.services.warehouse.targets import target_rows
from fansipan.store.foresight_tables import TargetOddsRow
from fansipan.store.tables import TargetRow

PATHS = 1000


class OddsPublic(BaseModel):
    target_id: int
    indicator: str
    indicator_name: str
    unit: str
    unit_name: str
    period: str
    planned: float
    probability: float | None
    outlook: Outlook
    outlook_label: str
    expected: float | None
    lower_80: float | None
    upper_80: float | None
    known_periods: int
    simulated_periods: int
    model: str | None
    reason: str | None
    computed_at: UtcDateTime
    change: int


def year_targets(session: Session, warehouse: Warehouse, catalog: Catalog, year: int,
                 keys: set[SeriesKey] | None, today: date) -> list[TargetRow]:
    """The year's targets on the given series (every series: None), as the evaluation
    lists them (call outside a transaction: the evaluation opens its own)."""
    with session.begin():
        rows = [r for r in target_rows(session, catalog, None)
                if parse_period(r.period).start.year == year
                and (keys is None or SeriesKey(catalog.indicator_codes[r.indicator_id],
                                               r.unit_id) in keys)]
    if not rows:
        return []
    h = catalog.hierarchy
    codes = sorted({catalog.indicator_codes[r.indicator_id] for r in rows})
    units = sorted({h.unit(r.unit_id).code for r in rows})
    try:
        report = evaluate_targets(session=session, warehouse=warehouse, year=year, as_of=today,
                                  indicators=codes, units=units)
    except NotFound:
        return []
    judged = {(i.indicator, i.unit, i.period) for i in report.items}
    return [r for r in rows if (catalog.indicator_codes[r.indicator_id],
                                h.unit(r.unit_id).code, r.period) in judged]


def compute_odds(catalog: Catalog, targets: list[TargetRow],
                 series: Mapping[SeriesKey, Series], forecasts: Mapping[SeriesKey, Forecast],
                 change: int) -> list[TargetOddsRow]:
    """The odds of `targets`, whose series and forecasts are given (rows not yet stored)."""
    asked: list[tuple[TargetRow, AttainmentRequest]] = []
    for t in targets:
        key = SeriesKey(catalog.indicator_codes[t.indicator_id], t.unit_id)
        if key not in series or key not in forecasts:
            continue
        period = parse_period(t.period)
        if period.type.is_finer_than(series[key].period_type):
            continue
        asked.append((t, AttainmentRequest(
            series=series[key], forecast=forecasts[key],
            target=Target(period=period, planned=t.planned, tolerance=t.tolerance))))
    found = estimate_attainments(requests=[a for _, a in asked], paths=PATHS, seed=0, n_jobs=1)
    now = datetime.now(UTC)
    out = []
    for (t, _), a in zip(asked, found, strict=True):
        out.append(TargetOddsRow(
            target_id=t.id, indicator_id=t.indicator_id, unit_id=t.unit_id, period=t.period,
            planned=t.planned, probability=a.probability, outlook=a.outlook.value,
            expected=a.expected, lower_80=a.lower_80, upper_80=a.upper_80,
            known_periods=a.known_periods, simulated_periods=a.simulated_periods,
            model=a.model.value if a.model else None,
            reason_vi=a.reason.vi if a.reason else "", reason_en=a.reason.en if a.reason else "",
            computed_at=now, change_id=max(change, 0)))
    return out


def store_odds(session: Session, rows: list[TargetOddsRow]) -> list[TargetOddsRow]:
    """Insert or replace the odds of each target (inside the caller's transaction)."""
    out = []
    for fresh in rows:
        row = session.scalars(select(TargetOddsRow).where(
            TargetOddsRow.target_id == fresh.target_id)).one_or_none()
        if row is None:
            session.add(fresh)
            out.append(fresh)
            continue
        for column in TargetOddsRow.__table__.columns:
            if column.key not in ("id", "target_id"):
                setattr(row, column.key, getattr(fresh, column.key))
        out.append(row)
    session.flush()
    return out


def list_odds(*, session: Session, principal: Principal, year: int,
              lang: str = "vi") -> list[OddsPublic]:
    """The stored odds of the year's targets inside the principal's scope."""
    require(principal, Permission.READ_DATA)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
        stmt = scope.where(select(TargetOddsRow), unit=TargetOddsRow.unit_id,
                           indicator=TargetOddsRow.indicator_id)
        rows = [r for r in session.scalars(stmt.order_by(TargetOddsRow.id))
                if parse_period(r.period).start.year == year]
        live = {t.id for t in target_rows(session, catalog, principal)}
        return [odds_public(catalog, r, lang) for r in rows if r.target_id in live]


def odds_public(catalog: Catalog, r: TargetOddsRow, lang: str = "vi") -> OddsPublic:
    code = catalog.indicator_codes[r.indicator_id]
    unit = catalog.hierarchy.unit(r.unit_id)
    outlook = Outlook(r.outlook)
    return OddsPublic(
        target_id=r.target_id, indicator=code, indicator_name=catalog.indicators[code].name(lang),
        unit=unit.code, unit_name=unit.name, period=r.period, planned=r.planned,
        probability=r.probability, outlook=outlook, outlook_label=outlook.label(lang),
        expected=r.expected, lower_80=r.lower_80, upper_80=r.upper_80,
        known_periods=r.known_periods, simulated_periods=r.simulated_periods, model=r.model,
        reason=(r.reason_en if lang == "en" else r.reason_vi) or None,
        computed_at=r.computed_at, change=r.change_id)
