"""Connected systems: registration, keys that end, the exchange log of every request;
XLSX entry templates filled in and imported back."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.exchange.xlsx_io import HEADERS
from tests.exchange.conftest import Client
from tests.support.accounts import Account


def test_register_use_log_and_revoke_a_client(client: TestClient, make_account: Any) -> None:
    admin: Account = make_account(Role.ADMIN)
    r = client.post("/api/v1/exchange/clients", headers=admin.headers, json={
        "name": "so-yte-his", "agency": "so-y-te", "contact": "cntt@soyte.laocai.gov.vn",
        "units": ["080"], "units_as_of": "2025-01-01", "indicators": ["VT_TRAM_5G"],
        "read": True, "write": True, "expires_in_days": 30})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["client_id"] == "so-yte-his" and made["key"].startswith("fsp_")
    lgsp = Client(made["client_id"], made["key"])
    listed = client.get("/api/v1/exchange/clients", headers=admin.headers).json()
    assert {"client_id": "so-yte-his", "agency": "so-y-te"}.items() <= next(
        c for c in listed if c["client_id"] == "so-yte-his").items()

    doc = {"dataValues": [{"dataElement": "VT_TRAM_5G", "period": "202403", "orgUnit": "02647",
                           "value": "3"},
                          {"dataElement": "VT_TRAM_BTS", "period": "2024", "orgUnit": "02647",
                           "value": "3"}]}
    sent = client.post("/dhis2/api/dataValueSets", json=doc, params={
        "idScheme": "CODE", "atomicMode": "NONE"}, headers=lgsp.basic)
    assert sent.status_code == 409  # the second indicator is outside its scope
    assert sent.json()["response"]["importCount"]["imported"] == 1
    client.get("/dhis2/api/dataValueSets.json", headers=lgsp.basic, params={
        "dataElement": "VT_TRAM_5G", "period": "202403", "orgUnit": "02647",
        "idScheme": "CODE"})
    log = client.get("/api/v1/exchange/log", params={"client": "so-yte-his"},
                     headers=admin.headers).json()
    assert [e["operation"] for e in log] == ["dhis2.dataValueSets.export",
                                             "dhis2.dataValueSets"]
    export, imported = log
    assert export["values_out"] == 1 and export["status"] == 200
    assert imported["values_in"] == 2 and imported["imported"] == 1
    assert imported["ignored"] == 1 and len(imported["payload_sha256"]) == 64
    assert imported["client"] == "client:so-yte-his" and imported["via"].startswith("token:")
    log = client.get("/api/v1/exchange/log.csv", headers=admin.headers).content
    assert log.startswith(b"\xef\xbb\xbfid,")  # a spreadsheet reads it as UTF-8
    assert len(list(csv.DictReader(io.StringIO(log.decode("utf-8-sig"))))) == 2

    tokens = client.get("/api/v1/clients/so-yte-his/tokens", headers=admin.headers).json()
    client.delete(f"/api/v1/clients/so-yte-his/tokens/{tokens[0]['id']}", headers=admin.headers)
    refused = client.get("/dhis2/api/system/info", headers=lgsp.basic)
    assert refused.status_code == 401
    denied = client.get("/api/v1/exchange/log", headers={"Authorization": "Basic " +
                        base64.b64encode(b"so-yte-his:nope").decode()})
    assert denied.status_code == 401


def test_template_filled_in_and_imported_back(client: TestClient, officer: Account,
                                              session: Session) -> None:
    r = client.get("/api/v1/templates", params={"sector": "telecom", "unit": "080",
                                                "period": "2024-03"}, headers=officer.headers)
    assert r.status_code == 200, r.text
    book = load_workbook(io.BytesIO(r.content))
    sheet = book.worksheets[0]
    assert sheet.protection.sheet
    header = [c.value for c in sheet[4]]
    assert header == list(HEADERS)
    rows = list(sheet.iter_rows(min_row=5))
    assert rows and all(row[0].protection.locked for row in rows[:3])
    assert not rows[0][6].protection.locked
    codes = {(row[0].value, row[3].value) for row in rows}
    assert ("VT_TRAM_5G", "02647") in codes
    for row in rows:
        if (row[0].value, row[3].value) == ("VT_TRAM_5G", "02647"):
            row[6].value = 4
            row[7].value = "từ biểu mẫu"
    out = io.BytesIO()
    book.save(out)
    sent = client.post("/api/v1/imports", content=out.getvalue(), params={
        "file_name": "bieu.xlsx"}, headers={**officer.headers, "content-type":
                                            "application/vnd.openxmlformats-officedocument."
                                            "spreadsheetml.sheet"})
    assert sent.status_code == 200, sent.text
    assert sent.json()["format"] == "xlsx" and sent.json()["import_count"]["imported"] == 1
    again = client.get("/api/v1/templates", params={"sector": "telecom", "unit": "080",
                                                    "period": "2024-03"},
                       headers=officer.headers)
    filled = [row for row in load_workbook(io.BytesIO(again.content)).worksheets[0].iter_rows(
        min_row=5, values_only=True) if row[6] is not None]
    assert filled == [("VT_TRAM_5G", filled[0][1], "trạm", "02647", "Phường Kim Tân",
                       "2024-03", 4, "từ biểu mẫu")]
