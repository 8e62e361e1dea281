"""A monthly indicator read for a month, quarter or half-year trends by month; read for a
year it trends by year, as before."""

from __future__ import annotations

import json
import re
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.periods import Period, PeriodType, period_containing
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values

MONTHLY = "BC_DOANH_THU"
PROVINCE = "15"  # Lào Cai since the July 2025 merger


def fill(session: Session) -> Period:
    today = date.today()
    last = Period.month_of(today.year, today.month).previous()
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator=MONTHLY, unit=PROVINCE, period=last.shift(-n).id,
                       value=1000 + n) for n in range(12)])
    return last


def trend(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" id="fig-trend">(.*?)</script>', html,
                      re.S)
    assert found is not None
    figure: dict[str, object] = json.loads(found.group(1))
    return figure


def xs(html: str) -> list[str]:
    data = trend(html)["data"]
    assert isinstance(data, list)
    return [str(x) for x in data[0]["x"]]


def test_a_month_chosen_trends_by_month(web: TestClient, filled: Session) -> None:
    last = fill(filled)
    page = web.get(f"/indicators/{MONTHLY}", params={"unit": PROVINCE, "period": last.id}).text
    assert "Diễn biến theo tháng" in page
    # The months with data, oldest first, ending with the month chosen, written 03/2026.
    assert xs(page) == [f"{m.index:02d}/{m.year}" for m in
                        (last.shift(-n) for n in range(11, -1, -1))]
    data = trend(page)["data"]
    assert isinstance(data, list)
    assert data[0]["y"][-1] == 1000 and data[0]["y"][0] == 1011
    # Figures in the Vietnamese way (revenue has two decimals): 1.011,00.
    assert data[0]["text"][0] == "1.011,00"
    en = web.get(f"/indicators/{MONTHLY}",
                 params={"unit": PROVINCE, "period": last.id, "lang": "en"}).text
    assert "Trend by month" in en
    assert trend(en)["data"][0]["text"][0] == "1,011.00"  # type: ignore[index]


def test_a_quarter_chosen_trends_by_month_to_its_end(web: TestClient, filled: Session) -> None:
    last = fill(filled)
    quarter = period_containing(last.shift(-4).start, PeriodType.QUARTER)
    page = web.get(f"/indicators/{MONTHLY}",
                   params={"unit": PROVINCE, "period": quarter.id}).text
    assert xs(page)[-1] == f"{quarter.end.month:02d}/{quarter.end.year}"
    assert all(re.fullmatch(r"\d{2}/\d{4}\*?", x) for x in xs(page))


def test_a_year_chosen_still_trends_by_year(web: TestClient, filled: Session) -> None:
    last = fill(filled)
    page = web.get(f"/indicators/{MONTHLY}",
                   params={"unit": PROVINCE, "period": str(last.year)}).text
    assert "Diễn biến theo năm" in page and "Diễn biến theo tháng" not in page
    assert all(re.fullmatch(r"\d{4}\*?", x) for x in xs(page))


def test_a_yearly_indicator_trends_by_year(web: TestClient) -> None:
    page = web.get("/indicators/CDS_HO_CO_INTERNET",
                   params={"unit": "10", "period": "2024"}).text
    assert xs(page) == ["2023", "2024"]


def test_two_years_of_months_are_read_on_hover(web: TestClient, filled: Session) -> None:
    today = date.today()
    last = Period.month_of(today.year, today.month).previous()
    write_values(session=filled, actor="tests", source="tests", items=[
        DataValueWrite(indicator=MONTHLY, unit=PROVINCE, period=last.shift(-n).id, value=5)
        for n in range(14)])  # more than a dozen months: no figures written on the line
    page = web.get(f"/indicators/{MONTHLY}", params={"unit": PROVINCE, "period": last.id}).text
    data = trend(page)["data"]
    assert isinstance(data, list)
    assert len(data[0]["x"]) == 14 and data[0]["mode"] == "lines+markers"
    assert "%{text}" in data[0]["hovertemplate"]
