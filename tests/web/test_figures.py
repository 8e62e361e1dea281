"""Figures on the pages as a leader reads them aloud: points for rates, partial periods
named for their months on every page, no rank for denominators, targets of the unit
shown and a sector page of the year chosen."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.periods import Period, cumulative_label
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_rate_changes_in_points(web: TestClient) -> None:
    # Households with internet over households, province 10: 460 / 860 in 2023 (53,5 %),
    # 500 / 860 in 2024 (58,1 %): +4,7 points, not +8,7 %.
    page = text_of(web.get("/indicators/CDS_TY_LE_HO_INTERNET",
                           params={"period": "2024", "unit": "10"}).text)
    assert "+4,7 điểm %" in page
    assert "+8,7 %" not in page
    en = text_of(web.get("/indicators/CDS_TY_LE_HO_INTERNET",
                         params={"period": "2024", "unit": "10", "lang": "en"}).text)
    assert "+4.7 percentage points" in en
    # An amount still changes in per cent: 460 → 500 households is +8,7 %.
    amount = text_of(web.get("/indicators/CDS_HO_CO_INTERNET",
                             params={"period": "2024", "unit": "10"}).text)
    assert "+8,7 %" in amount


def test_denominators_are_not_ranked(web: TestClient, filled: Session) -> None:
    write_values(session=filled, actor="tests", source="tests", items=[
        DataValueWrite(indicator="BC_TONG_XA", unit=c, period="2024", value=1)
        for c in ("02647", "02650")])
    page = web.get("/indicators/BC_TONG_XA", params={"period": "2024", "unit": "080"}).text
    table = page[page.index('id="unit-table"'):]
    assert "1/2" not in table and "2/2" not in table
    households = web.get("/indicators/CDS_HO_CO_INTERNET",
                         params={"period": "2024", "unit": "080"}).text
    assert "1/2" in households[households.index('id="unit-table"'):]


def test_the_overview_shows_the_targets_of_the_unit_chosen(web: TestClient) -> None:
    lao_cai = text_of(web.get("/", params={"year": 2024, "unit": "10"}).text)
    assert "1/1 chỉ tiêu" in lao_cai
    # Yên Bái (code 15 until June 2025) has no targets: Lào Cai's are not shown as its own.
    yen_bai = text_of(web.get("/", params={"year": 2024, "unit": "15"}).text)
    assert "Tổng quan — Tỉnh Yên Bái" in yen_bai
    assert "1/1 chỉ tiêu" not in yen_bai
    assert "Chưa giao chỉ tiêu kế hoạch nào cho năm 2024." in yen_bai
    wall = text_of(web.get("/wall", params={"year": 2024, "unit": "15"}).text)
    assert "1/1 chỉ tiêu" not in wall


def without_picker(html: str) -> str:
    """The page without its period picker, whose options name other periods."""
    return re.sub(r'<select id="period".*?</select>', "", html, flags=re.DOTALL)


def test_the_sector_page_follows_the_year_chosen(web: TestClient) -> None:
    this = text_of(without_picker(web.get("/sectors/it_dx", params={"year": 2024}).text))
    before = text_of(without_picker(web.get("/sectors/it_dx", params={"year": 2023}).text))
    assert "Năm 2024" in this and "1/1 chỉ tiêu" in this
    assert "Năm 2023" in before and "Năm 2024" not in before
    assert "Chưa giao chỉ tiêu kế hoạch nào cho năm 2023." in before
    assert 'option value="2023" selected' in web.get("/sectors/it_dx",
                                                     params={"year": 2023}).text


def test_a_partial_year_has_one_name_on_every_page(web: TestClient, filled: Session) -> None:
    # Postal revenue of the new province every month up to last month.
    last = Period.month_of(date.today().year, date.today().month).previous()
    first = Period.month_of(2025, 7)
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
    write_values(session=filled, actor="tests", source="tests", items=[
        DataValueWrite(indicator="BC_DOANH_THU", unit="15", period=m.id, value=10)
        for m in months])
    name = cumulative_label(last, "vi") if last.index < 12 else f"Năm {last.year}"
    page = text_of(web.get("/indicators/BC_DOANH_THU",
                           params={"period": str(last.year), "unit": "15"}).text)
    assert f"Tỉnh Lào Cai, {name}" in page
    overview = web.get("/", params={"unit": "15", "year": last.year}).text
    tile = overview[overview.index('data-code="BC_DOANH_THU"'):]
    assert name in text_of(tile[:tile.index("</a>")])
    if last.index < 12:
        assert f"Tỉnh Lào Cai, Năm {last.year}" not in page
    assert date.today() - timedelta(days=1) >= last.end


def test_a_figure_that_cannot_be_compared_says_why(web: TestClient, filled: Session) -> None:
    # The new province's 2025 against old Lào Cai's 2024: Yên Bái has no history here.
    write_values(session=filled, actor="tests", source="tests", items=[
        DataValueWrite(indicator="BC_DOANH_THU", unit="10", period="2024-03", value=5),
        DataValueWrite(indicator="BC_DOANH_THU", unit="10", period="2025-03", value=6),
        DataValueWrite(indicator="BC_DOANH_THU", unit="15", period="2025-12", value=7)])
    page = text_of(web.get("/indicators/BC_DOANH_THU",
                           params={"period": "2025", "unit": "15"}).text)
    assert "không so sánh được: thiếu số liệu của Tỉnh Yên Bái" in page
    csv = web.get("/indicators/BC_DOANH_THU.csv", params={"period": "2025", "unit": "15"})
    assert "không so sánh được: thiếu số liệu của Tỉnh Yên Bái" in csv.content.decode("utf-8-sig")
    en = text_of(web.get("/indicators/BC_DOANH_THU",
                         params={"period": "2025", "unit": "15", "lang": "en"}).text)
    assert "not comparable: no data for Tỉnh Yên Bái" in en
