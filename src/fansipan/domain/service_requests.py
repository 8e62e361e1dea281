"""Field reports (phản ánh hiện trường): the workflow a citizen's report follows.

A report is received, triaged, assigned to the responsible body, worked on, and ends
resolved, rejected (with a reason), a duplicate of another report, or not the
province's responsibility; an outcome is then closed, and either can be reopened.
Every step is an event that says who did it, when, and carries a note for the public,
a note for staff only, or both. The state is never stored on its own: it is what the
events say, so the history cannot disagree with it, and the state on any past day can
be had again by replaying the events up to that day.

The states, the actions and their labels are in `service_request_states`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from fansipan.domain.local_time import require_aware
from fansipan.domain.service_request_states import (
    TRANSITIONS,
    Action,
    RequestState,
    allowed_actions,
)
from fansipan.errors import Conflict, FieldError, ValidationError

#: Longest note, reason or description kept, as Open311 limits a description.
MAX_TEXT = 4000


# What each action must carry, and what it must not (a field sent with the wrong action
# is a mistake in the caller, better refused than silently dropped).
_NEEDS: dict[Action, tuple[str, ...]] = {
    Action.ASSIGN: ("agency",),
    Action.REJECT: ("reason",),
    Action.REOPEN: ("reason",),
    Action.MARK_DUPLICATE: ("duplicate_of",),
    Action.RATE: ("satisfied",),
}
_ALLOWS: dict[Action, frozenset[str]] = {
    Action.REFER_OUT: frozenset({"referred_to"}),
}
_SPECIFIC = ("agency", "reason", "duplicate_of", "referred_to", "satisfied")


@dataclass(frozen=True)
class Location:
    """Where the problem is: a WGS84 point, an address, an address id, or several."""

    lat: float | None = None
    long: float | None = None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    #: The commune or ward, found from the point or chosen by the citizen.
    unit_code: str | None = None

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.long is not None


@dataclass(frozen=True)
class Reporter:
    """Who reported: personal data, kept apart and never shown to the public."""

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    device_id: str | None = None
    account_id: str | None = None


AttributeValue = str | float | datetime | tuple[str, ...]


@dataclass(frozen=True)
class Answer:
    """The answer to one question of the category's form (an Open311 attribute)."""

    code: str
    value: AttributeValue


@dataclass(frozen=True)
class Step:
    """One thing someone does to a report (the input); it becomes a `RequestEvent`.

    `actor` is the account (or `citizen`, `system`) doing it. `public_note` is shown to
    everyone, `internal_note` only to staff. `agency` goes with ASSIGN, `reason` with
    REJECT and REOPEN (shown to the public), `duplicate_of` with MARK_DUPLICATE,
    `referred_to` (the body that is responsible, shown) optionally with REFER_OUT, and
    `satisfied` with RATE (the citizen's answer).
    """

    action: Action
    at: datetime
    actor: str
    public_note: str | None = None
    internal_note: str | None = None
    agency: str | None = None
    reason: str | None = None
    duplicate_of: str | None = None
    referred_to: str | None = None
    satisfied: bool | None = None


@dataclass(frozen=True)
class RequestEvent:
    """A step as recorded: numbered from 1, with the states before and after it."""

    seq: int
    action: Action
    at: datetime
    actor: str
    from_state: RequestState | None
    to_state: RequestState
    public_note: str | None = None
    internal_note: str | None = None
    agency: str | None = None
    reason: str | None = None
    duplicate_of: str | None = None
    referred_to: str | None = None
    satisfied: bool | None = None

    @property
    def changes_state(self) -> bool:
        return self.from_state is not self.to_state


@dataclass(frozen=True)
class Progress:
    """What the events of a report add up to, at some moment."""

    state: RequestState
    agency: str | None
    duplicate_of: str | None
    #: When the latest outcome was reached, while the report stands at that outcome
    #: (or closed after it); None when it is open.
    outcome: RequestState | None
    outcome_at: datetime | None
    closed_at: datetime | None
    #: The citizen's latest answer, if any.
    satisfied: bool | None
    last_event: RequestEvent


@dataclass(frozen=True)
class ServiceRequest:
    """A field report: what was reported, by whom, and every step taken since.

    Build one with `receive_request` and advance it with `apply_step`; both check their
    input. `expected_at` is the deadline (Open311 `expected_datetime`), None when the
    category has none.
    """

    request_id: str
    service_code: str
    requested_at: datetime
    location: Location
    description: str | None = None
    #: Kept out of repr so that a logged report carries no personal data.
    reporter: Reporter = field(default_factory=Reporter, repr=False)
    media_urls: tuple[str, ...] = ()
    answers: tuple[Answer, ...] = ()
    expected_at: datetime | None = None
    events: tuple[RequestEvent, ...] = ()

    @cached_property
    def progress(self) -> Progress:
        return progress_at(self, None)

    @property
    def state(self) -> RequestState:
        return self.progress.state


def receive_request(
    *,
    request_id: str,
    service_code: str,
    requested_at: datetime,
    location: Location,
    description: str | None = None,
    reporter: Reporter | None = None,
    media_urls: Iterable[str] = (),
    answers: Iterable[Answer] = (),
    expected_at: datetime | None = None,
    received_by: str = "citizen",
    agency: str | None = None,
) -> ServiceRequest:
    """A new report in state RECEIVED; with `agency`, routed to it at once (ASSIGNED).

    Routing by category and place usually knows the body; the ASSIGN event is then
    recorded at the same moment, by `system`, so the history shows how it got there.
    """
    errors: list[FieldError] = []
    if not request_id.strip():
        errors.append(_field("request_id", "không được để trống", "must not be empty"))
    if not service_code.strip():
        errors.append(_field("service_code", "không được để trống", "must not be empty"))
    _check_location(location, errors)
    if description is not None and len(description) > MAX_TEXT:
        errors.append(_too_long("description", len(description)))
    if errors:
        raise ValidationError(f"Phản ánh {request_id} chưa hợp lệ / "
                              f"Report {request_id} is not valid", errors)
    require_aware(requested_at, field="requested_datetime")
    if expected_at is not None:
        require_aware(expected_at, field="expected_datetime")
        if expected_at < requested_at:
            raise ValidationError(
                "Hạn xử lý trước thời điểm tiếp nhận / The deadline precedes the report",
                [FieldError(field="expected_datetime", value=expected_at.isoformat(),
                            message="hạn xử lý phải sau thời điểm tiếp nhận / the deadline "
                                    "must come after the moment the report was received")])
    first = RequestEvent(seq=1, action=Action.RECEIVE, at=requested_at, actor=received_by,
                         from_state=None, to_state=RequestState.RECEIVED)
    request = ServiceRequest(
        request_id=request_id, service_code=service_code, requested_at=requested_at,
        location=location, description=_clean(description), reporter=reporter or Reporter(),
        media_urls=tuple(media_urls), answers=tuple(answers), expected_at=expected_at,
        events=(first,))
    if agency is not None:
        request = apply_step(request, Step(Action.ASSIGN, at=requested_at, actor="system",
                                           agency=agency))
    return request


def apply_step(request: ServiceRequest, step: Step) -> ServiceRequest:
    """`request` with `step` recorded, or an error that says why it cannot be.

    Refused: an action the current state does not allow (Conflict, naming the allowed
    ones), a step earlier than the last one, a missing reason, agency, duplicate or
    rating, a field that does not belong to the action, a report marked a duplicate of
    itself, START or RESOLVE before any body is assigned.
    """
    current = request.progress
    state = current.state
    where = f"phản ánh {request.request_id} / report {request.request_id}"
    if step.action is Action.RECEIVE:
        raise Conflict(f"{where}: đã được tiếp nhận / already received",
                       [FieldError(field="action", value=step.action.value,
                                   message="chỉ tiếp nhận một lần / a report is received once")])
    if step.action is Action.COMMENT:
        target = state
    elif step.action in TRANSITIONS[state]:
        target = TRANSITIONS[state][step.action]
    else:
        raise _illegal(request.request_id, state, step.action)
    errors = _check_step(request, step, current)
    if errors:
        raise ValidationError(f"{where}: bước «{step.action.label()}» chưa hợp lệ / "
                              f"the step '{step.action.label('en')}' is not valid", errors)
    event = RequestEvent(
        seq=current.last_event.seq + 1, action=step.action, at=step.at, actor=step.actor.strip(),
        from_state=state, to_state=target, public_note=_clean(step.public_note),
        internal_note=_clean(step.internal_note), agency=_clean(step.agency),
        reason=_clean(step.reason), duplicate_of=_clean(step.duplicate_of),
        referred_to=_clean(step.referred_to), satisfied=step.satisfied)
    return ServiceRequest(
        request_id=request.request_id, service_code=request.service_code,
        requested_at=request.requested_at, location=request.location,
        description=request.description, reporter=request.reporter,
        media_urls=request.media_urls, answers=request.answers,
        expected_at=request.expected_at, events=(*request.events, event))


def apply_steps(request: ServiceRequest, steps: Iterable[Step]) -> ServiceRequest:
    for step in steps:
        request = apply_step(request, step)
    return request


def progress_at(request: ServiceRequest, as_of: datetime | None) -> Progress:
    """The report as it stood at `as_of` (every event when None).

    Raises ValueError when `as_of` precedes the report: it did not exist yet.
    """
    events = request.events if as_of is None else tuple(e for e in request.events
                                                        if e.at <= as_of)
    if not events:
        raise ValueError(f"report {request.request_id} was received at "
                         f"{request.requested_at.isoformat()}, after {as_of}")
    agency = duplicate_of = None
    outcome: RequestState | None = None
    outcome_at = closed_at = None
    satisfied: bool | None = None
    for event in events:
        if event.agency is not None:
            agency = event.agency
        if event.to_state.is_outcome and event.changes_state:
            outcome, outcome_at = event.to_state, event.at
            duplicate_of = event.duplicate_of
        elif event.to_state is RequestState.CLOSED and event.changes_state:
            closed_at = event.at
        elif event.to_state is RequestState.REOPENED:
            outcome = outcome_at = closed_at = duplicate_of = None
            satisfied = None
        if event.satisfied is not None:
            satisfied = event.satisfied
    return Progress(state=events[-1].to_state, agency=agency, duplicate_of=duplicate_of,
                    outcome=outcome, outcome_at=outcome_at, closed_at=closed_at,
                    satisfied=satisfied, last_event=events[-1])


# --------------------------------------------------------------------------- checks


def _check_step(request: ServiceRequest, step: Step, current: Progress) -> list[FieldError]:
    errors: list[FieldError] = []
    if step.at.tzinfo is None or step.at.utcoffset() is None:
        errors.append(_field("at", "thiếu múi giờ", "has no time zone", step.at.isoformat()))
    elif step.at < current.last_event.at:
        errors.append(_field(
            "at", f"sớm hơn bước trước ({current.last_event.at.isoformat()})",
            f"is earlier than the previous step ({current.last_event.at.isoformat()})",
            step.at.isoformat()))
    if not step.actor.strip():
        errors.append(_field("actor", "cần ghi người thực hiện", "must name who does it"))
    for name in ("public_note", "internal_note", "reason", "referred_to"):
        text = getattr(step, name)
        if text is not None and len(text) > MAX_TEXT:
            errors.append(_too_long(name, len(text)))
    needed = _NEEDS.get(step.action, ())
    allowed = set(needed) | _ALLOWS.get(step.action, frozenset())
    for name in _SPECIFIC:
        value = getattr(step, name)
        given = value is not None and (not isinstance(value, str) or bool(value.strip()))
        if name in needed and not given:
            errors.append(_field(name, f"bắt buộc với bước «{step.action.label()}»",
                                 f"is required to {step.action.label('en').lower()}"))
        elif name not in allowed and value is not None:
            errors.append(_field(name, f"không dùng với bước «{step.action.label()}»",
                                 f"does not go with '{step.action.label('en')}'", str(value)))
    if step.action is Action.MARK_DUPLICATE and step.duplicate_of is not None \
            and step.duplicate_of.strip() == request.request_id:
        errors.append(_field("duplicate_of", "không thể trùng với chính nó",
                             "a report cannot duplicate itself", step.duplicate_of))
    if step.action in (Action.START, Action.RESOLVE) and current.agency is None:
        errors.append(_field("agency", "cần giao đơn vị xử lý trước",
                             "assign a responsible body first"))
    return errors


def _check_location(location: Location, errors: list[FieldError]) -> None:
    if (location.lat is None) != (location.long is None):
        errors.append(_field("lat", "cần cả vĩ độ (lat) và kinh độ (long)",
                             "lat and long go together"))
    if location.lat is not None and not (math.isfinite(location.lat)
                                         and -90 <= location.lat <= 90):
        errors.append(_field("lat", "vĩ độ phải từ -90 đến 90",
                             "latitude must be from -90 to 90", str(location.lat)))
    if location.long is not None and not (math.isfinite(location.long)
                                          and -180 <= location.long <= 180):
        errors.append(_field("long", "kinh độ phải từ -180 đến 180",
                             "longitude must be from -180 to 180", str(location.long)))
    if (location.lat is None and location.long is None and not _clean(location.address)
            and not _clean(location.address_id)):
        errors.append(_field("location", "cần toạ độ, địa chỉ hoặc mã địa chỉ",
                             "give a point (lat, long), an address or an address id"))


def _illegal(request_id: str, state: RequestState, action: Action) -> Conflict:
    allowed = allowed_actions(state)
    vi = ", ".join(a.label() for a in allowed)
    en = ", ".join(a.label("en").lower() for a in allowed)
    return Conflict(
        f"Không thể «{action.label()}» phản ánh {request_id} khi đang ở trạng thái "
        f"«{state.label()}» / Cannot '{action.label('en').lower()}' report {request_id} "
        f"while it is '{state.label('en').lower()}'",
        [FieldError(field="action", value=action.value,
                    message=f"được phép: {vi} / allowed now: {en}")])


def _field(name: str, vi: str, en: str, value: str | None = None) -> FieldError:
    return FieldError(field=name, message=f"{vi} / {en}", value=value)


def _too_long(name: str, length: int) -> FieldError:
    return _field(name, f"dài {length:,} ký tự, tối đa {MAX_TEXT:,}".replace(",", "."),
                  f"is {length:,} characters long; at most {MAX_TEXT:,}")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    return text.strip() or None
