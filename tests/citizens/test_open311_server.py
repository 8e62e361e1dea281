"""GeoReport v2 conformance: every endpoint and field of our server, in XML and JSON,
errors included, against the real app on a real store."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET  # parses only what our own server wrote
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from PIL import ExifTags, Image
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.domain.local_time import VIETNAM
from fansipan.services.citizens.categories import CategoryWrite, save_category
from fansipan.services.exchange.clients import ClientRegistration, register_client
from fansipan.settings import Settings
from tests.citizens.conftest import SA_PA, landslide, submit

FORMATS = ["xml", "json"]
BASE = "/open311/v2"
SIX = {"code": "THU_NGHIEM", "agency": "so-xay-dung", "deadline_days": 2,
       "name_vi": "Loại thử đủ sáu kiểu câu hỏi", "name_en": "A test of all six datatypes"}


def parse(response: Any, fmt: str) -> Any:
    """The document as plain values: XML elements as dicts of their children's text."""
    if fmt == "json":
        return json.loads(response.content)
    root = ET.fromstring(response.content)  # noqa: S314 - our server's own output
    return _xml(root)


def _xml(element: ET.Element) -> Any:
    children = list(element)
    if not children:
        return element.text
    names = [c.tag for c in children]
    if (len(set(names)) == 1 and len(names) > 1) or element.tag in (
            "services", "service_requests", "attributes", "values", "errors", "endpoints",
            "formats"):
        return [_xml(c) for c in children]
    return {c.tag: _xml(c) for c in children}


@pytest.fixture
def keys(categories: Session, settings: Settings) -> dict[str, str]:
    """An Open311 application's key, and a data system's key that may not post reports."""
    system = Principal.system("tests")
    app = register_client(session=categories, settings=settings, principal=system,
                          data=ClientRegistration(name="app-phan-anh", agency="ioc-lao-cai",
                                                  units=["15"], units_as_of="2026-01-01",
                                                  read=False, report=True))
    data = register_client(session=categories, settings=settings, principal=system,
                           data=ClientRegistration(name="lgsp-so-lieu", agency="ioc-lao-cai",
                                                   units=["15"], units_as_of="2026-01-01",
                                                   write=True))
    return {"reporter": app.key, "data": data.key}


@pytest.fixture
def six(categories: Session) -> Session:
    attributes = [
        {"code": "TEN", "datatype": "string", "description_vi": "Tên", "description_en": "Name",
         "required": True},
        {"code": "SO", "datatype": "number", "description_vi": "Số", "description_en": "Number"},
        {"code": "LUC", "datatype": "datetime", "description_vi": "Lúc",
         "description_en": "When"},
        {"code": "GHI", "datatype": "text", "description_vi": "Ghi", "description_en": "Text"},
        {"code": "MOT", "datatype": "singlevaluelist", "description_vi": "Một",
         "description_en": "One", "values": [{"key": "a", "name_vi": "A", "name_en": "A"},
                                             {"key": "b", "name_vi": "B", "name_en": "B"}]},
        {"code": "NHIEU", "datatype": "multivaluelist", "description_vi": "Nhiều",
         "description_en": "Many", "values": [{"key": "x", "name_vi": "X", "name_en": "X"},
                                              {"key": "y", "name_vi": "Y", "name_en": "Y"}]},
        {"code": "XEM", "datatype": "string", "description_vi": "Chỉ để xem",
         "description_en": "Information", "variable": False},
    ]
    code = SIX["code"]
    save_category(session=categories, principal=Principal.system("tests"), code=code,
                  data=CategoryWrite(**{k: v for k, v in SIX.items() if k != "code"},
                                     attributes=attributes, sort=99))
    save_category(session=categories, principal=Principal.system("tests"), code="LO_HANG",
                  data=CategoryWrite(name_vi="Gửi theo lô", name_en="Batch", type="batch",
                                     agency="so-xay-dung", sort=100))
    return categories


def post(client: TestClient, fmt: str, data: dict[str, Any] | list[tuple[str, str]],
         **kwargs: Any) -> Any:
    if isinstance(data, list):  # repeated fields, as a form sends them
        return client.post(f"{BASE}/requests.{fmt}", content=urlencode(data), headers={
            "content-type": "application/x-www-form-urlencoded; charset=utf-8"})
    return client.post(f"{BASE}/requests.{fmt}", data=data, **kwargs)


def landslide_form(key: str | None, **extra: str) -> dict[str, str]:
    form = {"service_code": "SAT_LO", "lat": str(SA_PA[0]), "long": str(SA_PA[1]),
            "commune": "03006", "attribute[TUYEN]": "QL4D", "attribute[MUC_DO]": "chan_duong",
            "description": "Đất đá tràn mặt đường", "first_name": "An",
            "email": "an@example.vn", "phone": "0912 345 678", "account_id": "u-77"}
    if key is not None:
        form["api_key"] = key
    return {**form, **extra}


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client: TestClient, categories: Session, fmt: str) -> None:
    r = client.get(f"{BASE}/discovery.{fmt}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/xml" if fmt == "xml" else "application/json")
    doc = parse(r, fmt)
    assert "1022" in doc["contact"] and "api_key" in doc["key_service"]
    endpoint = doc["endpoints"][0]
    assert endpoint["url"].endswith("/open311/v2")
    assert endpoint["type"] == "production"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert endpoint["changeset"].endswith("+07:00")


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_list_every_category(client: TestClient, categories: Session,
                                      fmt: str) -> None:
    doc = parse(client.get(f"{BASE}/services.{fmt}"), fmt)
    assert [s["service_code"] for s in doc][:3] == ["SAT_LO", "HU_HONG_DUONG", "DIEN_DUT"]
    assert len(doc) == 10
    landslide_service = doc[0]
    assert landslide_service["service_name"] == "Sạt lở đất đá, sụt lún đường"
    assert landslide_service["group"] == "Giao thông"
    assert landslide_service["keywords"] == "sạt lở, đất đá, taluy, sụt lún"
    assert landslide_service["type"] == "realtime"
    assert landslide_service["metadata"] in (True, "true")
    rubbish = next(s for s in doc if s["service_code"] == "RAC_THAI")
    assert rubbish["metadata"] in (False, "false")
    english = parse(client.get(f"{BASE}/services.{fmt}", params={"lang": "en"}), fmt)
    assert english[0]["service_name"] == "Landslide or subsidence on a road"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_definition_with_all_six_datatypes(client: TestClient, six: Session,
                                             fmt: str) -> None:
    doc = parse(client.get(f"{BASE}/services/THU_NGHIEM.{fmt}"), fmt)
    assert doc["service_code"] == "THU_NGHIEM"
    attributes = doc["attributes"]
    assert [a["datatype"] for a in attributes] == [
        "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist", "string"]
    assert [a["order"] for a in attributes] in ([1, 2, 3, 4, 5, 6, 7],
                                                ["1", "2", "3", "4", "5", "6", "7"])
    assert attributes[0]["required"] in (True, "true")
    assert attributes[6]["variable"] in (False, "false")
    assert [v["key"] for v in attributes[5]["values"]] == ["x", "y"]
    assert attributes[4]["values"][1]["name"] == "B"
    missing = client.get(f"{BASE}/services/KHONG_CO.{fmt}")
    assert missing.status_code == 404
    assert parse(missing, fmt)[0]["code"] in (404, "404")


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_needs_a_reporters_api_key(client: TestClient, keys: dict[str, str],
                                           fmt: str) -> None:
    for key, why in ((None, "missing"), ("fsp_not_a_key", "không hợp lệ"),
                     (keys["data"], "reporter")):
        r = post(client, fmt, landslide_form(key))
        assert r.status_code == 403, key
        errors = parse(r, fmt)
        assert errors[0]["code"] in (403, "403")
        assert why in errors[0]["description"]
    listed = parse(client.get(f"{BASE}/requests.{fmt}"), fmt)
    assert listed in ([], None)  # nothing was stored


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_a_report_and_reading_it_back(client: TestClient, keys: dict[str, str],
                                              fmt: str) -> None:
    r = post(client, fmt, landslide_form(keys["reporter"], jurisdiction_id="laocai.gov.vn"))
    assert r.status_code == 200, r.text
    answer = parse(r, fmt)[0]
    request_id = answer["service_request_id"]
    assert request_id.startswith("PA-")
    assert "token" not in answer
    assert "Sở Xây dựng" in answer["service_notice"]
    assert answer["account_id"] == "u-77"
    one = parse(client.get(f"{BASE}/requests/{request_id}.{fmt}"), fmt)[0]
    assert one["service_request_id"] == request_id
    assert one["status"] == "open"
    assert one["service_code"] == "SAT_LO"
    assert one["service_name"] == "Sạt lở đất đá, sụt lún đường"
    assert one["agency_responsible"] == "Sở Xây dựng tỉnh Lào Cai"
    assert one["description"] == "Đất đá tràn mặt đường"
    assert one["requested_datetime"].endswith("+07:00")
    assert one["expected_datetime"].endswith("T23:59:59+07:00")
    assert one["updated_datetime"].endswith("+07:00")
    assert float(one["lat"]) == SA_PA[0] and float(one["long"]) == SA_PA[1]
    for field in ("address", "address_id", "zipcode", "media_url", "service_notice"):
        assert field in one  # every field is written, empty or null when there is none
    text = r.text + client.get(f"{BASE}/requests.{fmt}").text
    for secret in ("an@example.vn", "0912 345 678", "QL4D"):
        assert secret not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_errors_in_the_specs_shape(client: TestClient, keys: dict[str, str],
                                           fmt: str) -> None:
    key = keys["reporter"]
    unknown = post(client, fmt, landslide_form(key, service_code="KHONG_CO"))
    assert unknown.status_code == 404
    assert "KHONG_CO" in parse(unknown, fmt)[0]["description"]
    outside = post(client, fmt, landslide_form(key, lat="21.0285", long="105.8542"))
    assert outside.status_code == 400
    described = [e["description"] for e in parse(outside, fmt)]
    assert described[0].startswith("lat:") and described[1].startswith("long:")
    assert "Hà Nội" in described[0]
    form = landslide_form(key)
    del form["attribute[MUC_DO]"]
    incomplete = post(client, fmt, form)
    assert incomplete.status_code == 400
    assert "attribute[MUC_DO]" in parse(incomplete, fmt)[0]["description"]
    other = post(client, fmt, landslide_form(key, jurisdiction_id="hanoi.gov.vn"))
    assert other.status_code == 404
    assert parse(client.get(f"{BASE}/requests.{fmt}"), fmt) in ([], None)


def test_attributes_of_every_datatype_are_read_and_kept(client: TestClient, six: Session,
                                                        keys: dict[str, str]) -> None:
    pairs = [("api_key", keys["reporter"]), ("service_code", "THU_NGHIEM"),
             ("lat", "22.34"), ("long", "103.84"), ("attribute[TEN]", "Tên thử"),
             ("attribute[SO]", "12,5"), ("attribute[LUC]", "2026-03-02T08:00"),
             ("attribute[GHI]", "dòng một\ndòng hai"), ("attribute[MOT]", "b"),
             ("attribute[NHIEU][]", "x"), ("attribute[NHIEU][]", "y")]
    r = post(client, "json", pairs)
    assert r.status_code == 200, r.text
    request_id = r.json()[0]["service_request_id"]
    from fansipan.services.citizens.reports import get_staff_report

    staff = get_staff_report(session=six, principal=Principal.system("tests"),
                             request_id=request_id)
    assert [(a.code, a.value) for a in staff.answers] == [
        ("TEN", "Tên thử"), ("SO", "12,5"), ("LUC", "08:00 02/03/2026"),
        ("GHI", "dòng một\ndòng hai"), ("MOT", "B"), ("NHIEU", "X, Y")]
    wrong = post(client, "json", [*pairs[:10], ("attribute[NHIEU][]", "z")])
    assert wrong.status_code == 400 and "NHIEU" in wrong.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_batch_service_answers_a_token(client: TestClient, six: Session,
                                         keys: dict[str, str], fmt: str) -> None:
    r = post(client, fmt, {"api_key": keys["reporter"], "service_code": "LO_HANG",
                           "lat": "22.34", "long": "103.84"})
    assert r.status_code == 200, r.text
    answer = parse(r, fmt)[0]
    assert answer.get("service_request_id") is None
    token = answer["token"]
    found = parse(client.get(f"{BASE}/tokens/{token}.{fmt}"), fmt)[0]
    assert found["token"] == token and found["service_request_id"].startswith("PA-")
    assert client.get(f"{BASE}/tokens/khong-co.{fmt}").status_code == 404


def _photo_with_gps() -> bytes:
    image = Image.new("RGB", (80, 60), (20, 120, 220))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Nguyễn Văn A"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (22.0, 20.0, 11.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_posted_with_the_report_is_published_without_its_metadata(
        client: TestClient, keys: dict[str, str]) -> None:
    photo = _photo_with_gps()
    assert b"Nguy" in photo
    r = client.post(f"{BASE}/requests.json", data=landslide_form(keys["reporter"]),
                    files={"media": ("IMG_0001.jpg", photo, "image/jpeg")})
    assert r.status_code == 200, r.text
    request_id = r.json()[0]["service_request_id"]
    one = client.get(f"{BASE}/requests/{request_id}.json").json()[0]
    media_url = one["media_url"]
    assert media_url.startswith("http://testserver/feedback/photos/")
    served = client.get(media_url.removeprefix("http://testserver"))
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert b"Nguy" not in served.content and b"Exif" not in served.content
    with Image.open(io.BytesIO(served.content)) as clean:
        assert clean.size == (80, 60) and not clean.getexif()
    bad = client.post(f"{BASE}/requests.json", data=landslide_form(keys["reporter"]),
                      files={"media": ("x.jpg", b"GIF89a not a photo", "image/jpeg")})
    assert bad.status_code == 400 and "media" in bad.text


@pytest.fixture
def history(categories: Session) -> dict[str, str]:
    """Reports on days before now, for the window and the filters."""
    now = datetime.now(VIETNAM).replace(microsecond=0)
    made = {}
    for name, days, code in (("old", 100, "SAT_LO"), ("month", 30, "SAT_LO"),
                             ("week", 7, "DIEN_DUT"), ("today", 0, "SAT_LO")):
        from fansipan.domain.service_requests import Answer

        answers = (Answer("NGUY_HIEM", "khong"),) if code == "DIEN_DUT" else None
        report = landslide(service_code=code, answers=answers)
        made[name] = submit(categories, report, at=now - timedelta(days=days)).request_id
    return made


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_default_window_and_every_filter(client: TestClient,
                                                      history: dict[str, str],
                                                      fmt: str) -> None:
    def ids(**params: str) -> list[str]:
        r = client.get(f"{BASE}/requests.{fmt}", params=params)
        assert r.status_code == 200, r.text
        return [x["service_request_id"] for x in parse(r, fmt) or []]

    # The last 90 days by default, newest first: the 100-day-old report is left out.
    assert ids() == [history["today"], history["week"], history["month"]]
    assert ids(service_code="DIEN_DUT") == [history["week"]]
    assert ids(service_code="DIEN_DUT,SAT_LO") == [history["today"], history["week"],
                                                  history["month"]]
    assert ids(status="closed") == []
    assert ids(status="open") == ids()
    now = datetime.now(VIETNAM)
    start = (now - timedelta(days=105)).isoformat(timespec="seconds")
    end = (now - timedelta(days=20)).isoformat(timespec="seconds")
    assert ids(start_date=start, end_date=end) == [history["month"], history["old"]]
    assert ids(end_date=end) == [history["month"], history["old"]]  # the 90 days before it
    # service_request_id overrides every other filter, and keeps the order asked.
    assert ids(service_request_id=f"{history['old']},{history['today']}",
               service_code="DIEN_DUT") == [history["old"], history["today"]]
    too_long = client.get(f"{BASE}/requests.{fmt}", params={
        "start_date": (now - timedelta(days=91)).isoformat(timespec="seconds"),
        "end_date": now.isoformat(timespec="seconds")})
    assert too_long.status_code == 400
    assert "90" in parse(too_long, fmt)[0]["description"]
    no_zone = client.get(f"{BASE}/requests.{fmt}", params={"start_date": "2026-03-01T00:00"})
    assert no_zone.status_code == 400
    assert client.get(f"{BASE}/requests/PA-1999-000001.{fmt}").status_code == 404


def test_unknown_paths_and_formats_answer_the_specs_404(client: TestClient,
                                                       categories: Session) -> None:
    r = client.get(f"{BASE}/services.yaml")
    assert r.status_code == 404 and r.content.startswith(b"<?xml")
    r = client.get(f"{BASE}/nothing.json")
    assert r.status_code == 404 and r.json()[0]["code"] == 404


@pytest.fixture
def served(settings: Settings, categories: Session) -> Iterator[str]:
    """The real app on a loopback port, for a published client to talk to."""
    import socket
    import threading
    import time

    import uvicorn

    from fansipan.api.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}{BASE}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        app.state.engine.dispose()


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_published_georeport_client_reads_the_live_server(
        served: str, categories: Session, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    import requests
    from georeport import GeoReport

    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                 "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    now = datetime.now(VIETNAM).replace(microsecond=0)
    first = submit(categories, landslide(), at=now - timedelta(hours=2))
    submit(categories, landslide(service_code="DIEN_DUT", answers=()), at=now - timedelta(hours=1))
    client = GeoReport(served, output_format=fmt)
    services = client.get_service_list()
    assert [s["service_code"] for s in services][:2] == ["SAT_LO", "HU_HONG_DUONG"]
    definition = client.get_service_definition("SAT_LO")
    attributes = definition["attributes"]
    if fmt == "xml":
        attributes = attributes["attribute"]
    assert [a["code"] for a in attributes] == ["TUYEN", "MUC_DO", "SO_HO", "LUU_Y"]
    both = client.get_service_requests()
    assert [r["service_code"] for r in both] == ["DIEN_DUT", "SAT_LO"]
    one = client.get_service_request(first.request_id)
    assert one["agency_responsible"] == "Sở Xây dựng tỉnh Lào Cai"
    assert one["expected_datetime"].endswith("+07:00")
    filtered = client.get_service_requests(service_code="SAT_LO", status="open")
    if fmt == "xml":
        filtered = [filtered]
    assert [r["service_request_id"] for r in filtered] == [first.request_id]
    with pytest.raises(requests.HTTPError) as caught:
        client.get_service_definition("KHONG_CO")
    assert caught.value.response is not None and caught.value.response.status_code == 404
