"""The units and indicators lists find names as people type them: without accents or
case, and within the viewer's scope."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from fansipan.domain.access import Role
from tests.support.accounts import Account


def _names(page: str, prefix: str) -> list[str]:
    return list(re.findall(rf'<a href="{prefix}/[^"]+">([^<]+)</a>', page))


@pytest.mark.parametrize("query", ["dan so", "DÂN SỐ", "Dân số", "  dân   SO "])
def test_an_indicator_is_found_with_or_without_accents(web: TestClient, query: str) -> None:
    page = web.get("/indicators", params={"q": query})
    assert page.status_code == 200
    names = _names(page.text, "/indicators")
    assert "Dân số" in names
    assert all("dan so" in n.lower().replace("â", "a").replace("ố", "o") for n in names)
    assert "Tỷ lệ hộ gia đình có kết nối Internet" not in names


def test_an_indicator_is_found_by_its_english_name_or_code_and_đ_folds_to_d(
        web: TestClient) -> None:
    english = _names(web.get("/indicators", params={"q": "population", "lang": "en"}).text,
                     "/indicators")
    assert "Population" in english
    by_code = _names(web.get("/indicators", params={"q": "cds_dan_so"}).text, "/indicators")
    assert by_code == ["Dân số"]
    d = _names(web.get("/indicators", params={"q": "dien thoai"}).text, "/indicators")
    assert d and all("điện thoại" in n.lower() for n in d)


def test_an_indicator_search_that_finds_nothing_says_so(web: TestClient) -> None:
    page = web.get("/indicators", params={"q": "khong co chi tieu nay"})
    assert page.status_code == 200
    assert "Không có chỉ tiêu nào có tên hoặc mã giống «khong co chi tieu nay»" in page.text
    assert 'value="khong co chi tieu nay"' in page.text  # the search stays in its box


def test_the_indicator_download_holds_what_the_search_found(web: TestClient) -> None:
    rows = web.get("/indicators.json", params={"q": "dan so"}).json()["rows"]
    assert rows and all(r["code"] != "CDS_TY_LE_HO_INTERNET" for r in rows)
    assert "CDS_DAN_SO" in {r["code"] for r in rows}
    page = web.get("/indicators", params={"q": "dân số"}).text
    assert 'href="/indicators.csv?q=d%C3%A2n%20s%E1%BB%91"' in page


@pytest.mark.parametrize(("query", "name"), [
    ("bat xat", "Xã Bát Xát"), ("BÁT XÁT", "Huyện Bát Xát"), ("sa pa", "Phường Sa Pa"),
    ("sa pa", "Thị xã Sa Pa"), ("lao cai", "Tỉnh Lào Cai"),
])
def test_a_unit_is_found_with_or_without_accents(web: TestClient, query: str,
                                                 name: str) -> None:
    page = web.get("/units", params={"q": query})
    assert page.status_code == 200
    assert name in _names(page.text, "/units")


def test_the_unit_list_marks_ended_units_and_lists_units_in_force_without_a_search(
        web: TestClient) -> None:
    found = web.get("/units", params={"q": "bat xat"}).text
    assert re.search(r">Huyện Bát Xát</a> <small class=\"code\">082</small> "
                     r"<small class=\"muted\">đến hết 30/06/2025</small>", found)
    every = web.get("/units").text
    names = _names(every, "/units")
    assert "Xã Bát Xát" in names and "Huyện Bát Xát" not in names  # ended before today
    assert web.get("/units", params={"q": "không có nơi này"}).text.count(
        "Không có đơn vị nào có tên hoặc mã giống") == 1
    rows = web.get("/units.json", params={"q": "bat xat"}).json()["rows"]
    assert {(r["code"], r["valid_to"]) for r in rows} >= {("082", "2025-06-30"),
                                                          ("02683", None)}


def test_a_viewer_finds_only_the_units_of_its_scope(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    sa_pa = make_account(Role.OFFICER, units=["088"], units_as_of="2024-12-31")
    mine = _names(web.get("/units", params={"q": "sa pa"}, headers=sa_pa.headers).text,
                  "/units")
    assert "Thị xã Sa Pa" in mine
    theirs = web.get("/units", params={"q": "bat xat"}, headers=sa_pa.headers).text
    assert "Huyện Bát Xát" not in _names(theirs, "/units")


def test_a_search_too_long_is_refused_with_the_field_named(web: TestClient) -> None:
    for path in ("/units", "/indicators"):
        r = web.get(path, params={"q": "x" * 81})
        assert r.status_code == 422 and "q" in r.text
