"""What the public may see of a field report.

The public view keeps the problem (category, description, place, photos), where it
stands (status, label, deadline, the body responsible) and the public side of its
history. It leaves out everything about people: the reporter's names, e-mail, phone,
device and account ids, which officer did each step, and staff-only notes. The answers
to the category's questions stay out too (Open311 has no field for them, and a question
may ask for something private). The place is kept: it is the place of the problem, and
the citizen is told so on the form. Phone numbers and e-mail addresses typed into the
description or a public note are masked (`fansipan.domain.personal_data`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fansipan.domain.personal_data import mask_personal_data
from fansipan.domain.service_request_states import Action, RequestState
from fansipan.domain.service_requests import RequestEvent, ServiceRequest


@dataclass(frozen=True)
class PublicEvent:
    """A step as the public sees it: what happened, when, and the public words."""

    action: Action
    at: datetime
    state: RequestState
    note: str | None


@dataclass(frozen=True)
class PublicServiceRequest:
    request_id: str
    service_code: str
    state: RequestState
    #: Open311's `open` or `closed`.
    status: str
    status_notes: str | None
    agency: str | None
    duplicate_of: str | None
    description: str | None
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime | None
    address: str | None
    address_id: str | None
    zipcode: str | None
    unit_code: str | None
    lat: float | None
    long: float | None
    media_urls: tuple[str, ...]
    history: tuple[PublicEvent, ...]

    def status_label(self, lang: str = "vi") -> str:
        return self.state.label(lang)

    @property
    def extended_status(self) -> str:
        return self.state.extended_status


def public_note(event: RequestEvent) -> str | None:
    """The words the public reads for `event`: its public note, else what it implies.

    A rejection shows its reason, a duplicate the report it duplicates, a report that is
    another body's business the body named, a reopening its reason; staff-only notes
    never.
    """
    parts: list[str] = []
    if event.action is Action.MARK_DUPLICATE and event.duplicate_of:
        parts.append(f"Trùng với phản ánh {event.duplicate_of} / "
                     f"Duplicate of report {event.duplicate_of}")
    if event.action is Action.REFER_OUT and event.referred_to:
        parts.append(f"Thuộc thẩm quyền của: {event.referred_to} / "
                     f"The responsible body is: {event.referred_to}")
    if event.reason:
        parts.append(event.reason)
    if event.public_note:
        parts.append(event.public_note)
    return mask_personal_data("\n".join(parts)) or None


def public_view(request: ServiceRequest) -> PublicServiceRequest:
    """The public projection of `request` (see the module's description)."""
    progress = request.progress
    history = tuple(
        PublicEvent(action=e.action, at=e.at, state=e.to_state, note=public_note(e))
        for e in request.events
        if e.changes_state or e.action is Action.RECEIVE or public_note(e) is not None
    )
    # The status notes explain the current state: the public words since it was reached.
    last_change = max(i for i, e in enumerate(request.events)
                      if e.changes_state or e.action is Action.RECEIVE)
    notes = [n for e in request.events[last_change:] if (n := public_note(e))]
    location = request.location
    return PublicServiceRequest(
        request_id=request.request_id, service_code=request.service_code,
        state=progress.state, status=progress.state.open311_status,
        status_notes="\n".join(notes) or None, agency=progress.agency,
        duplicate_of=progress.duplicate_of, description=mask_personal_data(request.description),
        requested_at=request.requested_at, updated_at=history[-1].at,
        expected_at=request.expected_at, address=location.address,
        address_id=location.address_id, zipcode=location.zipcode,
        unit_code=location.unit_code, lat=location.lat, long=location.long,
        media_urls=request.media_urls, history=history,
    )
