"""Date fields in a browser set to English (`-m e2e`): the field shows dd/mm/yyyy, not the
browser's mm/dd/yyyy control, keeps what is typed, and the server reads it back."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import Server, shoot, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def english_page(browser: Any, demo_server: Server) -> Iterator[Any]:
    """An English-locale browser, the one that draws a date control as mm/dd/yyyy."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_a_date_field_reads_dd_mm_yyyy_in_an_english_browser(english_page: Any,
                                                              demo_server: Server) -> None:
    page = english_page
    sign_in(page, demo_server)
    page.goto(f"{demo_server.url}/directives/new?lang=en")
    day = page.locator("#d-date")
    assert day.get_attribute("type") == "text"
    assert day.get_attribute("placeholder") == "dd/mm/yyyy"
    page.fill("#d-number", "91/KH-UBND")
    day.fill("05/03/2026")  # the 5th of March, as a Vietnamese official writes it
    assert day.input_value() == "05/03/2026"
    assert page.evaluate("document.querySelector('#d-date').validity.valid")
    day.fill("2026/03/05")
    assert page.evaluate("document.querySelector('#d-date').validity.patternMismatch")
    day.fill("05/03/2026")
    page.fill("#d-issuer", "UBND tỉnh Lào Cai")
    page.fill("#d-excerpt", "Ngày viết dd/mm/yyyy (minh họa)")
    shoot(page, demo_server, "day-field-en")
    page.click("#directive-form button[type=submit]")
    page.wait_for_url(re.compile(r"/directives/\d+\?saved=directive"))
    assert "05/03/2026" in page.locator("main").inner_text()
    # A task's progress form is filled in with today, written the same way.
    page.goto(f"{demo_server.url}/tasks?lang=en")
    page.locator("#task-table tbody tr th a").first.click()
    page.wait_for_selector("#progress-form")
    shown = page.locator("#p-on").input_value()
    assert re.fullmatch(r"\d\d/\d\d/20\d\d", shown), shown
    shoot(page, demo_server, "day-field-task-en", full=True)
