"""The staff inbox pages: a body's reports, overdue first, and the workflow's steps."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.citizens.conftest import MONDAY, landslide, submit
from tests.support.accounts import Account

HTML = {"accept": "text/html"}


def test_an_officer_sees_only_the_reports_of_their_body(
        client: TestClient, categories: Session, staff: dict[str, Account]) -> None:
    road = submit(categories, landslide())
    from fansipan.domain.service_requests import Answer

    power = submit(categories, landslide(service_code="DIEN_DUT",
                                         answers=(Answer("NGUY_HIEM", "co"),)),
                   at=MONDAY + timedelta(minutes=3))
    mine = client.get("/inbox", headers=staff["xay_dung"].headers)
    assert mine.status_code == 200
    assert road.request_id in mine.text and power.request_id not in mine.text
    assert client.get(f"/inbox/{power.request_id}", headers={
        **HTML, **staff["xay_dung"].headers}).status_code == 403
    everything = client.get("/inbox", headers=staff["ioc"].headers)
    assert road.request_id in everything.text and power.request_id in everything.text
    assert 'class="overdue"' in everything.text  # both were due in March 2026
    anonymous = client.get("/inbox", headers=HTML)
    assert anonymous.status_code == 401
    twin = client.get("/inbox.json", headers=staff["xay_dung"].headers).json()
    assert [r["request_id"] for r in twin["rows"]] == [road.request_id]
    assert "0912 345 678" not in str(twin)


def test_an_officer_takes_steps_on_the_report_page(
        client: TestClient, categories: Session, staff: dict[str, Account]) -> None:
    receipt = submit(categories, landslide())
    headers = staff["xay_dung"].headers
    page = client.get(f"/inbox/{receipt.request_id}", headers=headers)
    assert page.status_code == 200
    assert 'id="reporter"' in page.text and "0912 345 678" in page.text
    assert 'value="start"' in page.text and 'value="resolve"' in page.text
    # The steps name who took them in words and the body by its name, not by a code.
    assert "· người dân</span>" in page.text and "· tự động</span>" in page.text
    assert "→ Sở Xây dựng" in page.text and "→ so-xay-dung" not in page.text
    started = client.post(f"/inbox/{receipt.request_id}", headers=headers,
                          data={"action": "start", "internal_note": "Cử tổ 2",
                                "reason": "left over from another step"})
    assert started.status_code == 200, started.text
    assert 'id="step-message"' in started.text and "Cử tổ 2" in started.text
    refused = client.post(f"/inbox/{receipt.request_id}", headers=headers,
                          data={"action": "reject"})
    assert refused.status_code == 422 and "reason" in refused.text
    done = client.post(f"/inbox/{receipt.request_id}", headers=headers,
                       data={"action": "resolve", "public_note": "Đã thông xe"})
    assert done.status_code == 200
    public = client.get("/feedback/track", params={"id": receipt.request_id})
    assert "Đã xử lý xong" in public.text and "Đã thông xe" in public.text
    assert "Cử tổ 2" not in public.text


def test_a_leader_reads_without_the_reporters_contact_and_cannot_act(
        client: TestClient, categories: Session, staff: dict[str, Account]) -> None:
    receipt = submit(categories, landslide())
    page = client.get(f"/inbox/{receipt.request_id}", headers=staff["leader"].headers)
    assert page.status_code == 200
    assert 'id="reporter"' not in page.text and 'id="step-form"' not in page.text
    refused = client.post(f"/inbox/{receipt.request_id}", headers=staff["leader"].headers,
                          data={"action": "start"})
    assert refused.status_code == 403
