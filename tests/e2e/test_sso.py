"""Signing in with the province's identity platform, in a real browser.

A second server on the demo store, with single sign-on configured against the real
OpenID provider of the tests (tests/support/oidc.py), on the port that provider
registered as a callback. The person asks for a page, signs in at the platform, lands
on that page signed in, and signs out of both.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from fansipan.domain.access import Principal, Role
from fansipan.settings import Settings
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, Server
from tests.support.oidc import CLIENT_ID, CLIENT_SECRET, LAN, Platform

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def sso_server(demo_server: Server, platform: Platform,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from fansipan.api.app import create_app
    from fansipan.services.trust.sso_links import SsoLink, link_account
    from fansipan.store.engine import make_engine, make_session_factory
    from tests.support.accounts import make_account

    settings = Settings(data_dir=tmp_path_factory.mktemp("sso"),
                        database_url=demo_server.store_url, foresight_worker=False,
                        oidc_issuer=platform.issuer, oidc_client_id=CLIENT_ID,
                        oidc_client_secret=CLIENT_SECRET)
    engine = make_engine(settings.store_url)
    with make_session_factory(engine)() as session:
        make_account(session, settings, Role.LEADER, username="nguyen.thi.lan")
        link_account(session=session, settings=settings, principal=Principal.system("tests"),
                     data=SsoLink(username="nguyen.thi.lan", subject=LAN))
    engine.dispose()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1",
                                           port=platform.browser_port, log_config=None,
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the single sign-on test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{platform.browser_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def sso_page(sso_server: str, platform: Platform) -> Iterator[Any]:
    """A browser page that may go to our server and the platform, and nowhere else."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 768},
                                      locale="vi-VN")
        # The platform's own sign-in page asks for a web font; nothing of ours does.
        context.route("https://fonts.googleapis.com/**", lambda route: route.abort())
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("request", lambda r: problems.append(f"left the servers: {r.url}")
                if not r.url.startswith((sso_server, platform.issuer, "data:",
                                         "https://fonts.googleapis.com/")) else None)
        page.set_default_timeout(20_000)
        try:
            yield page
        finally:
            browser.close()
        assert not problems, "\n".join(problems)


def test_sign_in_with_the_platform_land_on_the_page_asked_and_sign_out(
        sso_page: Any, sso_server: str, platform: Platform, demo_server: Server) -> None:
    page = sso_page
    page.goto(f"{sso_server}/login?next=/targets")
    assert page.locator("#sso-sign-in").inner_text() == "Đăng nhập bằng nền tảng định danh"
    assert page.locator("#username").is_visible()  # local accounts keep their form
    page.screenshot(path=str(demo_server.shots / "sso-sign-in-vi.png"), full_page=True)
    page.goto(f"{sso_server}/login?next=/targets&lang=en")
    assert page.locator("#sso-sign-in").inner_text() == "Sign in with the identity platform"
    page.screenshot(path=str(demo_server.shots / "sso-sign-in-en.png"), full_page=True)

    page.goto(f"{sso_server}/login?next=/targets")
    page.click("#sso-sign-in")
    page.wait_for_url(f"{platform.issuer}/**")
    page.fill("input[name=login]", LAN)
    page.fill("input[name=password]", "the platform's own password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{sso_server}/targets")
    assert "nguyen.thi.lan" in page.locator("header").inner_text()

    page.click("form[action='/logout'] button")
    page.wait_for_url(f"{platform.issuer}/**")
    page.click("#confirm-logout")
    page.wait_for_url(f"{sso_server}/")
    assert "nguyen.thi.lan" not in page.locator("header").inner_text()
    page.goto(f"{sso_server}/api/v1/auth/me")
    assert '"name":"anonymous"' in page.content()
