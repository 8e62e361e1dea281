"""The GeoReport v2 endpoint's work: discovery, services, definitions, posting with an
api_key, the public selection of requests, tokens.

An api_key is a connected system's key (`services.exchange.clients`, with role
`reporter`): posting is refused (403) without one, with one that is unknown, revoked or
expired, or with one whose system may not post reports. Everything published comes
from the reports' public views; identifiers are kept as the store has them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission
from fansipan.domain.local_time import local_date
from fansipan.domain.service_request_views import public_view
from fansipan.errors import FieldError, PermissionDenied, Unauthenticated
from fansipan.exchange.images import CleanImage
from fansipan.exchange.open311.catalogue import definition_of, service_of
from fansipan.exchange.open311.failures import api_key_refused, check_jurisdiction, not_found
from fansipan.exchange.open311.mapping import request_document
from fansipan.exchange.open311.model import (
    Discovery,
    Endpoint,
    PostResponse,
    Service,
    ServiceDefinition,
    ServiceRequestDoc,
    TokenAnswer,
)
from fansipan.exchange.open311.posting import parse_post
from fansipan.exchange.open311.querying import parse_request_query
from fansipan.exchange.open311.w3c import parse_datetime
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.citizens.bodies import body_name
from fansipan.services.citizens.categories import read_categories, shipped_file
from fansipan.services.citizens.moments import loaded
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.report_views import public_request
from fansipan.services.citizens.reports import PublicQuery, Selected, find_by_token, select_public
from fansipan.services.citizens.submissions import NewReport, submit_report
from fansipan.services.trust.tokens import token_principal
from fansipan.settings import Settings
from fansipan.store.citizens_tables import ServiceCategoryRow

SPEC_PATH = "/open311/v2"


def jurisdiction() -> str:
    return str(shipped_file()["jurisdiction_id"])


def discovery(*, session: Session, base_url: str) -> Discovery:
    """The discovery document: our one production endpoint, changed when a category was."""
    shipped = shipped_file()
    with session.begin():
        last = session.scalar(select(func.max(ServiceCategoryRow.updated_at)))
    changed = loaded(last) if last is not None else parse_datetime(
        str(shipped["changeset"]), field="changeset")
    return Discovery(changeset=changed, contact=str(shipped["contact"]),
                     key_service=str(shipped["key_service"]),
                     endpoints=(Endpoint(url=base_url.rstrip("/") + SPEC_PATH,
                                         changeset=changed),))


def services(*, session: Session, jurisdiction_id: str | None,
             lang: str = "vi") -> list[Service]:
    check_jurisdiction(jurisdiction_id, jurisdiction())
    with session.begin():
        return [service_of(c, lang) for c in read_categories(session)]


def definition(*, session: Session, service_code: str, jurisdiction_id: str | None,
               lang: str = "vi") -> ServiceDefinition:
    check_jurisdiction(jurisdiction_id, jurisdiction())
    with session.begin():
        found = {c.code: c for c in read_categories(session)}.get(service_code)
    if found is None:
        raise not_found("service_code", service_code)
    return definition_of(found, lang)


def post_request(*, session: Session, settings: Settings, pairs: Sequence[tuple[str, str]],
                 photos: Sequence[CleanImage], ip: str,
                 at: datetime | None = None) -> PostResponse:
    """POST /requests: the api_key first (403), then the fields (400, 404 for an unknown
    service), then the report is received like any other."""
    api_key = next((v.strip() for k, v in pairs if k.strip() == "api_key" and v.strip()), None)
    if api_key is None:
        raise api_key_refused(missing=True)
    try:
        principal = token_principal(session=session, settings=settings, token=api_key, ip=ip)
    except Unauthenticated:
        raise api_key_refused(missing=False) from None
    if not principal.can(Permission.SUBMIT_REPORTS):
        raise PermissionDenied("api_key bị từ chối / api_key refused", [FieldError(
            field="api_key",
            message=f"hệ thống {principal.name} không được phép gửi phản ánh (cần vai trò "
                    f"reporter) / the system {principal.name} may not post reports (it "
                    "needs the role reporter)")])
    with session.begin():
        definitions = {c.code: definition_of(c) for c in read_categories(session)}
    posted = parse_post(pairs, definitions=definitions, jurisdiction_id=jurisdiction())
    commune = next((v.strip() for k, v in pairs if k.strip() == "commune" and v.strip()), None)
    receipt = submit_report(session=session, principal=principal, report=NewReport(
        posted=posted, channel="open311", commune=commune, photos=photos), at=at)
    if receipt.service_type == "batch":
        return PostResponse(token=receipt.token, service_notice=receipt.service_notice,
                            account_id=posted.reporter.account_id)
    if receipt.service_type == "blackbox":
        return PostResponse(service_notice=receipt.service_notice,
                            account_id=posted.reporter.account_id)
    return PostResponse(service_request_id=receipt.request_id,
                        service_notice=receipt.service_notice,
                        account_id=posted.reporter.account_id)


def requests(*, session: Session, pairs: Iterable[tuple[str, str]], base_url: str,
             now: datetime | None = None) -> list[ServiceRequestDoc]:
    """GET /requests: every filter, the 90-day and 1,000-request window."""
    moment = now or utc_now()
    query = parse_request_query(pairs, now=moment, jurisdiction_id=jurisdiction())
    public = PublicQuery(ids=query.service_request_ids, service_codes=query.service_codes,
                         statuses=query.statuses, start=query.start, end=query.end,
                         limit=query.limit)
    with session.begin():
        catalog = load_catalog(session)
        return [_document(catalog, x, base_url) for x in select_public(session, public)]


def request(*, session: Session, service_request_id: str, jurisdiction_id: str | None,
            base_url: str) -> ServiceRequestDoc:
    check_jurisdiction(jurisdiction_id, jurisdiction())
    with session.begin():
        catalog = load_catalog(session)
        found = select_public(session, PublicQuery(ids=(service_request_id,)))
        if not found:
            raise not_found("service_request_id", service_request_id)
        return _document(catalog, found[0], base_url)


def token(*, session: Session, value: str, jurisdiction_id: str | None) -> TokenAnswer:
    check_jurisdiction(jurisdiction_id, jurisdiction())
    given, request_id = find_by_token(session=session, token=value)
    return TokenAnswer(token=given, service_request_id=request_id)


def _document(catalog: Catalog, selected: Selected, base_url: str) -> ServiceRequestDoc:
    view = public_view(public_request(selected.stored))
    view = replace(view, media_urls=tuple(_absolute(u, base_url) for u in view.media_urls))
    category = selected.category
    day = local_date(view.requested_at)
    return request_document(view, service_name=category.name_vi if category else
                            view.service_code,
                            agency_name=body_name(catalog, view.agency, day))


def _absolute(url: str, base_url: str) -> str:
    return base_url.rstrip("/") + url if url.startswith("/") else url
