"""The main journeys on the demo, in a real browser (`-m e2e`)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import Server, shoot, sign_in

pytestmark = pytest.mark.e2e

INDICATOR = "CDS_TY_LE_HO_INTERNET"  # a rate entered per commune: map, tiles and table


def test_overview_in_vietnamese_then_english(page: Any, demo_server: Server) -> None:
    page.goto(demo_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").inner_text().startswith("Tổng quan")
    assert "minh họa" in page.locator(".illustrative").inner_text()
    assert page.locator(".kpi").count() >= 5
    assert re.search(r"\d+/\d+ chỉ tiêu", page.locator("#targets-sentence").inner_text())
    shoot(page, demo_server, "overview-vi", full=True)
    page.click("a.lang")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Overview")
    assert "targets" in page.locator("#targets-sentence").inner_text()
    shoot(page, demo_server, "overview-en", full=True)
    page.click("a.lang")  # back to Vietnamese for the other tests' contexts
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(demo_server.url + "/")
    shoot(page, demo_server, "overview-phone")


def test_drill_from_province_to_district_to_commune(page: Any, demo_server: Server) -> None:
    page.goto(f"{demo_server.url}/indicators/{INDICATOR}?period=2024")
    page.wait_for_selector("#map[data-ready]")
    page.wait_for_selector("#map canvas")
    page.wait_for_timeout(1500)  # let the map tiles settle before the picture
    shoot(page, demo_server, "indicator-map", full=True)
    assert page.locator("#unit-table tbody tr").count() >= 9
    # On the map: a click on a district goes to its communes.
    the_map = page.locator("#map")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_url(re.compile(r"unit="), timeout=10_000)
    district = page.locator(".crumbs [aria-current=page]").inner_text()
    assert page.locator(".tile-grid li").count() > 5, "a district shows its communes as tiles"
    assert "ranh giới" in page.locator("#no-map").inner_text()
    legend = page.locator("#tile-legend").inner_text()
    assert legend.startswith("Tỷ lệ hộ gia đình có kết nối Internet (%)"), legend
    shoot(page, demo_server, "indicator-district", full=True)
    # In the table: a commune.
    commune_link = page.locator("#unit-table tbody tr th a").first
    commune = commune_link.inner_text()
    commune_link.click()
    page.wait_for_load_state()
    crumbs = page.locator(".crumbs").inner_text()
    assert district in crumbs and commune in crumbs
    assert page.locator(".big-figure .kpi-value").count() == 1
    shoot(page, demo_server, "indicator-commune")
    # Back up through the table: the province, then a district by its table row.
    page.locator(".crumbs a").nth(1).click()
    page.wait_for_load_state()
    page.locator("#unit-table tbody tr th a").nth(1).click()
    page.wait_for_load_state()
    assert page.locator(".tile-grid li").count() > 5


def test_after_the_reform_the_page_says_why_there_is_no_map(page: Any,
                                                            demo_server: Server) -> None:
    page.goto(f"{demo_server.url}/indicators/{INDICATOR}?period=2025")
    assert page.locator("#map").count() == 0
    assert "01/7/2025" in page.locator("#no-map").inner_text()
    assert page.locator(".tile-grid li").count() > 90  # the new province's communes
    shoot(page, demo_server, "indicator-after-reform")


def test_an_officer_enters_a_value_and_the_overview_changes(page: Any,
                                                            demo_server: Server) -> None:
    sign_in(page, demo_server)
    code = "VT_DOANH_THU"  # telecom revenue: a headline, a monthly flow of the province
    kpi = page.locator(f".kpi[data-code={code}] .kpi-value")
    before = kpi.inner_text()
    page.goto(demo_server.url + "/entry?sector=telecom")
    page.wait_for_selector("#entry-form")
    shoot(page, demo_server, "entry")
    field = page.locator(f"#v-{code}")
    assert field.count() == 1, "the province's monthly telecom grid has the field"
    # A wrong value is refused beside its field, and nothing is saved.
    field.fill("nhiều lắm")
    page.keyboard.press("Enter")  # Enter moves on, it does not send the form
    assert page.locator("#entry-form").count() == 1
    page.click("button[value=save]")
    page.wait_for_selector("#entry-errors")
    assert page.locator(f"#err-{code}").is_visible()
    shoot(page, demo_server, "entry-error", full=True)
    page.locator(f"#v-{code}").fill("12345,6")
    page.click("button[value=save]")
    page.wait_for_selector("#entry-status")
    assert page.locator(f"#v-{code}").input_value() == "12345,6"
    page.goto(demo_server.url + "/")
    after = kpi.inner_text()
    assert after != before, "the overview shows the new value without a server restart"


def test_a_bad_file_shows_each_rejected_row(page: Any, demo_server: Server,
                                            tmp_path: Any) -> None:
    sign_in(page, demo_server)
    bad = tmp_path / "so-lieu.csv"
    bad.write_text("indicator,unit,period,value,comment\n"
                   "VT_TRAM_5G,02647,2024-05,7,\n"
                   "VT_TRAM_5X,02647,2024-05,7,\n"
                   "VT_TRAM_5G,99999,2024-05,7,\n"
                   "VT_TRAM_5G,02647,2024-13,abc,\n", encoding="utf-8")
    page.goto(demo_server.url + "/imports")
    page.set_input_files("#file", str(bad))
    page.click("form.pick button[type=submit]")
    page.wait_for_selector("#rejected")
    rows = page.locator("#rejected tbody tr")
    assert rows.count() >= 3
    lines = {rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())}
    assert {"3", "4", "5"} <= lines
    assert "VT_TRAM_5X" in page.locator("#rejected").inner_text()
    shoot(page, demo_server, "import-rejected", full=True)


def test_a_table_downloads_as_xlsx(page: Any, demo_server: Server) -> None:
    page.goto(f"{demo_server.url}/indicators/{INDICATOR}?period=2024")
    with page.expect_download() as info:
        page.click(".downloads a:text('XLSX')")
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[0][0] == "Xếp hạng"
    assert len(rows) >= 10 and any(r[3] == "Huyện Bát Xát" for r in rows)


def test_other_pages_render(page: Any, demo_server: Server) -> None:
    for name, path in [("targets", "/targets?year=2021"), ("sector-telecom", "/sectors/telecom"),
                       ("unit", "/units/15"), ("indicators", "/indicators"),
                       ("indicators-search", "/indicators?q=dan so"),
                       ("units-search", "/units?q=bat xat"), ("unit-ended", "/units/082")]:
        page.goto(demo_server.url + path)
        assert page.locator("main h1").count() == 1
        shoot(page, demo_server, name, full=name == "targets")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(demo_server.url + "/wall")
    assert page.locator(".slide.current").count() == 1
    shoot(page, demo_server, "wall")


def test_figures_a_leader_can_read_aloud(page: Any, demo_server: Server) -> None:
    # The running year is named for its months; a rate changes in points; where the
    # merged province's history lacks Yên Bái, the change says why it is not given.
    page.goto(demo_server.url + "/")
    tiles = page.locator(".kpi")
    periods = {tiles.nth(i).locator(".kpi-period").inner_text() for i in range(tiles.count())}
    assert not any(p == "Năm 2026" for p in periods)
    text = page.locator(".kpis").inner_text()
    assert "điểm %" in text or "không so sánh được" in text
    page.goto(f"{demo_server.url}/indicators/CNTT_TY_LE_HO_SO_TRUC_TUYEN?period=2025")
    table = page.locator("#unit-table").inner_text()
    assert "không so sánh được" in table
    # Departments are ranked among departments, communes among communes.
    ranks = {tuple(cell.strip() for cell in line.split("\t")[:2])
             for line in table.splitlines() if "\t" in line}
    communes = {int(rank.split("/")[1]) for rank, name in ranks
                if "/" in rank and name.startswith(("Xã ", "Phường "))}
    offices = {int(rank.split("/")[1]) for rank, name in ranks
               if "/" in rank and not name.startswith(("Xã ", "Phường "))}
    assert len(communes) == len(offices) == 1 and max(offices) < 20 < min(communes)
    page.locator(".big-figure").scroll_into_view_if_needed()
    shoot(page, demo_server, "indicator-no-comparison", full=True)


def test_the_api_documentation_works_offline(page: Any, demo_server: Server) -> None:
    # Every request must stay on the server (the fixture fails on any other) and the
    # strict policy must hold: Swagger UI comes from the installed package.
    page.goto(demo_server.url + "/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Fansipan" in page.locator(".swagger-ui .info .title").inner_text()
    page.wait_for_selector(".opblock-tag")
    assert page.locator(".opblock").count() > 20  # the operations are listed
    shoot(page, demo_server, "api-docs")
