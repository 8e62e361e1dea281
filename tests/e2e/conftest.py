"""Browser tests: a real server on a demo store, driven by Debian's chromium.

The demo store is built once per test session (it takes a while) and served by
uvicorn in a thread on a free loopback port. Playwright's Python package only drives
the browser; it never downloads one (`/usr/bin/chromium`, installed by
scripts/test.sh). Screenshots go to `FANSIPAN_SCREENSHOTS` when set (the committed
ones in docs/screenshots/ are refreshed that way), else to a temporary folder.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@dataclass(frozen=True)
class Server:
    url: str
    officer: str
    password: str
    shots: Path
    store_url: str = ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if not CHROMIUM.exists():
        pytest.fail("/usr/bin/chromium is missing: run scripts/test.sh, which installs it")
    import uvicorn

    from fansipan.api.app import create_app
    from fansipan.demo.setup import prepare_demo
    from fansipan.domain.access import Role
    from fansipan.settings import Settings
    from fansipan.store.engine import make_engine, make_session_factory
    from tests.support.accounts import make_account

    data = tmp_path_factory.mktemp("demo")
    # The background refresher would check and forecast the whole demo while the browser
    # works; pages compute what they show on demand.
    settings = Settings(data_dir=data, foresight_worker=False)
    prepare_demo(settings)
    engine = make_engine(settings.store_url)
    with make_session_factory(engine)() as session:
        officer = make_account(session, settings, Role.OFFICER, Role.LEADER,
                               username="canbo.e2e")
    engine.dispose()
    port = _free_port()
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    shots = Path(os.environ.get("FANSIPAN_SCREENSHOTS") or tmp_path_factory.mktemp("shots"))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield Server(f"http://127.0.0.1:{port}", officer.username, officer.password or "",
                     shots, settings.store_url)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser(demo_server: Server) -> Iterator[Any]:
    # Module scope: Playwright's sync API runs an event loop on the main thread while it
    # is open, and tests after these (asyncio.run in the load test) need it closed.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, demo_server: Server) -> Iterator[Any]:
    """A fresh browser context per test; page errors and CSP violations fail the test."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN",
                                  accept_downloads=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" and not _expected(m.text) else None)
    page.on("response", lambda r: problems.append(f"{r.status} for {r.url}")
            if r.status >= 400 and r.request.resource_type != "document" else None)
    page.on("request", lambda r: problems.append(f"left the server: {r.url}")
            if not r.url.startswith((demo_server.url, "blob:", "data:")) else None)
    page.set_default_timeout(20_000)
    yield page
    context.close()
    assert not problems, "\n".join(problems)


# Plotly's bundled d3 sets an empty style attribute, which the policy refuses; an empty
# style changes nothing. (The hash is that of the empty string.)
_EMPTY_STYLE = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


def _expected(text: str) -> bool:
    """Console errors that are not faults: the empty style above, and the browser's note
    that a page came with an error status (a form sent back with its mistakes is 422)."""
    return _EMPTY_STYLE in text or text.startswith("Failed to load resource")


def shoot(page: Any, server: Server, name: str, *, full: bool = False) -> None:
    page.screenshot(path=str(server.shots / f"{name}.png"), full_page=full)


def sign_in(page: Any, server: Server, username: str | None = None,
            password: str | None = None) -> None:
    page.goto(f"{server.url}/login")
    page.fill("#username", username or server.officer)
    page.fill("#password", password or server.password)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(f"{server.url}/")
