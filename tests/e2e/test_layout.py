"""The staff's and the administrators' pages laid out for a phone (390×844), a laptop
(1366×768) and a desktop (1920×1080): on a phone the entry grid's labels above full-width
fields, tables that scroll inside their panel with their names kept readable, the audit
search's fields one under another; wider, the audit search's labels beside their fields;
and the menu of someone holding every role on one line at 1366 and 1920 px, wrapping whole
items on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Server, shoot, sign_in

pytestmark = pytest.mark.e2e

# A long but real-looking user name: the header shows it beside the menu.
EVERYONE = "nguyen.thi.thanh.huong"
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
PHONE = (390, 844)
LAPTOP = (1366, 768)
DESKTOP = (1920, 1080)
# Narrower than this, a name wraps one word a line: its table was squeezed to the screen.
READABLE = 120
# Each table, and the cells of its first row that hold a name.
TABLES = {
    "/tasks": ("#task-table", ["th[scope=row]", "td:nth-child(3)"]),
    "/sectors/telecom": ("section[aria-labelledby=h-st] table.data",
                         ["th[scope=row]", "td:nth-child(2)"]),
    "/admin/catalogue": ("#catalogue-table", ["td:nth-child(2)", "td:nth-child(3)"]),
    "/admin/audit": ("#audit-table", ["td.who", "td:nth-child(5)"]),
}


@pytest.fixture(scope="module")
def everyone(demo_server: Server) -> str:
    """The password of an account holding every staff role: the longest menu there is."""
    from fansipan.domain.access import Role
    from fansipan.settings import Settings
    from fansipan.store.engine import make_engine, make_session_factory
    from tests.support.accounts import make_account

    engine = make_engine(demo_server.store_url)
    with make_session_factory(engine)() as session:
        settings = Settings(data_dir=Path(demo_server.shots))  # only its password rules
        account = make_account(session, settings, Role.ADMIN, Role.LEADER, Role.OFFICER,
                               Role.APPROVER, Role.INTEGRATOR, username=EVERYONE)
    engine.dispose()
    return account.password or ""


@contextmanager
def _signed_in(browser: Any, server: Server, password: str, size: tuple[int, int],
               lang: str) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                  locale="vi-VN" if lang == "vi" else "en-GB")
    page = context.new_page()
    # A page's first view on a busy machine warms the store's caches: allow for it.
    page.set_default_timeout(90_000)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    try:
        sign_in(page, server, EVERYONE, password)
        yield page
    finally:
        context.close()
    assert not problems, problems


def _open(page: Any, server: Server, path: str, lang: str) -> None:
    page.goto(server.url + path + ("&" if "?" in path else "?") + f"lang={lang}")
    page.wait_for_load_state("networkidle")
    assert page.evaluate(OVERFLOW) <= 0, f"{path} spills sideways"


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return dict(box)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_entry_grid_on_a_phone_puts_labels_above_full_width_fields(
        browser: Any, demo_server: Server, everyone: str, lang: str) -> None:
    with _signed_in(browser, demo_server, everyone, PHONE, lang) as page:
        _open(page, demo_server, "/entry", lang)
        first = page.locator("#entry-form input[id^='v-']").first
        field = _box(page, "#entry-form input[id^='v-']")
        label = _box(page, f"label[for='{first.get_attribute('id')}']")
        assert field["x"] >= 0 and field["x"] + field["width"] <= PHONE[0], field
        assert field["width"] >= PHONE[0] * 0.7, f"the field is {field['width']} px wide"
        assert label["y"] + label["height"] <= field["y"] + 1, (label, field)
        comment = _box(page, "#entry-form input[id^='c-']")
        assert comment["x"] + comment["width"] <= PHONE[0], comment
        shoot(page, demo_server, f"entry-{lang}-390", full=True)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_tables_on_a_phone_scroll_inside_their_panel_and_keep_names_readable(
        browser: Any, demo_server: Server, everyone: str, lang: str) -> None:
    narrow: list[str] = []
    with _signed_in(browser, demo_server, everyone, PHONE, lang) as page:
        for path, (table, cells) in TABLES.items():
            _open(page, demo_server, path, lang)
            for cell in cells:
                width = _box(page, f"{table} tbody tr:first-child {cell}")["width"]
                if width < READABLE:
                    narrow.append(f"{path} {cell}: {width:.0f} px")
            # The table is wider than the screen, so it is the table that scrolls.
            assert page.evaluate(f"""(() => {{ const t = document.querySelector(
                "{table}"); return t.scrollWidth > t.clientWidth; }})()"""), path
    assert not narrow, "\n".join(narrow)


AUDIT_FIELDS = ("actor", "action", "target", "outcome", "since", "until")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_audit_search_on_a_phone_puts_each_field_under_its_label(
        browser: Any, demo_server: Server, everyone: str, lang: str) -> None:
    with _signed_in(browser, demo_server, everyone, PHONE, lang) as page:
        _open(page, demo_server, "/admin/audit", lang)
        form = _box(page, "#audit-search")
        for name in AUDIT_FIELDS:
            field = _box(page, f"#f-{name}")
            label = _box(page, f"label[for='f-{name}']")
            assert abs(field["x"] - form["x"]) <= 1, (name, field, form)
            assert field["width"] >= form["width"] - 2, (name, field, form)
            assert label["y"] + label["height"] <= field["y"] + 1, (name, label, field)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", [LAPTOP, DESKTOP], ids=["1366", "1920"])
def test_the_audit_search_keeps_each_label_on_its_fields_line(
        browser: Any, demo_server: Server, everyone: str, size: tuple[int, int],
        lang: str) -> None:
    with _signed_in(browser, demo_server, everyone, size, lang) as page:
        _open(page, demo_server, "/admin/audit", lang)
        for name in AUDIT_FIELDS:
            field = _box(page, f"#f-{name}")
            label = _box(page, f"label[for='f-{name}']")
            middle = label["y"] + label["height"] / 2
            assert field["y"] <= middle <= field["y"] + field["height"], (name, label, field)
            assert label["x"] + label["width"] <= field["x"], (name, label, field)


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", [LAPTOP, DESKTOP], ids=["1366", "1920"])
def test_the_longest_menu_fits_one_line_on_a_laptop_and_a_desktop(
        browser: Any, demo_server: Server, everyone: str, size: tuple[int, int],
        lang: str) -> None:
    with _signed_in(browser, demo_server, everyone, size, lang) as page:
        _open(page, demo_server, "/admin/audit", lang)
        items = page.locator(".main-nav a")
        assert items.count() >= 11, items.all_inner_texts()
        tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
        assert len(tops) == 1, f"the menu takes {len(tops)} lines: {sorted(tops)}"
        header = _box(page, "header.top")
        assert header["height"] < 60, f"the header is {header['height']} px high"
        # Every item is reached with the keyboard, in reading order.
        page.locator(".skip").focus()
        reached: list[str] = []
        for _ in range(items.count() + 1):
            page.keyboard.press("Tab")
            reached.append(page.evaluate("document.activeElement.getAttribute('href')"))
        hrefs = [items.nth(i).get_attribute("href") for i in range(items.count())]
        assert all(h in reached for h in hrefs), (hrefs, reached)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_longest_menu_wraps_whole_items_on_a_phone(
        browser: Any, demo_server: Server, everyone: str, lang: str) -> None:
    with _signed_in(browser, demo_server, everyone, PHONE, lang) as page:
        _open(page, demo_server, "/tasks", lang)
        items = page.locator(".main-nav a")
        for i in range(items.count()):
            box = items.nth(i).bounding_box()
            text = items.nth(i).inner_text()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0], (text, box)
            assert box["height"] < 40, f"{text!r} is broken over two lines"
