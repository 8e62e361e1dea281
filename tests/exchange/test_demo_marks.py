"""Exports and templates of a demo store say "minh họa / illustrative" on every row, in
every format, read with each format's own reader; those of any other store say nothing.

The two stores hold the same values; one was written with the demo's source ("demo"),
as `fansipan demo` writes it, the other as an import would be.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest
import sdmx
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.exchange.sdmx_io import structure
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.provenance import DEMO_SOURCE
from tests.support.accounts import Account

MARK = "minh họa / illustrative"
VALUES = [("VT_TRAM_5G", "02647", "2024-03", 2), ("VT_TRAM_5G", "02650", "2024-03", 3),
          ("CDS_DAN_SO", "02647", "2024", 12345)]


@pytest.fixture(params=[DEMO_SOURCE, "import"])
def source(request: pytest.FixtureRequest, session: Session) -> str:
    write_values(session=session, actor="tests", source=request.param, items=[
        DataValueWrite(indicator=i, unit=u, period=p, value=v,
                       comment="trạm mới" if v == 3 else None) for i, u, p, v in VALUES])
    return str(request.param)


@pytest.fixture
def reader(make_account: Callable[..., Account]) -> Account:
    return make_account(Role.OFFICER, Role.LEADER, username="reader")


def _get(client: TestClient, reader: Account, path: str, **params: object) -> tuple[bytes, str]:
    r = client.get(path, params=params, headers=reader.headers)  # type: ignore[arg-type]
    assert r.status_code == 200, r.text[:300]
    return r.content, r.headers.get("content-disposition", "")


def test_our_csv_json_and_xlsx(client: TestClient, reader: Account, source: str) -> None:
    demo = source == DEMO_SOURCE
    body, name = _get(client, reader, "/api/v1/exports", format="csv")
    assert name.endswith('-minh-hoa.csv"') is demo
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == len(VALUES)
    if demo:
        assert {r["nguon_so_lieu"] for r in rows} == {MARK}
    else:
        assert "nguon_so_lieu" not in rows[0] and "minh họa" not in body.decode()

    body, _ = _get(client, reader, "/api/v1/exports", format="json")
    doc = json.loads(body)
    assert len(doc["values"]) == len(VALUES)
    assert doc.get("illustrative", False) is demo
    assert ("minh họa" in doc.get("note", "")) is demo
    assert ("minh họa" in body.decode()) is demo

    body, name = _get(client, reader, "/api/v1/exports", format="xlsx")
    assert name.endswith('-minh-hoa.xlsx"') is demo
    book = load_workbook(io.BytesIO(body))
    sheet = book["values"]
    header = [c.value for c in sheet[1]]
    cells = [c.value for row in sheet.iter_rows(min_row=2) for c in row]
    if demo:
        assert header[-1] == "nguon_so_lieu"
        assert [row[-1].value for row in sheet.iter_rows(min_row=2)] == [MARK] * len(VALUES)
        assert "minh họa" in book["ghi_chu"]["A1"].value
        assert book.properties.keywords == MARK
    else:
        assert "nguon_so_lieu" not in header and book.sheetnames == ["values"]
        assert not any(isinstance(c, str) and "minh họa" in c for c in cells)
        assert not book.properties.keywords


def test_dhis2_data_value_sets(client: TestClient, reader: Account, source: str) -> None:
    demo = source == DEMO_SOURCE
    params = {"dataElement": "VT_TRAM_5G", "period": "202403", "orgUnit": "080",
              "children": "true", "idScheme": "CODE"}
    body, _ = _get(client, reader, "/dhis2/api/dataValueSets.json", **params)
    comments = {v["orgUnit"]: v.get("comment") for v in json.loads(body)["dataValues"]}
    if demo:
        assert comments == {"02647": MARK, "02650": f"trạm mới; {MARK}"}
    else:
        assert comments == {"02647": None, "02650": "trạm mới"}
    body, _ = _get(client, reader, "/dhis2/api/dataValueSets.csv", **params)
    rows = {r["orgunit"]: r["comment"] for r in csv.DictReader(io.StringIO(body.decode()))}
    assert rows == ({"02647": MARK, "02650": f"trạm mới; {MARK}"} if demo
                    else {"02647": "", "02650": "trạm mới"})


def test_sdmx_ml_and_sdmx_csv(client: TestClient, reader: Account, source: str) -> None:
    demo = source == DEMO_SOURCE
    dsd, _flow = structure()
    body, _ = _get(client, reader, "/api/v1/exports", format="sdmx-ml")
    message = sdmx.read_sdmx(io.BytesIO(body), structure=dsd)
    comments = {o.attached_attribute["COMMENT_OBS"].value if "COMMENT_OBS" in
                o.attached_attribute else None for o in message.data[0].obs}
    assert comments == ({MARK} if demo else {None})
    assert message.header.test is demo
    assert ("minh họa" in str(message.header.source.localizations.get("vi", ""))) is demo
    body, _ = _get(client, reader, "/api/v1/exports", format="sdmx-csv")
    back = sdmx.read_sdmx(io.BytesIO(body), format="csv", structure=dsd)
    assert len(back.data[0].obs) == len(VALUES)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert ({r.get("COMMENT_OBS") for r in rows} == {MARK}) is demo
    assert ("minh họa" in body.decode()) is demo


def test_a_marked_export_reads_back_by_our_import(client: TestClient, reader: Account,
                                                  source: str, session: Session) -> None:
    body, _ = _get(client, reader, "/api/v1/exports", format="csv")
    sent = client.post("/api/v1/imports", content=body, params={"file_name": "lai.csv"},
                       headers={**reader.headers, "content-type": "text/csv"})
    assert sent.status_code == 200, sent.text
    count = sent.json()["import_count"]
    assert (count["imported"], count["updated"], count["ignored"]) == (0, 0, len(VALUES))


def test_entry_templates(client: TestClient, reader: Account, source: str) -> None:
    demo = source == DEMO_SOURCE
    body, name = _get(client, reader, "/api/v1/templates", sector="telecom", unit="080",
                      period="2024-03")
    assert name.endswith('-minh-hoa.xlsx"') is demo
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    assert ("minh họa" in sheet["A1"].value) is demo
    assert ("Số liệu minh họa" in sheet["A2"].value) is demo
    values = {(r[0], r[3]): r[6] for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert values[("VT_TRAM_5G", "02647")] == 2
