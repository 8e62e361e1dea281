"""The overview and the sector pages read any period the indicator pages offer: a quarter,
a half, nine months or a month is named as such everywhere on the page, compared with
the same months a year before by the engine's own rules, and the year's targets are shown
as progress so far, labelled so; /targets and /tasks stay yearly."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.targets import TargetWrite, set_target
from tests.support.accounts import Account
from tests.web.test_figures import text_of

REVENUE = "BC_DOANH_THU"  # postal revenue, a sum of months, entered at the province
PROVINCE = "15"  # Lào Cai since the July 2025 merger
PLANNED = 2000


def revenue(year: int, month: int) -> int:
    return (100 if year == 2026 else 50) + month


@pytest.fixture
def monthly(filled: Session) -> Session:
    """Postal revenue of the new province from July 2025 to November 2026, its 2026 plan,
    and a monthly rate (level-4 online services) for October of both years."""
    months = [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 12)]
    items = [DataValueWrite(indicator=REVENUE, unit=PROVINCE, period=f"{y}-{m:02d}",
                            value=revenue(y, m)) for y, m in months]
    for year, online in ((2025, 80), (2026, 90)):
        items += [DataValueWrite(indicator="CNTT_DVC_MUC_4", unit=PROVINCE,
                                 period=f"{year}-10", value=online),
                  DataValueWrite(indicator="CNTT_TTHC_TONG", unit=PROVINCE,
                                 period=f"{year}-10", value=100)]
    write_values(session=filled, actor="tests", source="tests", items=items)
    set_target(session=filled, actor="tests", data=TargetWrite(
        indicator=REVENUE, unit=PROVINCE, period="2026", planned=PLANNED,
        document="Kế hoạch thử"))
    return filled


def picker(html: str) -> str:
    return html[html.index('<select id="period"'):html.index("</select>",
                                                           html.index('<select id="period"'))]


def kpi(html: str, code: str) -> str:
    tile = html[html.index(f'data-code="{code}"'):]
    return text_of(tile[:tile.index("</a>")])


def row_of(rows: list[dict[str, object]], code: str) -> dict[str, object]:
    return next(r for r in rows if r["indicator"] == code)


def test_the_overview_reads_a_quarter_against_the_same_quarter_a_year_before(
        web: TestClient, monthly: Session) -> None:
    page = web.get("/", params={"period": "2026Q3"}).text
    assert '<option value="2026Q3" selected>Quý III/2026</option>' in picker(page)
    tile = kpi(page, REVENUE)
    q3 = sum(revenue(2026, m) for m in (7, 8, 9))  # 324 against 174: +86,2 %
    assert "Quý III/2026" in tile and "324" in tile and "+86,2 %" in tile, tile
    # The year's plan, read from January to the quarter's end and labelled so.
    targets = text_of(page[page.index('id="h-targets"'):])
    assert "lũy kế đến hết tháng 9/2026" in targets[:300]
    assert "so với kế hoạch cả năm" in targets
    ytd = sum(revenue(2026, m) for m in range(1, 10))
    rows = web.get("/overview.json", params={"period": "2026Q3"}).json()["rows"]
    row = row_of(rows, REVENUE)
    assert (row["period"], row["period_name"], row["value"], row["last_year"]) == (
        "2026Q3", "Quý III/2026", q3, sum(revenue(2025, m) for m in (7, 8, 9)))
    english = web.get("/", params={"period": "2026Q3", "lang": "en"}).text
    assert "Q3 2026" in kpi(english, REVENUE)
    assert "year to date, to the end of September 2026" in text_of(english)
    assert ytd < PLANNED


def test_the_map_and_the_links_follow_the_period(web: TestClient, monthly: Session) -> None:
    page = web.get("/", params={"period": "2026-10"}).text
    assert f'href="/indicators/{REVENUE}?period=2026-10' in page
    panel = page[page.index('class="panel map-panel"'):]
    assert "Tháng 10/2026" in text_of(panel[:panel.index("</h2>")])
    assert 'href="/sectors/postal?period=2026-10"' in page
    assert "/overview.csv?period=2026-10" in page


def test_a_month_on_the_overview_and_a_partial_quarter(web: TestClient,
                                                       monthly: Session) -> None:
    month = web.get("/", params={"period": "2026-10"}).text
    tile = kpi(month, REVENUE)
    assert "Tháng 10/2026" in tile and "110" in tile and "+83,3 %" in tile, tile
    assert "lũy kế đến hết tháng 10/2026" in text_of(month)
    # The data runs to November: the fourth quarter is its first two months, compared
    # with October and November a year before.
    partial = web.get("/", params={"period": "2026Q4"}).text
    tile = kpi(partial, REVENUE)
    assert "2 tháng đầu quý IV/2026" in tile and "Quý IV/2026" not in tile, tile
    row = row_of(web.get("/overview.json", params={"period": "2026Q4"}).json()["rows"],
                 REVENUE)
    assert (row["value"], row["last_year"]) == (221, 121)
    assert "lũy kế đến hết tháng 11/2026" in text_of(partial)


def test_nine_months_that_cover_other_units_a_year_before_are_not_compared(
        web: TestClient, monthly: Session) -> None:
    page = web.get("/", params={"period": "2026-01..2026-09"}).text
    assert '<option value="2026-01..2026-09" selected>9 tháng đầu năm 2026</option>' \
        in picker(page)
    tile = kpi(page, REVENUE)
    # January–June 2025 were the old provinces', which reported nothing here.
    assert "9 tháng đầu năm 2026" in tile and "không so sánh được: thiếu số liệu" in tile, tile


def test_the_sector_page_reads_a_quarter_and_a_rate_changes_in_points(
        web: TestClient, monthly: Session) -> None:
    page = web.get("/sectors/postal", params={"period": "2026Q3"}).text
    assert '<option value="2026Q3" selected>Quý III/2026</option>' in picker(page)
    tile = kpi(page, REVENUE)
    assert "Quý III/2026" in tile and "+86,2 %" in tile, tile
    targets = text_of(page[page.index('id="h-st"'):])
    assert "lũy kế đến hết tháng 9/2026" in targets[:300]
    # Its yearly indicators have no quarter: the page says so rather than drop them quietly.
    assert "chỉ có số liệu theo năm" in text_of(page)
    rows = web.get("/sectors/postal.json", params={"period": "2026Q3"}).json()["rows"]
    assert row_of(rows, REVENUE)["period_name"] == "Quý III/2026"
    rate = web.get("/sectors/it_dx", params={"period": "2026-10"}).text
    assert re.search(r"\+10(,0)? điểm %", kpi(rate, "CNTT_TY_LE_DVC_MUC_4"))
    english = web.get("/sectors/it_dx", params={"period": "2026-10", "lang": "en"}).text
    assert "October 2026" in kpi(english, "CNTT_TY_LE_DVC_MUC_4")


def test_a_year_still_reads_as_before(web: TestClient, monthly: Session) -> None:
    by_period = web.get("/", params={"period": "2024"}).text
    by_year = web.get("/", params={"year": 2024}).text
    assert '<option value="2024" selected>Năm 2024</option>' in picker(by_year)
    assert text_of(by_period).count("1/1 chỉ tiêu") == text_of(by_year).count("1/1 chỉ tiêu")
    assert "lũy kế đến hết" not in text_of(by_year)


@pytest.mark.parametrize("path", ["/", "/sectors/postal", "/overview.json",
                                  "/sectors/postal.json"])
@pytest.mark.parametrize("period", ["2026Q9", "quý 5", "2026W05"])
def test_a_period_that_cannot_be_read_gets_a_page_naming_the_field(
        web: TestClient, path: str, period: str) -> None:
    # The tables' twins answer as their pages do: the same error page, never a 500.
    r = web.get(path, params={"period": period}, headers={"accept": "text/html"})
    assert 400 <= r.status_code < 500, (path, period, r.status_code)
    assert "Không thực hiện được" in r.text
    assert re.search(r"<strong>kỳ</strong>", r.text, re.IGNORECASE), r.text[-2000:]


def test_targets_and_tasks_stay_yearly(web: TestClient,
                                       make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER)
    for path in ("/targets", "/tasks"):
        page = web.get(path, headers=leader.headers).text
        assert '<label for="year">Năm</label>' in page, path
        assert '<select id="period"' not in page, path
