"""A field report's whole life in the browser, and every citizens' page on a phone and a
laptop, in Vietnamese and English (`-m e2e`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Server, shoot, sign_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def water_officer(demo_server: Server) -> tuple[str, str]:
    """An officer of the water company, and one of the Department of Construction."""
    from fansipan.domain.access import Role
    from fansipan.settings import Settings
    from fansipan.store.engine import make_engine, make_session_factory
    from tests.support.accounts import make_account

    settings = Settings(database_url=demo_server.store_url)
    engine = make_engine(demo_server.store_url)
    with make_session_factory(engine)() as session:
        water = make_account(session, settings, Role.OFFICER, username="canbo.capnuoc",
                             units=["cap-nuoc-lao-cai"], units_as_of="2026-01-01")
        make_account(session, settings, Role.OFFICER, username="canbo.xaydung",
                     units=["so-xay-dung"], units_as_of="2026-01-01")
    engine.dispose()
    return water.username, water.password or ""


@pytest.fixture
def phone(browser: Any, demo_server: Server) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: problems.append(f"left the server: {r.url}")
            if not r.url.startswith((demo_server.url, "blob:", "data:")) else None)
    page.set_default_timeout(20_000)
    yield page
    context.close()
    assert not problems, "\n".join(problems)


def _count(page: Any, server: Server, code: str, unit: str, period: str) -> float:
    page.goto(f"{server.url}/indicators/{code}?period={period}&unit={unit}")
    found = page.locator(".big-figure .kpi-value")
    if found.count() == 0:
        return 0.0
    text = found.first.inner_text().split()[0]
    return float(text.replace(".", "").replace(",", ".")) if text != "—" else 0.0


def test_a_report_from_a_phone_to_its_resolution_and_the_on_time_count(
        phone: Any, page: Any, demo_server: Server, water_officer: tuple[str, str]) -> None:
    from datetime import datetime

    from fansipan.domain.local_time import VIETNAM

    month = datetime.now(VIETNAM).strftime("%Y-%m")
    sign_in(page, demo_server)
    before = _count(page, demo_server, "PAKN_DUNG_HAN", "cap-nuoc-lao-cai", month)

    # A citizen, on a phone: no water in Phường Sa Pa.
    phone.goto(f"{demo_server.url}/feedback/new")
    assert phone.locator("h1").inner_text() == "Gửi phản ánh hiện trường"
    phone.click("a[data-code=MAT_NUOC]")
    phone.wait_for_selector("#fb-form")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.select_option("#commune", "03006")
    phone.fill("#address", "Tổ 5, đường Xuân Viên")
    phone.fill("#description", "Mất nước từ sáng, gọi tôi 0912 345 678")
    phone.check("input[name='attribute[LOAI][]'][value=mat_nuoc]")
    phone.fill("#full_name", "Nguyễn Thị Mai")
    phone.fill("#phone", "0912 345 678")
    shoot(phone, demo_server, "feedback-new-form-vi-390", full=True)
    phone.click("#fb-form button[type=submit]")
    phone.wait_for_selector("#fb-number")
    number = phone.locator("#fb-number").inner_text()
    assert re.fullmatch(r"PA-\d{4}-\d{6}", number)
    # Routed by category and commune: the water company serves the wards.
    assert phone.locator("#fb-agency").inner_text() == "Công ty Cổ phần Cấp nước Lào Cai"
    shoot(phone, demo_server, "feedback-receipt-vi-390", full=True)

    # The water company's officer: the report is in their inbox, and they resolve it.
    officer = page.context.browser.new_context(viewport=LAPTOP, locale="vi-VN")
    staff = officer.new_page()
    sign_in(staff, demo_server, *water_officer)
    staff.goto(f"{demo_server.url}/inbox")
    assert staff.locator(f"tr[data-id='{number}']").count() == 1
    shoot(staff, demo_server, "inbox-vi-1366")
    staff.click(f"a[href='/inbox/{number}']")
    staff.wait_for_selector("#step-form")
    assert "0912 345 678" in staff.locator("#reporter").inner_text()
    staff.select_option("#step-action", "start")
    staff.fill("#step-internal", "Cử tổ kỹ thuật số 2")
    staff.click("#step-form button[type=submit]")
    staff.wait_for_selector("#step-message")
    staff.select_option("#step-action", "resolve")
    assert staff.locator("#step-agency").is_hidden()  # only the fields of the step chosen
    staff.fill("#step-public", "Đã sửa van tổng, nước đã có lại")
    staff.click("#step-form button[type=submit]")
    staff.wait_for_selector("#step-message")
    assert staff.locator("#report-state").inner_text() == "Đã xử lý xong"
    shoot(staff, demo_server, "inbox-report-vi-1366", full=True)
    officer.close()

    # Another body's officer does not see it.
    other = page.context.browser.new_context(viewport=LAPTOP, locale="vi-VN")
    stranger = other.new_page()
    sign_in(stranger, demo_server, "canbo.xaydung", water_officer[1])
    stranger.goto(f"{demo_server.url}/inbox?state=all")
    assert stranger.locator(f"tr[data-id='{number}']").count() == 0
    other.close()

    # The citizen follows it by its number: no name, no phone, no officer.
    phone.goto(f"{demo_server.url}/feedback/track")
    phone.fill("#id", number)
    phone.click("form.pick button[type=submit]")
    phone.wait_for_selector("#fb-state")
    assert phone.locator("#fb-state").inner_text() == "Đã xử lý xong"
    text = phone.locator("main").inner_text()
    assert "Đã sửa van tổng" in text
    for secret in ("Nguyễn Thị Mai", "0912 345 678", "canbo.capnuoc", "Cử tổ kỹ thuật"):
        assert secret not in text
    shoot(phone, demo_server, "feedback-track-vi-390", full=True)

    # Counted on the dashboard's on-time indicator, at once.
    after = _count(page, demo_server, "PAKN_DUNG_HAN", "cap-nuoc-lao-cai", month)
    assert after == before + 1
    shoot(page, demo_server, "indicator-pakn-on-time", full=True)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("width", [390, 1366])
def test_every_citizens_page_at_both_widths_and_languages(
        browser: Any, demo_server: Server, lang: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  locale="vi-VN" if lang == "vi" else "en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, demo_server)
    suffix = f"{lang}-{width}"
    pages = [("feedback-new", "/feedback/new"),
             ("feedback-form", "/feedback/new?service=SAT_LO"),
             ("feedback-map", "/feedback/map"),
             ("feedback-track", None), ("inbox", "/inbox"), ("inbox-report", None),
             ("dossiers", "/dossiers"), ("dossiers-late", "/dossiers/late?agency=so-nn-mt")]
    first = None
    for name, path in pages:
        if name == "feedback-track":
            path = f"/feedback/track?id={first}"
        elif name == "inbox-report":
            path = f"/inbox/{first}"
        page.goto(f"{demo_server.url}{path}{'&' if '?' in path else '?'}lang={lang}")
        assert page.locator("main h1").count() == 1, name
        if name == "feedback-map":
            page.wait_for_selector("#fb-map[data-ready]")
            page.wait_for_timeout(800)
            href = page.locator("#fb-table tbody tr th a").first.get_attribute("href")
            first = href.split("id=")[1] if href else None
        if name == "dossiers":
            assert page.locator("#dv-agencies tbody tr").count() >= 8
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        # Every page at both widths and languages, looked at by people, kept apart from the
        # few pictures the docs show.
        folder = demo_server.shots / "citizens"
        folder.mkdir(exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{suffix}.png"), full_page=True)
        if (lang, width) == ("vi", 1366) and name in ("feedback-map", "dossiers"):
            shoot(page, demo_server, f"{name}-vi")
    context.close()
    assert not errors, errors
