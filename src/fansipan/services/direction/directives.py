"""Directives (văn bản chỉ đạo): the documents that assign key tasks."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.documents import parse_number_line
from fansipan.errors import Conflict, FansipanError, FieldError, NotFound, ValidationError, msg
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.records import TaskScope, require_reader
from fansipan.services.direction.shapes import DirectiveCreate, DirectivePublic
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.store.audit import audited_transaction
from fansipan.store.direction_tables import DirectiveRow, TaskRow


def check_number(number: str) -> str:
    """"15/KH-UBND": a number (below 10 with a leading 0) and a symbol, as Decree 30 says."""
    text = " ".join(number.split())
    try:
        parse_number_line(f"Số: {text}")
    except FansipanError as exc:
        raise ValidationError(
            "Số, ký hiệu văn bản không đúng / The document's number and symbol are malformed",
            [FieldError(field="number", value=text, message=(
                exc.errors[0].message if exc.errors else exc.message))]) from None
    return text


def create_directive(*, session: Session, principal: Principal,
                     data: DirectiveCreate) -> DirectivePublic:
    """Record a directive (audited); leaders only, its issuing unit within their units."""
    require(principal, Permission.ASSIGN_TASKS)
    number = check_number(data.number)
    if data.issued_on > today_in_vietnam():
        raise ValidationError("Ngày ban hành chưa đến / The directive is dated in the future", [
            FieldError(field="issued_on", value=data.issued_on.isoformat(),
                       message="give the date the document was signed, today at the latest")])
    with audited_transaction(session):
        catalog = load_catalog(session)
        unit_id = None
        if data.issuer_unit:
            unit = catalog.unit(data.issuer_unit, data.issued_on, field="issuer_unit")
            TaskScope(catalog, principal).check_unit(unit.id, "issuer_unit")
            unit_id = unit.id
        clash = session.scalar(select(DirectiveRow.id).where(
            DirectiveRow.number == number, DirectiveRow.issued_on == data.issued_on))
        if clash is not None:
            raise Conflict(
                f"Văn bản {number} ngày {data.issued_on:%d/%m/%Y} đã có (số {clash}) / "
                f"The directive {number} of {data.issued_on:%d/%m/%Y} is recorded already",
                [FieldError(field="number", value=number,
                            message=f"already recorded as directive {clash}; add tasks to it")])
        now = datetime.now(UTC)
        row = DirectiveRow(number=number, issued_on=data.issued_on, issuer=data.issuer.strip(),
                           issuer_unit_id=unit_id, excerpt=" ".join(data.excerpt.split()),
                           working_days=data.working_days, created_by=principal.actor,
                           created_at=now, updated_at=now)
        session.add(row)
        session.flush()
        record(session, principal, "directive.create", target=f"directive:{row.id}",
               detail={"number": number, "issued_on": data.issued_on,
                       "working_days": data.working_days})
        return _public(catalog, row, 0)


def list_directives(*, session: Session, principal: Principal,
                    year: int | None = None) -> list[DirectivePublic]:
    """Directives with at least one task the principal sees, and those it may assign
    from; newest first."""
    require_reader(principal)
    with session.begin():
        catalog = load_catalog(session)
        scope = TaskScope(catalog, principal)
        stmt = select(DirectiveRow).order_by(DirectiveRow.issued_on.desc(), DirectiveRow.id)
        if year is not None:
            stmt = stmt.where(DirectiveRow.issued_on >= date(year, 1, 1),
                              DirectiveRow.issued_on <= date(year, 12, 31))
        counts = _visible_counts(session, scope)
        out = []
        for row in session.scalars(stmt):
            own = (scope.reaches(row.issuer_unit_id) or row.created_by == principal.actor
                   or (scope.units is None and principal.can(Permission.ASSIGN_TASKS)))
            if row.id in counts or own:
                out.append(_public(catalog, row, counts.get(row.id, 0)))
        return out


def get_directive(*, session: Session, principal: Principal,
                  directive_id: int) -> DirectivePublic:
    for d in list_directives(session=session, principal=principal):
        if d.id == directive_id:
            return d
    raise NotFound(msg("No such directive"), [FieldError(
        field="directive", value=str(directive_id),
        message=msg("there is no directive with this number among those you may see"))])


def _visible_counts(session: Session, scope: TaskScope) -> dict[int, int]:
    """Tasks per directive that the scope sees by their lead unit (co-operating units
    and issuers are counted by the task lists themselves)."""
    stmt = select(TaskRow.directive_id, func.count()).group_by(TaskRow.directive_id)
    if scope.units is not None:
        stmt = stmt.where(TaskRow.lead_unit_id.in_(sorted(scope.units)))
    return {int(d): int(n) for d, n in session.execute(stmt)}


def _public(catalog: Catalog, row: DirectiveRow, tasks: int) -> DirectivePublic:
    unit = (catalog.hierarchy.unit(row.issuer_unit_id).code
            if row.issuer_unit_id is not None else None)
    return DirectivePublic(id=row.id, number=row.number, issued_on=row.issued_on,
                           issuer=row.issuer, excerpt=row.excerpt,
                           working_days=row.working_days, issuer_unit=unit, tasks=tasks,
                           created_by=row.created_by, created_at=row.created_at)
