"""Imports through `/api/v1/imports`: every format, every kind of bad row, idempotency,
dry runs, partial imports and background jobs, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.services.trust.audit import verify_chain
from fansipan.store.tables import ChangeRow, DataValueRow
from tests.support.accounts import Account


def counts(session: Session) -> tuple[int, int]:
    with session.begin():
        values = session.scalar(select(func.count()).select_from(DataValueRow)) or 0
        changes = session.scalar(select(func.count()).select_from(ChangeRow)) or 0
    return int(values), int(changes)


def post(client: TestClient, account: Account, body: bytes | str, *,
         content_type: str = "text/csv", **params: Any) -> Any:
    data = body.encode() if isinstance(body, str) else body
    return client.post("/api/v1/imports", content=data, params=params,
                       headers={**account.headers, "content-type": content_type})


VI_CSV = ("\ufeffMã chỉ tiêu;Mã đơn vị;Kỳ;Giá trị;Ghi chú\n"
          "VT_TRAM_5G;02647;2024-03;3;\n"
          "VT_TRAM_5G;02647;2024-04;4;ước tính\n")


def test_csv_with_bom_semicolons_and_vietnamese_headers(client: TestClient, officer: Account,
                                                        session: Session) -> None:
    r = post(client, officer, VI_CSV.encode("utf-8"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "SUCCESS" and body["format"] == "csv"
    assert body["import_count"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    got = client.get("/api/v1/datavalues/VT_TRAM_5G/02647/2024-04", headers=officer.headers)
    assert got.json()["value"] == 4 and got.json()["comment"] == "ước tính"
    assert verify_chain(session=session).ok


def test_english_comma_csv_and_our_json(client: TestClient, officer: Account) -> None:
    csv_text = "indicator,unit,period,value\nVT_TRAM_5G,02647,2024-05,\"1,5\"\n"
    r = post(client, officer, csv_text.replace('"1,5"', "5"))
    assert r.json()["import_count"]["imported"] == 1, r.text
    doc = {"values": [{"indicator": "VT_TRAM_5G", "unit": "02647", "period": "2024-06",
                       "value": "6"}]}
    r = client.post("/api/v1/imports", json=doc, headers=officer.headers)
    assert r.status_code == 200 and r.json()["format"] == "json", r.text


BAD = ("indicator,unit,period,value\n"
       "VT_TRAM_5Q,02647,2024-03,1\n"  # 2: unknown indicator
       "VT_TRAM_5G,99999,2024-03,1\n"  # 3: unknown unit
       "VT_TRAM_5G,02647,2024-13,1\n"  # 4: bad period
       "VT_TRAM_5G,02647,2024-03,nhiều\n"  # 5: not a number
       "VT_TRAM_5G,02647,2024-04,-1\n"  # 6: out of range
       "CDS_DAN_SO,02647,2024-03,10\n"  # 7: wrong period type
       "VT_TRAM_5G,02647,2024-05,1\n"  # 8: fine
       "VT_TRAM_5G,02647,2024-05,2\n")  # 9: repeats row 8


def test_each_kind_of_bad_row_is_named_and_nothing_is_saved(
        client: TestClient, officer: Account, session: Session) -> None:
    before = counts(session)
    r = post(client, officer, BAD)
    assert r.status_code == 409
    body = r.json()
    assert body["status"] == "ERROR" and not body["committed"]
    assert body["import_count"] == {"imported": 0, "updated": 0, "ignored": 8, "deleted": 0}
    by_row = {c["row"]: c for c in body["conflicts"]}
    assert "did you mean 'VT_TRAM_5G'" in by_row[2]["message"]
    assert "có phải 'VT_TRAM_5G'" in by_row[2]["message_vi"]
    assert by_row[3]["code"] == "unknown_unit" and by_row[3]["field"] == "unit"
    assert "month must be 01–12" in by_row[4]["message"]
    assert "không phải là số" in by_row[5]["message_vi"]
    assert "nhỏ hơn giá trị nhỏ nhất" in by_row[6]["message_vi"]
    assert by_row[7]["code"] == "wrong_period_type"
    assert by_row[9]["code"] == "duplicate" and "row 8" in by_row[9]["message"]
    assert 8 not in by_row
    assert counts(session) == before


def test_scope_and_locks_are_conflicts(client: TestClient, make_account: Any,
                                       session: Session) -> None:
    from fansipan.domain.access import Role

    sapa = make_account(Role.OFFICER, units=["088"], units_as_of="2025-01-01")
    r = post(client, sapa, "indicator,unit,period,value\nVT_TRAM_5G,02647,2024-03,1\n")
    assert r.status_code == 409
    [conflict] = r.json()["conflicts"]
    assert conflict["code"] == "outside_scope" and "phạm vi" in conflict["message_vi"]


def test_re_sending_changes_nothing_and_idempotency_key_replays(
        client: TestClient, officer: Account, session: Session) -> None:
    first = post(client, officer, VI_CSV.encode())
    assert first.json()["import_count"]["imported"] == 2
    before = counts(session)
    again = post(client, officer, VI_CSV.encode())
    assert again.json()["import_count"] == {"imported": 0, "updated": 0, "ignored": 2,
                                            "deleted": 0}
    assert counts(session) == before
    key = {"Idempotency-Key": "import-2024-04"}
    changed = VI_CSV.replace(";4;", ";5;")
    one = client.post("/api/v1/imports", content=changed.encode(),
                      headers={**officer.headers, **key, "content-type": "text/csv"})
    assert one.json()["import_count"]["updated"] == 1 and not one.json()["replayed"]
    two = client.post("/api/v1/imports", content=changed.encode(),
                      headers={**officer.headers, **key, "content-type": "text/csv"})
    assert two.json()["replayed"] and two.json()["import_count"]["updated"] == 1
    other = client.post("/api/v1/imports", content=VI_CSV.encode(),
                        headers={**officer.headers, **key, "content-type": "text/csv"})
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["error"]


def test_dry_run_and_partial_import(client: TestClient, officer: Account,
                                    session: Session) -> None:
    before = counts(session)
    dry = post(client, officer, VI_CSV.encode(), dryRun="x", dry_run="true")
    assert dry.json()["status"] == "SUCCESS" and dry.json()["dry_run"]
    assert dry.json()["import_count"]["imported"] == 2 and counts(session) == before
    partial = post(client, officer, BAD, atomic="false")
    assert partial.status_code == 409
    body = partial.json()
    assert body["status"] == "WARNING" and body["committed"]
    assert body["import_count"]["imported"] == 1 and body["rejected_rows"] == 7


def test_file_problems_are_told_in_both_languages(client: TestClient, officer: Account) -> None:
    r = post(client, officer, "foo,bar\n1,2\n")
    assert r.status_code == 409
    [problem] = r.json()["conflicts"]
    assert problem["field"] == "file" and "dòng tiêu đề thiếu cột" in problem["message_vi"]
    r = post(client, officer, b"\xff\xfe\x00bad", content_type="text/csv")
    assert r.status_code == 409 and r.json()["status"] == "ERROR"
    r = post(client, officer, b'{"values": [1, {"indicator": []}]', content_type="application/json")
    assert r.status_code == 409 and "JSON" in r.json()["conflicts"][0]["message"]


def test_background_job_reports_progress_and_summary(client: TestClient, officer: Account,
                                                     session: Session) -> None:
    lines = ["indicator,unit,period,value"] + [
        f"VT_TRAM_5G,02647,{2000 + m // 12}-{m % 12 + 1:02d},{m}" for m in range(300)]
    r = post(client, officer, "\n".join(lines) + "\n", **{"async": "true"})
    assert r.status_code == 202, r.text
    job = r.json()["id"]
    assert r.headers["location"] == f"/api/v1/jobs/{job}"
    for _ in range(250):
        state = client.get(f"/api/v1/jobs/{job}", headers=officer.headers).json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.02)
    assert state["status"] == "done", state
    assert state["percent"] == 100.0 and state["summary"]["import_count"]["imported"] == 300
    listed = client.get("/api/v1/jobs", headers=officer.headers).json()
    assert job in {j["id"] for j in listed}
    assert verify_chain(session=session).ok
