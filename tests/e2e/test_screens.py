"""Every page at the three screens people use — the operations room's wall (1920×1080),
a laptop (1366×768) and a phone (390×844) — in both languages: nothing spills sideways
on a phone, the wall and the first screen show what a leader reads, and the main pages
are photographed for docs/screenshots/; and every page at every size in both languages is
photographed for an engineer to look at (`FANSIPAN_SHOTS`, never committed)."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fansipan.domain.periods import Period, PeriodType, period_containing
from tests.e2e.conftest import Server, shoot, sign_in
from tests.web.vietnamese import english_words, visible_text

pytestmark = pytest.mark.e2e

SIZES = {"1920": (1920, 1080), "1366": (1366, 768), "390": (390, 844)}

# Every page a person opens, anonymously; the staff's pages after signing in.
PUBLIC_PAGES = [
    "/", "/wall", "/indicators", "/indicators/CDS_TY_LE_HO_INTERNET?period=2024",
    "/indicators/CDS_TY_LE_HO_INTERNET?period=2024&unit=02647", "/units/10?period=2024",
    "/sectors/telecom", "/targets", "/login", "/feedback/new", "/feedback/track",
    "/feedback/map", "/khong-co-trang-nay",
]
STAFF_PAGES = [
    "/", "/entry", "/imports", "/tasks", "/directives", "/directives/new", "/reports",
    "/alerts", "/inbox", "/dossiers", "/dossiers/late?agency=so-vhttdl&period=2026-11",
    "/password",
]
ADMIN_PAGES = [
    "/admin/people", "/admin/approvals", "/admin/systems", "/admin/audit",
    "/admin/catalogue", "/admin/units",
]
ADMIN = "quantri.shots"
# The pages photographed, at every size and in both languages (keep the set small).
SHOTS = {"overview": "/", "wall": "/wall", "indicator": "/indicators/CDS_TY_LE_HO_INTERNET"}

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _open(browser: Any, width: int, height: int, **options: Any) -> tuple[Any, Any]:
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    # A page's first view on a busy machine warms the store's caches: allow for it.
    page.set_default_timeout(90_000)
    return context, page


def _settled(page: Any) -> None:
    page.wait_for_load_state("networkidle")
    if page.locator("[data-figure]").count():
        page.wait_for_selector("[data-figure][data-ready]", timeout=60_000)


def _with_lang(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_main_pages_at_every_size(browser: Any, demo_server: Server, size: str,
                                      lang: str) -> None:
    width, height = SIZES[size]
    context, page = _open(browser, width, height, locale="vi-VN" if lang == "vi" else "en-GB")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        for name, path in SHOTS.items():
            page.goto(demo_server.url + _with_lang(path, lang))
            _settled(page)
            assert page.evaluate(OVERFLOW) <= 0, f"{path} spills sideways at {width} px"
            shoot(page, demo_server, f"{name}-{lang}-{size}")
    finally:
        context.close()
    assert not errors, errors


def test_the_leaders_first_screen_above_the_fold(page: Any, demo_server: Server) -> None:
    """At 1366×768: key figures with sparklines, targets at risk by name, the map or its
    tiles, and how old the data is, all starting above the fold."""
    page.set_default_timeout(90_000)
    page.goto(demo_server.url + "/?lang=vi")
    _settled(page)
    fold = 768
    fresh = page.locator("#freshness")
    assert re.match(r"cập nhật (\d+ \S+ trước|vừa cập nhật)|vừa cập nhật",
                    fresh.inner_text()), fresh.inner_text()
    for selector in ("#freshness", ".kpi .spark", "#at-risk", ".map-panel"):
        box = page.locator(selector).first.bounding_box()
        assert box is not None and box["y"] < fold, f"{selector} is below the fold"
    assert page.locator(".kpi .spark").count() >= 4
    risky = page.locator("#at-risk .risk-list li")
    assert risky.count() >= 1
    first = risky.first.inner_text()
    assert "Tỷ lệ" in first or "Số" in first or "Doanh thu" in first, first  # a name
    assert re.search(r"đạt \d+(,\d)? % kế hoạch", first), first
    assert page.locator(".map-panel .tile-grid li, .map-panel [data-ready]").count() >= 1


def test_the_wall_fills_the_screen_and_turns(browser: Any, demo_server: Server) -> None:
    context, page = _open(browser, 1920, 1080, locale="en-US", timezone_id="America/New_York")
    try:
        page.goto(demo_server.url + "/wall?lang=vi&slides=room,panels&seconds=5")
        _settled(page)
        dots = page.locator("#slide-dots li")
        assert dots.count() == 2
        assert page.locator("#slide-dots li[aria-current]").inner_text() == "1"
        room = page.locator("#slide-room").bounding_box()
        assert room is not None and room["width"] > 1800
        for selector in ("#wall-trend", "#wall-risk", "#slide-room .tile-grid, #wall-map"):
            assert page.locator(selector).first.is_visible(), selector
        # The clock tells Vietnam time although the screen's computer is in New York.
        shown = page.locator("#wall-clock time").inner_text()
        vietnam = page.evaluate("""new Intl.DateTimeFormat('en-GB', {timeZone:
            'Asia/Ho_Chi_Minh', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'})
            .format(new Date())""")
        assert shown.startswith(vietnam[:2]), (shown, vietnam)
        assert "Cập nhật lần cuối" in page.locator("#wall-updated").inner_text()
        page.wait_for_selector("#slide-panels.current", timeout=12_000)
        assert page.locator("#slide-dots li[aria-current]").inner_text() == "2"
        assert page.locator("#fb-panel").is_visible()
        assert page.locator(".alerts-panel").is_visible()
        shoot(page, demo_server, "wall-panels-vi-1920")
        assert page.evaluate("document.documentElement.scrollHeight") <= 1080
        assert page.evaluate(WALL_FITS) == []
    finally:
        context.close()


# What on the wall's showing slide is off the screen, under the footer or cut off by its
# panel, in words; nothing when the wall fits. A row a list leaves out has no box: the line
# under the list counts it.
WALL_FITS = """() => {
  const doc = document.documentElement, out = [];
  const down = doc.scrollHeight - doc.clientHeight, side = doc.scrollWidth - doc.clientWidth;
  if (down > 0) out.push(`the page scrolls down by ${down} px`);
  if (side > 0) out.push(`the page scrolls sideways by ${side} px`);
  const foot = document.querySelector('.wall-foot').getBoundingClientRect();
  if (foot.bottom > doc.clientHeight + 0.5) out.push(`the footer ends at ${foot.bottom} px`);
  const name = (el) => el.id ? '#' + el.id : el.tagName.toLowerCase() + '.'
    + [...el.classList].join('.') + ' "' + el.textContent.trim().slice(0, 40) + '"';
  const slide = document.querySelector('.slide.current');
  const shown = 'h2, h3, p, li, .chart, .tile, .panel, .kpi, .room-targets, .room-map, .room-trend';
  for (const el of slide.querySelectorAll(shown)) {
    const box = el.getBoundingClientRect();
    if (!box.width && !box.height) continue;
    if (box.bottom > foot.top + 0.5) out.push(`${name(el)} ends at ${Math.round(box.bottom)} px,`
      + ` under the footer at ${Math.round(foot.top)} px`);
    if (box.right > doc.clientWidth + 0.5) out.push(`${name(el)} ends right of the screen`);
  }
  const boxes = '.panel, .kpi, .room-targets, .room-map, .room-trend, [data-fit]';
  for (const el of slide.querySelectorAll(boxes)) {
    const cut = el.scrollHeight - el.clientHeight;
    if (cut > 1) out.push(`${name(el)} cuts off ${cut} px of what it holds`);
  }
  return out;
}"""


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_every_slide_of_the_wall_fits_its_screen(browser: Any, demo_server: Server,
                                                 every_shot: Path | None, size: str,
                                                 lang: str) -> None:
    """At 1920×1080 and 1366×768 every slide fills the screen exactly: no scroll either
    way, nothing under the footer, nothing cut off by its panel; for a visitor and for a
    signed-in leader, who also sees alerts and tasks. On a phone the wall may scroll
    down, never sideways."""
    width, height = SIZES[size]
    context, page = _open(browser, width, height, locale="vi-VN" if lang == "vi" else "en-GB")
    problems: list[str] = []
    try:
        for who in ("visitor", "leader"):
            if who == "leader":
                sign_in(page, demo_server)
            # The wall would not turn by itself for ten minutes: the keys turn it.
            page.goto(demo_server.url + f"/wall?lang={lang}&seconds=600")
            _settled(page)
            turns = page.locator("#slide-dots li").count()
            assert turns >= 3, turns
            for n in range(1, turns + 1):
                if n > 1:
                    page.keyboard.press("ArrowRight")  # as a presenter moves on
                page.wait_for_selector(f"#slide-dots li:nth-child({n})[aria-current]",
                                       timeout=5_000)
                slide = page.locator(".slide.current").get_attribute("id")
                if size == "390":
                    extra = page.evaluate(OVERFLOW)
                    found = [f"{extra} px wider than the screen"] if extra > 0 else []
                else:
                    found = page.evaluate(WALL_FITS)
                problems += [f"{who}, {slide}: {p}" for p in found]
                if every_shot:
                    page.wait_for_timeout(300)  # the charts' resize to the shown slide
                    page.screenshot(path=str(every_shot / f"wall-{who}-{slide}-{lang}-"
                                                          f"{size}.png"),
                                    full_page=size == "390")
            page.keyboard.press("ArrowRight")  # from the last slide round to the first
            page.wait_for_selector("#slide-dots li:nth-child(1)[aria-current]", timeout=5_000)
            page.locator(f"#slide-dots li:nth-child({turns})").click()
            page.wait_for_selector(f"#slide-dots li:nth-child({turns})[aria-current]",
                                   timeout=5_000)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def administrator(demo_server: Server) -> str:
    """The password of an administrator of the demo store, for the administration pages."""
    from fansipan.domain.access import Role
    from fansipan.settings import Settings
    from fansipan.store.engine import make_engine, make_session_factory
    from tests.support.accounts import make_account

    engine = make_engine(demo_server.store_url)
    with make_session_factory(engine)() as session:
        settings = Settings(data_dir=Path(demo_server.shots))  # only its password rules
        account = make_account(session, settings, Role.ADMIN, username=ADMIN)
    engine.dispose()
    return account.password or ""


@pytest.fixture(scope="module")
def every_shot() -> Path | None:
    """Where every page's photographs go when an engineer asks for them with
    `FANSIPAN_SHOTS` (the curated docs/screenshots/ keeps only its own names); none are
    taken otherwise, as encoding a hundred whole-page images is most of these tests' time."""
    if not os.environ.get("FANSIPAN_SHOTS"):
        return None
    folder = Path(os.environ["FANSIPAN_SHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _name(who: str, path: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    return f"{who}-{slug}"


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_at_every_size(browser: Any, demo_server: Server, administrator: str,
                                  every_shot: Path | None, size: str, lang: str) -> None:
    """Every page anonymously, as an officer and as an administrator, photographed whole:
    no page error, nothing wider than a phone, no English left on a Vietnamese page."""
    width, height = SIZES[size]
    context, page = _open(browser, width, height, locale="vi-VN" if lang == "vi" else "en-GB")
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"{page.url}: page error {e}"))
    visits = (("public", None, PUBLIC_PAGES), ("staff", (demo_server.officer,
              demo_server.password), STAFF_PAGES), ("admin", (ADMIN, administrator),
              ADMIN_PAGES))
    try:
        for who, account, paths in visits:
            if account:
                context.clear_cookies()
                sign_in(page, demo_server, *account)
            for path in paths:
                page.goto(demo_server.url + _with_lang(path, lang))
                _settled(page)
                if size == "390" and (extra := page.evaluate(OVERFLOW)) > 0:
                    problems.append(f"{who} {path}: {extra} px wider than the screen")
                if lang == "vi" and (words := english_words(visible_text(page.content()))):
                    problems.append(f"{who} {path}: English on the Vietnamese page "
                                    f"{sorted(set(words))}")
                if every_shot:
                    page.screenshot(path=str(every_shot / f"{_name(who, path)}-{lang}-"
                                                          f"{size}.png"), full_page=True)
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def _parts_of_the_year() -> dict[str, Period]:
    """The last whole quarter and the last whole month, as the demo's data runs to today."""
    today = date.today()
    return {"quarter": period_containing(today, PeriodType.QUARTER).previous(),
            "month": Period.month_of(today.year, today.month).previous()}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_overview_and_a_sector_at_a_quarter_and_a_month(
        browser: Any, demo_server: Server, every_shot: Path | None, lang: str) -> None:
    """A part of the year on the pages of key figures: chosen in the picker, named in the
    figures, the year's targets labelled as read to its end; nothing spills on a phone and
    no English is left on a Vietnamese page. Photographed for an engineer to look at."""
    problems: list[str] = []
    for size in ("1366", "390"):
        width, height = SIZES[size]
        context, page = _open(browser, width, height,
                              locale="vi-VN" if lang == "vi" else "en-GB")
        page.on("pageerror", lambda e: problems.append(f"page error {e}"))
        try:
            for kind, period in _parts_of_the_year().items():
                for where, path in (("overview", "/"), ("sector", "/sectors/postal")):
                    page.goto(demo_server.url + _with_lang(f"{path}?period={period.id}", lang))
                    _settled(page)
                    chosen = page.locator("#period option:checked").inner_text()
                    if chosen != period.label(lang):
                        problems.append(f"{where} {period.id}: picker shows {chosen!r}")
                    to_date = page.locator("h2 small").all_inner_texts()
                    wanted = "lũy kế đến hết tháng" if lang == "vi" else "year to date"
                    if not any(wanted in t for t in to_date):
                        problems.append(f"{where} {period.id}: targets not labelled {to_date}")
                    if (extra := page.evaluate(OVERFLOW)) > 0:
                        problems.append(f"{where} {period.id} at {size}: {extra} px too wide")
                    if lang == "vi" and (words := english_words(visible_text(page.content()))):
                        problems.append(f"{where} {period.id}: English {sorted(set(words))}")
                    if every_shot:
                        page.screenshot(path=str(every_shot / f"period-{where}-{kind}-"
                                                              f"{lang}-{size}.png"),
                                        full_page=True)
        finally:
            context.close()
    assert not problems, "\n".join(problems)
