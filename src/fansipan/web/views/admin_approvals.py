"""Approvals (phê duyệt) for approvers: what awaits approval, unit by unit and period by
period; approve and lock, or reopen with a reason.

The list is the approval states of the reader's units (`list_approvals`, the change
feed's permission); approving and reopening are `change_state`, which checks the role,
the unit's scope and the state, and audits every step.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, TypedDict

from fastapi import Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Principal
from fansipan.errors import FansipanError, FieldError, msg
from fansipan.http.deps import SessionDep
from fansipan.locale import tr, tr_p
from fansipan.services.warehouse.approvals import (
    ApprovalNote,
    ApprovalPublic,
    ApprovalState,
    change_state,
    list_approvals,
)
from fansipan.web.deps import Lang, Mark, Viewer, page_router
from fansipan.web.labels import label
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
Period = Annotated[str, Query(max_length=40)]
STATES = ("submitted", "approved", "open", "all")
ACTIONS = ("approve", "reopen")


class _Shown(TypedDict):
    state: str
    period: str


def _state(text: str) -> ApprovalState | None:
    return ApprovalState(text) if text in ("submitted", "approved", "open") else None


def _rows(session: SessionDep, viewer: Principal, state: str,
          period: str) -> list[ApprovalPublic]:
    rows = list_approvals(session=session, principal=viewer, state=_state(state),
                          period=period or None)
    return sorted(rows, key=lambda a: (a.period, a.unit), reverse=True)


def _page(request: Request, session: SessionDep, viewer: Principal, lang: str, *,
          state: str = "submitted", period: str = "", status: int = 200, message: str = "",
          errors: list[FieldError] | None = None) -> Response:
    return render(request, "admin_approvals.html", status=status, title=tr(lang, "Approvals"),
                  approvals=_rows(session, viewer, state, period), state=state,
                  period=period, states=STATES, message=message, errors=errors or [])


@router.get("/admin/approvals")
def approvals_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                   state: Annotated[str, Query(max_length=10)] = "submitted",
                   period: Period = "") -> Response:
    return _page(request, session, viewer, lang, state=state if state in STATES else "all",
                 period=period)


@router.get("/admin/approvals.{fmt}")
def approvals_table(fmt: str, session: SessionDep, viewer: Viewer, lang: Lang, mark: Mark,
                    state: Annotated[str, Query(max_length=10)] = "all",
                    period: Period = "") -> Response:
    form = check_format(fmt)
    _t = partial(tr, lang)
    table = Table(name="phe-duyet", title=_t("Approvals"),
                  keys=["unit", "unit_name", "period", "state", "submitted_by", "submitted_at",
                        "decided_by", "decided_at", "comment"],
                  labels=[_t("Unit code"), _t("Unit"), _t("Period"),
                          tr_p(lang, "approval", "State"), _t("Submitted by"), _t("Submitted"),
                          _t("Decided by"), _t("Decided"), _t("Comment")])
    for a in _rows(session, viewer, state, period):
        table.rows.append([a.unit, a.unit_name, a.period, label("approval", a.state.value, lang),
                           a.submitted_by, a.submitted_at, a.decided_by, a.decided_at,
                           a.comment])
    return download(table, form, mark=mark, lang=lang)


@router.post("/admin/approvals")
async def approvals_step(request: Request, session: SessionDep, viewer: Viewer,
                         lang: Lang) -> Response:
    async with request.form(max_fields=10) as form:
        fields = {k: v.strip() for k, v in form.items() if isinstance(v, str)}

    def work() -> Response:
        action, unit, period = (fields.get(k, "")[:40] for k in ("action", "unit", "period"))
        state = fields.get("state", "submitted")
        shown = _Shown(state=state if state in STATES else "all",
                       period=fields.get("shown", "")[:40])
        if action not in ACTIONS:
            return _page(request, session, viewer, lang, status=422, **shown, errors=[
                FieldError(field="action", value=action, message=msg(
                    "choose one of the buttons"))])
        try:
            done = change_state(session=session, principal=viewer, unit=unit, period=period,
                                action=action, note=ApprovalNote(
                                    comment=fields.get("comment", "")[:2000]))
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            return _page(request, session, viewer, lang, status=exc.status, **shown,
                         errors=exc.errors or [FieldError(field="period",
                                                          message=exc.message)])
        said = (msg("Approved and locked {unit} {period}.", unit=done.unit_name,
                    period=done.period) if action == "approve" else
                msg("Reopened {unit} {period}; its data can be changed again.",
                    unit=done.unit_name, period=done.period))
        return _page(request, session, viewer, lang, **shown, message=said)

    return await run_in_threadpool(work)
