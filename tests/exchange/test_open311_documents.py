"""GeoReport v2 documents: the spec's XML and its Spark-convention JSON, field by field."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import xmltodict

from fansipan.domain.local_time import VIETNAM
from fansipan.errors import (
    Conflict,
    FieldError,
    NotFound,
    PermissionDenied,
    Unauthenticated,
    ValidationError,
)
from fansipan.exchange.open311.documents import Format, render, render_json, render_xml
from fansipan.exchange.open311.failures import (
    api_key_refused,
    check_jurisdiction,
    errors_document,
    http_status,
    not_found,
)
from fansipan.exchange.open311.model import (
    AttributeValue,
    Datatype,
    PostResponse,
    ServiceAttribute,
    ServiceDefinition,
    ServiceRequestDoc,
    TokenAnswer,
    discovery_document,
    post_response_document,
    service_definition_document,
    service_list_document,
    service_requests_document,
    token_document,
)
from fansipan.exchange.open311.w3c import format_datetime, parse_datetime
from tests.exchange.open311_catalogue import (
    CLOSED_REQUEST,
    DISCOVERY,
    LANDSLIDE_DEFINITION,
    LANDSLIDE_REQUEST,
    SERVICES,
)

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url"]


def xml(document: object) -> dict[str, object]:
    data = render_xml(document)  # type: ignore[arg-type]
    assert data.startswith(DECLARATION)
    parsed: dict[str, object] = xmltodict.parse(data)
    return parsed


def as_json(document: object) -> object:
    return json.loads(render_json(document))  # type: ignore[arg-type]


def test_the_service_list_in_xml_and_json() -> None:
    doc = service_list_document(SERVICES)
    services = xml(doc)["services"]["service"]  # type: ignore[index]
    assert [s["service_code"] for s in services] == ["SAT_LO", "DIEN_DUT", "001"]
    first = services[0]
    assert list(first) == ["service_code", "service_name", "description", "metadata", "type",
                           "keywords", "group"]
    assert first["service_name"] == "Sạt lở đất đá trên đường"
    assert (first["metadata"], first["type"]) == ("true", "realtime")
    assert first["keywords"] == "sạt lở, đất đá, taluy"
    assert services[2]["type"] == "batch" and services[1]["metadata"] == "false"
    assert services[1]["keywords"] is None  # an empty element
    listed = as_json(doc)
    assert isinstance(listed, list) and len(listed) == 3
    assert listed[0]["metadata"] is True and listed[1]["metadata"] is False
    assert listed[2]["service_code"] == "001"  # a code keeps its leading zeros
    assert listed[1]["keywords"] is None
    assert "Sạt lở".encode() in render_json(doc)  # UTF-8, not \u escapes


def test_a_list_of_one_or_none_is_still_an_array_in_json() -> None:
    assert as_json(service_list_document(SERVICES[:1]))[0]["service_code"] == "SAT_LO"  # type: ignore[index]
    assert as_json(service_list_document([])) == []
    assert render_xml(service_list_document([])) == DECLARATION + b"<services />\n"
    assert as_json(service_requests_document([])) == []


def test_a_service_definition_with_all_six_datatypes() -> None:
    doc = service_definition_document(LANDSLIDE_DEFINITION)
    parsed = xml(doc)["service_definition"]
    assert parsed["service_code"] == "SAT_LO"  # type: ignore[index]
    attributes = parsed["attributes"]["attribute"]  # type: ignore[index]
    assert [a["datatype"] for a in attributes] == [
        "string", "singlevaluelist", "multivaluelist", "number", "datetime", "text", "string"]
    level = attributes[1]
    assert list(level) == ["variable", "code", "datatype", "required", "datatype_description",
                           "order", "description", "values"]
    assert (level["variable"], level["required"], level["order"]) == ("true", "true", "2")
    assert level["values"]["value"] == [{"key": "nhe", "name": "Nhẹ, xe vẫn qua được"},
                                        {"key": "nghiem_trong",
                                         "name": "Nghiêm trọng, chắn đường"}]
    assert "values" not in attributes[0]  # only the lists carry values
    assert attributes[6]["variable"] == "false"
    defined = as_json(doc)
    assert isinstance(defined, dict) and defined["service_code"] == "SAT_LO"
    json_attributes = defined["attributes"]
    assert json_attributes[2]["values"][0] == {"key": "xe_may", "name": "Xe máy"}
    assert json_attributes[3]["datatype_description"] == "Một số, ví dụ 12"
    assert json_attributes[0]["datatype_description"] is None
    assert json_attributes[1]["order"] == 2 and json_attributes[1]["required"] is True


def test_attributes_are_written_in_their_order_and_checked() -> None:
    shuffled = ServiceDefinition("X", (
        ServiceAttribute("B", Datatype.STRING, "b", order=2),
        ServiceAttribute("A", Datatype.STRING, "a", order=1)))
    assert [a["code"] for a in as_json(service_definition_document(shuffled))["attributes"]] \
        == ["A", "B"]  # type: ignore[index]
    with pytest.raises(ValueError, match="needs values"):
        ServiceAttribute("L", Datatype.SINGLEVALUELIST, "l", order=1)
    with pytest.raises(ValueError, match="takes no values"):
        ServiceAttribute("S", Datatype.STRING, "s", order=1, values=(AttributeValue("a", "A"),))
    with pytest.raises(ValueError, match="cannot be required"):
        ServiceAttribute("I", Datatype.STRING, "i", order=1, variable=False, required=True)
    with pytest.raises(ValueError, match="orders repeat"):
        ServiceDefinition("X", (ServiceAttribute("A", Datatype.STRING, "a", order=1),
                                ServiceAttribute("B", Datatype.STRING, "b", order=1)))


def test_service_requests_carry_every_field_with_zoned_times() -> None:
    doc = service_requests_document([LANDSLIDE_REQUEST, CLOSED_REQUEST])
    requests = xml(doc)["service_requests"]["request"]  # type: ignore[index]
    assert [list(r) for r in requests] == [REQUEST_FIELDS, REQUEST_FIELDS]
    first = requests[0]
    assert first["requested_datetime"] == "2025-08-04T07:15:30+07:00"
    assert first["updated_datetime"] == "2025-08-04T10:00:00+07:00"  # 03:00 UTC, written +07
    assert first["expected_datetime"] == "2025-08-06T23:59:59+07:00"
    assert (first["lat"], first["long"]) == ("22.3364", "103.8438")
    assert first["status"] == "open" and requests[1]["status"] == "closed"
    assert requests[1]["media_url"] is None and requests[1]["expected_datetime"] is None
    listed = as_json(doc)
    assert isinstance(listed, list) and list(listed[0]) == REQUEST_FIELDS
    assert listed[0]["lat"] == 22.3364 and listed[0]["long"] == 103.8438
    assert listed[0]["service_request_id"] == "PA-2025-000123"
    assert listed[1]["agency_responsible"] is None
    with pytest.raises(ValueError, match="'open' or 'closed'"):
        ServiceRequestDoc("x", "in_progress", "A", "a", LANDSLIDE_REQUEST.requested_datetime,
                          LANDSLIDE_REQUEST.requested_datetime)


def test_text_is_escaped_and_characters_xml_cannot_carry_are_dropped() -> None:
    nasty = 'Đá <script>alert("x")</script> & \'rơi\'\x01\x1b trên đường\nkm 12'
    doc = service_requests_document([ServiceRequestDoc(
        "1", "open", "SAT_LO", "Sạt lở", LANDSLIDE_REQUEST.requested_datetime,
        LANDSLIDE_REQUEST.requested_datetime, description=nasty)])
    data = render_xml(doc)
    assert b"<script>" not in data and b"&lt;script&gt;" in data and b"&amp;" in data
    parsed = xmltodict.parse(data)["service_requests"]["request"]["description"]
    assert parsed == 'Đá <script>alert("x")</script> & \'rơi\' trên đường\nkm 12'
    assert as_json(doc)[0]["description"] == nasty  # type: ignore[index]


def test_the_post_response_carries_an_id_or_a_token_never_both() -> None:
    realtime = xml(post_response_document([PostResponse(
        service_request_id="PA-1", service_notice="Xử lý trong 2 ngày")]))
    record = realtime["service_requests"]["request"]  # type: ignore[index]
    assert record == {"service_request_id": "PA-1", "service_notice": "Xử lý trong 2 ngày",
                      "account_id": None}
    batch = as_json(post_response_document([PostResponse(token="tk-9", account_id="acc-1")]))
    assert batch == [{"token": "tk-9", "service_notice": None, "account_id": "acc-1"}]
    with pytest.raises(ValueError, match="never both"):
        PostResponse(service_request_id="PA-1", token="tk-9")
    looked_up = as_json(token_document([TokenAnswer("tk-9", "PA-1"), TokenAnswer("tk-10")]))
    assert looked_up == [{"service_request_id": "PA-1", "token": "tk-9"},
                         {"service_request_id": None, "token": "tk-10"}]


def test_the_discovery_document() -> None:
    parsed = xml(discovery_document(DISCOVERY))["discovery"]
    assert list(parsed) == ["changeset", "contact", "key_service", "endpoints"]  # type: ignore[arg-type]
    endpoints = parsed["endpoints"]["endpoint"]  # type: ignore[index]
    assert endpoints[0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoints[0]["formats"]["format"] == ["text/xml", "application/json"]
    assert endpoints[1]["type"] == "test"
    found = as_json(discovery_document(DISCOVERY))
    assert isinstance(found, dict)
    assert found["changeset"] == "2025-08-01T00:00:00+07:00"
    assert found["endpoints"][1]["formats"] == ["text/xml"]  # an array even with one
    assert Format.XML.media_type == "text/xml; charset=utf-8"
    assert Format.JSON.media_type == "application/json; charset=utf-8"
    assert render(discovery_document(DISCOVERY), Format("json")).startswith(b"{")


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (NotFound("no such service"), 404),
        (PermissionDenied("bad key"), 403),
        (Unauthenticated("no key"), 403),
        (ValidationError("bad input"), 400),  # 422 elsewhere in Fansipan
        (Conflict("clash"), 400),
    ],
)
def test_errors_get_the_status_the_spec_prescribes(error: ValidationError,
                                                   status: int) -> None:
    assert http_status(error) == status
    assert as_json(errors_document(error)) == [{"code": status,
                                                "description": error.message}]


def test_each_field_problem_is_one_error() -> None:
    error = ValidationError("Phản ánh chưa hợp lệ", [
        FieldError("lat", "cần gửi cả lat và long / lat and long go together"),
        FieldError("attribute[MUC_DO]", "bắt buộc / is required")])
    parsed = xml(errors_document(error))["errors"]["error"]  # type: ignore[index]
    assert parsed == [
        {"code": "400", "description": "lat: cần gửi cả lat và long / lat and long go together"},
        {"code": "400", "description": "attribute[MUC_DO]: bắt buộc / is required"}]
    refused = api_key_refused(missing=True)
    assert http_status(refused) == 403 and refused.errors[0].field == "api_key"
    assert "missing" in refused.errors[0].message
    assert "revoked" in api_key_refused(missing=False).errors[0].message
    missing = not_found("service_code", "XYZ")
    assert http_status(missing) == 404 and "XYZ" in missing.errors[0].message
    check_jurisdiction(None, "laocai.gov.vn")
    check_jurisdiction("", "laocai.gov.vn")
    check_jurisdiction("LaoCai.gov.vn", "laocai.gov.vn")
    check_jurisdiction("sfgov.org", None)  # one jurisdiction: the parameter is ignored
    with pytest.raises(NotFound):
        check_jurisdiction("sfgov.org", "laocai.gov.vn")


@pytest.mark.parametrize(
    ("text", "instant"),
    [
        ("2025-08-04T07:15:30+07:00", "2025-08-04T00:15:30+00:00"),
        ("2025-08-04T00:15:30Z", "2025-08-04T00:15:30+00:00"),
        ("2010-04-14T06:37:38-08:00", "2010-04-14T14:37:38+00:00"),  # the spec's example
        ("2025-08-04T07:15+07:00", "2025-08-04T00:15:00+00:00"),
        ("2025-08-04T07:15:30.123456789+07:00", "2025-08-04T00:15:30.123456+00:00"),
        ("2025-08-04T07:15:30 07:00", "2025-08-04T00:15:30+00:00"),  # '+' read as a space
    ],
)
def test_w3c_date_times_are_read_with_their_zone(text: str, instant: str) -> None:
    assert parse_datetime(text, field="start_date") == datetime.fromisoformat(instant)


@pytest.mark.parametrize("text", ["2025-08-04T07:15:30", "2025-08-04", "04/08/2025",
                                  "2025-02-30T00:00:00Z", "2025-08-04T25:00:00Z",
                                  "2025-08-04T07:15:30+24:00", "yesterday"])
def test_w3c_date_times_without_a_zone_or_impossible_are_refused(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_datetime(text, field="end_date")
    assert caught.value.errors[0].field == "end_date"


def test_times_are_written_in_vietnam_to_the_second() -> None:
    moment = datetime.fromisoformat("2025-12-31T17:30:00.999+00:00")
    assert format_datetime(moment) == "2026-01-01T00:30:00+07:00"
    assert format_datetime(datetime(2025, 1, 1, tzinfo=VIETNAM)) == "2025-01-01T00:00:00+07:00"
    with pytest.raises(ValidationError):
        format_datetime(datetime(2025, 1, 1))
