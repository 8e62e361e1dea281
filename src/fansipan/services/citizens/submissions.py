"""A citizen's report received: placed, routed, given its deadline, stored and counted.

Every channel arrives here: the public page, Open311 applications (with their api_key)
and staff taking a call. The same checks apply to all: the point must lie in the
province (the shipped boundary), the commune is the one chosen, else the one the
address names; the category decides the body, per area where its routing table says
so; the deadline is its resolution time in working days. A report whose body cannot be
told yet (no commune for a category handled by communes) stays with the operations
centre for triage.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.local_time import local_date
from fansipan.domain.report_categories import Category, responsible_body
from fansipan.domain.service_request_deadlines import expected_datetime
from fansipan.domain.service_requests import receive_request
from fansipan.errors import FieldError, TooManyRequests, ValidationError, msg
from fansipan.exchange.images import CleanImage
from fansipan.exchange.open311.catalogue import definition_of
from fansipan.exchange.open311.posting import NewServiceRequest, parse_post
from fansipan.services.catalog import Catalog
from fansipan.services.citizens.bodies import body_name, body_name_en, body_unit
from fansipan.services.citizens.categories import find_category, intake_body, read_categories
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.places import Place, place_report
from fansipan.services.citizens.record_counts import CountingTransaction
from fansipan.services.citizens.report_counts import report_cells
from fansipan.services.citizens.report_store import (
    add_events,
    attach_photos,
    new_row,
    next_request_id,
)
from fansipan.services.citizens.working_days import add_working_days
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import count_recent, record_for
from fansipan.store.audit import append_events

CHANNELS = ("web", "open311", "staff")
MAX_PHOTOS = 5


@dataclass(frozen=True)
class NewReport:
    """A checked submission: the Open311 fields, the commune chosen, cleaned photos."""

    posted: NewServiceRequest
    channel: str
    commune: str | None = None
    photos: Sequence[CleanImage] = field(default=(), repr=False)
    per_hour: int = 20  # reports an address may send in an hour without signing in


@dataclass(frozen=True)
class Receipt:
    """What the reporter is told: the number (or a token for a batch service), the
    deadline, the body, and once, the key with which to rate the handling."""

    request_id: str
    token: str | None
    service_type: str
    expected_at: datetime | None
    agency: str | None
    agency_name: str | None
    agency_name_en: str | None
    commune: str | None
    commune_found: bool
    rating_key: str = field(repr=False)

    @property
    def service_notice(self) -> str:
        vi: list[str] = []
        en: list[str] = []
        if self.agency_name:
            vi.append(f"Đã chuyển {self.agency_name}")
            en.append(f"Sent to {self.agency_name_en or self.agency_name}")
        else:
            vi.append("Đang phân loại tại Trung tâm Giám sát, điều hành thông minh")
            en.append("Being triaged by the Intelligent Operations Centre")
        if self.expected_at is not None:
            day = local_date(self.expected_at).strftime("%d/%m/%Y")
            vi.append(f"hạn xử lý {day}")
            en.append(f"due by {day}")
        return f"{'; '.join(vi)} / {'; '.join(en)}"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def submit_report(*, session: Session, principal: Principal, report: NewReport,
                  at: datetime | None = None) -> Receipt:
    """Receive a report (see the module's description); all or nothing."""
    if report.channel == "open311":
        require(principal, Permission.SUBMIT_REPORTS)
    elif report.channel == "staff":
        require(principal, Permission.HANDLE_REPORTS)
    elif report.channel != "web":
        raise ValueError(f"unknown channel {report.channel!r}; use one of {CHANNELS}")
    if len(report.photos) > MAX_PHOTOS:
        raise ValidationError("Quá nhiều ảnh / Too many photos", [FieldError(
            field="media", message=f"tối đa {MAX_PHOTOS} ảnh mỗi phản ánh / at most "
                                   f"{MAX_PHOTOS} photos a report")])
    received = at or utc_now()
    if report.channel == "web" and principal.is_anonymous and principal.ip:
        _throttle(session, principal.ip, report.per_hour)
    posted = report.posted
    with CountingTransaction(session, actor=principal.actor,
                             detail={"record": "service_request"}) as tx:
        catalog = tx.catalog
        category = find_category(session, posted.service_code)
        day = local_date(received)
        location = replace(posted.location, unit_code=report.commune or None)
        place = place_report(catalog, location, day)
        body = _route(catalog, category, place, received)
        expected = (expected_datetime(requested_at=received,
                                      working_days=category.deadline_days,
                                      add_working_days=add_working_days)
                    if category.deadline_days is not None else None)
        request_id = next_request_id(session, received)
        key = secrets.token_urlsafe(12)
        request = receive_request(
            request_id=request_id, service_code=category.code, requested_at=received,
            location=place.location, description=posted.description,
            reporter=posted.reporter, answers=posted.answers, expected_at=expected,
            received_by=_receiver(principal, report.channel), agency=body)
        token = secrets.token_hex(16) if category.service_type == "batch" else None
        intake = intake_body()
        row = new_row(request, channel=report.channel, submitted_by=principal.actor,
                      media_url=posted.media_url, token=token,
                      secret_digest=key_digest(key), intake=intake)
        session.add(row)
        session.flush()
        add_events(session, row, request.events)
        attach_photos(session, row, [(p.sha256, p.media_type, p.width, p.height, p.data)
                                     for p in report.photos])
        tx.write(report_cells(session, [(row.counted_code, row.received_month)]))
        append_events(session, [record_for(
            principal, "service_request.submit", target=request_id,
            detail={"service_code": category.code, "channel": report.channel,
                    "agency": body, "commune": place.location.unit_code,
                    "photos": len(report.photos)})])
    return Receipt(
        request_id=request_id, token=token, service_type=category.service_type,
        expected_at=expected, agency=body, agency_name=body_name(catalog, body, day),
        agency_name_en=body_name_en(catalog, body, day),
        commune=place.location.unit_code, commune_found=place.found, rating_key=key)


def _throttle(session: Session, ip: str, per_hour: int) -> None:
    """An address that sent `per_hour` reports without signing in in the last hour waits:
    each report is routed, counted into the province's figures and read by an officer."""
    with session.begin():
        sent = count_recent(session, action="service_request.submit", actor="anonymous",
                            ip=ip, since=datetime.now(UTC) - timedelta(hours=1))
    if sent >= per_hour:
        raise TooManyRequests(msg("Many reports were sent from your address in the last hour; "
                                  "wait a while and send again, or call the hotline"))


def _receiver(principal: Principal, channel: str) -> str:
    if channel == "web":
        return "citizen"
    return principal.actor


def _route(catalog: Catalog, category: Category, place: Place,
           received: datetime) -> str | None:
    """The body by category and place, if it is in force; None leaves it for triage."""
    day = local_date(received)
    commune = place.commune
    areas: list[str] = []
    if commune is not None:
        areas = [commune.code, *(u.code for u in catalog.hierarchy.ancestors(commune.id, day))]
    elif place.placement is not None:
        areas = [c for c in (place.placement.district_code, place.placement.province_code) if c]
    body = responsible_body(category, areas=areas, commune=commune.code if commune else None)
    if body is None or body_unit(catalog, body, day) is None:
        return None
    return body



def submit_form(*, session: Session, principal: Principal, pairs: Sequence[tuple[str, str]],
                photos: Sequence[CleanImage], channel: str = "web",
                per_hour: int = 20) -> Receipt:
    """A report from a form whose fields are named as Open311 names them, plus `commune`
    (the public page and staff taking a call use it); checked like a POST /requests."""
    with session.begin():
        definitions = {c.code: definition_of(c) for c in read_categories(session)}
    posted = parse_post(pairs, definitions=definitions)
    commune = next((v.strip() for k, v in pairs if k == "commune" and v.strip()), None)
    return submit_report(session=session, principal=principal, report=NewReport(
        posted=posted, channel=channel, commune=commune, photos=photos, per_hour=per_hour))
