"""The analytics API over HTTP: read-your-writes, scopes, and the CSV and XLSX twins."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from fansipan.domain.access import Role
from tests.support.accounts import Account

ASK = {"indicators": ["CNTT_HO_SO_TIEP_NHAN"], "units": ["082"], "periods": ["2024-03"]}


def value_of(body: dict[str, object]) -> float | None:
    rows = body["rows"]
    assert isinstance(rows, list)
    if not rows:
        return None
    columns = body["columns"]
    assert isinstance(columns, list)
    return float(rows[0][columns.index("value")])


def test_a_value_written_through_the_api_is_in_the_next_answer(
    client: TestClient, officer: Account
) -> None:
    path = "/api/v1/datavalues/CNTT_HO_SO_TIEP_NHAN/02683/2024-03"
    assert value_of(client.post("/api/v1/analytics", json=ASK, headers=officer.headers)
                    .json()) is None
    assert client.put(path, json={"value": 12}, headers=officer.headers).status_code == 200
    first = client.post("/api/v1/analytics", json=ASK, headers=officer.headers)
    assert first.status_code == 200, first.text
    assert value_of(first.json()) == 12
    client.put(path, json={"value": 15}, headers=officer.headers)
    assert value_of(client.post("/api/v1/analytics", json=ASK,
                                headers=officer.headers).json()) == 15


def test_scopes_hold_for_analytics(client: TestClient,
                                   make_account: Callable[..., Account]) -> None:
    bat_xat = make_account(Role.OFFICER, units=["082"], units_as_of="2024-01-01")
    own = client.post("/api/v1/analytics", json=ASK, headers=bat_xat.headers)
    assert own.status_code == 200, own.text
    foreign = dict(ASK, units=["088"])  # Sa Pa
    denied = client.post("/api/v1/analytics", json=foreign, headers=bat_xat.headers)
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["value"] == "088"
    above = dict(ASK, units=["10"])  # the province holds Sa Pa's data too
    assert client.post("/api/v1/analytics", json=above, headers=bat_xat.headers
                       ).status_code == 403


def test_csv_and_xlsx_twins_open_in_real_readers(client: TestClient, officer: Account) -> None:
    for unit, value in (("02683", 10), ("02686", 5)):
        client.put(f"/api/v1/datavalues/CNTT_HO_SO_TIEP_NHAN/{unit}/2024-03",
                   json={"value": value}, headers=officer.headers)
    query = {"indicator": "CNTT_HO_SO_TIEP_NHAN", "unit": "082/children", "period": "2024-03",
             "rank": "true"}
    as_csv = client.get("/api/v1/analytics.csv", params=query, headers=officer.headers)
    assert as_csv.status_code == 200, as_csv.text
    assert as_csv.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    by_unit = {r["mã đơn vị"]: r for r in table}
    assert by_unit["02683"]["giá trị"] == "10.0"
    assert by_unit["02683"]["tên kỳ"] == "Tháng 3/2024"
    assert by_unit["02686"]["xếp hạng"] == "2"

    as_xlsx = client.get("/api/v1/analytics.xlsx", params={**query, "lang": "en"},
                         headers=officer.headers)
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["indicator", "indicator name", "unit of measure"]
    values = {row[3]: row[7] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values == {"02683": 10, "02686": 5}

    as_json = client.get("/api/v1/analytics.json", params=query, headers=officer.headers)
    assert len(as_json.json()["rows"]) == 2
    bad = client.get("/api/v1/analytics.pdf", params=query, headers=officer.headers)
    assert bad.status_code == 422
