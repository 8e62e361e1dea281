"""The staff inbox of field reports: a body's reports, overdue first, and each report's
page with the workflow's next steps, duplicate suggestions and moderation.

An officer sees and handles only the reports of the bodies in their scope; the services
refuse the rest, and these pages show the refusal.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from fansipan.domain.service_request_states import Action
from fansipan.errors import FansipanError, FieldError
from fansipan.http.deps import SessionDep
from fansipan.services.citizens.bodies import body_choices
from fansipan.services.citizens.categories import list_categories
from fansipan.services.citizens.reports import (
    InboxQuery,
    StateFilter,
    duplicate_suggestions,
    get_staff_report,
    list_reports,
)
from fansipan.services.citizens.workflow import (
    ModerationWrite,
    StepWrite,
    moderate_report,
    take_step,
)
from fansipan.web.deps import Lang, Mark, Viewer, page_router
from fansipan.web.i18n import translate
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
Text = Annotated[str | None, Query(max_length=100)]
RequestId = Annotated[str, Path(min_length=1, max_length=24)]
STEP_FIELDS = ("public_note", "internal_note", "agency", "reason", "duplicate_of",
               "referred_to")


def _query(state: StateFilter, agency: str | None, service: str | None,
           q: str | None) -> InboxQuery:
    return InboxQuery(states=state, agency=agency or None, service_code=service or None,
                      text=q or None, limit=200)


@router.get("/inbox")
def inbox_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
               state: StateFilter = StateFilter.OPEN, agency: Text = None,
               service: Text = None, q: Text = None) -> Response:
    inbox = list_reports(session=session, principal=viewer,
                         query=_query(state, agency, service, q))
    return render(request, "inbox.html", title=translate("ib_title", lang), inbox=inbox,
                  state=state.value, agency=agency or "", service=service or "", q=q or "",
                  categories=list_categories(session=session))


@router.get("/inbox.{fmt}")
def inbox_table(fmt: str, session: SessionDep, mark: Mark, viewer: Viewer, lang: Lang,
                state: StateFilter = StateFilter.OPEN, agency: Text = None,
                service: Text = None, q: Text = None) -> Response:
    form = check_format(fmt)
    inbox = list_reports(session=session, principal=viewer,
                         query=_query(state, agency, service, q))
    t = partial(translate, lang=lang)
    table = Table(name="hop-thu-phan-anh", title=t("ib_title"),
                  keys=["request_id", "service_name", "commune", "agency", "state", "overdue",
                        "requested_at", "expected_at"],
                  labels=[t("fb_number"), t("fb_category"), t("fb_commune"), t("fb_agency"),
                          t("fb_status"), t("fb_overdue"), t("fb_received"), t("fb_deadline")])
    for item in inbox.items:
        r = item.report
        table.rows.append([r.request_id, r.service_name_en if lang == "en" else r.service_name_vi,
                           r.commune_name or "", item.counted_at_name or item.counted_at,
                           r.state_en if lang == "en" else r.state_vi, r.overdue,
                           r.requested_at, r.expected_at])
    return download(table, form, mark=mark, lang=lang)


def _report_page(request: Request, session: SessionDep, viewer: Viewer, lang: str,
                 request_id: str, *, status: int = 200, message: str = "",
                 errors: list[FieldError] | None = None,
                 typed: dict[str, str] | None = None) -> Response:
    report = get_staff_report(session=session, principal=viewer, request_id=request_id)
    suggestions = (duplicate_suggestions(session=session, principal=viewer,
                                         request_id=request_id)
                   if report.may_handle and report.public.status == "open" else [])
    actions = [Action(a) for a in report.allowed_actions]
    return render(request, "inbox_report.html", status=status,
                  title=f"{report.public.request_id} — {translate('ib_title', lang)}",
                  report=report, suggestions=suggestions, actions=actions,
                  bodies=body_choices(session=session, on=date.today()), message=message,
                  errors=errors or [], typed=typed or {})


@router.get("/inbox/{request_id}")
def inbox_report(request_id: RequestId, request: Request, session: SessionDep,
                 viewer: Viewer, lang: Lang) -> Response:
    return _report_page(request, session, viewer, lang, request_id)


@router.post("/inbox/{request_id}")
async def inbox_step(request_id: RequestId, request: Request, session: SessionDep,
                     viewer: Viewer, lang: Lang) -> Response:
    async with request.form(max_fields=20) as form:
        fields = {k: v.strip() for k, v in form.items() if isinstance(v, str)}

    def work() -> Response:
        raw = fields.get("action", "")
        try:
            action = Action(raw)
        except ValueError:
            return _report_page(request, session, viewer, lang, request_id, status=422,
                                errors=[FieldError(field="action", value=raw[:40],
                                                   message=translate("ib_pick_step", lang))],
                                typed=fields)
        # A field of another step left filled in on the page is not sent with this one.
        wanted = (*_FIELDS_OF.get(action, ()), "public_note", "internal_note")
        given = {k: fields[k] for k in STEP_FIELDS if k in wanted and fields.get(k)}
        satisfied = {"yes": True, "no": False}.get(fields.get("satisfied", ""))
        try:
            take_step(session=session, principal=viewer, request_id=request_id,
                      data=StepWrite(action=action, satisfied=satisfied, **given))
        except FansipanError as exc:
            if exc.status in (401, 403, 404):
                raise
            return _report_page(request, session, viewer, lang, request_id,
                                status=exc.status, typed=fields,
                                errors=exc.errors or [FieldError(field="*",
                                                                 message=exc.message)])
        return _report_page(request, session, viewer, lang, request_id,
                            message=translate("ib_step_done", lang,
                                              step=action.label(lang)))

    return await run_in_threadpool(work)


_FIELDS_OF: dict[Action, tuple[str, ...]] = {
    Action.ASSIGN: ("agency",),
    Action.REJECT: ("reason",),
    Action.REOPEN: ("reason",),
    Action.MARK_DUPLICATE: ("duplicate_of",),
    Action.REFER_OUT: ("referred_to",),
}


@router.post("/inbox/{request_id}/moderation")
async def inbox_moderate(request_id: RequestId, request: Request, session: SessionDep,
                         viewer: Viewer, lang: Lang) -> Response:
    async with request.form(max_fields=10) as form:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}

    def work() -> Response:
        moderate_report(session=session, principal=viewer, request_id=request_id,
                        data=ModerationWrite(
                            public_description=fields.get("public_description", "")[:4000]
                            or None, photos_hidden=fields.get("photos_hidden") == "on"))
        return _report_page(request, session, viewer, lang, request_id,
                            message=translate("ib_moderated", lang))

    return await run_in_threadpool(work)
