"""Targets (chỉ tiêu kế hoạch): set them and list them (insight.evaluation judges them).

A target is the plan of its own period (the yearly plan of 2022), or, with a `horizon`
such as "2021-2025", the goal a multi-year plan sets for the horizon's last year (the
five-year plan's "đến năm 2025", the vision's "đến năm 2030"); its `document` is the
resolution that set it. Both kinds can exist for one indicator, unit and year.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.numbers import NumberStyle, parse_number
from fansipan.domain.periods import Period, PeriodType, parse_period
from fansipan.domain.texts import text_problem
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.services.catalog import Catalog, load_catalog, request_kept
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import Scope, data_scope, require
from fansipan.services.trust.audit import record_for
from fansipan.services.warehouse.datavalues import NumberIn
from fansipan.store.audit import AuditRecord, append_events, audited_transaction, changes_digest
from fansipan.store.changes import reserve_changes
from fansipan.store.tables import ChangeRow, TargetRow


class TargetWrite(BaseModel):
    indicator: str = Field(min_length=1, max_length=60, examples=["BC_TL_XA_CO_DIEM"])
    unit: str = Field(min_length=1, max_length=40, examples=["10"])
    period: str = Field(min_length=1, max_length=12, examples=["2021"])
    planned: NumberIn
    tolerance: float = Field(default=0.0, ge=0, le=1)
    document: str = Field(default="", max_length=500,
                          examples=["Quyết định 123/QĐ-UBND ngày 15/01/2021"])
    horizon: str = Field(default="", max_length=9, pattern=r"^(\d{4}-\d{4})?$",
                         examples=["2021-2025"],
                         description="Empty for the period's own plan; FIRST-LAST years for a "
                                     "multi-year plan's goal for year LAST (the period)")


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
    horizon: str = ""


def set_target(*, session: Session, data: TargetWrite, actor: str | None = None,
               principal: Principal | None = None,
               number_style: NumberStyle = NumberStyle.AUTO) -> TargetPublic:
    """Create or replace the target for indicator × unit × period (audited).

    With a `principal`, it needs role officer and the target must lie in its scope.
    """
    if principal is not None:
        require(principal, Permission.WRITE_TARGETS)
        actor = principal.actor
    if not actor:
        raise ValueError("set_target needs a principal or an actor")
    bad_text = text_problem(data.document)
    if bad_text is not None:
        raise ValidationError(msg("The document {problem}", problem=bad_text), [FieldError(
            field="document", message=msg("the document {problem}", problem=bad_text))])
    planned = parse_number(data.planned, field="planned", style=number_style)
    with audited_transaction(session, numbered=True):
        catalog = load_catalog(session)
        period, indicator_id, unit_id = _resolve(catalog, data)
        if principal is not None:
            data_scope(session, catalog, principal).check_rows(
                catalog, [(1, indicator_id, unit_id)])
        row = session.scalars(select(TargetRow).where(
            TargetRow.indicator_id == indicator_id, TargetRow.unit_id == unit_id,
            TargetRow.period == period.id, TargetRow.horizon == data.horizon,
        )).one_or_none()
        now = datetime.now(UTC)
        change_id = reserve_changes(session, 1)
        old = None if row is None or row.deleted else row.planned
        if row is None:
            row = TargetRow(indicator_id=indicator_id, unit_id=unit_id, period=period.id,
                            planned=planned, tolerance=data.tolerance, document=data.document,
                            deleted=False, updated_at=now, change_id=change_id,
                            horizon=data.horizon)
            session.add(row)
        else:
            row.planned, row.tolerance, row.document = planned, data.tolerance, data.document
            row.deleted, row.updated_at, row.change_id = False, now, change_id
        session.flush()
        change = {
            "id": change_id, "record_kind": "target", "record_id": row.id,
            "operation": "create" if old is None else "update", "indicator_id": indicator_id,
            "unit_id": unit_id, "period": period.id, "old_value": old, "new_value": planned,
            "source": f"targets:{data.horizon}" if data.horizon else "targets",
            "actor": actor, "at": now, "batch": None,
        }
        session.add(ChangeRow(**change))
        session.flush()
        detail = {"first_change": change_id, "last_change": change_id,
                  "changes_digest": changes_digest([change]), "document": data.document}
        target = f"{data.indicator}/{data.unit}/{period.id}" + (
            f" ({data.horizon})" if data.horizon else "")
        append_events(session, [
            record_for(principal, "target.set", target=target, detail=detail)
            if principal is not None else
            AuditRecord(action="target.set", actor=actor, actor_kind="system", target=target,
                        detail=detail)])
        return _public(catalog, row)


def _resolve(catalog: Catalog, data: TargetWrite) -> tuple[Period, int, int]:
    period = parse_period(data.period)
    indicator = catalog.indicator(data.indicator)
    unit = catalog.unit(data.unit, period.end)
    if not indicator.accepts_period_type(period.type):
        raise ValidationError(msg("Target period does not fit the indicator"), [FieldError(
            field="period", value=data.period,
            message=msg("{code} is reported by {periodicity} or a longer period",
                        code=indicator.code, periodicity=indicator.periodicity.word),
        )])
    if data.horizon:
        first, last = (int(y) for y in data.horizon.split("-"))
        if period.type is not PeriodType.YEAR or period.year != last or first > last:
            raise ValidationError(
                msg("A multi-year goal is set for the last year of its plan"), [FieldError(
                    field="horizon", value=data.horizon, message=msg(
                        "give the period as the year {last} and a horizon FIRST-LAST with "
                        "FIRST no later than LAST, e.g. 2021-2025 for 2025", last=last))])
    return period, catalog.indicator_ids[indicator.code], unit.id


def _scope(session: Session, catalog: Catalog, principal: Principal | None) -> Scope | None:
    return None if principal is None else data_scope(session, catalog, principal)


def target_rows(session: Session, catalog: Catalog,
                principal: Principal | None) -> list[TargetRow]:
    """The stored targets the principal may read (all of them without one), oldest first;
    inside the caller's transaction. A request's session reads them once (a page shows
    them in its targets panel and in its trend), again after it writes."""
    kept = request_kept(session)
    key = ("target_rows", principal)
    found = kept.get(key) if kept is not None else None
    if isinstance(found, tuple) and found[0] is catalog:
        return list(found[1])
    rows = _read_target_rows(session, catalog, principal)
    if kept is not None:
        kept[key] = (catalog, tuple(rows))
    return rows


def _read_target_rows(session: Session, catalog: Catalog,
                      principal: Principal | None) -> list[TargetRow]:
    stmt = select(TargetRow).where(TargetRow.deleted.is_(False)).order_by(TargetRow.id)
    scope = _scope(session, catalog, principal)
    if scope is not None:
        stmt = scope.where(stmt, unit=TargetRow.unit_id, indicator=TargetRow.indicator_id)
    return list(session.scalars(stmt).all())


def list_targets(*, session: Session, year: int | None = None,
                 principal: Principal | None = None) -> list[TargetPublic]:
    if principal is not None:
        require(principal, Permission.READ_DATA)
    with session.begin():
        catalog = load_catalog(session)
        out = [_public(catalog, r) for r in target_rows(session, catalog, principal)]
    if year is not None:
        out = [t for t in out if parse_period(t.period).start.year == year]
    return out


def _public(catalog: Catalog, row: TargetRow) -> TargetPublic:
    unit = catalog.hierarchy.unit(row.unit_id)
    return TargetPublic(
        indicator=catalog.indicator_codes[row.indicator_id], unit=unit.code,
        unit_name=unit.name, period=row.period, planned=row.planned, tolerance=row.tolerance,
        document=row.document, updated_at=row.updated_at, change=row.change_id,
        horizon=row.horizon,
    )


