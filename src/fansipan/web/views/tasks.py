"""Key tasks (Nhiệm vụ): the list, the board and the per-unit view, overdue first; one
task's page with its history and the forms to report on it or decide on it."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Permission
from fansipan.domain.tasks import TaskStatus
from fansipan.errors import FansipanError, FieldError, ValidationError
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.http.uploads import spool
from fansipan.services.direction.attachments import attach_file
from fansipan.services.direction.calendars import working_calendar
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.directives import list_directives
from fansipan.services.direction.panel import tasks_panel
from fansipan.services.direction.shapes import EventKind, TaskEventCreate, TaskPublic
from fansipan.services.direction.task_events import record_event
from fansipan.services.direction.task_rates import group_rates
from fansipan.services.direction.task_views import TaskQuery, list_tasks
from fansipan.services.direction.tasks import get_task
from fansipan.services.trust.access import require
from fansipan.web.days import read_day
from fansipan.web.deps import Lang, Mark, Viewer, WarehouseDep, page_router
from fansipan.web.i18n import translate
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()

YearQuery = Query(default=None, ge=2000, le=2100, description="Year of assignment")
UnitQuery = Query(default=None, max_length=40, description="A unit code or uid")
VIEWS = ("list", "board", "units")
# The board's columns, left to right: what needs attention first.
BOARD = (
    ("overdue", (TaskStatus.IN_PROGRESS_OVERDUE, TaskStatus.NOT_STARTED_OVERDUE)),
    ("in_time", (TaskStatus.NOT_STARTED_ON_TIME, TaskStatus.IN_PROGRESS_ON_TIME)),
    ("done", (TaskStatus.DONE_LATE, TaskStatus.DONE_ON_TIME)),
    ("cancelled", (TaskStatus.CANCELLED,)),
)


def _tasks(session: SessionDep, settings: SettingsDep, warehouse: WarehouseDep,
           viewer: Viewer, lang: str, year: int | None, unit: str | None,
           directive: int | None, overdue: bool) -> list[TaskPublic]:
    found = list_tasks(session=session, warehouse=warehouse, principal=viewer,
                       query=TaskQuery(year=year, unit=unit or None, directive=directive,
                                       lang=lang), calendar=working_calendar(settings))
    return [t for t in found if t.overdue] if overdue else found


@router.get("/tasks")
def tasks_page(request: Request, session: SessionDep, settings: SettingsDep,
               warehouse: WarehouseDep, viewer: Viewer, lang: Lang,
               year: int | None = YearQuery, unit: str | None = UnitQuery,
               directive: int | None = Query(default=None, ge=1),
               view: str = Query(default="list", max_length=10),
               overdue: bool = False) -> Response:
    chosen = view if view in VIEWS else "list"
    today = today_in_vietnam()
    year = year or today.year
    tasks = _tasks(session, settings, warehouse, viewer, lang, year, unit, directive, overdue)
    total, by_unit = group_rates(tasks, "unit", lang)
    panel = tasks_panel(session=session, warehouse=warehouse, principal=viewer,
                        calendar=working_calendar(settings), year=year, unit=unit or None,
                        lang=lang, tasks=tasks)
    columns = [(key, [t for t in tasks if t.status in statuses]) for key, statuses in BOARD]
    groups: dict[str, list[TaskPublic]] = {}
    for t in tasks:
        groups.setdefault(t.lead_unit.name, []).append(t)
    query = f"?year={year}" + (f"&unit={unit}" if unit else "") + (
        f"&directive={directive}" if directive else "") + ("&overdue=true" if overdue else "")
    return render(request, "tasks.html", title=translate("tasks_title", lang, year=year),
                  tasks=tasks, view=chosen, year=year, unit=unit or "", directive=directive,
                  overdue=overdue, rate=total, by_unit=by_unit, columns=columns,
                  groups=groups, panel=panel, query=query,
                  directives=list_directives(session=session, principal=viewer),
                  years=list(range(today.year + 1, today.year - 6, -1)))


@router.get("/tasks.{fmt}")
def tasks_table(fmt: str, session: SessionDep, mark: Mark, settings: SettingsDep,
                warehouse: WarehouseDep,
                viewer: Viewer, lang: Lang, year: int | None = YearQuery,
                unit: str | None = UnitQuery, directive: int | None = Query(default=None, ge=1),
                overdue: bool = False) -> Response:
    year = year or today_in_vietnam().year
    tasks = _tasks(session, settings, warehouse, viewer, lang, year, unit, directive, overdue)
    t = partial(translate, lang=lang)
    table = Table(name=f"nhiem-vu-{year}", title=t("tasks"),
                  keys=["id", "title", "directive", "lead_unit", "co_units", "assigned_on",
                        "deadline", "status", "progress", "completed_on", "days_late"],
                  labels=[t("task_no"), t("task"), t("directive"), t("lead_unit"),
                          t("co_units"), t("assigned_on"), t("deadline"), t("task_status"),
                          t("progress"), t("completed_on"), t("days_late")])
    for task in tasks:
        table.rows.append([task.id, task.title, task.directive.number, task.lead_unit.name,
                           ", ".join(u.name for u in task.co_units), task.assigned_on,
                           task.deadline, task.status_label, task.progress, task.completed_on,
                           task.days_late])
    return download(table, check_format(fmt), mark=mark, lang=lang)


def _task_page(request: Request, session: SessionDep, settings: SettingsDep,
               warehouse: WarehouseDep, viewer: Viewer, lang: str, task_id: int, *,
               status: int = 200, message: str = "", errors: list[FieldError] | None = None,
               form: dict[str, str] | None = None) -> Response:
    task = get_task(session=session, warehouse=warehouse, principal=viewer, task_id=task_id,
                    calendar=working_calendar(settings), lang=lang)
    return render(request, "task.html", status=status, title=task.title, task=task,
                  message=message, errors=errors or [], form=form or {},
                  today=today_in_vietnam(), kinds=EventKind)


@router.get("/tasks/{task_id}")
def task_page(request: Request, session: SessionDep, settings: SettingsDep,
              warehouse: WarehouseDep, viewer: Viewer, lang: Lang, task_id: int,
              saved: str | None = Query(default=None, max_length=20)) -> Response:
    message = translate(f"saved_{saved}", lang) if saved in (
        "progress", "comment", "completion", "extension", "cancellation", "reopening",
        "file") else ""
    return _task_page(request, session, settings, warehouse, viewer, lang, task_id,
                      message=message)


@router.post("/tasks/{task_id}/events")
def task_event(request: Request, session: SessionDep, settings: SettingsDep,
               warehouse: WarehouseDep, viewer: Viewer, lang: Lang, task_id: int,
               kind: Annotated[str, Form(max_length=20)],
               on: Annotated[str, Form(max_length=10)] = "",
               percent: Annotated[str, Form(max_length=10)] = "",
               new_deadline: Annotated[str, Form(max_length=10)] = "",
               document: Annotated[str, Form(max_length=200)] = "",
               reason: Annotated[str, Form(max_length=2000)] = "",
               note: Annotated[str, Form(max_length=5000)] = "") -> Response:
    form = {"kind": kind, "on": on, "percent": percent, "new_deadline": new_deadline,
            "document": document, "reason": reason, "note": note}
    try:
        day, deadline = read_day(on, "on"), read_day(new_deadline, "new_deadline")
    except ValidationError as exc:
        return _task_page(request, session, settings, warehouse, viewer, lang, task_id,
                          status=422, form=form, errors=exc.errors)
    try:
        data = TaskEventCreate(
            kind=EventKind(kind), on=day,
            percent=float(percent.replace(",", ".")) if percent.strip() else None,
            new_deadline=deadline, document=document, reason=reason, note=note)
    except ValueError:
        return _task_page(request, session, settings, warehouse, viewer, lang, task_id,
                          status=422, form=form, errors=[FieldError(
                              field="form", message=translate("bad_event_form", lang))])
    try:
        record_event(session=session, principal=viewer, task_id=task_id, data=data,
                     calendar=working_calendar(settings), lang=lang)
    except FansipanError as exc:
        if exc.status in (401, 403, 404):
            raise
        return _task_page(request, session, settings, warehouse, viewer, lang, task_id,
                          status=exc.status, form=form,
                          errors=exc.errors or [FieldError(field=kind, message=exc.message)])
    return RedirectResponse(f"/tasks/{task_id}?saved={data.kind.value}", status_code=303)


@router.post("/tasks/{task_id}/attachments")
async def task_attach(request: Request, session: SessionDep, settings: SettingsDep,
                      warehouse: WarehouseDep, viewer: Viewer, lang: Lang,
                      task_id: int) -> Response:
    if not viewer.can(Permission.ASSIGN_TASKS):
        require(viewer, Permission.UPDATE_TASKS)  # before reading a byte of the upload
    spooled = await spool(request, settings)
    try:
        await run_in_threadpool(attach_file, session=session, principal=viewer,
                                task_id=task_id, path=spooled.path,
                                file_name=spooled.file_name)
    except FansipanError as exc:
        if exc.status in (401, 403, 404):
            raise
        return await run_in_threadpool(
            _task_page, request, session, settings, warehouse, viewer, lang, task_id,
            status=exc.status, errors=exc.errors or [FieldError(field="file",
                                                                message=exc.message)])
    finally:
        spooled.path.unlink(missing_ok=True)
    return RedirectResponse(f"/tasks/{task_id}?saved=file", status_code=303)
