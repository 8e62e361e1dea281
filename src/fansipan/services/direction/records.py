"""Tasks as the store holds them, turned into the domain's `Task` with its events, and
who may see or change which task (the scope rules of direction).

- Reading: signed-in people with data access see a task when its lead unit, one of its
  co-operating units or its directive's issuing unit lies in their units.
- Reporting on a task (progress, comments, files, completion) is for officers whose units
  reach the task's lead unit: an officer updates only their unit's tasks.
- Assigning, extending, cancelling and reopening are for leaders whose units reach the
  lead unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.tasks import (
    Cancelled,
    Completed,
    DeadlineExtended,
    ProgressReported,
    Reopened,
    Task,
    TaskEvent,
)
from fansipan.errors import FieldError, NotFound, PermissionDenied, Unauthenticated, msg
from fansipan.services.catalog import Catalog
from fansipan.services.direction.shapes import EventKind
from fansipan.services.trust.access import require, units_in_scope
from fansipan.store.direction_tables import (
    DirectiveRow,
    TaskEventRow,
    TaskIndicatorRow,
    TaskRow,
    TaskUnitRow,
)


@dataclass(frozen=True)
class StoredTask:
    row: TaskRow
    directive: DirectiveRow
    co_units: tuple[int, ...]
    indicators: tuple[int, ...]
    events: tuple[TaskEventRow, ...]

    def domain(self) -> Task:
        return domain_task(self.row, self.events)


def target_key(row: TaskRow) -> str | None:
    if row.target_indicator_id is None or row.target_unit_id is None or not row.target_period:
        return None
    return f"{row.target_indicator_id}:{row.target_unit_id}:{row.target_period}"


def domain_event(e: TaskEventRow) -> TaskEvent | None:
    """The domain's event for a stored one; None for a comment, which changes nothing."""
    kind = EventKind(e.kind)
    if kind is EventKind.PROGRESS:
        return ProgressReported(on=e.day, percent=float(e.percent or 0.0), note=e.note)
    if kind is EventKind.EXTENSION:
        if e.new_deadline is None:
            raise RuntimeError(f"extension {e.id} of task {e.task_id} has no new deadline")
        return DeadlineExtended(on=e.day, new_deadline=e.new_deadline, document=e.document,
                                reason=e.reason)
    if kind is EventKind.COMPLETION:
        return Completed(on=e.day, document=e.document, note=e.note)
    if kind is EventKind.CANCELLATION:
        return Cancelled(on=e.day, reason=e.reason, document=e.document)
    if kind is EventKind.REOPENING:
        return Reopened(on=e.day, reason=e.reason)
    return None


def domain_task(row: TaskRow, events: Iterable[TaskEventRow]) -> Task:
    found = (domain_event(e) for e in sorted(events, key=lambda e: e.seq))
    return Task(id=str(row.id), title=row.title, unit=str(row.lead_unit_id),
                directive=str(row.directive_id), assigned_on=row.assigned_on,
                deadline=row.deadline, deadline_working_days=row.deadline_working_days,
                target=target_key(row), events=tuple(e for e in found if e is not None))


def load_tasks(session: Session, rows: Sequence[TaskRow]) -> list[StoredTask]:
    """The rows with their directives, units, indicators and events (four queries)."""
    if not rows:
        return []
    ids = [r.id for r in rows]
    directives = {d.id: d for d in session.scalars(select(DirectiveRow).where(
        DirectiveRow.id.in_({r.directive_id for r in rows})))}
    co: dict[int, list[int]] = {}
    for link in session.scalars(select(TaskUnitRow).where(TaskUnitRow.task_id.in_(ids))):
        co.setdefault(link.task_id, []).append(link.unit_id)
    inds: dict[int, list[int]] = {}
    for ilink in session.scalars(select(TaskIndicatorRow).where(
            TaskIndicatorRow.task_id.in_(ids))):
        inds.setdefault(ilink.task_id, []).append(ilink.indicator_id)
    events: dict[int, list[TaskEventRow]] = {}
    for e in session.scalars(select(TaskEventRow).where(TaskEventRow.task_id.in_(ids))
                             .order_by(TaskEventRow.task_id, TaskEventRow.seq)):
        events.setdefault(e.task_id, []).append(e)
    return [StoredTask(r, directives[r.directive_id], tuple(sorted(co.get(r.id, []))),
                       tuple(sorted(inds.get(r.id, []))), tuple(events.get(r.id, [])))
            for r in rows]


def require_reader(principal: Principal) -> None:
    """Tasks are internal: signed in, with data access."""
    if principal.is_anonymous:
        raise Unauthenticated(msg("Sign in to see the key tasks"))
    require(principal, Permission.READ_DATA)


class TaskScope:
    """Which tasks a principal sees, reports on and assigns, by the units it reaches."""

    def __init__(self, catalog: Catalog, principal: Principal) -> None:
        self.catalog = catalog
        self.principal = principal
        self.units = units_in_scope(catalog, principal)

    def reaches(self, unit_id: int | None) -> bool:
        return unit_id is not None and (self.units is None or unit_id in self.units)

    def sees(self, task: StoredTask) -> bool:
        return (self.reaches(task.row.lead_unit_id)
                or any(self.reaches(u) for u in task.co_units)
                or self.reaches(task.directive.issuer_unit_id))

    def may_update(self, task: StoredTask) -> bool:
        return (self.principal.can(Permission.UPDATE_TASKS) and not self.principal.
                must_change_password and self.reaches(task.row.lead_unit_id))

    def may_assign(self, task: StoredTask) -> bool:
        return (self.principal.can(Permission.ASSIGN_TASKS) and not self.principal.
                must_change_password and self.reaches(task.row.lead_unit_id))

    def check_update(self, task: StoredTask) -> None:
        require(self.principal, Permission.UPDATE_TASKS)
        if not self.reaches(task.row.lead_unit_id):
            raise self._denied(task, "report on it: only officers of its lead unit may")

    def check_assign(self, task: StoredTask) -> None:
        require(self.principal, Permission.ASSIGN_TASKS)
        if not self.reaches(task.row.lead_unit_id):
            raise self._denied(task, "change its deadline or state: its lead unit is "
                                     "outside your units")

    def check_unit(self, unit_id: int, field: str) -> None:
        if not self.reaches(unit_id):
            unit = self.catalog.hierarchy.unit(unit_id)
            raise PermissionDenied(
                f"{unit.code} ({unit.name}) nằm ngoài các đơn vị của tài khoản; chỉ giao nhiệm "
                f"vụ cho đơn vị thuộc phạm vi của bạn / {unit.code} ({unit.name}) is outside "
                "the units of your account; assign tasks to units within it",
                [FieldError(field=field, value=unit.code,
                            message="outside the units of your account")])

    def _denied(self, task: StoredTask, what: str) -> PermissionDenied:
        unit = self.catalog.hierarchy.unit(task.row.lead_unit_id)
        return PermissionDenied(
            f"Nhiệm vụ {task.row.id} do {unit.name} chủ trì; bạn không có quyền thực hiện "
            f"việc này / Task {task.row.id} is led by {unit.name}; you may not {what}",
            [FieldError(field="task", value=str(task.row.id), message=what)])


def find_task(session: Session, scope: TaskScope, task_id: int) -> StoredTask:
    """A task the principal sees; one it cannot see is as missing as one that is not."""
    row = session.get(TaskRow, task_id)
    stored = load_tasks(session, [row])[0] if row is not None else None
    if stored is None or not scope.sees(stored):
        raise NotFound(msg("No such task"), [FieldError(
            field="task", value=str(task_id),
            message=msg("there is no task with this number among those you may see"))])
    return stored
