"""Key tasks (nhiệm vụ trọng tâm): assign them, and read one with its whole history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.periods import parse_period
from fansipan.domain.tasks import Task
from fansipan.errors import FansipanError, FieldError, ValidationError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.records import StoredTask, TaskScope, find_task, require_reader
from fansipan.services.direction.shapes import (
    AttachmentPublic,
    EventKind,
    TaskCreate,
    TaskDetail,
    TaskEventPublic,
)
from fansipan.services.direction.task_views import evaluate
from fansipan.services.trust.access import Scope, data_scope, require
from fansipan.services.trust.audit import record
from fansipan.store.audit import audited_transaction
from fansipan.store.direction_tables import (
    AttachmentBlobRow,
    DirectiveRow,
    TaskAttachmentRow,
    TaskEventRow,
    TaskIndicatorRow,
    TaskRow,
    TaskUnitRow,
)

MAX_BATCH = 2000  # tasks created in one request or one file


def create_tasks(*, session: Session, principal: Principal, items: Sequence[TaskCreate],
                 calendar: WorkingCalendar, source: str = "api",
                 rows: Sequence[int] | None = None,
                 problems: Sequence[FieldError] = ()) -> list[int]:
    """Assign tasks, all or nothing: every row is checked first and every problem named
    with its row (`rows`: the rows as the sender numbers them, such as a sheet's; plus the
    `problems` its reader found). Leaders only, for lead units within their units.
    Returns the new ids."""
    require(principal, Permission.ASSIGN_TASKS)
    if not items or len(items) > MAX_BATCH:
        raise ValidationError(
            f"Gửi từ 1 đến {MAX_BATCH} nhiệm vụ / Send 1 to {MAX_BATCH} tasks at a time",
            [FieldError(field="tasks", value=str(len(items)),
                        message=f"between 1 and {MAX_BATCH} tasks")])
    with audited_transaction(session):
        catalog = load_catalog(session)
        scope = TaskScope(catalog, principal)
        indicator_scope = data_scope(session, catalog, principal)
        directives = {d.id: d for d in session.scalars(select(DirectiveRow).where(
            DirectiveRow.id.in_({i.directive for i in items})))}
        errors: list[FieldError] = list(problems)
        numbers = list(rows) if rows is not None else list(range(1, len(items) + 1))
        numbered = rows is not None or len(items) > 1
        planned: list[tuple[TaskCreate, DirectiveRow, Task, list[int], list[int],
                            tuple[int, int, str] | None]] = []
        for n, item in zip(numbers, items, strict=True):
            try:
                planned.append(_check(catalog, scope, indicator_scope, directives, item,
                                      calendar, n if numbered else None))
            except FansipanError as exc:
                at = n if numbered else None
                errors.extend(FieldError(field=e.field, message=e.message, row=at,
                                         value=e.value) for e in exc.errors or [
                    FieldError(field="task", message=exc.message)])
                if isinstance(exc, ValidationError) or exc.status == 404:
                    continue
                raise
        if errors:
            errors.sort(key=lambda e: e.row or 0)
            raise ValidationError(
                f"{len(errors)} lỗi; chưa ghi nhiệm vụ nào. Sửa các dòng được nêu rồi gửi lại / "
                f"{len(errors)} problem(s); no task was saved. Fix the rows named and send "
                "them again", errors)
        now = datetime.now(UTC)
        ids = []
        for item, directive, task, co, inds, target in planned:
            row = TaskRow(
                directive_id=directive.id, title=task.title, description=item.description,
                lead_unit_id=int(task.unit), assigned_by=(item.assigned_by or
                                                          directive.issuer).strip(),
                assigned_on=task.assigned_on, deadline=task.deadline,
                deadline_working_days=task.deadline_working_days,
                target_indicator_id=target[0] if target else None,
                target_unit_id=target[1] if target else None,
                target_period=target[2] if target else None, phase="open", progress=0.0,
                current_deadline=task.deadline, completed_on=None, events=0,
                created_by=principal.actor, created_at=now, updated_at=now)
            session.add(row)
            session.flush()
            session.add_all([TaskUnitRow(task_id=row.id, unit_id=u) for u in co])
            session.add_all([TaskIndicatorRow(task_id=row.id, indicator_id=i) for i in inds])
            ids.append(row.id)
        session.flush()
        record(session, principal, "task.create", target=f"directive:{planned[0][1].id}",
               detail={"tasks": ids, "source": source})
        return ids


def _check(catalog: Catalog, scope: TaskScope, indicator_scope: Scope,
           directives: dict[int, DirectiveRow], item: TaskCreate, calendar: WorkingCalendar,
           row: int | None) -> tuple[TaskCreate, DirectiveRow, Task, list[int], list[int],
                                     tuple[int, int, str] | None]:
    directive = directives.get(item.directive)
    if directive is None:
        raise ValidationError("Không có văn bản chỉ đạo này / No such directive", [FieldError(
            field="directive", value=str(item.directive),
            message="record the directive first, then assign its tasks")])
    assigned_on = item.assigned_on or directive.issued_on
    if assigned_on < directive.issued_on:
        raise ValidationError("Ngày giao trước ngày ban hành / Assigned before the directive",
                              [FieldError(field="assigned_on", value=assigned_on.isoformat(),
                                          message="a task is assigned on or after the day its "
                                                  "directive was issued")])
    lead = catalog.unit(item.lead_unit, assigned_on, field="lead_unit", row=row)
    scope.check_unit(lead.id, "lead_unit")
    co = sorted({catalog.unit(u, assigned_on, field="co_units", row=row).id
                 for u in item.co_units} - {lead.id})
    inds = []
    for code in dict.fromkeys(item.indicators):
        inds.append(catalog.indicator_ids[catalog.indicator(code, field="indicators").code])
    target = None
    if item.target is not None:
        period = parse_period(item.target.period)
        ind = catalog.indicator(item.target.indicator, field="target.indicator")
        tunit = catalog.unit(item.target.unit, period.end, field="target.unit")
        ind_id = catalog.indicator_ids[ind.code]
        if not indicator_scope.allows(ind_id, tunit.id):
            raise ValidationError("Chỉ tiêu ngoài phạm vi / The target is outside your scope", [
                FieldError(field="target", value=f"{ind.code}/{tunit.code}/{period.id}",
                           message="link a target within your units and indicators")])
        target = (ind_id, tunit.id, period.id)
        if ind_id not in inds:
            inds.append(ind_id)
    deadline, working = item.deadline, None
    if item.within_days is not None and item.deadline is not None:
        raise ValidationError("Hạn ghi hai lần / The deadline is given twice", [FieldError(
            field="within_days", value=str(item.within_days),
            message="give either a deadline (a date) or within_days, not both")])
    if item.within_days is not None:
        if directive.working_days:
            working = item.within_days
        else:
            deadline = assigned_on + timedelta(days=item.within_days)
    task = Task.assign(id="new", title=" ".join(item.title.split()), unit=str(lead.id),
                       directive=str(directive.id), assigned_on=assigned_on,
                       deadline=deadline, within_working_days=working, calendar=calendar,
                       target=None if target is None else "linked")
    return item, directive, task, co, inds, target


def get_task(*, session: Session, warehouse: Warehouse, principal: Principal, task_id: int,
             calendar: WorkingCalendar, on: date | None = None, lang: str = "vi") -> TaskDetail:
    """One task with its history, files, and what the viewer may do with it."""
    require_reader(principal)
    day = on or today_in_vietnam()
    with session.begin():
        catalog = load_catalog(session)
        scope = TaskScope(catalog, principal)
        stored = find_task(session, scope, task_id)
        files = [(a, blob) for a, blob in session.execute(
            select(TaskAttachmentRow, AttachmentBlobRow.media_type)
            .join(AttachmentBlobRow, AttachmentBlobRow.sha256 == TaskAttachmentRow.sha256)
            .where(TaskAttachmentRow.task_id == task_id).order_by(TaskAttachmentRow.id))]
        sizes = {sha: int(size) for sha, size in session.execute(
            select(AttachmentBlobRow.sha256, AttachmentBlobRow.size).where(
                AttachmentBlobRow.sha256.in_({a.sha256 for a, _ in files})))}
    when = max(day, stored.row.assigned_on)
    public = evaluate(session=session, warehouse=warehouse, catalog=catalog, tasks=[stored],
                      on=when, calendar=calendar, lang=lang)[0]
    return TaskDetail(**public.model_dump(), events=[event_public(e, lang)
                                                     for e in stored.events],
                      attachments=[AttachmentPublic(
                          id=a.id, file_name=a.file_name, media_type=media, size=sizes[a.sha256],
                          sha256=a.sha256, event_seq=a.event_seq, uploaded_by=a.uploaded_by,
                          at=a.at) for a, media in files],
                      may_update=scope.may_update(stored), may_assign=scope.may_assign(stored))


def event_public(e: TaskEventRow, lang: str) -> TaskEventPublic:
    kind = EventKind(e.kind)
    return TaskEventPublic(seq=e.seq, kind=kind, kind_label=kind.label(lang), on=e.day,
                           percent=e.percent, new_deadline=e.new_deadline, document=e.document,
                           reason=e.reason, note=e.note, actor=e.actor, at=e.at)


def stored_task(session: Session, principal: Principal, task_id: int) -> StoredTask:
    """The stored task (inside the caller's transaction), if the principal sees it."""
    return find_task(session, TaskScope(load_catalog(session), principal), task_id)
