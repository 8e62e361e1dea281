"""POST /requests: form-encoded bodies read into a checked new report, or refused by field."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from urllib.parse import urlencode

import pytest

from fansipan.domain.local_time import VIETNAM
from fansipan.domain.service_requests import Answer, receive_request
from fansipan.errors import NotFound, ValidationError
from fansipan.exchange.open311.failures import http_status
from fansipan.exchange.open311.posting import NewServiceRequest, parse_post, read_form
from tests.exchange.open311_catalogue import DEFINITIONS

BASE = [("api_key", "k-123"), ("service_code", "SAT_LO"), ("lat", "22.3364"),
        ("long", "103.8438"), ("attribute[TUYEN]", "QL4D"),
        ("attribute[MUC_DO]", "nghiem_trong")]


def post(pairs: list[tuple[str, str]], **kwargs: str) -> NewServiceRequest:
    return parse_post(pairs, definitions=DEFINITIONS, **kwargs)


def problems(pairs: list[tuple[str, str]], **kwargs: str) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        post(pairs, **kwargs)
    assert http_status(caught.value) == 400
    return {e.field: e.message for e in caught.value.errors}


def test_the_spec_s_example_body_is_read() -> None:
    body = ("api_key=xyz&jurisdiction_id=city.gov&service_code=DIEN_DUT&lat=37.76524078"
            "&long=-122.4212043&address_string=1234+5th+street&email=smit333%40sfgov.edu"
            "&device_id=tt222111&account_id=123456&first_name=john&last_name=smith"
            "&phone=111111111&description=A+large+sinkhole+is+destroying+the+street"
            "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg")
    new = parse_post(read_form(body.encode()), definitions=DEFINITIONS)
    assert new.service_code == "DIEN_DUT" and new.api_key == "xyz"
    assert "xyz" not in repr(new)  # the key never reaches a log line,
    assert "smit333" not in repr(new) and "111111111" not in repr(new)  # nor do the person's
    assert (new.location.lat, new.location.long) == (37.76524078, -122.4212043)
    assert new.location.address == "1234 5th street"
    assert new.reporter.email == "smit333@sfgov.edu" and new.reporter.last_name == "smith"
    assert new.reporter.device_id == "tt222111" and new.reporter.account_id == "123456"
    assert new.description == "A large sinkhole is destroying the street"
    assert new.media_url == "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"
    assert new.jurisdiction_id == "city.gov" and new.answers == ()


def test_all_datatypes_are_read_and_typed() -> None:
    body = urlencode([
        *BASE, ("attribute[PHUONG_TIEN][]", "o_to"), ("attribute[PHUONG_TIEN][]", "xe_tai"),
        ("attribute[PHUONG_TIEN][]", "o_to"),  # repeated: kept once
        ("attribute[SO_HO]", "12,5"), ("attribute[THOI_DIEM]", "2025-08-04T06:30"),
        ("attribute[MO_TA]", "Đá lớn\nchắn hết hai làn"),
        ("description", "Sạt lở taluy dương"), ("first_name", "An"),
        ("phone", "+84 912 345 678")])
    new = parse_post(read_form(body.encode()), definitions=DEFINITIONS)
    answers = {a.code: a.value for a in new.answers}
    assert answers == {
        "TUYEN": "QL4D", "MUC_DO": "nghiem_trong", "PHUONG_TIEN": ("o_to", "xe_tai"),
        "SO_HO": 12.5, "THOI_DIEM": datetime(2025, 8, 4, 6, 30, tzinfo=VIETNAM),
        "MO_TA": "Đá lớn\nchắn hết hai làn"}
    assert [a.code for a in new.answers] == ["TUYEN", "MUC_DO", "PHUONG_TIEN", "SO_HO",
                                             "THOI_DIEM", "MO_TA"]  # the definition's order
    # What comes out is what the workflow takes in.
    report = receive_request(request_id="PA-1", service_code=new.service_code,
                             requested_at=datetime(2025, 8, 4, 7, tzinfo=VIETNAM),
                             location=new.location, description=new.description,
                             reporter=new.reporter, answers=new.answers)
    assert report.answers[0] == Answer("TUYEN", "QL4D")
    single = post([*BASE, ("attribute[PHUONG_TIEN]", "xe_may"),
                   ("attribute[THOI_DIEM]", "2025-08-04"), ("attribute[SO_HO]", "1.234,5")])
    values = {a.code: a.value for a in single.answers}
    assert values["PHUONG_TIEN"] == ("xe_may",)
    assert values["THOI_DIEM"] == datetime(2025, 8, 4, tzinfo=VIETNAM)
    assert values["SO_HO"] == 1234.5


def test_text_is_normalised_to_nfc_and_empty_values_are_absent() -> None:
    decomposed = unicodedata.normalize("NFD", "Sạt lở ở Sa Pa")
    new = post([*BASE, ("description", f"  {decomposed}  "), ("email", ""), ("phone", " ")])
    assert new.description == "Sạt lở ở Sa Pa"
    assert new.reporter.email is None and new.reporter.phone is None


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"lat": None, "long": None}, "lat", "location is required"),
        ({"long": None}, "long", "go together"),
        ({"lat": "22,3364"}, "lat", "decimal degrees"),
        ({"lat": "95.0"}, "lat", "from -90 to 90"),
        ({"long": "-181"}, "long", "from -180 to 180"),
        ({"lat": "NaN"}, "lat", "decimal degrees"),
        ({"attribute[MUC_DO]": None}, "attribute[MUC_DO]", "required: Mức độ"),
        ({"attribute[MUC_DO]": "rat_nang"}, "attribute[MUC_DO]", "not one of the choices"),
        ({"attribute[TUYEN]": "QL4D\nQL4E"}, "attribute[TUYEN]", "single line"),
        ({"attribute[TUYEN]": "<b>QL4D</b>"}, "attribute[TUYEN]", "HTML"),
        ({"attribute[SO_HO]": "mười hai"}, "attribute[SO_HO]", "must be a number"),
        ({"attribute[THOI_DIEM]": "sáng nay"}, "attribute[THOI_DIEM]", "ISO 8601"),
        ({"attribute[LUU_Y]": "đã gọi"}, "attribute[LUU_Y]", "information only"),
        ({"attribute[KHONG_CO]": "x"}, "attribute[KHONG_CO]", "no such attribute"),
        ({"attribute[MUC_DO": "nhe"}, "attribute[MUC_DO", "malformed"),
        ({"description": "x" * 4001}, "description", "4,001 characters long; at most 4,000"),
        ({"description": "Xem <a href='http://x'>ảnh</a>"}, "description", "HTML"),
        ({"description": "Đường tắc &nbsp; hoàn toàn"}, "description", "HTML"),
        ({"description": "chuông\x07"}, "description", "control characters"),
        ({"email": "an at example.vn"}, "email", "e-mail address"),
        ({"phone": "gọi tôi"}, "phone", "phone number"),
        ({"phone": "123"}, "phone", "phone number"),
        ({"first_name": "An\nB"}, "first_name", "single line"),
        ({"last_name": "N" * 101}, "last_name", "at most 100"),
        ({"media_url": "javascript:alert(1)"}, "media_url", "http:// or https://"),
        ({"media_url": "file:///etc/passwd"}, "media_url", "http:// or https://"),
    ],
)
def test_each_problem_names_its_field_in_both_languages(
        changes: dict[str, str | None], field: str, words: str) -> None:
    pairs = [(k, v) for k, v in BASE if k not in changes]
    pairs += [(k, v) for k, v in changes.items() if v is not None]
    found = problems(pairs)
    assert field in found, found
    assert words in found[field]
    assert " / " in found[field]  # Vietnamese, then English


def test_all_problems_come_at_once() -> None:
    found = problems([("service_code", "SAT_LO"), ("email", "x"), ("phone", "y"),
                      ("attribute[MUC_DO][]", "nhe")])
    assert set(found) == {"lat", "email", "phone", "attribute[MUC_DO]", "attribute[TUYEN]"}
    assert "single value" in found["attribute[MUC_DO]"]  # [] is for multivaluelists only


def test_a_value_sent_twice_differently_is_refused_and_the_same_twice_is_fine() -> None:
    assert "more than once" in problems([*BASE, ("lat", "22.4")])["lat"]
    assert post([*BASE, ("lat", "22.3364")]).location.lat == 22.3364
    assert "single value" in problems([*BASE, ("attribute[TUYEN]", "QL279")])["attribute[TUYEN]"]


def test_an_unknown_service_or_jurisdiction_is_a_404_and_a_missing_code_a_400() -> None:
    with pytest.raises(NotFound) as caught:
        post([("service_code", "KHONG_CO"), ("lat", "22"), ("long", "103")])
    assert http_status(caught.value) == 404 and caught.value.errors[0].field == "service_code"
    with pytest.raises(NotFound) as caught:
        post([*BASE, ("jurisdiction_id", "sfgov.org")], jurisdiction_id="laocai.gov.vn")
    assert caught.value.errors[0].field == "jurisdiction_id"
    assert post([*BASE, ("jurisdiction_id", "laocai.gov.vn")],
                jurisdiction_id="laocai.gov.vn").jurisdiction_id == "laocai.gov.vn"
    assert "required" in problems([("lat", "22"), ("long", "103")])["service_code"]


def test_other_locations_and_unknown_parameters() -> None:
    by_address = post([("service_code", "DIEN_DUT"), ("address_string", "Thôn Tả Van, Sa Pa"),
                       ("x_extension", "ignored")])
    assert by_address.location.address == "Thôn Tả Van, Sa Pa"
    assert by_address.location.lat is None
    by_id = post([("service_code", "DIEN_DUT"), ("address_id", "LC-SP-0012")])
    assert by_id.location.address_id == "LC-SP-0012"


def test_a_body_that_is_not_utf8_or_has_too_many_fields_is_refused() -> None:
    with pytest.raises(ValidationError, match="form cannot be read") as caught:
        # Windows' Vietnamese code page, as an old desktop client might send.
        read_form("address_string=Lào Cai".encode("cp1258"))
    assert caught.value.errors[0].field == "body"
    with pytest.raises(ValidationError) as caught:
        read_form(b"description=%C3%28")  # a percent-encoded byte that is not UTF-8
    assert "UTF-8" in caught.value.errors[0].message
    with pytest.raises(ValidationError, match="form cannot be read"):
        read_form(b"&".join(b"a=%d" % n for n in range(600)))
    assert read_form(b"a=1&b=&c=%E1%BA%A1") == [("a", "1"), ("b", ""), ("c", "ạ")]
