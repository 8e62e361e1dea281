"""Directives, key tasks, their files and reports over HTTP with real accounts, on both
stores: what a leader's office and a district's officer do in a year."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from fansipan.domain.access import Role
from fansipan.reports.decree30 import lint_docx
from tests.support.accounts import Account

BAT_XAT = {"units": ["082"], "units_as_of": "2024-01-01"}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def office(make_account: Callable[..., Account]) -> dict[str, Account]:
    return {"leader": make_account(Role.LEADER, username="lanh.dao"),
            "officer": make_account(Role.OFFICER, username="can.bo.bx", **BAT_XAT),
            "admin": make_account(Role.ADMIN, username="quan.tri")}


def _directive(client: TestClient, leader: Account) -> int:
    r = client.post("/api/v1/directives", headers=leader.headers, json={
        "number": "05/KH-UBND", "issued_on": "2024-01-08", "issuer": "UBND tỉnh Lào Cai",
        "issuer_unit": "10", "excerpt": "Kế hoạch nhiệm vụ trọng tâm năm 2024"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def test_a_task_from_assignment_to_completion_over_http(
        client: TestClient, office: dict[str, Account]) -> None:
    leader, officer = office["leader"], office["officer"]
    directive = _directive(client, leader)
    r = client.post("/api/v1/tasks", headers=leader.headers, json={
        "directive": directive, "title": "Xóa vùng lõm sóng di động ở Bát Xát",
        "lead_unit": "082", "co_units": ["080"], "deadline": "2024-06-30",
        "indicators": ["VT_THON_VUNG_LOM"]})
    assert r.status_code == 201, r.text
    task = r.json()
    assert (task["status"], task["lead_unit"]["code"], task["may_assign"]) == (
        "not_started_on_time", "082", True) or task["status"] == "not_started_overdue"
    tid = task["id"]
    r = client.post(f"/api/v1/tasks/{tid}/events", headers=officer.headers,
                    json={"kind": "progress", "on": "2024-03-01", "percent": 40,
                          "note": "Đã lắp 3 trạm"})
    assert r.status_code == 201 and r.json()["seq"] == 1
    refused = client.post(f"/api/v1/tasks/{tid}/events", headers=officer.headers,
                          json={"kind": "extension", "on": "2024-03-02",
                                "new_deadline": "2024-09-30", "document": "9/UBND"})
    assert refused.status_code == 403
    bad = client.post(f"/api/v1/tasks/{tid}/events", headers=leader.headers,
                      json={"kind": "extension", "on": "2024-03-02",
                            "new_deadline": "2024-09-30"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "document"
    ok = client.post(f"/api/v1/tasks/{tid}/events", headers=leader.headers,
                     json={"kind": "extension", "on": "2024-03-02",
                           "new_deadline": "2024-09-30", "document": "09/UBND-VX"})
    assert ok.status_code == 201
    client.post(f"/api/v1/tasks/{tid}/events", headers=officer.headers,
                json={"kind": "completion", "on": "2024-09-10"})
    r = client.get(f"/api/v1/tasks/{tid}", headers=officer.headers, params={"on": "2024-12-31"})
    shown = r.json()
    assert (shown["status"], shown["deadline"], shown["original_deadline"]) == (
        "done_on_time", "2024-09-30", "2024-06-30")
    assert [e["kind"] for e in shown["events"]] == ["progress", "extension", "completion"]
    assert shown["may_update"] and not shown["may_assign"]
    listed = client.get("/api/v1/tasks", headers=leader.headers,
                        params={"year": 2024, "on": "2024-12-31"}).json()
    assert [t["id"] for t in listed] == [tid]
    rates = client.get("/api/v1/tasks/rates", headers=leader.headers,
                       params={"by": "unit", "on": "2024-12-31"}).json()
    assert rates["total"]["due"] == 1 and rates["total"]["rate"] == 100.0
    assert [g["key"] for g in rates["groups"]] == ["082"]


def test_files_go_up_and_come_down_as_they_were(
        client: TestClient, office: dict[str, Account]) -> None:
    leader, officer = office["leader"], office["officer"]
    directive = _directive(client, leader)
    tid = client.post("/api/v1/tasks", headers=leader.headers, json={
        "directive": directive, "title": "Báo cáo số hóa hồ sơ", "lead_unit": "082",
        "deadline": "2024-05-31"}).json()["id"]
    up = client.post(f"/api/v1/tasks/{tid}/attachments", headers=officer.headers,
                     files={"file": ("biên bản nghiệm thu.pdf", PDF, "application/pdf")})
    assert up.status_code == 201, up.text
    file = up.json()
    assert (file["media_type"], file["size"]) == ("application/pdf", len(PDF))
    down = client.get(f"/api/v1/tasks/{tid}/attachments/{file['id']}",
                      headers=officer.headers)
    assert down.content == PDF and down.headers["content-type"] == "application/pdf"
    disposition = down.headers["content-disposition"]
    assert 'filename="bien ban nghiem thu.pdf"' in disposition
    assert "filename*=UTF-8''bi%C3%AAn%20b%E1%BA%A3n" in disposition
    # An executable claiming to be a PDF is refused in the one error shape.
    no = client.post(f"/api/v1/tasks/{tid}/attachments", headers=officer.headers,
                     files={"file": ("scan.pdf", b"MZ\x90\x00\x03" + b"\x00" * 64,
                                     "application/pdf")})
    assert no.status_code == 422 and no.json()["errors"][0]["field"] == "file"
    assert client.post(f"/api/v1/tasks/{tid}/attachments", headers=office["admin"].headers,
                       files={"file": ("x.pdf", PDF, "application/pdf")}).status_code == 403


def test_a_task_list_comes_back_from_its_template(
        client: TestClient, office: dict[str, Account]) -> None:
    leader = office["leader"]
    directive = _directive(client, leader)
    r = client.get(f"/api/v1/directives/{directive}/template.xlsx", headers=leader.headers)
    assert r.status_code == 200
    book = load_workbook(io.BytesIO(r.content))
    sheet = book["Nhiem vu"]
    assert sheet.cell(row=4, column=2).value == "Tên nhiệm vụ / Task"
    codes = {row[0] for row in book["Don vi"].iter_rows(min_row=2, values_only=True)}
    assert {"10", "082", "02683"} <= codes
    sheet.append([1, "Phổ cập Internet cho hộ gia đình", "", "082", "080, 083",
                  "30/06/2024", None, "CDS_TY_LE_HO_INTERNET", "CDS_TY_LE_HO_INTERNET|082|2024"])
    sheet.append([2, "Một nhiệm vụ sai", "", "999", "", "31/02/2024", None, "", "x|y"])
    sheet.append([3, "Nhiệm vụ tính theo ngày", "", "083", "", None, 45, "", ""])
    out = io.BytesIO()
    book.save(out)
    refused = client.post(f"/api/v1/directives/{directive}/tasks.xlsx", headers=leader.headers,
                          content=out.getvalue())
    assert refused.status_code == 422
    problems = {(e["row"], e["field"]) for e in refused.json()["errors"]}
    assert problems == {(6, "deadline"), (6, "target"), (6, "lead_unit")}
    assert client.get("/api/v1/tasks", headers=leader.headers).json() == []  # none saved
    sheet.delete_rows(6)
    out = io.BytesIO()
    book.save(out)
    done = client.post(f"/api/v1/directives/{directive}/tasks.xlsx", headers=leader.headers,
                       content=out.getvalue())
    assert done.status_code == 201, done.text
    assert done.json()["created"] == 2
    tasks = {t["title"]: t for t in client.get("/api/v1/tasks", headers=leader.headers,
                                                 params={"year": 2024}).json()}
    first = tasks["Phổ cập Internet cho hộ gia đình"]
    assert [u["code"] for u in first["co_units"]] == ["080", "083"]
    assert first["target"]["period"] == "2024" and first["deadline"] == "2024-06-30"
    assert tasks["Nhiệm vụ tính theo ngày"]["deadline"] == "2024-02-22"  # 45 days from 08/01


def _wait(client: TestClient, account: Account, job: str) -> dict[str, object]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found: dict[str, object] = client.get(f"/api/v1/jobs/{job}",
                                              headers=account.headers).json()
        if found["status"] in ("done", "failed"):
            return found
        time.sleep(0.1)
    raise AssertionError(f"job {job} did not finish")


def test_reports_at_once_and_as_jobs(client: TestClient, office: dict[str, Account],
                                     tmp_path: Path) -> None:
    leader, officer, admin = office["leader"], office["officer"], office["admin"]
    r = client.put("/api/v1/reports/issuers/so-kh-cn", headers=admin.headers, json={
        "name": "Sở Khoa học và Công nghệ", "parent_body": "UBND tỉnh Lào Cai",
        "symbol": "BC-SKHCN", "place": "Lào Cai", "signer_name": "Trần Thị B",
        "signer_title": "Phó Giám đốc", "authority": [["KT.", "Giám đốc"]],
        "recipients": ["UBND tỉnh (b/c)"], "archive": "VP"})
    assert r.status_code == 200, r.text
    bad = client.put("/api/v1/reports/issuers/x", headers=admin.headers, json={
        "name": "Sở", "symbol": "bc ubnd", "place": "Lào Cai", "signer_name": "TS. Lê Văn C",
        "archive": "VP"})
    assert bad.status_code == 422
    r = client.get("/api/v1/reports/2024.docx", headers=officer.headers,
                   params={"unit": "082", "date": "2025-01-10"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    path = tmp_path / "bat-xat.docx"
    path.write_bytes(r.content)
    assert list(lint_docx(path)) == []
    assert client.get("/api/v1/reports/2024.docx", headers=officer.headers,
                      params={"unit": "10"}).status_code == 403
    wrong = client.get("/api/v1/reports/2024.docx", headers=leader.headers,
                       params={"period": "autumn"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "period"
    assert client.get("/api/v1/reports/2024.doc", headers=leader.headers).status_code == 422
    # In the background, with a number taken from the register.
    job = client.post("/api/v1/reports/jobs", headers=leader.headers, json={
        "year": 2024, "format": "docx", "take_number": True, "date": None})
    assert job.status_code == 202, job.text
    done = _wait(client, leader, job.json()["id"])
    assert (done["status"], done["kind"], done["percent"]) == ("done", "report", 100.0)
    file = client.get(f"/api/v1/reports/jobs/{job.json()['id']}/file", headers=leader.headers)
    assert file.status_code == 200
    numbered = tmp_path / "numbered.docx"
    numbered.write_bytes(file.content)
    assert list(lint_docx(numbered)) == []
    numbers = client.get("/api/v1/reports/numbers", headers=leader.headers).json()
    assert [(n["issuer"], n["number"], n["number_line"]) for n in numbers] == [
        ("so-kh-cn", 1, "Số: 01/BC-SKHCN")]
    # The file is the asker's: another account cannot fetch it.
    assert client.get(f"/api/v1/reports/jobs/{job.json()['id']}/file",
                      headers=officer.headers).status_code == 404
    # Numbering is for those who issue reports.
    assert client.post("/api/v1/reports/jobs", headers=admin.headers, json={
        "year": 2024, "take_number": True}).status_code == 403


def test_an_estimate_over_http(client: TestClient, officer: Account) -> None:
    url = "/api/v1/datavalues/VT_TRAM_5G/02647/2025-12"
    put = client.put(url, headers=officer.headers, json={"value": 9, "status": "estimate"})
    assert put.status_code == 200 and put.json()["status"] == "estimate"
    official = client.put(url, headers=officer.headers, json={"value": 8})
    assert (official.json()["status"], official.json()["estimate"]) == ("official", 9)
    again = client.put(url, headers=officer.headers, json={"value": 10, "status": "estimate"})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "status"
    answer = client.post("/api/v1/analytics", headers=officer.headers, json={
        "indicators": ["VT_TRAM_5G"], "units": ["02647"], "periods": ["2025-12"]}).json()
    assert answer["columns"][-1] == "estimate" and answer["rows"][0][-1] is False
