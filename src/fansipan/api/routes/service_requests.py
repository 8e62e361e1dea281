"""Field reports for staff: `/api/v1/service-requests` (the inbox of one's bodies, a
report with its full history, workflow steps, duplicate suggestions, moderation) and
`/api/v1/service-categories` (the categories and their routing table).

Public reading is Open311's (`/open311/v2`); these routes show what only staff may see
(the reporter's contact, internal notes, who did each step), to the bodies responsible.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from fansipan.http.deps import SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.citizens.categories import (
    CategoryPublic,
    CategoryWrite,
    category_public,
    list_categories,
    save_category,
)
from fansipan.services.citizens.report_views import PublicReport, StaffReport
from fansipan.services.citizens.reports import (
    Inbox,
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

router = APIRouter(tags=["field reports"])
RequestId = Annotated[str, Path(min_length=1, max_length=24, examples=["PA-2026-000123"])]
Text = Annotated[str | None, Query(max_length=100)]


@router.get("/service-requests")
def service_requests_index(
    session: SessionDep, principal: PrincipalDep,
    state: StateFilter = StateFilter.OPEN, agency: Text = None, service_code: Text = None,
    commune: Text = None, q: Text = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Inbox:
    """The reports of your bodies: overdue first, then open by deadline, then the rest."""
    return list_reports(session=session, principal=principal, query=InboxQuery(
        states=state, agency=agency, service_code=service_code, commune=commune, text=q,
        limit=limit, offset=offset))


@router.get("/service-requests/{request_id}")
def service_request_show(request_id: RequestId, session: SessionDep,
                         principal: PrincipalDep) -> StaffReport:
    """One report of your bodies with every step; the reporter's contact for its handlers."""
    return get_staff_report(session=session, principal=principal, request_id=request_id)


@router.post("/service-requests/{request_id}/steps")
async def service_request_step(request_id: RequestId, session: SessionDep,
                               principal: PrincipalDep, data: StepWrite) -> StaffReport:
    """Take a step: triage, assign (to another body too), start, resolve, reject (with a
    reason), mark_duplicate (of the original), refer_out, close, reopen, comment, rate."""

    def work() -> StaffReport:
        take_step(session=session, principal=principal, request_id=request_id, data=data)
        return get_staff_report(session=session, principal=principal, request_id=request_id)

    return await run_in_threadpool(work)


class DuplicatePublic(BaseModel):
    distance_m: float
    hours_apart: float
    report: PublicReport


@router.get("/service-requests/{request_id}/duplicates")
def service_request_duplicates(request_id: RequestId, session: SessionDep,
                               principal: PrincipalDep) -> list[DuplicatePublic]:
    """Open reports of the same category within 200 m and 72 hours, nearest first."""
    found = duplicate_suggestions(session=session, principal=principal, request_id=request_id)
    return [DuplicatePublic(distance_m=round(s.distance_m, 1),
                            hours_apart=round(s.hours_apart, 2), report=r) for s, r in found]


@router.put("/service-requests/{request_id}/moderation")
def service_request_moderate(request_id: RequestId, session: SessionDep,
                             principal: PrincipalDep, data: ModerationWrite) -> StaffReport:
    """What the public sees: a description in place of the citizen's, photos hidden."""
    moderate_report(session=session, principal=principal, request_id=request_id, data=data)
    return get_staff_report(session=session, principal=principal, request_id=request_id)


@router.get("/service-categories")
def service_categories_index(session: SessionDep,
                             include_inactive: bool = False) -> list[CategoryPublic]:
    """The report categories, their bodies, deadlines and routing exceptions."""
    return [category_public(c) for c in list_categories(session=session,
                                                        active_only=not include_inactive)]


@router.put("/service-categories/{code}")
def service_category_put(code: Annotated[str, Path(min_length=1, max_length=40)],
                         session: SessionDep, principal: PrincipalDep,
                         data: CategoryWrite) -> CategoryPublic:
    """Create or replace a category and its routing table (administrators)."""
    return save_category(session=session, principal=principal, code=code, data=data)
