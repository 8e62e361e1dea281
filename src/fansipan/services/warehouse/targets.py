"""Targets (chỉ tiêu kế hoạch): set them, list them, evaluate them against actuals."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicators import Aggregation
from fansipan.domain.numbers import parse_number
from fansipan.domain.periods import Period, parse_period
from fansipan.domain.targets import (
    TargetStatus,
    TargetSummary,
    elapsed_fraction,
    evaluate_progress,
    evaluate_target,
    summarize_statuses,
)
from fansipan.errors import FieldError, NotFound, ValidationError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import Scope, data_scope, require
from fansipan.services.trust.audit import record_for
from fansipan.store.audit import AuditRecord, append_events, changes_digest
from fansipan.store.changes import reserve_changes
from fansipan.store.tables import ChangeLockRow, ChangeRow, TargetRow


class TargetWrite(BaseModel):
    indicator: str = Field(min_length=1, max_length=60, examples=["BC_TL_XA_CO_DIEM"])
    unit: str = Field(min_length=1, max_length=40, examples=["10"])
    period: str = Field(min_length=1, max_length=12, examples=["2021"])
    planned: float | str
    tolerance: float = Field(default=0.0, ge=0, le=1)
    document: str = Field(default="", max_length=500,
                          examples=["Quyết định 123/QĐ-UBND ngày 15/01/2021"])


class TargetPublic(BaseModel):
    indicator: str
    unit: str
    unit_name: str
    period: str
    planned: float
    tolerance: float
    document: str
    updated_at: UtcDateTime
    change: int


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


def set_target(*, session: Session, data: TargetWrite, actor: str | None = None,
               principal: Principal | None = None) -> TargetPublic:
    """Create or replace the target for indicator × unit × period (audited).

    With a `principal`, it needs role officer and the target must lie in its scope.
    """
    if principal is not None:
        require(principal, Permission.WRITE_TARGETS)
        actor = principal.actor
    if not actor:
        raise ValueError("set_target needs a principal or an actor")
    session.begin()
    try:
        session.execute(update(ChangeLockRow).where(ChangeLockRow.id == 1)
                        .values(last_change=ChangeLockRow.last_change))
        catalog = load_catalog(session)
        period, indicator_id, unit_id = _resolve(catalog, data)
        if principal is not None:
            data_scope(session, catalog, principal).check_rows(
                catalog, [(1, indicator_id, unit_id)])
        planned = parse_number(data.planned, field="planned")
        row = session.scalars(select(TargetRow).where(
            TargetRow.indicator_id == indicator_id, TargetRow.unit_id == unit_id,
            TargetRow.period == period.id,
        )).one_or_none()
        now = datetime.now(UTC)
        change_id = reserve_changes(session, 1)
        old = None if row is None or row.deleted else row.planned
        if row is None:
            row = TargetRow(indicator_id=indicator_id, unit_id=unit_id, period=period.id,
                            planned=planned, tolerance=data.tolerance, document=data.document,
                            deleted=False, updated_at=now, change_id=change_id)
            session.add(row)
        else:
            row.planned, row.tolerance, row.document = planned, data.tolerance, data.document
            row.deleted, row.updated_at, row.change_id = False, now, change_id
        session.flush()
        change = {
            "id": change_id, "record_kind": "target", "record_id": row.id,
            "operation": "create" if old is None else "update", "indicator_id": indicator_id,
            "unit_id": unit_id, "period": period.id, "old_value": old, "new_value": planned,
            "source": "targets", "actor": actor, "at": now, "batch": None,
        }
        session.add(ChangeRow(**change))
        session.flush()
        detail = {"first_change": change_id, "last_change": change_id,
                  "changes_digest": changes_digest([change]), "document": data.document}
        target = f"{data.indicator}/{data.unit}/{period.id}"
        append_events(session, [
            record_for(principal, "target.set", target=target, detail=detail)
            if principal is not None else
            AuditRecord(action="target.set", actor=actor, actor_kind="system", target=target,
                        detail=detail)])
        result = _public(catalog, row)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return result


def _resolve(catalog: Catalog, data: TargetWrite) -> tuple[Period, int, int]:
    period = parse_period(data.period)
    indicator = catalog.indicator(data.indicator)
    unit = catalog.unit(data.unit, period.end)
    if not indicator.accepts_period_type(period.type):
        raise ValidationError("Target period does not fit the indicator", [FieldError(
            field="period", value=data.period,
            message=f"{indicator.code} is reported by {indicator.periodicity.value} or coarser",
        )])
    return period, catalog.indicator_ids[indicator.code], unit.id


def _scope(session: Session, catalog: Catalog, principal: Principal | None) -> Scope | None:
    return None if principal is None else data_scope(session, catalog, principal)


def list_targets(*, session: Session, year: int | None = None,
                 principal: Principal | None = None) -> list[TargetPublic]:
    if principal is not None:
        require(principal, Permission.READ_DATA)
    with session.begin():
        catalog = load_catalog(session)
        stmt = select(TargetRow).where(TargetRow.deleted.is_(False)).order_by(TargetRow.id)
        scope = _scope(session, catalog, principal)
        if scope is not None:
            stmt = scope.where(stmt, unit=TargetRow.unit_id, indicator=TargetRow.indicator_id)
        rows = session.scalars(stmt).all()
        out = [_public(catalog, r) for r in rows]
    if year is not None:
        out = [t for t in out if parse_period(t.period).start.year == year]
    return out


def _public(catalog: Catalog, row: TargetRow) -> TargetPublic:
    unit = catalog.hierarchy.unit(row.unit_id)
    return TargetPublic(
        indicator=catalog.indicator_codes[row.indicator_id], unit=unit.code,
        unit_name=unit.name, period=row.period, planned=row.planned, tolerance=row.tolerance,
        document=row.document, updated_at=row.updated_at, change=row.change_id,
    )


def actuals_for(
    *, session: Session, warehouse: Warehouse, indicators: list[str], unit: str, period: str
) -> dict[str, float | None]:
    """What the indicators came to at a unit (code or uid) over a period.

    History is mapped into the units in force at the period's end, so the new
    province's 2025 includes what its predecessors reported before the July reform.
    """
    p = parse_period(period)
    result = run_analytics(session=session, warehouse=warehouse, request=AnalyticsRequest(
        indicators=indicators, units=[unit], periods=[p.id], hierarchy="mapped", as_of=p.end))
    found: dict[str, float | None] = dict.fromkeys(indicators)
    for (code, _, _), value in result.values().items():
        found[code] = value
    return found


def evaluate_targets(
    *, session: Session, warehouse: Warehouse, year: int, as_of: date | None = None,
    lang: str = "vi", principal: Principal | None = None,
    indicators: Sequence[str] = (), units: Sequence[str] = (),
) -> EvaluationReport:
    """Every target of a year against its actual: đạt / vượt / không đạt, or progress.

    With a principal, only the targets inside its scope are evaluated; `indicators`
    and `units` (codes) narrow the set further.
    """
    if principal is not None:
        require(principal, Permission.READ_DATA)
    today = as_of or date.today()
    with session.begin():
        catalog = load_catalog(session)
        stmt = select(TargetRow).where(TargetRow.deleted.is_(False)).order_by(TargetRow.id)
        scope = _scope(session, catalog, principal)
        if scope is not None:
            stmt = scope.where(stmt, unit=TargetRow.unit_id, indicator=TargetRow.indicator_id)
        rows = [r for r in session.scalars(stmt).all()
                if parse_period(r.period).start.year == year
                and (not indicators or catalog.indicator_codes[r.indicator_id] in indicators)
                and (not units or catalog.hierarchy.unit(r.unit_id).code in units)]
    if not rows:
        raise NotFound(f"No targets are set for {year}")
    asked: dict[tuple[str, str], list[TargetRow]] = {}
    for row in rows:
        unit = catalog.hierarchy.unit(row.unit_id)
        asked.setdefault((catalog.uid_of(unit), row.period), []).append(row)
    items: list[TargetEvaluation] = []
    for (uid, period), group in asked.items():
        codes = [catalog.indicator_codes[r.indicator_id] for r in group]
        actuals = actuals_for(session=session, warehouse=warehouse, indicators=codes,
                              unit=uid, period=period)
        for row, code in zip(group, codes, strict=True):
            items.append(_evaluate(catalog, row, actuals[code], today, lang))
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
    catalog: Catalog, row: TargetRow, actual: float | None, today: date, lang: str
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
    return TargetEvaluation(
        indicator=code, indicator_name=indicator.name(lang), sector=indicator.sector,
        unit=unit.code, unit_name=unit.name, period=row.period, planned=row.planned,
        actual=actual, status=status, status_label=status.label(lang), document=row.document,
    )
