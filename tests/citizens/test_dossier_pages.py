"""The dossier page, its drill-down and data twins, and the dossier API, with scope."""

from __future__ import annotations

import json
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.access import PrincipalKind, Role
from tests.citizens.test_dossiers import load, record
from tests.support.accounts import Account

MARCH = [
    record("HS-1", completed_at="2026-03-04T10:00:00+07:00"),
    record("HS-2", completed_at="2026-03-12T10:00:00+07:00"),  # six days late
    record("HS-3", due_at="2026-03-03T17:00:00+07:00"),  # open and overdue ever since
    record("XD-1", agency="so-xay-dung", procedure_code="1.0002",
           completed_at="2026-03-05T10:00:00+07:00"),
]


def test_agencies_ranked_with_both_rates_and_their_late_dossiers(
        client: TestClient, categories: Session, make_account: Callable[..., Account]) -> None:
    load(categories, MARCH)
    leader = make_account(Role.LEADER, kind=PrincipalKind.CLIENT).headers
    page = client.get("/dossiers", params={"period": "2026-03"}, headers=leader)
    assert page.status_code == 200
    assert page.text.index("Sở Xây dựng") < page.text.index("Sở Tư pháp")  # 100 % first
    as_json = client.get("/dossiers.json", params={"period": "2026-03"}, headers=leader).json()
    justice = next(r for r in as_json["rows"] if r["code"] == "so-tu-phap")
    assert (justice["handled"], justice["late"], justice["open_overdue"]) == (2, 1, 1)
    assert justice["on_time_rate_handled"] == 50
    assert round(justice["on_time_rate_with_overdue"], 2) == 33.33
    late = client.get("/dossiers/late", params={"agency": "so-tu-phap", "period": "2026-03"},
                      headers=leader)
    assert late.status_code == 200
    assert late.text.index("HS-3") < late.text.index("HS-2")  # the longest overdue first
    assert "HS-1" not in late.text
    summary = client.get("/api/v1/dossiers/summary", params={"period": "2026-03"},
                         headers=leader).json()
    assert summary["rows"][0]["key"] == ["so-xay-dung"]
    assert summary["labels"]["on_time_rate_with_overdue"]["en"].endswith(
        "overdue and not yet handled")


def test_an_agency_reads_only_its_own_dossiers(
        client: TestClient, categories: Session, make_account: Callable[..., Account]) -> None:
    load(categories, MARCH)
    justice = make_account(Role.OFFICER, units=["so-tu-phap"], units_as_of="2026-01-01",
                           kind=PrincipalKind.CLIENT).headers
    mine = client.get("/api/v1/dossiers", params={"period": "2026-03"}, headers=justice)
    assert sorted(d["number"] for d in mine.json()) == ["HS-1", "HS-2", "HS-3"]
    assert client.get("/api/v1/dossiers/XD-1", headers=justice).status_code == 403
    assert client.get("/api/v1/dossiers/HS-2", headers=justice).json()["status"] == "late"
    page = client.get("/dossiers", params={"period": "2026-03"}, headers=justice)
    assert "Sở Xây dựng" not in page.text
    assert client.get("/dossiers", headers={"accept": "text/html"}).status_code == 401


def test_the_import_api_takes_a_file_and_answers_409_with_the_refused_rows(
        client: TestClient, categories: Session, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER, units=["so-tu-phap"], units_as_of="2026-01-01",
                           kind=PrincipalKind.CLIENT).headers
    body = json.dumps({"dossiers": [record("HS-1"), record("HS-2", agency="so-xay-dung")]})
    refused = client.post("/api/v1/dossiers/imports", content=body,
                          headers={**officer, "content-type": "application/json"})
    assert refused.status_code == 409
    assert refused.json()["problems"][0]["row"] == 2 and not refused.json()["committed"]
    good = client.post("/api/v1/dossiers/imports", content=json.dumps(
        {"dossiers": [record("HS-1")]}), headers={**officer,
                                                  "content-type": "application/json"})
    assert good.status_code == 200 and good.json()["created"] == 1
    csv = ("number,procedure_code,agency,unit,received_at,due_at\n"
           "HS-7,1.0001,so-tu-phap,03006,2026-03-02T08:00+07:00,2026-03-04T17:00+07:00\n")
    as_csv = client.post("/api/v1/dossiers/imports", content=csv.encode(),
                         headers={**officer, "content-type": "text/csv"})
    assert as_csv.status_code == 200 and as_csv.json()["created"] == 1
    history = client.get("/api/v1/record-counts/DVC_TIEP_NHAN",
                         params={"unit": "so-tu-phap", "period": "2026-03"}, headers=officer)
    assert history.status_code == 200 and history.json()["value"] == 2


def test_the_pages_name_the_period_and_say_how_late_in_hours_or_days(
        client: TestClient, categories: Session, make_account: Callable[..., Account]) -> None:
    from tests.web.test_staff_wording import PERIOD_CODE, read_text

    load(categories, [*MARCH,
                      # Due Friday 06/03 at 17:00, handed over at 00:12 that night.
                      record("HS-4", completed_at="2026-03-07T00:12:00+07:00")])
    leader = make_account(Role.LEADER, kind=PrincipalKind.CLIENT).headers
    page = client.get("/dossiers", params={"period": "2026-03"}, headers=leader)
    assert page.status_code == 200
    assert not PERIOD_CODE.findall(read_text(page.text)), PERIOD_CODE.findall(page.text)
    assert '<option value="2026-03" selected>Tháng 3/2026</option>' in page.text
    late = client.get("/dossiers/late", params={"agency": "so-tu-phap", "period": "2026-03"},
                      headers=leader)
    assert not PERIOD_CODE.findall(read_text(late.text))
    cells = {row.split("</th>")[0]: row.rsplit('<td class="num">', 1)[1].split("<")[0]
             for row in late.text.split('<tr><th scope="row">')[1:]}
    # 00:12 less 17:00 the day before: 7 h 12 min. HS-2: 06/03 17:00 to 12/03 10:00 is
    # 5 days 17 hours, 5,7 days. HS-3 is open from 03/03 17:00 to the end of March
    # (01/04 00:00): 28 days 7 hours, 28,3 days.
    assert cells == {"HS-3": "28,3 ngày", "HS-2": "5,7 ngày", "HS-4": "7 giờ"}
    assert "Thời gian quá hạn" in late.text
    english = client.get("/dossiers/late", params={"agency": "so-tu-phap",
                                                   "period": "2026-03", "lang": "en"},
                         headers=leader).text
    assert "7 hours" in english and "5.7 days" in english and "March 2026" in english
    # Machines keep the number of days.
    rows = client.get("/dossiers/late.json", params={"agency": "so-tu-phap",
                                                     "period": "2026-03"},
                      headers=leader).json()["rows"]
    assert {r["number"]: r["days_late"] for r in rows}["HS-4"] == 0.3
