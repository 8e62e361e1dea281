"""Directives and key tasks: `/api/v1/directives`, `/api/v1/tasks`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Permission
from fansipan.domain.tasks import TaskStatus
from fansipan.errors import FieldError, ValidationError
from fansipan.http.deps import SessionDep, SettingsDep, WarehouseDep
from fansipan.http.disposition import attachment
from fansipan.http.principals import PrincipalDep
from fansipan.http.uploads import spool
from fansipan.services.direction.attachments import MAX_ATTACHMENT, attach_file, read_attachment
from fansipan.services.direction.calendars import working_calendar
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.directives import (
    create_directive,
    get_directive,
    list_directives,
)
from fansipan.services.direction.shapes import (
    AttachmentPublic,
    DirectiveCreate,
    DirectivePublic,
    TaskCreate,
    TaskDetail,
    TaskEventCreate,
    TaskEventPublic,
    TaskPublic,
)
from fansipan.services.direction.task_events import record_event
from fansipan.services.direction.task_import import (
    ImportedTasks,
    import_tasks,
    task_template,
    template_name,
)
from fansipan.services.direction.task_rates import CompletionRates, completion_rates
from fansipan.services.direction.task_views import TaskQuery, list_tasks
from fansipan.services.direction.tasks import create_tasks, get_task
from fansipan.services.trust.access import require

directives = APIRouter(prefix="/directives", tags=["direction"])
tasks = APIRouter(prefix="/tasks", tags=["direction"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Year = Annotated[int | None, Query(ge=1990, le=2100)]
Lang = Annotated[Literal["vi", "en"], Query()]
UPLOAD_DOC: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
}}}


@directives.get("")
def directives_index(session: SessionDep, principal: PrincipalDep,
                     year: Year = None) -> list[DirectivePublic]:
    """Directives with tasks you see, and those you may assign from; newest first."""
    return list_directives(session=session, principal=principal, year=year)


@directives.post("", status_code=201)
def directive_create(session: SessionDep, principal: PrincipalDep,
                     data: DirectiveCreate) -> DirectivePublic:
    """Record a directive (leaders; audited). Then assign its tasks."""
    return create_directive(session=session, principal=principal, data=data)


@directives.get("/{directive_id}")
def directive_show(session: SessionDep, principal: PrincipalDep,
                   directive_id: Id) -> DirectivePublic:
    return get_directive(session=session, principal=principal, directive_id=directive_id)


@directives.get("/{directive_id}/template.xlsx", response_class=Response,
                responses={200: {"content": {XLSX: {}}, "description": "The task list template"}})
def directive_template(session: SessionDep, principal: PrincipalDep,
                       directive_id: Id) -> Response:
    """The XLSX to fill in with the directive's tasks; send it back to `…/tasks.xlsx`."""
    content = task_template(session=session, principal=principal, directive_id=directive_id)
    return Response(content, media_type=XLSX, headers={"Content-Disposition": attachment(
        template_name(directive_id, today_in_vietnam()))})


@directives.post("/{directive_id}/tasks.xlsx", status_code=201, openapi_extra=UPLOAD_DOC)
async def directive_import(request: Request, session: SessionDep, settings: SettingsDep,
                           principal: PrincipalDep, directive_id: Id) -> ImportedTasks:
    """Assign the tasks of a filled-in template: all or nothing, every problem by its row."""
    require(principal, Permission.ASSIGN_TASKS)  # before reading the body
    spooled = await spool(request, settings)
    try:
        if spooled.size > MAX_ATTACHMENT:
            raise ValidationError("Tệp quá lớn / The file is too large", [FieldError(
                field="file", message=f"send at most {MAX_ATTACHMENT // 2**20} MiB")])
        data = spooled.path.read_bytes()
    finally:
        spooled.path.unlink(missing_ok=True)
    return await run_in_threadpool(import_tasks, session=session, principal=principal,
                                   directive_id=directive_id, data=data,
                                   calendar=working_calendar(settings))


def _query(directive: int | None, unit: str | None, year: int | None,
           status: list[TaskStatus] | None, on: date | None, lang: str) -> TaskQuery:
    return TaskQuery(directive=directive, unit=unit, year=year, status=tuple(status or ()),
                     on=on, lang=lang)


@tasks.get("")
def tasks_index(session: SessionDep, settings: SettingsDep, warehouse: WarehouseDep,
                principal: PrincipalDep, directive: Annotated[int | None, Query(ge=1)] = None,
                unit: Annotated[str | None, Query(max_length=40)] = None, year: Year = None,
                status: Annotated[list[TaskStatus] | None, Query()] = None,
                on: date | None = None, lang: Lang = "vi") -> list[TaskPublic]:
    """The tasks you see, overdue first; `unit` includes the units below it; `on` is the
    day they are judged on (default today)."""
    return list_tasks(session=session, warehouse=warehouse, principal=principal,
                      query=_query(directive, unit, year, status, on, lang),
                      calendar=working_calendar(settings))


@tasks.post("", status_code=201)
def task_create(session: SessionDep, settings: SettingsDep, warehouse: WarehouseDep,
                principal: PrincipalDep, data: TaskCreate, lang: Lang = "vi") -> TaskDetail:
    """Assign a task (leaders, for units within theirs; audited)."""
    calendar = working_calendar(settings)
    task_id = create_tasks(session=session, principal=principal, items=[data],
                           calendar=calendar)[0]
    return get_task(session=session, warehouse=warehouse, principal=principal,
                    task_id=task_id, calendar=calendar, lang=lang)


@tasks.get("/rates")
def tasks_rates(session: SessionDep, settings: SettingsDep, warehouse: WarehouseDep,
                principal: PrincipalDep, by: Literal["unit", "directive", "year"] = "unit",
                directive: Annotated[int | None, Query(ge=1)] = None,
                unit: Annotated[str | None, Query(max_length=40)] = None, year: Year = None,
                on: date | None = None, lang: Lang = "vi") -> CompletionRates:
    """Completion rates: completed ÷ fallen due, on time and late apart."""
    return completion_rates(session=session, warehouse=warehouse, principal=principal,
                            query=_query(directive, unit, year, None, on, lang), by=by,
                            calendar=working_calendar(settings))


@tasks.get("/{task_id}")
def task_show(session: SessionDep, settings: SettingsDep, warehouse: WarehouseDep,
              principal: PrincipalDep, task_id: Id, on: date | None = None,
              lang: Lang = "vi") -> TaskDetail:
    """A task with its history and files, and what you may do with it."""
    return get_task(session=session, warehouse=warehouse, principal=principal,
                    task_id=task_id, calendar=working_calendar(settings), on=on, lang=lang)


@tasks.post("/{task_id}/events", status_code=201)
def task_event(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
               task_id: Id, data: TaskEventCreate, lang: Lang = "vi") -> TaskEventPublic:
    """Progress, a comment, completion (the lead unit's officers); an extension with its
    document, a cancellation or a reopening with its reason (the leaders over it)."""
    return record_event(session=session, principal=principal, task_id=task_id, data=data,
                        calendar=working_calendar(settings), lang=lang)


@tasks.post("/{task_id}/attachments", status_code=201, openapi_extra=UPLOAD_DOC)
async def task_attach(request: Request, session: SessionDep, settings: SettingsDep,
                      principal: PrincipalDep, task_id: Id,
                      file_name: Annotated[str | None, Query(max_length=200)] = None,
                      event: Annotated[int | None, Query(ge=1)] = None) -> AttachmentPublic:
    """Attach a PDF, image, Word or Excel file (no macros), up to 20 MiB."""
    if not (principal.can(Permission.UPDATE_TASKS) or principal.can(Permission.ASSIGN_TASKS)):
        require(principal, Permission.UPDATE_TASKS)  # refused before the body is read
    spooled = await spool(request, settings, file_name)
    try:
        return await run_in_threadpool(attach_file, session=session, principal=principal,
                                       task_id=task_id, path=spooled.path,
                                       file_name=spooled.file_name, event_seq=event)
    finally:
        spooled.path.unlink(missing_ok=True)


@tasks.get("/{task_id}/attachments/{attachment_id}", response_class=Response,
           responses={200: {"content": {"application/octet-stream": {}},
                            "description": "The file as it was attached"}})
def task_file(session: SessionDep, principal: PrincipalDep, task_id: Id,
              attachment_id: Id) -> Response:
    name, media, data = read_attachment(session=session, principal=principal,
                                        task_id=task_id, attachment_id=attachment_id)
    return Response(data, media_type=media, headers={"Content-Disposition": attachment(name)})
