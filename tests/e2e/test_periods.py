"""In a browser: the period picker's groups, a monthly trend, and the reports an officer's
commune owes on their first screen (photographed and looked at)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Server, shoot, sign_in

pytestmark = pytest.mark.e2e

MONTHLY = "BC_DOANH_THU"  # postal revenue, a monthly indicator of the demo


@pytest.fixture(scope="module")
def commune_officer(demo_server: Server) -> tuple[str, str]:
    """An officer of Phường Lào Cai, and a monthly regime for the 5G stations."""
    from fansipan.domain.access import Principal, Role
    from fansipan.services.foresight.regimes import RegimeWrite, set_regime
    from fansipan.settings import Settings
    from fansipan.store.engine import make_engine, make_session_factory
    from tests.support.accounts import make_account

    settings = Settings(database_url=demo_server.store_url)
    engine = make_engine(demo_server.store_url)
    with make_session_factory(engine)() as session:
        set_regime(session=session, principal=Principal.system("tests"),
                   indicator="VT_TRAM_5G",
                   data=RegimeWrite(effective_from=date.today() - timedelta(days=120)))
        officer = make_account(session, settings, Role.OFFICER, username="canbo.phuong.e2e",
                               units=["02647"])
    engine.dispose()
    return officer.username, officer.password or ""


def test_a_monthly_indicator_offers_every_kind_and_trends_by_month(
        page: Any, demo_server: Server) -> None:
    page.set_default_timeout(90_000)  # the first view of a busy machine warms the caches
    today = date.today()
    month = f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}-12"
    page.goto(f"{demo_server.url}/indicators/{MONTHLY}?period={month}")
    groups = page.locator("#period optgroup").evaluate_all("gs => gs.map(g => g.label)")
    assert groups == ["Năm", "Quý", "6 và 9 tháng", "Tháng"]
    assert page.locator("#period option:checked").inner_text().startswith("Tháng ")
    assert "Diễn biến theo tháng" in page.locator("#h-trend").inner_text()
    page.wait_for_selector("#trend[data-ready]", timeout=60_000)
    shoot(page, demo_server, "indicator-monthly")
    # Choosing a quarter from the picker reloads the page for it.
    quarter = page.locator("#period optgroup[label='Quý'] option").nth(1)
    value = quarter.get_attribute("value")
    page.select_option("#period", value)
    page.wait_for_url(f"**period={value}**")
    assert page.locator("#period option:checked").get_attribute("value") == value


def test_an_officer_reads_what_their_commune_owes_and_opens_the_form(
        page: Any, demo_server: Server, commune_officer: tuple[str, str]) -> None:
    page.set_default_timeout(90_000)
    username, password = commune_officer
    sign_in(page, demo_server, username, password)
    panel = page.locator("#due")
    assert "Báo cáo đến hạn" in panel.locator("h2").inner_text()
    rows = panel.locator("#due-table tbody tr")
    assert rows.count() >= 1
    assert "Phường Lào Cai" in rows.first.inner_text()
    panel.scroll_into_view_if_needed()
    shoot(page, demo_server, "officer-reports-due")
    href = rows.first.locator("a").get_attribute("href") or ""
    period = href.split("period=")[1].split("&")[0]
    rows.first.locator("a").click()
    page.wait_for_url("**/entry?**")
    # The form names the period as officials write it ("Tháng 12/2026"), not by its code.
    from fansipan.web.formatting import period_name
    assert page.locator("#e-period").input_value() == period_name(period, "vi")
