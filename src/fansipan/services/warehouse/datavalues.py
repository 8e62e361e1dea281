"""Data values (số liệu): validate, write all-or-nothing with numbered changes, read.

Every front end (API, CLI, imports, web forms) writes through `write_values`, so
every value gets the same checks, a change number and an audit row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field, StrictFloat, StrictInt
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.estimates import ValueStatus
from fansipan.domain.numbers import NumberReading, NumberStyle
from fansipan.domain.periods import parse_period
from fansipan.domain.rows import Problem, RawValue, RowConflict
from fansipan.domain.rows import WriteStrategy as WriteStrategy
from fansipan.errors import Conflict as ConflictError
from fansipan.errors import (
    FansipanError,
    NotFound,
    PermissionDenied,
    ValidationError,
    msg,
)
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import Scope, data_scope, require
from fansipan.services.warehouse.writes import ValueWriter
from fansipan.store.tables import ChangeRow, DataValueRow

# A number as a client sends it: a JSON number or its text (read by `domain.numbers`);
# never true or false, which pydantic would otherwise take for 1 and 0.
NumberIn = StrictInt | StrictFloat | str


class DataValueWrite(BaseModel):
    """One value as a client sends it: codes (or uids) and a period identifier."""

    indicator: str = Field(min_length=1, max_length=60, examples=["BC_XA_CO_DIEM"])
    unit: str = Field(min_length=1, max_length=40, examples=["02647"])
    period: str = Field(min_length=1, max_length=12, examples=["2024-03"])
    value: NumberIn | None = Field(default=None, examples=[12])
    comment: str | None = Field(default=None, max_length=2000)
    status: ValueStatus | None = Field(
        default=None, description="estimate (ước thực hiện) or official (số chính thức, "
        "the default); an official figure later replaces an estimate and both are kept")


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
    status: ValueStatus = ValueStatus.OFFICIAL
    estimate: float | None = Field(
        default=None, description="the estimate an official figure replaced, when it did")


class WriteSummary(BaseModel):
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    first_change: int | None = None
    last_change: int | None = None
    batch: str | None = None


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
    number_style: NumberStyle = NumberStyle.AUTO,
) -> WriteSummary:
    """Validate all items, then write them in one transaction, or write nothing.

    With a `principal` the write needs role officer and every row must lie in its scope;
    without one the caller is trusted (the CLI, the demo loader) and names the `actor`.
    Rows in approved, locked periods are refused either way. Each batch that changes
    anything is one audit event carrying the digest of its change rows.
    """
    estimates = frozenset(n for n, i in enumerate(items, start=1)
                          if i.status is ValueStatus.ESTIMATE)
    writer = ValueWriter(session=session, source=source, actor=actor, principal=principal,
                         strategy=strategy, dry_run=dry_run, catalog=catalog,
                         numbers=NumberReading(number_style), estimate=estimates)
    with writer:
        writer.add(RawValue(n, i.indicator, i.unit, i.period, i.value, i.comment)
                   for n, i in enumerate(items, start=1))
    out = writer.outcome
    if out.conflict_count:
        raise refusal(out.conflicts, out.conflict_count)
    return WriteSummary(created=out.created, updated=out.updated, deleted=out.deleted,
                        unchanged=out.unchanged, first_change=out.first_change,
                        last_change=out.last_change, batch=out.batch)


def refusal(conflicts: Sequence[RowConflict], count: int) -> FansipanError:
    """One error for a refused batch, of the kind of its most basic problem.

    Invalid rows come first (422), then rows outside the sender's scope (403), then
    approved, locked data (409), then rows that do not fit the strategy (422).
    """
    for problem in (Problem.INVALID, Problem.SCOPE, Problem.LOCKED, Problem.CLASH):
        errors = [c.field_error() for c in conflicts if c.problem is problem]
        if not errors:
            continue
        if problem is Problem.INVALID:
            return ValidationError(
                msg("{count} problem(s) found; nothing was saved. Fix the rows named and send them "
                    "again.", count=count), errors)
        if problem is Problem.SCOPE:
            return PermissionDenied(
                msg("{count} row(s) are outside what you may write; nothing was saved. Ask an "
                    "administrator to extend your scope, or remove those rows",
                    count=len(errors)), errors)
        if problem is Problem.LOCKED:
            return ConflictError(msg("{count} row(s) fall in approved, locked data; nothing was "
                                     "saved", count=len(errors)), errors)
        return ValidationError(msg("{count} row(s) clash with stored values; nothing was saved",
                                   count=len(errors)), errors)
    return ValidationError(msg("{count} problem(s) found; nothing was saved", count=count))


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
            raise NotFound(msg("No value of {code} for {code2} ({name}) in {id}", code=ind.code,
                               code2=u.code, name=u.name, id=p.id))
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
        deleted=row.deleted, change=row.change_id, status=ValueStatus(row.status),
        estimate=row.estimate_value,
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
    old_status: ValueStatus | None = None  # estimate when the value was an estimate
    new_status: ValueStatus | None = None


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
                old_status=_status(r.old_status, r.old_value),
                new_status=_status(r.new_status, r.new_value),
            ))
        return out


def _status(stored: str | None, value: float | None) -> ValueStatus | None:
    """A change row's status: estimate when marked, official for any other value."""
    if value is None and stored is None:
        return None
    return ValueStatus.ESTIMATE if stored == ValueStatus.ESTIMATE else ValueStatus.OFFICIAL
