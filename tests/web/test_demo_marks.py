"""Every table download of a demo store says "minh họa / illustrative" (a last column on
every row, the note, the file name), in both languages and every format, read with each
format's own reader; a store without demo data gives out the same tables unmarked."""

from __future__ import annotations

import csv
import io
import json

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session

from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.provenance import DEMO_SOURCE
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.store.tables import IndicatorRow

MARK = "minh họa / illustrative"
# Every table download of the dashboard (each page's data twins).
TABLES = [("/overview", {"year": 2024}), ("/units/10", {"period": 2024}),
          ("/targets", {"year": 2024}), ("/indicators", {}),
          ("/indicators/CDS_TY_LE_HO_INTERNET", {"period": 2024}),
          ("/sectors/it_dx", {"year": 2024})]


@pytest.fixture(params=[DEMO_SOURCE, "import"])
def source(request: pytest.FixtureRequest, session: Session) -> str:
    items = []
    for n, commune in enumerate(("02647", "02650", "02683")):
        for year in ("2023", "2024"):
            items.append(DataValueWrite(indicator="CDS_HO_CO_INTERNET", unit=commune,
                                        period=year, value=100 + 10 * n))
            items.append(DataValueWrite(indicator="CDS_TONG_HO_GD", unit=commune, period=year,
                                        value=200 + 10 * n))
    write_values(session=session, items=items, actor="tests", source=request.param)
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator="CDS_TY_LE_HO_INTERNET", unit="10", period="2024", planned=50,
        document="Kế hoạch thử"))
    with session.begin():
        session.execute(update(IndicatorRow).values(public=True))
    return str(request.param)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_downloads(client: TestClient, source: str, lang: str) -> None:
    demo = source == DEMO_SOURCE
    label = "Nguồn số liệu" if lang == "vi" else "Data source"
    for base, params in TABLES:
        for fmt in ("csv", "xlsx", "json"):
            r = client.get(f"{base}.{fmt}", params={**params, "lang": lang})
            assert r.status_code == 200, (base, fmt, r.text[:300])
            where = (base, fmt, lang)
            assert r.headers["content-disposition"].endswith(f'-minh-hoa.{fmt}"') is demo, where
            if fmt == "csv":
                rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
                assert (rows[0][-1] == label) is demo, where
                assert all((row[-1] == MARK) is demo for row in rows[1:]), where
                # An empty table has no figure to mark; its name and note still say it.
                text = r.content.decode("utf-8-sig")
                assert ("minh họa" in text) is (demo and len(rows) > 1), where
            elif fmt == "json":
                doc = json.loads(r.content)
                assert doc["illustrative"] is demo, where
                assert ("minh họa" in doc["note"]) is demo, where
                assert all((row.get("nguon_so_lieu") == MARK) is demo for row in doc["rows"])
                assert ("minh họa" in r.content.decode()) is demo, where
            else:
                book = load_workbook(io.BytesIO(r.content))
                data = book.worksheets[0]
                assert (data.cell(row=1, column=data.max_column).value == label) is demo, where
                words = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
                         for c in row if c.value is not None]
                assert any("minh họa" in w for w in words) is demo, where
                assert (book.properties.keywords == MARK) is demo, where


def test_the_banner_is_the_store_s_too(client: TestClient, source: str) -> None:
    page = client.get("/", params={"year": 2024}).text
    assert ('class="illustrative"' in page) is (source == DEMO_SOURCE)
