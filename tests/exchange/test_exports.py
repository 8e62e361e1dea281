"""Exports in every format, within scope; CSV and JSON read back by our own import, SDMX
read back by `sdmx1` with the same observations."""

from __future__ import annotations

import csv
import io
import json

import sdmx
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.exchange.sdmx_io import structure
from fansipan.services.exchange.exports import ExportFormat, ExportQuery, export_to
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from tests.support.accounts import Account

VALUES = [("VT_TRAM_5G", "02647", f"2024-{m:02d}", m) for m in range(1, 7)] + [
    ("VT_TRAM_5G", "02644", "2024-01", 9), ("CDS_DAN_SO", "02647", "2024", 12345),
    ("BC_DOANH_THU", "10", "2024-01", 1.5)]


def load(session: Session) -> None:
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator=i, unit=u, period=p, value=v, comment="ghi chú" if v == 9
                       else None) for i, u, p, v in VALUES])


def export(session: Session, fmt: ExportFormat, **query: object) -> bytes:
    out = io.BytesIO()
    export_to(session=session, principal=Principal.system("tests"), fmt=fmt, out=out,
              query=ExportQuery(**query))  # type: ignore[arg-type]
    return out.getvalue()


def test_csv_json_and_xlsx_carry_every_value(session: Session) -> None:
    load(session)
    body = export(session, ExportFormat.CSV)
    # A byte-order mark first, so a spreadsheet reads the Vietnamese text as UTF-8.
    assert body.startswith(b"\xef\xbb\xbfindicator,unit,period,")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    got = {(r["indicator"], r["unit"], r["period"]): r["value"] for r in rows}
    assert got[("BC_DOANH_THU", "10", "2024-01")] == "1.5"
    assert got[("VT_TRAM_5G", "02647", "2024-02")] == "2"  # whole numbers stay whole
    assert got[("CDS_DAN_SO", "02647", "2024")] == "12345"
    assert len(rows) == len(VALUES) and rows[0]["last_updated"].endswith("Z")
    # The machine formats keep to their standards' plain UTF-8, without the mark.
    assert export(session, ExportFormat.DHIS2_CSV).startswith(b"dataelement,period,orgunit,")
    assert not export(session, ExportFormat.SDMX_CSV).startswith(b"\xef\xbb\xbf")
    doc = json.loads(export(session, ExportFormat.JSON, units=["02644"]))
    assert doc["values"][0]["comment"] == "ghi chú" and len(doc["values"]) == 1
    book = load_workbook(io.BytesIO(export(session, ExportFormat.XLSX, periods=["2024"])))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[2]][:4] == ["CDS_DAN_SO", "02647", "2024", 12345]


def test_filters_and_change_feed(session: Session) -> None:
    load(session)
    one = export(session, ExportFormat.CSV, indicators=["VT_TRAM_5G"], units=["080"],
                 children=True, start="2024-02-01", end="2024-03-31")  # type: ignore[arg-type]
    assert [r["period"] for r in csv.DictReader(io.StringIO(one.decode("utf-8-sig")))] == [
        "2024-02", "2024-03"]
    rows = list(csv.DictReader(io.StringIO(
        export(session, ExportFormat.CSV).decode("utf-8-sig"))))
    last = max(int(r["change"]) for r in rows)
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator="VT_TRAM_5G", unit="02647", period="2024-01", value=100)])
    since = list(csv.DictReader(io.StringIO(
        export(session, ExportFormat.CSV, changed_after=last).decode("utf-8-sig"))))
    assert [(r["period"], r["value"]) for r in since] == [("2024-01", "100")]


def test_sdmx_ml_and_sdmx_csv_are_read_back_by_sdmx1(session: Session) -> None:
    load(session)
    dsd, _flow = structure()
    expected = {(i, u, p.replace("Q", "-Q")): float(v) for i, u, p, v in VALUES}
    message = sdmx.read_sdmx(io.BytesIO(export(session, ExportFormat.SDMX_ML)), structure=dsd)
    got = {(o.dimension["INDICATOR"].value, o.dimension["REF_AREA"].value,
            o.dimension["TIME_PERIOD"].value): float(o.value) for o in message.data[0].obs}
    assert got == expected
    text = export(session, ExportFormat.SDMX_CSV)
    back = sdmx.read_sdmx(io.BytesIO(text), format="csv", structure=dsd)
    got_csv = {(o.dimension["INDICATOR"].value, o.dimension["REF_AREA"].value,
                o.dimension["TIME_PERIOD"].value): float(o.value) for o in back.data[0].obs}
    assert got_csv == expected


def test_export_api_respects_scope_and_round_trips(client: TestClient, session: Session,
                                                   make_account: object,
                                                   officer: Account) -> None:
    from fansipan.domain.access import Role

    load(session)
    body = client.get("/api/v1/exports", params={"format": "csv"}, headers=officer.headers)
    assert body.status_code == 200 and body.headers["content-type"].startswith("text/csv")
    again = client.post("/api/v1/imports", content=body.content,
                        headers={**officer.headers, "content-type": "text/csv"}).json()
    assert again["import_count"] == {"imported": 0, "updated": 0, "ignored": len(VALUES),
                                     "deleted": 0}
    sapa = make_account(Role.LEADER, units=["088"], units_as_of="2025-01-01")  # type: ignore[operator]
    theirs = client.get("/api/v1/exports", params={"format": "json"}, headers=sapa.headers)
    assert theirs.json() == {"values": []}
    refused = client.get("/api/v1/exports", params={"unit": "99999"}, headers=officer.headers)
    assert refused.status_code == 404
