"""Every table's CSV opens in a Vietnamese Excel: UTF-8 with a byte-order mark, comma
separated, numbers with a '.' decimal point, and no two columns of the same name."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from fansipan.domain.access import Role
from tests.support.accounts import Account

TABLES = [
    "/overview.csv?year=2024", "/indicators.csv", "/indicators.csv?q=dan+so",
    "/indicators/CDS_TY_LE_HO_INTERNET.csv?period=2024",
    "/indicators/CDS_TY_LE_HO_INTERNET.csv?period=2024&unit=080", "/units.csv",
    "/units.csv?q=bat+xat", "/units/10.csv?period=2024", "/sectors/it_dx.csv?year=2024",
    "/targets.csv?year=2024", "/tasks.csv", "/inbox.csv", "/dossiers.csv",
    "/dossiers/late.csv?agency=02683&period=2025-03", "/feedback/map.csv",
]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_table_csv_has_a_bom_and_distinct_column_names(
        web: TestClient, make_account: Callable[..., Account], lang: str) -> None:
    leader = make_account(Role.LEADER)
    for path in TABLES:
        r = web.get(path + ("&" if "?" in path else "?") + f"lang={lang}",
                    headers=leader.headers)
        assert r.status_code == 200, (path, r.text[:300])
        assert r.headers["content-type"] == "text/csv; charset=utf-8", path
        assert r.content.startswith(b"\xef\xbb\xbf"), path
        rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
        header = rows[0]
        assert len(header) == len(set(header)), (path, header)
        assert all(len(row) == len(header) for row in rows), path


def test_numbers_are_plain_with_a_decimal_point(web: TestClient) -> None:
    r = web.get("/indicators/CDS_TY_LE_HO_INTERNET.csv", params={"period": "2024"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    value = next(row["Giá trị"] for row in rows if row["Mã"] == "10")
    assert "," not in value and float(value) > 0  # 52.3, never 52,3 nor 1.234,5
