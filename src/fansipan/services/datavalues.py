"""Data values (số liệu): validate, write all-or-nothing with numbered changes, read.

Every front end (API, CLI, imports, web forms) writes through `write_values`, so
every value gets the same checks, a change number and an audit row.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import Select, insert, select, tuple_, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.numbers import parse_number
from fansipan.domain.periods import Period, parse_period
from fansipan.errors import FansipanError, FieldError, NotFound, ValidationError
from fansipan.services.access import Scope, data_scope, require
from fansipan.services.approvals import check_not_locked
from fansipan.services.audit import record_for
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.store.audit import AuditRecord, append_events, changes_digest
from fansipan.store.changes import reserve_changes
from fansipan.store.failures import store_unavailable
from fansipan.store.tables import ChangeLockRow, ChangeRow, DataValueRow

_KEY_CHUNK = 300  # row-value IN lists stay well under SQLite's variable limit


class WriteStrategy(StrEnum):
    """DHIS2's import strategies."""

    CREATE_AND_UPDATE = "create_and_update"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class DataValueWrite(BaseModel):
    """One value as a client sends it: codes (or uids) and a period identifier."""

    indicator: str = Field(min_length=1, max_length=60, examples=["BC_XA_CO_DIEM"])
    unit: str = Field(min_length=1, max_length=40, examples=["02647"])
    period: str = Field(min_length=1, max_length=12, examples=["2024-03"])
    value: float | str | None = Field(default=None, examples=[12])
    comment: str | None = Field(default=None, max_length=2000)


class DataValuePublic(BaseModel):
    indicator: str
    unit: str
    unit_uid: str
    unit_name: str
    period: str
    value: float | None
    comment: str | None
    source: str
    stored_by: str
    created_at: UtcDateTime
    updated_at: UtcDateTime
    deleted: bool
    change: int


class WriteSummary(BaseModel):
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    first_change: int | None = None
    last_change: int | None = None
    batch: str | None = None


@dataclass(frozen=True)
class ResolvedValue:
    row: int
    indicator_id: int
    unit_id: int
    period: Period
    value: float | None
    comment: str | None

    @property
    def key(self) -> tuple[int, int, str]:
        return (self.indicator_id, self.unit_id, self.period.id)


def resolve_values(
    catalog: Catalog,
    items: Sequence[DataValueWrite],
    *,
    strategy: WriteStrategy = WriteStrategy.CREATE_AND_UPDATE,
    first_row: int = 1,
) -> list[ResolvedValue]:
    """Check every item against the catalogue; raise one error listing every problem."""
    errors: list[FieldError] = []
    out: list[ResolvedValue] = []
    seen: dict[tuple[int, int, str], int] = {}
    for offset, item in enumerate(items):
        row = first_row + offset
        try:
            resolved = _resolve_one(catalog, item, row, strategy)
        except FansipanError as exc:
            errors.extend(exc.errors or [FieldError(field="value", row=row, message=exc.message)])
            continue
        if resolved.key in seen:
            errors.append(FieldError(
                field="period", row=row, value=item.period,
                message=f"repeats row {seen[resolved.key]} (same indicator, unit and period)",
            ))
            continue
        seen[resolved.key] = row
        out.append(resolved)
    if errors:
        raise ValidationError(
            f"{len(errors)} problem(s) found; nothing was saved. Fix the rows named and send "
            "them again.",
            errors,
        )
    return out


def _resolve_one(
    catalog: Catalog, item: DataValueWrite, row: int, strategy: WriteStrategy
) -> ResolvedValue:
    problems: list[FieldError] = []
    indicator = None
    try:
        indicator = catalog.indicator(item.indicator, row=row)
    except FansipanError as exc:
        problems.extend(exc.errors)
    period = None
    try:
        period = parse_period(item.period)
    except FansipanError as exc:
        problems.extend(FieldError(field="period", row=row, value=item.period, message=e.message)
                        for e in exc.errors)
    unit = None
    if period is not None:
        try:
            # A code names the unit in force at the end of the period: a 2025 yearly
            # report comes from the province as it stood after the July reform.
            unit = catalog.unit(item.unit, period.end, row=row)
        except FansipanError as exc:
            problems.extend(exc.errors)
    value: float | None = None
    if strategy is not WriteStrategy.DELETE:
        if item.value is None or (isinstance(item.value, str) and not item.value.strip()):
            problems.append(FieldError(field="value", row=row, message="a value is required"))
        else:
            try:
                value = parse_number(item.value, row=row)
            except FansipanError as exc:
                problems.extend(exc.errors)
    if indicator is not None and period is not None:
        if not indicator.accepts_period_type(period.type):
            problems.append(FieldError(
                field="period", row=row, value=item.period,
                message=f"{indicator.code} is reported by {indicator.periodicity.value} or "
                        f"coarser; {period.id} is a {period.type.value}",
            ))
        if indicator.is_derived:
            problems.append(FieldError(
                field="indicator", row=row, value=indicator.code,
                message=f"{indicator.code} is computed from a formula and cannot be entered; "
                        f"enter its parts ({indicator.formula})",
            ))
        elif value is not None:
            why = indicator.check_value(value)
            if why:
                problems.append(FieldError(field="value", row=row, value=str(item.value),
                                           message=why))
    if indicator is not None and unit is not None and indicator.levels and (
        unit.level.value not in indicator.levels
    ):
        problems.append(FieldError(
            field="unit", row=row, value=item.unit,
            message=f"{indicator.code} is entered for {', '.join(indicator.levels)}; "
                    f"{unit.code} ({unit.name}) is a {unit.level.value}",
        ))
    if problems or indicator is None or unit is None or period is None:
        raise ValidationError("invalid row", problems)
    return ResolvedValue(
        row=row, indicator_id=catalog.indicator_ids[indicator.code], unit_id=unit.id,
        period=period, value=value, comment=item.comment,
    )


def write_values(
    *,
    session: Session,
    items: Sequence[DataValueWrite],
    actor: str | None = None,
    source: str,
    strategy: WriteStrategy = WriteStrategy.CREATE_AND_UPDATE,
    dry_run: bool = False,
    catalog: Catalog | None = None,
    principal: Principal | None = None,
) -> WriteSummary:
    """Validate all items, then write them in one transaction, or write nothing.

    With a `principal` the write needs role officer and every row must lie in its scope;
    without one the caller is trusted (the CLI, the demo loader) and names the `actor`.
    Rows in approved, locked periods are refused either way. Each batch that changes
    anything is one audit event carrying the digest of its change rows.
    """
    strategy = WriteStrategy(strategy)
    if principal is not None:
        require(principal, Permission.WRITE_DATA)
        actor = principal.actor
    if not actor:
        raise ValueError("write_values needs a principal or an actor")
    session.begin()
    try:
        # Lock first: later reads then see every earlier writer's committed values.
        session.execute(update(ChangeLockRow).where(ChangeLockRow.id == 1)
                        .values(last_change=ChangeLockRow.last_change))
        catalog = catalog or load_catalog(session)
        resolved = resolve_values(catalog, items, strategy=strategy)
        if principal is not None:
            data_scope(session, catalog, principal).check_rows(
                catalog, ((r.row, r.indicator_id, r.unit_id) for r in resolved))
        check_not_locked(session, catalog, ((r.row, r.unit_id, r.period.start, r.period.end)
                                            for r in resolved))
        summary = _apply(session, resolved, actor=actor, source=source, strategy=strategy,
                         dry_run=dry_run)
        if summary.first_change is not None:
            append_events(session, [_audit_record(principal, actor, source, summary,
                                                  session.info.pop("change_rows", []))])
        if not dry_run:
            session.commit()
    except OperationalError as exc:
        # A full disk or a dropped connection: the transaction is gone, and with it
        # every row of the batch; say so in words. (On a dropped connection the
        # rollback can fail too; the server has rolled back already.)
        with contextlib.suppress(Exception):
            session.rollback()
        raise store_unavailable(exc) from None
    except BaseException:
        session.rollback()
        raise
    if dry_run:
        session.rollback()
    return summary


def _existing(session: Session, resolved: list[ResolvedValue]) -> dict[tuple[int, int, str],
                                                                      DataValueRow]:
    found: dict[tuple[int, int, str], DataValueRow] = {}
    keys = [r.key for r in resolved]
    for start in range(0, len(keys), _KEY_CHUNK):
        chunk = keys[start:start + _KEY_CHUNK]
        query = select(DataValueRow).where(
            tuple_(DataValueRow.indicator_id, DataValueRow.unit_id, DataValueRow.period)
            .in_(chunk)
        )
        for row in session.scalars(query):
            found[(row.indicator_id, row.unit_id, row.period)] = row
    return found


def _apply(
    session: Session,
    resolved: list[ResolvedValue],
    *,
    actor: str,
    source: str,
    strategy: WriteStrategy,
    dry_run: bool,
) -> WriteSummary:
    existing = _existing(session, resolved)
    summary = WriteSummary(batch=uuid.uuid4().hex)
    creates: list[ResolvedValue] = []
    updates: list[tuple[ResolvedValue, DataValueRow]] = []
    deletes: list[tuple[ResolvedValue, DataValueRow]] = []
    errors: list[FieldError] = []
    for r in resolved:
        current = existing.get(r.key)
        live = current is not None and not current.deleted
        if strategy is WriteStrategy.DELETE:
            if current is not None and live:
                deletes.append((r, current))
            else:
                summary.unchanged += 1
        elif current is not None and live:
            if strategy is WriteStrategy.CREATE:
                errors.append(FieldError(field="period", row=r.row, value=r.period.id,
                                         message="a value exists already (strategy CREATE)"))
            elif current.value == r.value and current.comment == r.comment:
                summary.unchanged += 1
            else:
                updates.append((r, current))
        elif strategy is WriteStrategy.UPDATE:
            errors.append(FieldError(field="period", row=r.row, value=r.period.id,
                                     message="there is no value to update (strategy UPDATE)"))
        elif current is not None:
            updates.append((r, current))  # a deleted value comes back
        else:
            creates.append(r)
    if errors:
        raise ValidationError(f"{len(errors)} row(s) clash with stored values; nothing was saved",
                              errors)
    summary.created, summary.updated, summary.deleted = len(creates), len(updates), len(deletes)
    total = len(creates) + len(updates) + len(deletes)
    if total == 0 or dry_run:
        return summary
    first = reserve_changes(session, total)
    now = datetime.now(UTC)
    next_id = first
    change_rows: list[dict[str, object]] = []

    def change(r: ResolvedValue, record_id: int, op: str, old: float | None,
               new: float | None) -> int:
        nonlocal next_id
        change_rows.append({
            "id": next_id, "record_kind": "data_value", "record_id": record_id,
            "operation": op, "indicator_id": r.indicator_id, "unit_id": r.unit_id,
            "period": r.period.id, "old_value": old, "new_value": new, "source": source,
            "actor": actor, "at": now, "batch": summary.batch,
        })
        next_id += 1
        return next_id - 1

    if creates:
        new_rows = [
            {
                "indicator_id": r.indicator_id, "unit_id": r.unit_id, "period": r.period.id,
                "period_type": r.period.type.value, "period_start": r.period.start,
                "period_end": r.period.end, "value": r.value, "comment": r.comment,
                "source": source, "stored_by": actor, "created_at": now, "updated_at": now,
                "deleted": False, "change_id": 0,
            }
            for r in creates
        ]
        session.execute(insert(DataValueRow), new_rows)
        ids = _existing(session, creates)
        for r in creates:
            row = ids[r.key]
            row.change_id = change(r, row.id, "create", None, r.value)
    for r, row in updates:
        row.change_id = change(r, row.id, "update", None if row.deleted else row.value, r.value)
        row.value, row.comment, row.deleted = r.value, r.comment, False
        row.source, row.stored_by, row.updated_at = source, actor, now
    for r, row in deletes:
        row.change_id = change(r, row.id, "delete", row.value, None)
        row.deleted, row.source, row.stored_by, row.updated_at = True, source, actor, now
    session.execute(insert(ChangeRow), change_rows)
    session.flush()
    summary.first_change, summary.last_change = first, next_id - 1
    session.info["change_rows"] = change_rows  # digested into the batch's audit event
    return summary


def _audit_record(principal: Principal | None, actor: str, source: str,
                  summary: WriteSummary, change_rows: list[dict[str, object]]) -> AuditRecord:
    detail = {
        "source": source, "batch": summary.batch, "created": summary.created,
        "updated": summary.updated, "deleted": summary.deleted,
        "first_change": summary.first_change, "last_change": summary.last_change,
        "changes_digest": changes_digest(sorted(change_rows, key=lambda r: int(str(r["id"])))),
    }
    if principal is not None:
        return record_for(principal, "data.write", target=source, detail=detail)
    return AuditRecord(action="data.write", actor=actor, actor_kind="system", target=source,
                       detail=detail)


def get_value(
    *, session: Session, indicator: str, unit: str, period: str, include_deleted: bool = False,
    principal: Principal | None = None,
) -> DataValuePublic:
    if principal is not None:
        require(principal, Permission.READ_DATA)
    with session.begin():
        catalog = load_catalog(session)
        p = parse_period(period)
        ind = catalog.indicator(indicator)
        u = catalog.unit(unit, p.end)
        if principal is not None:
            scope = data_scope(session, catalog, principal)
            scope.check_indicator(catalog, catalog.indicator_ids[ind.code])
            scope.check_unit(catalog, u.id)
        row = session.scalars(select(DataValueRow).where(
            DataValueRow.indicator_id == catalog.indicator_ids[ind.code],
            DataValueRow.unit_id == u.id, DataValueRow.period == p.id,
        )).one_or_none()
        if row is None or (row.deleted and not include_deleted):
            raise NotFound(f"No value of {ind.code} for {u.code} ({u.name}) in {p.id}")
        return _public(catalog, row)


@dataclass(frozen=True)
class ValueQuery:
    indicators: Sequence[str] = ()
    units: Sequence[str] = ()
    start: date | None = None
    end: date | None = None
    periods: Sequence[str] = ()
    include_deleted: bool = False
    changed_after: int | None = None
    limit: int = 1000
    offset: int = 0


def list_values(*, session: Session, query: ValueQuery,
                principal: Principal | None = None) -> list[DataValuePublic]:
    if principal is not None:
        require(principal, Permission.READ_DATA)
    with session.begin():
        catalog = load_catalog(session)
        stmt = _filtered(catalog, query)
        if principal is not None:
            scope = data_scope(session, catalog, principal)
            _check_asked(catalog, scope, query)
            stmt = scope.where(stmt, unit=DataValueRow.unit_id,
                               indicator=DataValueRow.indicator_id)
        rows = session.scalars(stmt.limit(query.limit).offset(query.offset)).all()
        return [_public(catalog, r) for r in rows]


def _check_asked(catalog: Catalog, scope: Scope, query: ValueQuery) -> None:
    """Asking by name for a unit or indicator wholly outside the scope is refused."""
    for ref in query.units:
        units = catalog.units_named(ref)
        if not any(scope.allows_unit(u.id) for u in units):
            scope.check_unit(catalog, units[0].id)
    for code in query.indicators:
        scope.check_indicator(catalog, catalog.indicator_ids[catalog.indicator(code).code])


def _filtered(catalog: Catalog, query: ValueQuery) -> Select[DataValueRow]:
    stmt = select(DataValueRow).order_by(DataValueRow.id)
    if query.indicators:
        ids = [catalog.indicator_ids[catalog.indicator(c).code] for c in query.indicators]
        stmt = stmt.where(DataValueRow.indicator_id.in_(ids))
    if query.units:
        # A code filters on every unit that has carried it: each value already names
        # the version in force in its own period.
        ids = [u.id for ref in query.units for u in catalog.units_named(ref)]
        stmt = stmt.where(DataValueRow.unit_id.in_(ids))
    if query.periods:
        stmt = stmt.where(DataValueRow.period.in_([parse_period(p).id for p in query.periods]))
    if query.start is not None:
        stmt = stmt.where(DataValueRow.period_start >= query.start)
    if query.end is not None:
        stmt = stmt.where(DataValueRow.period_end <= query.end)
    if not query.include_deleted:
        stmt = stmt.where(DataValueRow.deleted.is_(False))
    if query.changed_after is not None:
        stmt = stmt.where(DataValueRow.change_id > query.changed_after)
    return stmt


def _public(catalog: Catalog, row: DataValueRow) -> DataValuePublic:
    unit = catalog.hierarchy.unit(row.unit_id)
    code = catalog.indicator_codes[row.indicator_id]
    return DataValuePublic(
        indicator=code, unit=unit.code, unit_uid=catalog.uid_of(unit), unit_name=unit.name,
        period=row.period, value=row.value, comment=row.comment, source=row.source,
        stored_by=row.stored_by, created_at=row.created_at, updated_at=row.updated_at,
        deleted=row.deleted, change=row.change_id,
    )


class ChangePublic(BaseModel):
    change: int
    operation: str
    kind: str
    indicator: str
    unit: str
    unit_uid: str
    period: str
    old_value: float | None
    new_value: float | None
    source: str
    actor: str
    at: UtcDateTime


def list_changes(*, session: Session, after: int = 0, limit: int = 1000,
                 principal: Principal | None = None) -> list[ChangePublic]:
    """The change feed: every write after change number `after`, oldest first.

    With a principal, only the changes inside its scope (numbers then have gaps).
    """
    if principal is not None:
        require(principal, Permission.READ_CHANGES)
    with session.begin():
        catalog = load_catalog(session)
        codes = catalog.indicator_codes
        stmt = select(ChangeRow).where(ChangeRow.id > after).order_by(ChangeRow.id)
        if principal is not None:
            stmt = data_scope(session, catalog, principal).where(
                stmt, unit=ChangeRow.unit_id, indicator=ChangeRow.indicator_id)
        rows = session.scalars(stmt.limit(limit)).all()
        out = []
        for r in rows:
            unit = catalog.hierarchy.unit(r.unit_id)
            out.append(ChangePublic(
                change=r.id, operation=r.operation, kind=r.record_kind,
                indicator=codes[r.indicator_id], unit=unit.code, unit_uid=catalog.uid_of(unit),
                period=r.period, old_value=r.old_value, new_value=r.new_value,
                source=r.source, actor=r.actor, at=r.at,
            ))
        return out
