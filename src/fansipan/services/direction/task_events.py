"""What happens to a task after it is assigned: progress, comments, completion (the lead
unit's officers), extensions, cancellation, reopening (the leaders over it).

Every event is appended, numbered and audited; nothing is overwritten. The domain checks
the move (`domain.tasks.history`): a refused one changes nothing and says why.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.tasks import (
    Cancelled,
    Completed,
    DeadlineExtended,
    Phase,
    ProgressReported,
    Reopened,
    TaskEvent,
    replay,
)
from fansipan.errors import FieldError, PermissionDenied, ValidationError
from fansipan.services.catalog import load_catalog
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.records import StoredTask, TaskScope, find_task
from fansipan.services.direction.shapes import EventKind, TaskEventCreate, TaskEventPublic
from fansipan.services.direction.tasks import event_public
from fansipan.services.trust.audit import record
from fansipan.store.audit import audited_transaction
from fansipan.store.direction_tables import TaskEventRow

# Who records which event: the lead unit reports; the assigning side decides.
_REPORTED = (EventKind.PROGRESS, EventKind.COMMENT, EventKind.COMPLETION)
_DECIDED = (EventKind.EXTENSION, EventKind.CANCELLATION, EventKind.REOPENING)


def record_event(*, session: Session, principal: Principal, task_id: int,
                 data: TaskEventCreate, calendar: WorkingCalendar,
                 lang: str = "vi") -> TaskEventPublic:
    """Append one event to a task, or refuse it with the reason and the fix."""
    today = today_in_vietnam()
    with audited_transaction(session):
        catalog = load_catalog(session)
        scope = TaskScope(catalog, principal)
        stored = find_task(session, scope, task_id)
        _check_allowed(scope, stored, data.kind)
        day = data.on or today
        if day > today:
            raise ValidationError("Ngày ghi chưa đến / The day is in the future", [FieldError(
                field="on", value=day.isoformat(),
                message="record what happened by today; a date in the future is not known "
                        "yet / ghi sự việc đã xảy ra, chậm nhất là hôm nay")])
        last = stored.events[-1].day if stored.events else stored.row.assigned_on
        if day < last:
            raise ValidationError(
                "Ngày ghi trước ngày giao hoặc sự kiện trước / Before the assignment or the "
                "last event", [FieldError(
                    field="on", value=day.isoformat(),
                    message=f"record events in date order: on {last:%d/%m/%Y} or later / ghi "
                            f"từ ngày {last:%d/%m/%Y} trở đi")])
        event = _domain_event(stored, data, day, calendar)
        task = stored.domain()
        if event is not None:
            task = task.record(event)  # replays the whole history: refuses a bad move
        elif not data.note.strip():
            raise ValidationError("Ý kiến để trống / The comment is empty", [FieldError(
                field="note", message="write the comment / ghi nội dung ý kiến")])
        row = stored.row
        now = datetime.now(UTC)
        seq = row.events + 1
        e = TaskEventRow(task_id=row.id, seq=seq, kind=data.kind.value, day=day,
                         percent=data.percent if data.kind is EventKind.PROGRESS else None,
                         new_deadline=event.new_deadline if isinstance(
                             event, DeadlineExtended) else None,
                         document=data.document.strip(), reason=data.reason.strip(),
                         note=data.note.strip(), actor=principal.actor, at=now)
        session.add(e)
        state = replay(task)
        row.events, row.updated_at = seq, now
        row.phase, row.progress = state.phase.value, state.progress
        row.current_deadline = state.deadline
        row.completed_on = state.completed_on if state.phase is Phase.DONE else None
        session.flush()
        record(session, principal, f"task.{data.kind.value}", target=f"task:{row.id}",
               detail={"seq": seq, "on": day, "percent": e.percent,
                       "new_deadline": e.new_deadline, "document": e.document,
                       "reason": e.reason[:200]})
        return event_public(e, lang)


def _check_allowed(scope: TaskScope, stored: StoredTask, kind: EventKind) -> None:
    if kind is EventKind.COMPLETION or kind is EventKind.COMMENT:
        # Either side may record that a task is done, or say something about it.
        if scope.may_update(stored) or scope.may_assign(stored):
            return
        if scope.principal.can(Permission.UPDATE_TASKS):
            scope.check_update(stored)
        scope.check_assign(stored)
    elif kind in _REPORTED:
        scope.check_update(stored)
    elif kind in _DECIDED:
        scope.check_assign(stored)
    else:  # a kind added to EventKind but not here
        raise PermissionDenied(f"No one may record {kind.value} events yet")


def _domain_event(stored: StoredTask, data: TaskEventCreate, day: date,
                  calendar: WorkingCalendar) -> TaskEvent | None:
    kind = data.kind
    if kind is EventKind.PROGRESS:
        if data.percent is None:
            raise ValidationError("Thiếu tiến độ / The progress is missing", [FieldError(
                field="percent", message="give the progress in per cent, 0 to below 100")])
        return ProgressReported(on=day, percent=data.percent, note=data.note.strip())
    if kind is EventKind.EXTENSION:
        new = data.new_deadline
        if data.within_days is not None:
            if new is not None:
                raise ValidationError("Hạn mới ghi hai lần / The new deadline is given twice",
                                      [FieldError(field="within_days",
                                                  message="give new_deadline or within_days")])
            new = (calendar.add_working_days(day, data.within_days)
                   if stored.directive.working_days else day + timedelta(days=data.within_days))
        if new is None:
            raise ValidationError("Thiếu hạn mới / The new deadline is missing", [FieldError(
                field="new_deadline", message="give the new deadline (or within_days)")])
        return DeadlineExtended(on=day, new_deadline=new, document=data.document.strip(),
                                reason=data.reason.strip())
    if kind is EventKind.COMPLETION:
        return Completed(on=day, document=data.document.strip(), note=data.note.strip())
    if kind is EventKind.CANCELLATION:
        return Cancelled(on=day, reason=data.reason.strip(), document=data.document.strip())
    if kind is EventKind.REOPENING:
        return Reopened(on=day, reason=data.reason.strip())
    return None
