"""The GeoReport v2 documents, as typed values, and their trees.

Each `*_document` function gives the tree `documents.render` writes; the field order is
the spec's. Identifiers (service codes, request ids, address ids, zip codes) are written
as strings, since a leading zero ("001") is part of a code; booleans and numbers as
such; date-times in Vietnam's time with their offset.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from fansipan.exchange.open311.documents import Document, Items, Leaf, Record
from fansipan.exchange.open311.w3c import format_datetime

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


class ServiceType(StrEnum):
    REALTIME = "realtime"  # the request id comes back at once
    BATCH = "batch"  # a token comes back, exchanged later for the id
    BLACKBOX = "blackbox"  # nothing comes back


class Datatype(StrEnum):
    STRING = "string"
    NUMBER = "number"
    DATETIME = "datetime"
    TEXT = "text"
    SINGLEVALUELIST = "singlevaluelist"
    MULTIVALUELIST = "multivaluelist"

    @property
    def is_list(self) -> bool:
        return self in (Datatype.SINGLEVALUELIST, Datatype.MULTIVALUELIST)


@dataclass(frozen=True)
class Endpoint:
    url: str
    changeset: datetime
    type: str = "production"  # or "test"
    formats: tuple[str, ...] = ("text/xml", "application/json")
    specification: str = SPECIFICATION

    def __post_init__(self) -> None:
        if self.type not in ("production", "test"):
            raise ValueError(f"an endpoint is 'production' or 'test', not {self.type!r}")


@dataclass(frozen=True)
class Discovery:
    changeset: datetime
    contact: str
    key_service: str
    endpoints: tuple[Endpoint, ...]


@dataclass(frozen=True)
class Service:
    service_code: str
    service_name: str
    description: str | None = None
    #: True when the service has a definition with questions to answer.
    metadata: bool = False
    type: ServiceType = ServiceType.REALTIME
    keywords: tuple[str, ...] = ()
    group: str | None = None


@dataclass(frozen=True)
class AttributeValue:
    key: str
    name: str


@dataclass(frozen=True)
class ServiceAttribute:
    """One question of a service's form."""

    code: str
    datatype: Datatype
    description: str
    order: int
    #: False: shown to the citizen as information only, never answered.
    variable: bool = True
    required: bool = False
    datatype_description: str | None = None
    values: tuple[AttributeValue, ...] = ()

    def __post_init__(self) -> None:
        if self.order < 1:
            raise ValueError(f"attribute {self.code}: order counts from 1, not {self.order}")
        if self.datatype.is_list and not self.values:
            raise ValueError(f"attribute {self.code}: a {self.datatype} needs values")
        if not self.datatype.is_list and self.values:
            raise ValueError(f"attribute {self.code}: a {self.datatype} takes no values")
        keys = [v.key for v in self.values]
        if len(set(keys)) != len(keys):
            raise ValueError(f"attribute {self.code}: value keys repeat: {keys}")
        if self.required and not self.variable:
            raise ValueError(f"attribute {self.code}: information only, so it cannot be "
                             "required")

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(v.key for v in self.values)


@dataclass(frozen=True)
class ServiceDefinition:
    service_code: str
    attributes: tuple[ServiceAttribute, ...] = ()

    def __post_init__(self) -> None:
        codes = [a.code for a in self.attributes]
        orders = [a.order for a in self.attributes]
        if len(set(codes)) != len(codes):
            raise ValueError(f"service {self.service_code}: attribute codes repeat: {codes}")
        if len(set(orders)) != len(orders):
            raise ValueError(f"service {self.service_code}: attribute orders repeat: {orders}")

    def attribute(self, code: str) -> ServiceAttribute | None:
        return next((a for a in self.attributes if a.code == code), None)


@dataclass(frozen=True)
class ServiceRequestDoc:
    """A service request as GET /requests shows it."""

    service_request_id: str
    status: str
    service_code: str
    service_name: str
    requested_datetime: datetime
    updated_datetime: datetime
    status_notes: str | None = None
    description: str | None = None
    agency_responsible: str | None = None
    service_notice: str | None = None
    expected_datetime: datetime | None = None
    address: str | None = None
    address_id: str | None = None
    zipcode: str | None = None
    lat: float | None = None
    long: float | None = None
    media_url: str | None = None

    def __post_init__(self) -> None:
        if self.status not in ("open", "closed"):
            raise ValueError(f"request {self.service_request_id}: status is 'open' or "
                             f"'closed', not {self.status!r}")


@dataclass(frozen=True)
class PostResponse:
    """What POST /requests answers: the new id, or a token for a batch service, never
    both (neither for a blackbox service)."""

    service_request_id: str | None = None
    token: str | None = None
    service_notice: str | None = None
    account_id: str | None = None

    def __post_init__(self) -> None:
        if self.service_request_id is not None and self.token is not None:
            raise ValueError("a POST response carries a service_request_id or a token, "
                             "never both")


@dataclass(frozen=True)
class TokenAnswer:
    """GET /tokens/{token}: the request id, None while the batch has not made it."""

    token: str
    service_request_id: str | None = None


# --------------------------------------------------------------------------- trees


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else format_datetime(moment)


def discovery_document(discovery: Discovery) -> Document:
    return Record("discovery", (
        Leaf("changeset", format_datetime(discovery.changeset)),
        Leaf("contact", discovery.contact),
        Leaf("key_service", discovery.key_service),
        Items("endpoints", "endpoint", tuple(
            Record("endpoint", (
                Leaf("specification", e.specification),
                Leaf("url", e.url),
                Leaf("changeset", format_datetime(e.changeset)),
                Leaf("type", e.type),
                Items("formats", "format", tuple(Leaf("format", f) for f in e.formats)),
            )) for e in discovery.endpoints)),
    ))


def service_list_document(services: Iterable[Service]) -> Document:
    return Items("services", "service", tuple(
        Record("service", (
            Leaf("service_code", s.service_code),
            Leaf("service_name", s.service_name),
            Leaf("description", s.description),
            Leaf("metadata", s.metadata),
            Leaf("type", s.type.value),
            Leaf("keywords", ", ".join(s.keywords) or None),
            Leaf("group", s.group),
        )) for s in services))


def service_definition_document(definition: ServiceDefinition) -> Document:
    attributes = sorted(definition.attributes, key=lambda a: a.order)
    return Record("service_definition", (
        Leaf("service_code", definition.service_code),
        Items("attributes", "attribute", tuple(_attribute(a) for a in attributes)),
    ))


def _attribute(a: ServiceAttribute) -> Record:
    children: tuple[Leaf | Items, ...] = (
        Leaf("variable", a.variable),
        Leaf("code", a.code),
        Leaf("datatype", a.datatype.value),
        Leaf("required", a.required),
        Leaf("datatype_description", a.datatype_description),
        Leaf("order", a.order),
        Leaf("description", a.description),
    )
    if a.datatype.is_list:
        children += (Items("values", "value", tuple(
            Record("value", (Leaf("key", v.key), Leaf("name", v.name))) for v in a.values)),)
    return Record("attribute", children)


def service_requests_document(requests: Iterable[ServiceRequestDoc]) -> Document:
    return Items("service_requests", "request", tuple(
        Record("request", (
            Leaf("service_request_id", r.service_request_id),
            Leaf("status", r.status),
            Leaf("status_notes", r.status_notes),
            Leaf("service_name", r.service_name),
            Leaf("service_code", r.service_code),
            Leaf("description", r.description),
            Leaf("agency_responsible", r.agency_responsible),
            Leaf("service_notice", r.service_notice),
            Leaf("requested_datetime", _when(r.requested_datetime)),
            Leaf("updated_datetime", _when(r.updated_datetime)),
            Leaf("expected_datetime", _when(r.expected_datetime)),
            Leaf("address", r.address),
            Leaf("address_id", r.address_id),
            Leaf("zipcode", r.zipcode),
            Leaf("lat", r.lat),
            Leaf("long", r.long),
            Leaf("media_url", r.media_url),
        )) for r in requests))


def post_response_document(responses: Iterable[PostResponse]) -> Document:
    records = []
    for r in responses:
        first = (Leaf("token", r.token) if r.token is not None
                 else Leaf("service_request_id", r.service_request_id))
        records.append(Record("request", (first, Leaf("service_notice", r.service_notice),
                                          Leaf("account_id", r.account_id))))
    return Items("service_requests", "request", tuple(records))


def token_document(answers: Iterable[TokenAnswer]) -> Document:
    return Items("service_requests", "request", tuple(
        Record("request", (Leaf("service_request_id", a.service_request_id),
                           Leaf("token", a.token))) for a in answers))
