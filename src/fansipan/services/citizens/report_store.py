"""Field reports in and out of the store: rows ↔ `fansipan.domain.service_requests`.

The events are the truth; the row keeps, beside what was reported, what the events add
up to (state, body, outcome, whether on time) so that lists and counts read one row.
`write_state` rewrites those columns from the domain object after every step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.local_time import local_date
from fansipan.domain.service_request_deadlines import OUTSIDE_REMIT, resolved_on_time
from fansipan.domain.service_request_states import Action, RequestState
from fansipan.domain.service_requests import (
    Answer,
    AttributeValue,
    Location,
    Reporter,
    RequestEvent,
    ServiceRequest,
)
from fansipan.errors import FieldError, NotFound, msg
from fansipan.services.citizens.moments import loaded, maybe, now, stored
from fansipan.services.citizens.record_counts import month_of
from fansipan.store.citizens_tables import (
    ReportPhotoRow,
    ServiceRequestEventRow,
    ServiceRequestPhotoRow,
    ServiceRequestRow,
)

ID_PREFIX = "PA"
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def photo_path(sha256: str, media_type: str) -> str:
    """Where the server serves a cleaned photo (a path on this server)."""
    return f"/feedback/photos/{sha256}.{_EXTENSIONS.get(media_type, 'bin')}"


@dataclass(frozen=True)
class StoredReport:
    """A report as loaded: its row (for the columns the domain does not hold) and the
    domain object (for everything the workflow decides)."""

    row: ServiceRequestRow
    request: ServiceRequest
    photos: tuple[str, ...]  # paths of its cleaned photos, in order


# --------------------------------------------------------------------------- answers


def answers_json(answers: Iterable[Answer]) -> str:
    out: list[dict[str, object]] = []
    for a in answers:
        value: object = a.value
        if isinstance(a.value, datetime):
            value = {"datetime": a.value.isoformat()}
        elif isinstance(a.value, tuple):
            value = list(a.value)
        out.append({"code": a.code, "value": value})
    return json.dumps(out, ensure_ascii=False)


def answers_from(text: str) -> tuple[Answer, ...]:
    out: list[Answer] = []
    for item in json.loads(text or "[]"):
        raw = item["value"]
        value: AttributeValue
        if isinstance(raw, dict):
            value = datetime.fromisoformat(raw["datetime"])
        elif isinstance(raw, list):
            value = tuple(str(v) for v in raw)
        elif isinstance(raw, int | float) and not isinstance(raw, bool):
            value = float(raw)
        else:
            value = str(raw)
        out.append(Answer(str(item["code"]), value))
    return tuple(out)


# --------------------------------------------------------------------------- reading


def _event(row: ServiceRequestEventRow) -> RequestEvent:
    return RequestEvent(
        seq=row.seq, action=Action(row.action), at=loaded(row.at), actor=row.actor,
        from_state=RequestState(row.from_state) if row.from_state else None,
        to_state=RequestState(row.to_state), public_note=row.public_note,
        internal_note=row.internal_note, agency=row.agency, reason=row.reason,
        duplicate_of=row.duplicate_of, referred_to=row.referred_to, satisfied=row.satisfied)


def to_domain(row: ServiceRequestRow, events: Sequence[ServiceRequestEventRow],
              photos: Sequence[str]) -> ServiceRequest:
    media = [*photos, *([row.media_url] if row.media_url else [])]
    return ServiceRequest(
        request_id=row.request_id, service_code=row.service_code,
        requested_at=loaded(row.requested_at),
        location=Location(lat=row.lat, long=row.long, address=row.address,
                          address_id=row.address_id, zipcode=row.zipcode,
                          unit_code=row.commune_code),
        description=row.description,
        reporter=Reporter(first_name=row.first_name, last_name=row.last_name,
                          email=row.email, phone=row.phone, device_id=row.device_id,
                          account_id=row.account_id),
        media_urls=tuple(media), answers=answers_from(row.answers),
        expected_at=maybe(row.expected_at),
        events=tuple(_event(e) for e in sorted(events, key=lambda e: e.seq)))


def load_many(session: Session, rows: Sequence[ServiceRequestRow]) -> list[StoredReport]:
    """The domain objects of `rows`, events and photos read in two queries."""
    if not rows:
        return []
    pks = [r.id for r in rows]
    events: dict[int, list[ServiceRequestEventRow]] = {pk: [] for pk in pks}
    for chunk in _chunks(pks):
        for e in session.scalars(select(ServiceRequestEventRow).where(
                ServiceRequestEventRow.request_pk.in_(chunk))):
            events[e.request_pk].append(e)
    photos: dict[int, list[tuple[int, str]]] = {pk: [] for pk in pks}
    for chunk in _chunks(pks):
        for link, media_type in session.execute(
                select(ServiceRequestPhotoRow, ReportPhotoRow.media_type)
                .join(ReportPhotoRow, ReportPhotoRow.sha256 == ServiceRequestPhotoRow.sha256)
                .where(ServiceRequestPhotoRow.request_pk.in_(chunk))):
            photos[link.request_pk].append((link.position, photo_path(link.sha256, media_type)))
    out = []
    for row in rows:
        paths = tuple(p for _, p in sorted(photos[row.id]))
        out.append(StoredReport(row, to_domain(row, events[row.id], paths), paths))
    return out


def _chunks(items: Sequence[int], size: int = 900) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def find_row(session: Session, request_id: str) -> ServiceRequestRow:
    row = session.scalars(select(ServiceRequestRow).where(
        ServiceRequestRow.request_id == request_id.strip())).one_or_none()
    if row is None:
        raise NotFound(msg("No such report {number}", number=request_id[:24]),
                       [FieldError(field="service_request_id", value=request_id[:24],
                                   message=msg("check the report number, e.g. "
                                               "PA-2026-000123"))])
    return row


def load_report(session: Session, request_id: str) -> StoredReport:
    return load_many(session, [find_row(session, request_id)])[0]


# --------------------------------------------------------------------------- writing


def next_request_id(session: Session, requested_at: datetime) -> str:
    """The next number of the year (the change lock is held: numbers never collide)."""
    year = local_date(requested_at).year
    prefix = f"{ID_PREFIX}-{year}-"
    last = session.scalar(select(func.max(ServiceRequestRow.request_id)).where(
        ServiceRequestRow.request_id.startswith(prefix)))
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:06d}"


def write_state(row: ServiceRequestRow, request: ServiceRequest, *, intake: str) -> None:
    """The row's summary columns, from what the events add up to now."""
    progress = request.progress
    row.state = progress.state.value
    row.agency_code = progress.agency
    row.counted_code = progress.agency or intake
    row.received_month = month_of(local_date(request.requested_at))
    outcome = progress.outcome
    row.outcome = outcome.value if outcome is not None else None
    row.outcome_at = stored(progress.outcome_at) if progress.outcome_at else None
    row.within_remit = outcome not in OUTSIDE_REMIT
    row.on_time = resolved_on_time(request)
    row.dissatisfied = progress.satisfied is False
    row.days_to_outcome = ((progress.outcome_at - request.requested_at) / timedelta(days=1)
                           if progress.outcome_at else None)
    row.steps = len(request.events)
    row.updated_at = stored(request.events[-1].at)


def new_row(request: ServiceRequest, *, channel: str, submitted_by: str,
            media_url: str | None, token: str | None, secret_digest: str | None,
            intake: str) -> ServiceRequestRow:
    loc, who = request.location, request.reporter
    row = ServiceRequestRow(
        request_id=request.request_id, token=token, service_code=request.service_code,
        requested_at=stored(request.requested_at), lat=loc.lat, long=loc.long,
        address=loc.address, address_id=loc.address_id, zipcode=loc.zipcode,
        commune_code=loc.unit_code, description=request.description,
        first_name=who.first_name, last_name=who.last_name, email=who.email, phone=who.phone,
        device_id=who.device_id, account_id=who.account_id,
        answers=answers_json(request.answers), media_url=media_url,
        expected_at=stored(request.expected_at) if request.expected_at else None,
        channel=channel, secret_digest=secret_digest, submitted_by=submitted_by,
        public_description=None, photos_hidden=False)
    write_state(row, request, intake=intake)
    return row


def add_events(session: Session, row: ServiceRequestRow, events: Iterable[RequestEvent]) -> None:
    session.add_all(ServiceRequestEventRow(
        request_pk=row.id, seq=e.seq, action=e.action.value, at=stored(e.at), actor=e.actor,
        from_state=e.from_state.value if e.from_state else None, to_state=e.to_state.value,
        public_note=e.public_note, internal_note=e.internal_note, agency=e.agency,
        reason=e.reason, duplicate_of=e.duplicate_of, referred_to=e.referred_to,
        satisfied=e.satisfied) for e in events)


def attach_photos(session: Session, row: ServiceRequestRow,
                  photos: Sequence[tuple[str, str, int, int, bytes]]) -> None:
    """Store cleaned photos (sha256, media type, width, height, bytes) by their hash, and
    link them to the report in order; a photo already stored is linked, not copied."""
    for position, (sha, media_type, width, height, data) in enumerate(photos, start=1):
        if session.get(ReportPhotoRow, sha) is None:
            session.add(ReportPhotoRow(sha256=sha, media_type=media_type, width=width,
                                       height=height, size=len(data), data=data,
                                       created_at=now()))
            session.flush()
        session.add(ServiceRequestPhotoRow(request_pk=row.id, position=position, sha256=sha))
