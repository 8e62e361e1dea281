"""Directives (Văn bản chỉ đạo): record one, see its tasks, assign a task to it, or a
whole task list from the XLSX template."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Permission
from fansipan.errors import FansipanError, FieldError
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.http.disposition import attachment
from fansipan.http.uploads import spool
from fansipan.services.direction.calendars import working_calendar
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.directives import (
    create_directive,
    get_directive,
    list_directives,
)
from fansipan.services.direction.shapes import DirectiveCreate, TaskCreate
from fansipan.services.direction.task_import import import_tasks, task_template, template_name
from fansipan.services.direction.task_views import TaskQuery, list_tasks
from fansipan.services.direction.tasks import create_tasks
from fansipan.services.trust.access import require
from fansipan.web.days import read_day
from fansipan.web.deps import Lang, Viewer, WarehouseDep, page_router
from fansipan.web.i18n import translate
from fansipan.web.pages import render

router = page_router()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/directives")
def directives_page(request: Request, session: SessionDep, viewer: Viewer,
                    lang: Lang) -> Response:
    return render(request, "directives.html", title=translate("directives", lang),
                  directives=list_directives(session=session, principal=viewer))


@router.get("/directives/new")
def directive_new(request: Request, viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.ASSIGN_TASKS)
    return render(request, "directive_new.html", title=translate("directive_new", lang),
                  form={}, errors=[])


@router.post("/directives")
def directive_create(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                     number: Annotated[str, Form(max_length=60)],
                     issued_on: Annotated[str, Form(max_length=10)],
                     issuer: Annotated[str, Form(max_length=200)],
                     excerpt: Annotated[str, Form(max_length=2000)],
                     issuer_unit: Annotated[str, Form(max_length=40)] = "",
                     working_days: Annotated[str, Form(max_length=5)] = "") -> Response:
    require(viewer, Permission.ASSIGN_TASKS)
    form = {"number": number, "issued_on": issued_on, "issuer": issuer, "excerpt": excerpt,
            "issuer_unit": issuer_unit, "working_days": working_days}
    try:
        day = read_day(issued_on, "issued_on")
        data = DirectiveCreate.model_validate({
            "number": number, "issued_on": day, "issuer": issuer, "excerpt": excerpt,
            "issuer_unit": issuer_unit.strip() or None, "working_days": bool(working_days)})
        made = create_directive(session=session, principal=viewer, data=data)
    except FansipanError as exc:
        if exc.status in (401, 403):
            raise
        return render(request, "directive_new.html", status=exc.status,
                      title=translate("directive_new", lang), form=form,
                      errors=exc.errors or [FieldError(field="directive", message=exc.message)])
    except ValueError as exc:  # the schema's refusal (pydantic), field by field
        errors = [FieldError(field=".".join(str(p) for p in e["loc"]), message=e["msg"])
                  for e in getattr(exc, "errors", lambda: [])()]
        return render(request, "directive_new.html", status=422,
                      title=translate("directive_new", lang), form=form,
                      errors=errors or [FieldError(field="form", message=str(exc))])
    return RedirectResponse(f"/directives/{made.id}?saved=directive", status_code=303)


def _page(request: Request, session: SessionDep, settings: SettingsDep,
          warehouse: WarehouseDep, viewer: Viewer, lang: str, directive_id: int, *,
          status: int = 200, message: str = "", errors: list[FieldError] | None = None,
          form: dict[str, str] | None = None) -> Response:
    directive = get_directive(session=session, principal=viewer, directive_id=directive_id)
    tasks = list_tasks(session=session, warehouse=warehouse, principal=viewer,
                       query=TaskQuery(directive=directive_id, lang=lang),
                       calendar=working_calendar(settings))
    return render(request, "directive.html", status=status,
                  title=f"{directive.number} — {directive.excerpt}", directive=directive,
                  tasks=tasks, message=message, errors=errors or [], form=form or {},
                  can_assign=viewer.can(Permission.ASSIGN_TASKS), today=today_in_vietnam())


@router.get("/directives/{directive_id}")
def directive_page(request: Request, session: SessionDep, settings: SettingsDep,
                   warehouse: WarehouseDep, viewer: Viewer, lang: Lang, directive_id: int,
                   saved: str | None = None) -> Response:
    message = translate("saved_directive", lang) if saved == "directive" else (
        translate("saved_tasks", lang) if saved == "tasks" else "")
    return _page(request, session, settings, warehouse, viewer, lang, directive_id,
                 message=message)


@router.post("/directives/{directive_id}/tasks")
def directive_task(request: Request, session: SessionDep, settings: SettingsDep,
                   warehouse: WarehouseDep, viewer: Viewer, lang: Lang, directive_id: int,
                   title: Annotated[str, Form(max_length=500)],
                   lead_unit: Annotated[str, Form(max_length=40)],
                   deadline: Annotated[str, Form(max_length=10)] = "",
                   within_days: Annotated[str, Form(max_length=5)] = "",
                   co_units: Annotated[str, Form(max_length=400)] = "",
                   description: Annotated[str, Form(max_length=5000)] = "") -> Response:
    require(viewer, Permission.ASSIGN_TASKS)
    form = {"title": title, "lead_unit": lead_unit, "deadline": deadline,
            "within_days": within_days, "co_units": co_units, "description": description}
    try:
        days = int(within_days) if within_days.strip() else None
        data = TaskCreate.model_validate({
            "directive": directive_id, "title": title, "lead_unit": lead_unit.strip(),
            "deadline": read_day(deadline, "deadline"), "within_days": days,
            "co_units": [u.strip() for u in co_units.split(",") if u.strip()],
            "description": description})
        create_tasks(session=session, principal=viewer, items=[data],
                     calendar=working_calendar(settings), source="web")
    except FansipanError as exc:
        if exc.status in (401, 403) and not exc.errors:
            raise
        return _page(request, session, settings, warehouse, viewer, lang, directive_id,
                     status=exc.status, form=form,
                     errors=exc.errors or [FieldError(field="task", message=exc.message)])
    except ValueError as exc:
        errors = [FieldError(field=".".join(str(p) for p in e["loc"]), message=e["msg"])
                  for e in getattr(exc, "errors", lambda: [])()]
        return _page(request, session, settings, warehouse, viewer, lang, directive_id,
                     status=422, form=form,
                     errors=errors or [FieldError(field="within_days", message=str(exc))])
    return RedirectResponse(f"/directives/{directive_id}?saved=tasks", status_code=303)


@router.get("/directives/{directive_id}/template.xlsx")
def directive_template(session: SessionDep, viewer: Viewer, directive_id: int) -> Response:
    body = task_template(session=session, principal=viewer, directive_id=directive_id)
    return Response(body, media_type=XLSX, headers={"Content-Disposition": attachment(
        template_name(directive_id, today_in_vietnam()))})


@router.post("/directives/{directive_id}/tasks.xlsx")
async def directive_import(request: Request, session: SessionDep, settings: SettingsDep,
                           warehouse: WarehouseDep, viewer: Viewer, lang: Lang,
                           directive_id: int) -> Response:
    require(viewer, Permission.ASSIGN_TASKS)  # before reading a byte of the upload
    spooled = await spool(request, settings)
    try:
        data = spooled.path.read_bytes()
    finally:
        spooled.path.unlink(missing_ok=True)

    def work() -> Response:
        try:
            import_tasks(session=session, principal=viewer, directive_id=directive_id,
                         data=data, calendar=working_calendar(settings))
        except FansipanError as exc:
            if exc.status in (401, 403) and not exc.errors:
                raise
            return _page(request, session, settings, warehouse, viewer, lang, directive_id,
                         status=exc.status,
                         errors=exc.errors or [FieldError(field="file", message=exc.message)])
        return RedirectResponse(f"/directives/{directive_id}?saved=tasks", status_code=303)

    return await run_in_threadpool(work)
