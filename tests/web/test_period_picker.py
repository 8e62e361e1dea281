"""The period picker offers what the indicator is entered at: years, quarters, halves and
months for a monthly one, years for a yearly one; grouped, newest first, named in
Vietnamese and English, the running year named for the months it covers."""

from __future__ import annotations

import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.periods import Period, PeriodType, period_containing
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values

MONTHLY = "BC_DOANH_THU"  # postal revenue, entered by month at the province
PROVINCE = "15"  # Lào Cai since the July 2025 merger


def last_month() -> Period:
    today = date.today()
    return Period.month_of(today.year, today.month).previous()


def fill_months(session: Session, count: int = 14) -> Period:
    last = last_month()
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator=MONTHLY, unit=PROVINCE, period=last.shift(-n).id, value=10 + n)
        for n in range(count)])
    return last


def picker(html: str) -> str:
    return html[html.index('<select id="period"'):html.index("</select>")]


def groups(html: str) -> list[str]:
    return re.findall(r'<optgroup label="([^"]+)">', picker(html))


def test_a_monthly_indicator_offers_every_kind_grouped(web: TestClient, filled: Session) -> None:
    last = fill_months(filled)
    page = web.get(f"/indicators/{MONTHLY}", params={"unit": PROVINCE, "period": last.id}).text
    assert groups(page) == ["Năm", "Quý", "6 và 9 tháng", "Tháng"]
    select = picker(page)
    assert f'<option value="{last.id}" selected>Tháng {last.index}/{last.year}</option>' \
        in select
    assert f'<option value="{last.year - 1}Q1">Quý I/{last.year - 1}</option>' in select
    assert f'<option value="{last.year - 1}S1">6 tháng đầu năm {last.year - 1}</option>' \
        in select
    assert f'<option value="{last.year - 1}">Năm {last.year - 1}</option>' in select
    # The data runs to last month: the running year is named for its months.
    if last.year == date.today().year and last.index > 1:
        assert (f'<option value="{last.year}">{last.index} tháng đầu năm {last.year}'
                '</option>') in select
    # Newest first within each group: this month's options come before last year's.
    assert select.index(f'value="{last.id}"') < select.index(f'value="{last.shift(-1).id}"')
    months = re.findall(r'value="(\d{4}-\d{2})"', select)
    assert len(months) == 24


def test_the_picker_speaks_english(web: TestClient, filled: Session) -> None:
    last = fill_months(filled)
    page = web.get(f"/indicators/{MONTHLY}",
                   params={"unit": PROVINCE, "period": last.id, "lang": "en"}).text
    assert groups(page) == ["Years", "Quarters", "6 and 9 months", "Months"]
    select = picker(page)
    assert f">Q1 {last.year - 1}</option>" in select
    assert f">Jan–Jun {last.year - 1}</option>" in select
    assert f'value="{last.id}" selected>{last.label("en")}</option>' in select


def test_a_yearly_indicator_offers_years_only(web: TestClient) -> None:
    page = web.get("/indicators/CDS_HO_CO_INTERNET", params={"unit": "10",
                                                             "period": "2024"}).text
    assert groups(page) == ["Năm"]
    assert '<option value="2024" selected>Năm 2024</option>' in picker(page)


def test_a_quarter_chosen_is_shown_and_selected(web: TestClient, filled: Session) -> None:
    last = fill_months(filled)
    quarter = period_containing(last.shift(-3).start, PeriodType.QUARTER)
    page = web.get(f"/indicators/{MONTHLY}",
                   params={"unit": PROVINCE, "period": quarter.id}).text
    name = quarter.label("vi")
    assert f'<option value="{quarter.id}" selected>{name}</option>' in picker(page)
    assert name in page[page.index("big-figure"):]


def test_the_unit_page_offers_the_same_kinds(web: TestClient, filled: Session) -> None:
    fill_months(filled)
    page = web.get("/units/10", params={"period": "2024"}).text
    assert groups(page) == ["Năm", "Quý", "6 và 9 tháng", "Tháng"]
    assert '<option value="2024" selected>Năm 2024</option>' in picker(page)
    quarter = web.get("/units/10", params={"period": "2024Q2"}).text
    assert '<option value="2024Q2" selected>Quý II/2024</option>' in picker(quarter)
    nine = web.get("/units/10", params={"period": "2024-01..2024-09"}).text
    assert '<option value="2024-01..2024-09" selected>9 tháng đầu năm 2024</option>' \
        in picker(nine)
    assert "Các chỉ tiêu của Tỉnh Lào Cai — 9 tháng đầu năm 2024" in nine


def test_the_nine_months_from_january_add_up(web: TestClient, filled: Session) -> None:
    last = fill_months(filled, count=24)
    # Nine whole months of one year, after the 2025 merger while the clock allows.
    year = last.year if last.index >= 9 else last.year - 1
    nine = f"{year}-01..{year}-09"
    page = web.get(f"/indicators/{MONTHLY}", params={"unit": PROVINCE, "period": nine}).text
    assert f'<option value="{nine}" selected>9 tháng đầu năm {year}</option>' in picker(page)
    head = page[page.index("big-figure"):]
    assert f"9 tháng đầu năm {year}" in head[:400]
    # The months stored are 10 + n for n months back from last month: add up Jan–Sep.
    wanted = sum(10 + n for n in range(24)
                 if last.shift(-n).year == year and last.shift(-n).index <= 9)
    assert f"{wanted:,}".replace(",", ".") + ",00" in head[:600]
    # The name reads back too, and the English page names it in English.
    named = web.get(f"/indicators/{MONTHLY}",
                    params={"unit": PROVINCE, "period": f"9 tháng đầu năm {year}",
                            "lang": "en"}).text
    assert f'value="{nine}" selected>January–September {year}</option>' in picker(named)


def test_a_period_that_is_not_one_says_how_to_write_it(web: TestClient) -> None:
    bad = web.get("/indicators/CDS_HO_CO_INTERNET", params={"period": "2024-01..2024-13"})
    assert bad.status_code == 422
    assert "không phải lũy kế từ đầu năm" in bad.text and "2024-01..2024-09" in bad.text
