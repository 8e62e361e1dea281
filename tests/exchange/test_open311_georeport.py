"""A published Open311 client (`georeport` on PyPI) reads our documents unchanged.

A tiny HTTP server on the loopback serves what our code makes of two reports — their
public views, selected by our GET /requests parser, mapped and written in XML or JSON —
and `georeport` reads it the way it reads Boston's or Chicago's endpoints.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from georeport import GeoReport

from fansipan.domain.local_time import VIETNAM
from fansipan.domain.service_request_states import Action
from fansipan.domain.service_request_views import PublicServiceRequest, public_view
from fansipan.domain.service_requests import Location, Reporter, Step, apply_step, receive_request
from fansipan.errors import FansipanError
from fansipan.exchange.open311.documents import Document, Format, render
from fansipan.exchange.open311.failures import errors_document, http_status, not_found
from fansipan.exchange.open311.mapping import request_document
from fansipan.exchange.open311.model import (
    service_definition_document,
    service_list_document,
    service_requests_document,
)
from fansipan.exchange.open311.querying import parse_request_query, select_requests
from tests.exchange.open311_catalogue import DEFINITIONS, REQUESTED, SERVICES


def _reports() -> list[PublicServiceRequest]:
    landslide = receive_request(
        request_id="PA-2025-000123", service_code="SAT_LO", requested_at=REQUESTED,
        location=Location(lat=22.3364, long=103.8438, address="Km 12 QL4D, phường Sa Pa",
                          address_id="LC-SP-0012", zipcode="31000"),
        description="Đất đá tràn mặt đường QL4D, km 12",
        reporter=Reporter(first_name="An", email="an@example.vn"),
        media_urls=("https://ioc.laocai.gov.vn/media/3f2a.jpg",),
        expected_at=datetime(2025, 8, 6, 23, 59, 59, tzinfo=VIETNAM))
    landslide = apply_step(landslide, Step(
        Action.ASSIGN, at=REQUESTED + timedelta(minutes=45), actor="canbo.ioc",
        agency="so-xay-dung", public_note="Đã chuyển Sở Xây dựng"))
    power = receive_request(
        request_id="PA-2025-000100", service_code="DIEN_DUT",
        requested_at=datetime(2025, 8, 1, 20, 0, tzinfo=VIETNAM),
        location=Location(lat=22.31, long=103.89, address="Thôn Tả Van"), agency="dien-luc")
    power = apply_step(power, Step(Action.RESOLVE, at=datetime(2025, 8, 2, 9, tzinfo=VIETNAM),
                                   actor="canbo.dl", public_note="Điện lực đã khắc phục"))
    return [public_view(landslide), public_view(power)]


REPORTS = _reports()
NAMES = {s.service_code: s.service_name for s in SERVICES}
AGENCIES = {"so-xay-dung": "Sở Xây dựng", "dien-luc": "Công ty Điện lực Lào Cai"}
NOW = REQUESTED + timedelta(hours=1)


def _requests(views: list[PublicServiceRequest]) -> Document:
    return service_requests_document(
        request_document(v, service_name=NAMES[v.service_code],
                         agency_name=AGENCIES.get(v.agency or "")) for v in views)


def _document(path: str, pairs: list[tuple[str, str]]) -> Document:
    parts = path.removeprefix("/v2/").split("/")
    if parts == ["services"]:
        return service_list_document(SERVICES)
    if parts[0] == "services" and len(parts) == 2:
        definition = DEFINITIONS.get(parts[1])
        if definition is None:
            raise not_found("service_code", parts[1])
        return service_definition_document(definition)
    if parts == ["requests"]:
        return _requests(select_requests(parse_request_query(pairs, now=NOW), REPORTS))
    if parts[0] == "requests" and len(parts) == 2:
        found = [v for v in REPORTS if v.request_id == parts[1]]
        if not found:
            raise not_found("service_request_id", parts[1])
        return _requests(found)
    raise not_found("path", path)


class _Open311(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        stem, _, suffix = url.path.rpartition(".")
        fmt = Format(suffix) if suffix in ("xml", "json") else Format.XML
        try:
            body, status = render(_document(stem, parse_qsl(url.query)), fmt), 200
        except FansipanError as exc:
            body, status = render(errors_document(exc), fmt), http_status(exc)
        self.send_response(status)
        self.send_header("Content-Type", fmt.media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Open311)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v2"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # The client goes through requests, which honours proxy variables; ours is local.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


@pytest.fixture(params=["xml", "json"])
def client(request: pytest.FixtureRequest, endpoint: str) -> GeoReport:
    return GeoReport(endpoint, output_format=request.param)


def test_it_reads_the_service_list(client: GeoReport) -> None:
    services = client.get_service_list()
    assert [s["service_code"] for s in services] == ["SAT_LO", "DIEN_DUT", "001"]
    assert services[0]["service_name"] == "Sạt lở đất đá trên đường"
    assert services[0]["keywords"] == "sạt lở, đất đá, taluy"
    assert services[2]["type"] == "batch"
    expected = True if client.output_format == "json" else "true"
    assert services[0]["metadata"] == expected


def test_it_reads_a_service_definition(client: GeoReport) -> None:
    definition = client.get_service_definition("SAT_LO")
    assert definition["service_code"] == "SAT_LO"
    attributes = definition["attributes"]
    if client.output_format == "xml":
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["TUYEN", "MUC_DO", "PHUONG_TIEN", "SO_HO",
                                               "THOI_DIEM", "MO_TA", "LUU_Y"]
    values = attributes[2]["values"]
    if client.output_format == "xml":
        values = values["value"]
    assert [v["key"] for v in values] == ["xe_may", "o_to", "xe_tai"]
    assert values[1]["name"] == "Ô tô"


def test_it_reads_service_requests_with_filters(client: GeoReport) -> None:
    both = client.get_service_requests()
    assert [r["service_request_id"] for r in both] == ["PA-2025-000123", "PA-2025-000100"]
    assert both[0]["requested_datetime"] == "2025-08-04T07:15:30+07:00"
    assert both[0]["expected_datetime"] == "2025-08-06T23:59:59+07:00"
    assert both[0]["updated_datetime"] == "2025-08-04T08:00:30+07:00"
    assert both[0]["status_notes"] == "Đã chuyển Sở Xây dựng"
    assert both[0]["agency_responsible"] == "Sở Xây dựng"
    assert both[0]["media_url"] == "https://ioc.laocai.gov.vn/media/3f2a.jpg"
    assert "an@example.vn" not in str(both) and "canbo" not in str(both)
    lat = 22.3364 if client.output_format == "json" else "22.3364"
    assert both[0]["lat"] == lat
    opened = client.get_service_requests(status="open", service_code="SAT_LO",
                                         start_date="2025-08-01T00:00:00+07:00",
                                         end_date="2025-08-05T00:00:00+07:00")
    if client.output_format == "xml":
        opened = [opened]  # xmltodict gives a lone element as a dict, not a list
    assert [r["service_request_id"] for r in opened] == ["PA-2025-000123"]
    by_id = client.get_service_requests(service_request_id="PA-2025-000100")
    if client.output_format == "xml":
        by_id = [by_id]
    assert by_id[0]["status_notes"] == "Điện lực đã khắc phục"


def test_it_reads_one_request_and_sees_our_404s(client: GeoReport) -> None:
    one = client.get_service_request("PA-2025-000100")
    assert one["status"] == "closed" and one["address"] == "Thôn Tả Van"
    assert one["media_url"] is None  # an empty element, or null
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_definition("KHONG_CO")
    response = caught.value.response
    assert response is not None and response.status_code == 404
    assert "KHONG_CO" in response.content.decode("utf-8")
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_requests(start_date="2025-08-01")  # no time zone
    assert caught.value.response is not None and caught.value.response.status_code == 400
