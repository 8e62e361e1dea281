"""Field reports as people see them: the public (no personal data), and staff.

The public shape is built from the domain's public view, after moderation: the
description an officer wrote in its place, if any, and no photos when they are hidden.
Phone numbers and e-mail addresses are masked in every public text. Staff of the body
responsible see everything, the reporter's contact included; other readers with the
report in their scope (leaders) see the staff view without the reporter.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from pydantic import BaseModel

from fansipan.domain.access import Permission, Principal
from fansipan.domain.local_time import VIETNAM, local_date
from fansipan.domain.report_categories import Category
from fansipan.domain.service_request_states import RequestState, allowed_actions
from fansipan.domain.service_request_views import public_view
from fansipan.domain.service_requests import ServiceRequest
from fansipan.services.catalog import Catalog
from fansipan.services.citizens.bodies import body_name, body_name_en, reach_of
from fansipan.services.citizens.report_store import StoredReport
from fansipan.services.stamps import UtcDateTime


class PublicStep(BaseModel):
    action: str
    action_vi: str
    action_en: str
    at: UtcDateTime
    state: str
    state_vi: str
    state_en: str
    note: str | None


class PublicReport(BaseModel):
    """A report as anyone may see it: never a person's name, contact or an officer."""

    request_id: str
    service_code: str
    service_name_vi: str
    service_name_en: str
    status: str  # Open311's open | closed
    state: str
    state_vi: str
    state_en: str
    status_notes: str | None
    agency: str | None
    agency_name_vi: str | None
    agency_name_en: str | None
    commune: str | None
    commune_name: str | None
    duplicate_of: str | None
    description: str | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    lat: float | None
    long: float | None
    requested_at: UtcDateTime
    updated_at: UtcDateTime
    expected_at: UtcDateTime | None
    overdue: bool
    media: list[str]
    history: list[PublicStep]


def public_request(stored: StoredReport) -> ServiceRequest:
    """The report with moderation applied, ready for `public_view`."""
    row, request = stored.row, stored.request
    media = request.media_urls
    if row.photos_hidden:
        media = ()
    description = row.public_description or request.description
    return replace(request, description=description, media_urls=media)


def is_overdue(state: RequestState, expected_at: datetime | None, at: datetime) -> bool:
    return state.is_open and expected_at is not None and at > expected_at


def public_report(catalog: Catalog, stored: StoredReport, category: Category | None,
                  at: datetime) -> PublicReport:
    view = public_view(public_request(stored))
    day = local_date(view.requested_at)
    commune = view.unit_code
    return PublicReport(
        request_id=view.request_id, service_code=view.service_code,
        service_name_vi=category.name_vi if category else view.service_code,
        service_name_en=category.name_en if category else view.service_code,
        status=view.status, state=view.state.value, state_vi=view.state.label("vi"),
        state_en=view.state.label("en"), status_notes=view.status_notes,
        agency=view.agency, agency_name_vi=body_name(catalog, view.agency, day),
        agency_name_en=body_name_en(catalog, view.agency, day), commune=commune,
        commune_name=body_name(catalog, commune, day), duplicate_of=view.duplicate_of,
        description=view.description, address=view.address, address_id=view.address_id,
        zipcode=view.zipcode, lat=view.lat, long=view.long, requested_at=view.requested_at,
        updated_at=view.updated_at, expected_at=view.expected_at,
        overdue=is_overdue(view.state, view.expected_at, at), media=list(view.media_urls),
        history=[PublicStep(action=e.action.value, action_vi=e.action.label("vi"),
                            action_en=e.action.label("en"), at=e.at, state=e.state.value,
                            state_vi=e.state.label("vi"), state_en=e.state.label("en"),
                            note=e.note) for e in view.history])


# --------------------------------------------------------------------------- staff


class StaffStep(BaseModel):
    seq: int
    action: str
    action_vi: str
    action_en: str
    at: UtcDateTime
    actor: str
    from_state: str | None
    to_state: str
    public_note: str | None
    internal_note: str | None
    agency: str | None
    agency_name: str | None = None
    agency_name_en: str | None = None
    reason: str | None
    duplicate_of: str | None
    referred_to: str | None
    satisfied: bool | None


class AnswerPublic(BaseModel):
    code: str
    question_vi: str
    question_en: str
    value: str


class ReporterPublic(BaseModel):
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    device_id: str | None
    account_id: str | None


class StaffReport(BaseModel):
    """A report as staff see it; `reporter` only for the body's officers."""

    public: PublicReport
    description: str | None  # as the citizen wrote it
    public_description: str | None
    photos: list[str]
    photos_hidden: bool
    counted_at: str
    counted_at_name: str | None
    channel: str
    submitted_by: str
    answers: list[AnswerPublic]
    reporter: ReporterPublic | None
    steps: list[StaffStep]
    allowed_actions: list[str]
    may_handle: bool
    token: str | None


def may_handle(catalog: Catalog, principal: Principal, body: str, day: date) -> bool:
    if not principal.can(Permission.HANDLE_REPORTS):
        return False
    return reach_of(catalog, principal).allows(body, day)


def staff_report(catalog: Catalog, principal: Principal, stored: StoredReport,
                 category: Category | None, at: datetime) -> StaffReport:
    row, request = stored.row, stored.request
    handler = may_handle(catalog, principal, row.counted_code,
                         local_date(request.requested_at))
    questions = {q.code: q for q in category.questions} if category else {}
    answers = []
    for a in request.answers:
        q = questions.get(a.code)
        answers.append(AnswerPublic(
            code=a.code, question_vi=q.description_vi if q else a.code,
            question_en=q.description_en if q else a.code, value=_answer_text(a.value, q)))
    who = request.reporter
    day = local_date(request.requested_at)
    return StaffReport(
        public=public_report(catalog, stored, category, at), description=request.description,
        public_description=row.public_description, photos=list(stored.photos),
        photos_hidden=row.photos_hidden, counted_at=row.counted_code,
        counted_at_name=body_name(catalog, row.counted_code, day), channel=row.channel,
        submitted_by=row.submitted_by, answers=answers,
        reporter=ReporterPublic(first_name=who.first_name, last_name=who.last_name,
                                email=who.email, phone=who.phone, device_id=who.device_id,
                                account_id=who.account_id) if handler else None,
        steps=[StaffStep(seq=e.seq, action=e.action.value, action_vi=e.action.label("vi"),
                         action_en=e.action.label("en"), at=e.at, actor=e.actor,
                         from_state=e.from_state.value if e.from_state else None,
                         to_state=e.to_state.value, public_note=e.public_note,
                         internal_note=e.internal_note, agency=e.agency,
                         agency_name=body_name(catalog, e.agency, local_date(e.at)),
                         agency_name_en=body_name_en(catalog, e.agency, local_date(e.at)),
                         reason=e.reason,
                         duplicate_of=e.duplicate_of, referred_to=e.referred_to,
                         satisfied=e.satisfied) for e in request.events],
        allowed_actions=[a.value for a in allowed_actions(request.state)] if handler else [],
        may_handle=handler, token=row.token)


def _answer_text(value: object, question: object) -> str:
    choices = {c.key: c for c in getattr(question, "choices", ())}
    if isinstance(value, tuple):
        return ", ".join(choices[v].name_vi if v in choices else str(v) for v in value)
    if isinstance(value, datetime):
        return value.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    text = str(value)
    return choices[text].name_vi if text in choices else text

