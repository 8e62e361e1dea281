"""Reading field reports: one report for the public or for staff, the staff inbox of a
body (overdue first), the public selection (Open311, the map), duplicate suggestions and
photos.

Scope rules: a report is its body's. Staff lists hold only the reports of the bodies in
the reader's scope, and asking for another body's report by number is refused. The
public sees every report, but only its public view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.duplicates import DuplicateCandidate, DuplicateSuggestion, suggest_duplicates
from fansipan.domain.local_time import local_date
from fansipan.domain.report_categories import Category
from fansipan.domain.service_request_states import RequestState
from fansipan.errors import FieldError, NotFound, PermissionDenied
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.citizens.bodies import body_name, check_body_in_scope, reach_of
from fansipan.services.citizens.categories import read_categories
from fansipan.services.citizens.moments import loaded
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.moments import stored as to_store
from fansipan.services.citizens.report_store import StoredReport, load_many, load_report
from fansipan.services.citizens.report_views import (
    PublicReport,
    StaffReport,
    public_report,
    staff_report,
)
from fansipan.services.trust.access import require
from fansipan.store.citizens_tables import (
    ReportPhotoRow,
    ServiceRequestPhotoRow,
    ServiceRequestRow,
)

OPEN_STATES = tuple(s.value for s in RequestState if s.is_open)
MAX_LIST = 500


def _categories(session: Session) -> dict[str, Category]:
    return {c.code: c for c in read_categories(session, active_only=False)}


def get_public_report(*, session: Session, request_id: str,
                      at: datetime | None = None) -> PublicReport:
    """Anyone's view of one report, by its number."""
    with session.begin():
        catalog = load_catalog(session)
        stored = load_report(session, request_id)
        return public_report(catalog, stored, _categories(session).get(
            stored.row.service_code), at or utc_now())


def _report_in_scope(session: Session, catalog: Catalog, principal: Principal,
                     request_id: str) -> StoredReport:
    """A report of one of the reader's bodies, as counted on the day it was sent."""
    stored = load_report(session, request_id)
    check_body_in_scope(catalog, principal, stored.row.counted_code,
                        local_date(stored.request.requested_at), what="Phản ánh / The report")
    return stored


def get_staff_report(*, session: Session, principal: Principal, request_id: str,
                     at: datetime | None = None) -> StaffReport:
    """Staff view of one report of the reader's bodies."""
    require(principal, Permission.READ_RECORDS)
    with session.begin():
        catalog = load_catalog(session)
        stored = _report_in_scope(session, catalog, principal, request_id)
        return staff_report(catalog, principal, stored, _categories(session).get(
            stored.row.service_code), at or utc_now())


# --------------------------------------------------------------------------- the inbox


class StateFilter(StrEnum):
    OPEN = "open"
    OVERDUE = "overdue"
    CLOSED = "closed"
    ALL = "all"


@dataclass(frozen=True)
class InboxQuery:
    states: StateFilter = StateFilter.OPEN
    agency: str | None = None  # one of the reader's bodies
    service_code: str | None = None
    commune: str | None = None
    text: str | None = None  # in the number, the description or the address
    limit: int = 100
    offset: int = 0


class InboxItem(BaseModel):
    report: PublicReport
    counted_at: str
    counted_at_name: str | None


class BodyRef(BaseModel):
    code: str
    name: str


class Inbox(BaseModel):
    items: list[InboxItem]
    total: int = Field(description="Reports matching the filters")
    overdue: int = Field(description="Open reports past their deadline, in the reader's "
                                     "bodies")
    open: int = Field(description="Open reports in the reader's bodies")
    bodies: list[BodyRef] = Field(description="The reader's bodies that hold reports")


def list_reports(*, session: Session, principal: Principal, query: InboxQuery,
                 at: datetime | None = None) -> Inbox:
    """The reports of the reader's bodies: overdue first (the longest overdue on top),
    then open ones by deadline, then the rest, newest first."""
    require(principal, Permission.READ_RECORDS)
    moment = at or utc_now()
    when = to_store(moment)
    with session.begin():
        catalog = load_catalog(session)
        reach = reach_of(catalog, principal)
        if query.agency is not None:
            check_body_in_scope(catalog, principal, query.agency, None,
                                what="Cơ quan / The body")
        mine = reach.where(ServiceRequestRow.counted_code, ServiceRequestRow.requested_at)
        theirs = () if mine is None else (mine,)
        base = select(ServiceRequestRow).where(*theirs)
        filtered = _filtered(base, query, when)
        overdue_now = and_(ServiceRequestRow.state.in_(OPEN_STATES),
                           ServiceRequestRow.expected_at.is_not(None),
                           ServiceRequestRow.expected_at < when)
        total = session.scalar(select(func.count()).select_from(filtered.subquery())) or 0
        counts = session.execute(
            select(func.count(), func.sum(case((overdue_now, 1), else_=0)))
            .select_from(ServiceRequestRow)
            .where(ServiceRequestRow.state.in_(OPEN_STATES), *theirs)).one()
        order = case((overdue_now, 0), (ServiceRequestRow.state.in_(OPEN_STATES), 1), else_=2)
        rows = session.scalars(filtered.order_by(
            order, ServiceRequestRow.expected_at.is_(None), ServiceRequestRow.expected_at,
            ServiceRequestRow.requested_at.desc(), ServiceRequestRow.id.desc())
            .limit(min(query.limit, MAX_LIST)).offset(query.offset)).all()
        categories = _categories(session)
        items = []
        for stored in load_many(session, rows):
            day = stored.request.requested_at
            items.append(InboxItem(
                report=public_report(catalog, stored, categories.get(stored.row.service_code),
                                     moment),
                counted_at=stored.row.counted_code,
                counted_at_name=_name(catalog, stored.row.counted_code, day)))
        held = session.execute(select(ServiceRequestRow.counted_code).distinct()
                               .where(*theirs)).scalars().all()
        bodies = sorted((BodyRef(code=c, name=_name(catalog, c, moment) or c) for c in held),
                        key=lambda b: b.name)
        return Inbox(items=items, total=int(total), open=int(counts[0] or 0),
                     overdue=int(counts[1] or 0), bodies=bodies)


def _name(catalog: Catalog, code: str, at: datetime) -> str | None:
    return body_name(catalog, code, local_date(at))


def _filtered(stmt: Select[ServiceRequestRow], query: InboxQuery,
              when: datetime) -> Select[ServiceRequestRow]:
    r = ServiceRequestRow
    if query.states is StateFilter.OPEN:
        stmt = stmt.where(r.state.in_(OPEN_STATES))
    elif query.states is StateFilter.OVERDUE:
        stmt = stmt.where(r.state.in_(OPEN_STATES), r.expected_at.is_not(None),
                          r.expected_at < when)
    elif query.states is StateFilter.CLOSED:
        stmt = stmt.where(r.state.not_in(OPEN_STATES))
    if query.agency:
        stmt = stmt.where(r.counted_code == query.agency)
    if query.service_code:
        stmt = stmt.where(r.service_code == query.service_code)
    if query.commune:
        stmt = stmt.where(r.commune_code == query.commune)
    if query.text:
        like = f"%{query.text.strip()}%"
        stmt = stmt.where(or_(r.request_id.ilike(like), r.description.ilike(like),
                              r.address.ilike(like)))
    return stmt


# --------------------------------------------------------------------------- public lists


@dataclass(frozen=True)
class PublicQuery:
    """A public selection: the filters GeoReport v2 defines (already checked)."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: frozenset[str] = frozenset()
    start: datetime | None = None
    end: datetime | None = None
    limit: int = 1000
    with_point: bool = False


@dataclass(frozen=True)
class Selected:
    """A report picked for the public, with what its public shapes are made of."""

    stored: StoredReport
    category: Category | None


def select_public(session: Session, query: PublicQuery) -> list[Selected]:
    """The reports a public query picks (inside the caller's transaction), newest first,
    or in the order of `ids` when given (ids override every other filter)."""
    r = ServiceRequestRow
    stmt = select(r)
    if query.ids:
        stmt = stmt.where(r.request_id.in_(query.ids))
    else:
        if query.service_codes:
            stmt = stmt.where(r.service_code.in_(query.service_codes))
        if query.statuses == {"open"}:
            stmt = stmt.where(r.state.in_(OPEN_STATES))
        elif query.statuses == {"closed"}:
            stmt = stmt.where(r.state.not_in(OPEN_STATES))
        if query.start is not None:
            stmt = stmt.where(r.requested_at >= to_store(query.start))
        if query.end is not None:
            stmt = stmt.where(r.requested_at <= to_store(query.end))
        if query.with_point:
            stmt = stmt.where(r.lat.is_not(None), r.long.is_not(None))
        stmt = stmt.order_by(r.requested_at.desc(), r.request_id.desc()).limit(query.limit)
    rows = session.scalars(stmt).all()
    categories = _categories(session)
    found = [Selected(s, categories.get(s.row.service_code)) for s in load_many(session, rows)]
    if query.ids:
        rank = {rid: n for n, rid in enumerate(query.ids)}
        found.sort(key=lambda x: rank[x.stored.row.request_id])
    return found


def list_public(*, session: Session, query: PublicQuery,
                at: datetime | None = None) -> list[PublicReport]:
    """Public views of the reports a public query picks."""
    moment = at or utc_now()
    with session.begin():
        catalog = load_catalog(session)
        return [public_report(catalog, x.stored, x.category, moment)
                for x in select_public(session, query)]


def find_by_token(*, session: Session, token: str) -> tuple[str, str | None]:
    """(token, request id) of a batch service's token; NotFound when unknown."""
    with session.begin():
        found = session.scalar(select(ServiceRequestRow.request_id).where(
            ServiceRequestRow.token == token.strip()))
    if found is None:
        raise NotFound("Không có mã tạm này / No such token",
                       [FieldError(field="token", value=token[:40],
                                   message="mã tạm không tồn tại / there is no such token")])
    return token, found


# --------------------------------------------------------------------------- duplicates


def duplicate_suggestions(*, session: Session, principal: Principal, request_id: str,
                          within_metres: float = 200.0, within_hours: float = 72.0
                          ) -> list[tuple[DuplicateSuggestion, PublicReport]]:
    """Open reports of the same category near this one in place and time, nearest first."""
    require(principal, Permission.READ_RECORDS)
    with session.begin():
        catalog = load_catalog(session)
        stored = _report_in_scope(session, catalog, principal, request_id)
        request = stored.request
        if request.location.lat is None or request.location.long is None:
            return []
        window = timedelta(hours=within_hours)
        # About 1.1 km a hundredth of a degree of latitude: a box wide enough for the radius.
        spread = within_metres / 100_000 * 1.5 + 0.001
        r = ServiceRequestRow
        rows = session.scalars(select(r).where(
            r.service_code == request.service_code, r.state.in_(OPEN_STATES),
            r.id != stored.row.id,
            r.requested_at >= to_store(request.requested_at - window),
            r.requested_at <= to_store(request.requested_at + window),
            r.lat.between(request.location.lat - spread, request.location.lat + spread),
            r.long.between(request.location.long - spread, request.location.long + spread),
        )).all()
        others = load_many(session, rows)
        found = suggest_duplicates(DuplicateCandidate.of(request),
                                   [DuplicateCandidate.of(o.request) for o in others],
                                   within_metres=within_metres, within_hours=within_hours)
        by_id = {o.request.request_id: o for o in others}
        categories = _categories(session)
        moment = utc_now()
        return [(s, public_report(catalog, by_id[s.request_id],
                                  categories.get(request.service_code), moment))
                for s in found]


# --------------------------------------------------------------------------- photos


@dataclass(frozen=True)
class Photo:
    data: bytes
    media_type: str


def get_photo(*, session: Session, principal: Principal, sha256: str) -> Photo:
    """A cleaned photo: to anyone while one report shows it publicly, else to staff of
    one of the reports it belongs to."""
    with session.begin():
        photo = session.get(ReportPhotoRow, sha256)
        owners: Sequence[ServiceRequestRow] = session.scalars(
            select(ServiceRequestRow).join(
                ServiceRequestPhotoRow, ServiceRequestPhotoRow.request_pk == ServiceRequestRow.id)
            .where(ServiceRequestPhotoRow.sha256 == sha256)).all() if photo else []
        if photo is None or not owners:
            raise NotFound("Không có ảnh này / No such photo",
                           [FieldError(field="photo", value=sha256[:64],
                                       message="ảnh không tồn tại / there is no such photo")])
        if any(not o.photos_hidden for o in owners):
            return Photo(photo.data, photo.media_type)
        if principal.can(Permission.READ_RECORDS):
            catalog = load_catalog(session)
            reach = reach_of(catalog, principal)
            if any(reach.allows(o.counted_code, local_date(loaded(o.requested_at)))
                   for o in owners):
                return Photo(photo.data, photo.media_type)
        if principal.is_anonymous:
            # Hidden from the public: as if there were no such photo.
            raise NotFound("Không có ảnh này / No such photo",
                           [FieldError(field="photo", value=sha256[:64],
                                       message="ảnh không tồn tại / there is no such photo")])
        raise PermissionDenied("Ảnh đã bị ẩn / The photo is hidden from the public")

