"""Targets (chỉ tiêu kế hoạch): set them, list them, evaluate them against actuals."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

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
from fansipan.services.actuals import actual_value
from fansipan.services.catalog import Catalog, load_catalog
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
    updated_at: datetime
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


class EvaluationReport(BaseModel):
    year: int
    as_of: date
    summary: TargetSummary
    sentence: str
    items: list[TargetEvaluation]


def set_target(*, session: Session, data: TargetWrite, actor: str) -> TargetPublic:
    """Create or replace the target for indicator × unit × period (audited)."""
    session.begin()
    try:
        session.execute(update(ChangeLockRow).where(ChangeLockRow.id == 1)
                        .values(last_change=ChangeLockRow.last_change))
        catalog = load_catalog(session)
        period, indicator_id, unit_id = _resolve(catalog, data)
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
        session.add(ChangeRow(
            id=change_id, record_kind="target", record_id=row.id,
            operation="create" if old is None else "update", indicator_id=indicator_id,
            unit_id=unit_id, period=period.id, old_value=old, new_value=planned,
            source="targets", actor=actor, at=now, batch=None,
        ))
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


def list_targets(*, session: Session, year: int | None = None) -> list[TargetPublic]:
    with session.begin():
        catalog = load_catalog(session)
        stmt = select(TargetRow).where(TargetRow.deleted.is_(False)).order_by(TargetRow.id)
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


def evaluate_targets(
    *, session: Session, year: int, as_of: date | None = None, lang: str = "vi"
) -> EvaluationReport:
    """Every target of a year against its actual: đạt / vượt / không đạt, or progress."""
    today = as_of or date.today()
    with session.begin():
        catalog = load_catalog(session)
        rows = session.scalars(
            select(TargetRow).where(TargetRow.deleted.is_(False)).order_by(TargetRow.id)
        ).all()
        items: list[TargetEvaluation] = []
        for row in rows:
            period = parse_period(row.period)
            if period.start.year != year:
                continue
            items.append(_evaluate(session, catalog, row, period, today, lang))
    if not items:
        raise NotFound(f"No targets are set for {year}")
    summary = summarize_statuses(i.status for i in items)
    return EvaluationReport(year=year, as_of=today, summary=summary,
                            sentence=summary.sentence(lang), items=items)


def _evaluate(
    session: Session, catalog: Catalog, row: TargetRow, period: Period, today: date, lang: str
) -> TargetEvaluation:
    code = catalog.indicator_codes[row.indicator_id]
    indicator = catalog.indicators[code]
    unit = catalog.hierarchy.unit(row.unit_id)
    actual = actual_value(session, catalog, indicator, unit, period)
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
