"""Beside every target the pages say how much of it was reached ("đạt 93,4 % kế hoạch"),
from the same evaluation the targets page uses, in Vietnamese number format."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

# The fixture's one target: CDS_TY_LE_HO_INTERNET of the province (10), 2024, plan 50 %.


def _share(web: TestClient) -> str:
    """The share of plan the targets page gives for the fixture's target."""
    page = web.get("/targets", params={"year": 2024}).text
    found = re.search(r"Đạt ([\d.,]+) % kế hoạch", page)
    assert found is not None, "the targets page gives the share of plan"
    return found.group(1)


def test_the_targets_and_sector_pages_give_the_share_of_plan(web: TestClient) -> None:
    share = _share(web)
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*,\d", share), share  # 93,4 — a decimal comma
    sector = web.get("/sectors/it_dx", params={"year": 2024}).text
    assert f"Đạt {share} % kế hoạch" in sector
    english = web.get("/sectors/it_dx", params={"year": 2024, "lang": "en"}).text
    assert f"{share.replace('.', '').replace(',', '.')}% of plan" in english


def test_the_unit_page_gives_the_share_beside_the_planned_value(web: TestClient) -> None:
    share = _share(web)
    page = web.get("/units/10", params={"period": "2024"}).text
    row = next(r for r in page.split("<tr>") if "Tỷ lệ hộ gia đình có kết nối Internet" in r)
    assert f'<small class="of-plan">đạt {share} % kế hoạch</small>' in row


def test_the_indicator_page_gives_the_share_for_each_planned_year(web: TestClient) -> None:
    share = _share(web)
    page = web.get("/indicators/CDS_TY_LE_HO_INTERNET", params={"period": "2024",
                                                                 "unit": "10"}).text
    years = re.search(r'<ul class="plan-years" id="plan-years".*?</ul>', page, re.S)
    assert years is not None
    assert "2024" in years.group(0) and f"đạt {share} % kế hoạch" in years.group(0)
    figure = re.search(r'<script type="application/json" id="fig-trend">(.*?)</script>', page)
    assert figure is not None
    planned = json.loads(figure.group(1))["data"][1]
    assert [f"đạt {share} % kế hoạch"] == [c[1] for c in planned["customdata"] if c[1]]


def test_a_year_that_is_over_gives_no_odds_and_no_outlook(web: TestClient) -> None:
    page = web.get("/targets", params={"year": 2024}).text
    row = next(r for r in page.split("<tr>") if "CDS_TY_LE_HO_INTERNET" in r and "<td" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    # Planned, actual, share, status, odds, outlook, document: the odds and the outlook of
    # a judged year are a plain dash, never "being computed" nor an empty cell.
    assert cells[-3].strip() == "—" and cells[-2].strip() == "—", cells
