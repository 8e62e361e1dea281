"""The dashboard's pages on the server: every page renders, in both languages, within
the viewer's scope; bad input gets a page that says why, never a 500."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from fansipan.domain.access import Role
from tests.support.accounts import Account
from tests.web.conftest import PRIVATE, PUBLIC

PAGES = [
    "/", "/?year=2024", "/wall", "/indicators", f"/indicators/{PUBLIC}?period=2024",
    "/indicators/CDS_TY_LE_HO_INTERNET?period=2024",
    "/indicators/CDS_TY_LE_HO_INTERNET?period=2024&unit=080",
    "/indicators/CDS_TY_LE_HO_INTERNET?period=2024&unit=02647", "/units/10?period=2024",
    "/units/080?period=2024", "/sectors/it_dx?year=2024", "/targets?year=2024", "/login",
]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders_in_both_languages(web: TestClient, lang: str) -> None:
    for path in PAGES:
        r = web.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
        assert r.status_code == 200, (path, r.text[:500])
        assert f'<html lang="{lang}">' in r.text
        assert r.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in r.headers["content-security-policy"]


def test_the_overview_shows_targets_and_headline_figures(web: TestClient) -> None:
    r = web.get("/", params={"year": 2024})
    assert "1/1 chỉ tiêu đạt" in r.text or "1/1 chỉ tiêu" in r.text
    assert "Tỷ lệ hộ gia đình có kết nối Internet" in r.text
    en = web.get("/", params={"year": 2024, "lang": "en"})
    assert "Share of households with an internet connection" in en.text
    assert "targets" in en.text


def test_numbers_and_dates_are_vietnamese(web: TestClient) -> None:
    r = web.get("/indicators/CDS_TY_LE_HO_INTERNET", params={"period": "2024"})
    assert re.search(r">\s*5\d,\d\s*<", r.text), "a rate with a decimal comma"
    assert "31/12/2024" in r.text


def test_the_indicator_page_has_a_district_map_before_the_reform(web: TestClient) -> None:
    r = web.get("/indicators/CDS_TY_LE_HO_INTERNET", params={"period": "2024"})
    assert 'data-figure="fig-map"' in r.text
    figure = re.search(r'<script type="application/json" id="fig-map">(.*?)</script>', r.text)
    assert figure is not None
    data = json.loads(figure.group(1))
    trace = data["data"][0]
    assert trace["type"] == "choroplethmap"  # never "choropleth", which fetches topojson
    assert data["layout"]["map"]["style"] == "white-bg"
    assert set(trace["locations"]) == {"080", "082"}
    assert all("unit=" in link for link in trace["customdata"])


def test_communes_say_why_there_is_no_map(web: TestClient) -> None:
    district = web.get("/indicators/CDS_TY_LE_HO_INTERNET",
                       params={"period": "2024", "unit": "080"})
    assert 'id="no-map"' in district.text and "fig-map" not in district.text
    assert "tile-grid" in district.text


def test_a_period_without_data_says_so_and_draws_no_map(web: TestClient) -> None:
    after = web.get("/indicators/CDS_TY_LE_HO_INTERNET", params={"period": "2025"})
    assert after.status_code == 200
    assert "Chưa có số liệu" in after.text
    assert "fig-map" not in after.text and "tile-grid" not in after.text


def test_anonymous_visitors_see_public_indicators_only(web: TestClient) -> None:
    listing = web.get("/indicators")
    assert PUBLIC in listing.text and PRIVATE not in listing.text
    r = web.get(f"/indicators/{PRIVATE}")
    assert r.status_code == 401
    assert "Đăng nhập" in r.text and "<html" in r.text


def test_signed_in_readers_see_their_scope(web: TestClient,
                                           make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER)
    assert PRIVATE in web.get("/indicators", headers=leader.headers).text
    sapa = make_account(Role.LEADER, units=["088"], units_as_of="2024-01-01")
    r = web.get("/indicators/CDS_TY_LE_HO_INTERNET", headers=sapa.headers,
                params={"period": "2024", "unit": "080"})
    assert r.status_code == 403


@pytest.mark.parametrize("path", [
    "/indicators/NO_SUCH_CODE", "/indicators/CDS_TY_LE_HO_INTERNET?period=2024Q9",
    "/indicators/CDS_TY_LE_HO_INTERNET?unit=99999", "/units/99999", "/sectors/nothing",
    "/?year=1700", "/indicators/CDS_TY_LE_HO_INTERNET.pdf", "/targets.doc",
    "/static/0/none.js", "/indicators/CDS_TY_LE_HO_INTERNET?period=" + "9" * 30,
])
def test_bad_input_gets_a_page_that_says_why(web: TestClient, path: str) -> None:
    r = web.get(path)
    assert 400 <= r.status_code < 500, (path, r.status_code)
    assert "<html" in r.text and "Không thực hiện được" in r.text


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_every_table_downloads_from_the_same_url(web: TestClient, fmt: str) -> None:
    for base, query in [("/indicators/CDS_TY_LE_HO_INTERNET", "?period=2024"),
                        ("/overview", "?year=2024"), ("/units/10", "?period=2024"),
                        ("/sectors/it_dx", ""), ("/targets", "?year=2024"),
                        ("/indicators", "")]:
        r = web.get(f"{base}.{fmt}{query}")
        assert r.status_code == 200, (base, r.text[:300])
        assert "attachment" in r.headers["content-disposition"]
        if fmt == "csv":
            assert r.content.startswith("\ufeff".encode())
        elif fmt == "json":
            assert isinstance(r.json()["rows"], list)
        else:
            book = load_workbook(io.BytesIO(r.content), read_only=True)
            assert book.worksheets[0].max_row >= 1
            book.close()
    rows = web.get("/indicators/CDS_TY_LE_HO_INTERNET.json?period=2024").json()["rows"]
    by_unit = {r["unit_code"]: r for r in rows}
    assert by_unit["080"]["rank"] in (1, 2) and by_unit["080"]["value"] is not None


def test_static_files_carry_their_hash_and_a_long_cache(web: TestClient) -> None:
    page = web.get("/indicators/CDS_TY_LE_HO_INTERNET?period=2024").text
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', page)
    assert any(u.endswith("/plotly.min.js") for u in urls)
    for url in urls:
        r = web.get(url)
        assert r.status_code == 200, url
        assert "immutable" in r.headers["cache-control"]
    css = next(u for u in urls if u.endswith("plotly-rules.css"))
    rules = web.get(css).text
    assert ".js-plotly-plot .plotly" in rules and ".maplibregl-map" in rules
    stale = re.sub(r"/static/[0-9a-f]+/", "/static/000000000000/", urls[0])
    assert web.get(stale).headers["cache-control"] == "no-cache"


def test_no_page_loads_anything_from_the_internet(web: TestClient) -> None:
    from fansipan.web.templating import TEMPLATE_DIR

    remote = re.compile(r"""(?:src|href|action|url\()\s*=?\s*["']?\s*https?://""", re.I)
    for template in TEMPLATE_DIR.glob("*.html"):
        assert not remote.search(template.read_text()), template.name
    for path in PAGES:
        assert not remote.search(web.get(path).text), path
    from fansipan.web.assets import STATIC_DIR

    for asset in STATIC_DIR.rglob("*"):
        if asset.suffix in (".css", ".js", ".svg", ".html"):
            assert not re.search(r"https?://(?!www\.w3\.org/)", asset.read_text()), asset


def test_the_language_switch_is_one_click_and_stays_on_the_site(web: TestClient) -> None:
    r = web.get("/lang/en", params={"next": "/indicators"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/indicators"
    assert "fansipan_lang=en" in r.headers["set-cookie"]
    assert web.get("/indicators").text.count('lang="en"') >= 1
    for bad in ("https://example.org/", "//example.org", "/\\example.org"):
        r = web.get("/lang/vi", params={"next": bad}, follow_redirects=False)
        assert r.headers["location"] == "/"


def test_changes_carry_their_sign_in_both_languages() -> None:
    from fansipan.web.formatting import number, plain, signed, signed_percent

    assert signed(-0.4, 1) == "−0,4" and signed(0.4, 1) == "+0,4" and signed(0.0, 1) == "0,0"
    assert signed(-0.01, 1) == "0,0"
    assert signed_percent(-12.34, "en") == "−12.3%" and signed_percent(5, "vi") == "+5,0 %"
    assert number(1234567.891, 2) == "1.234.567,89" and number(1234.5, 1, "en") == "1,234.5"
    assert plain(3456789.0) == "3456789" and plain(12.5) == "12,5" and plain(12.5, "en") == "12.5"


def test_the_definition_names_the_bodies_that_produce_the_figures(web: TestClient) -> None:
    r = web.get("/indicators/CDS_TY_LE_HO_INTERNET", params={"period": "2024"})
    assert "Cơ quan cung cấp số liệu" in r.text
    assert "Sở Khoa học và Công nghệ; Cục Thống kê" in r.text
    en = web.get("/indicators/CDS_TY_LE_HO_INTERNET", params={"period": "2024", "lang": "en"})
    assert "Department of Science and Technology; National Statistics Office" in en.text
