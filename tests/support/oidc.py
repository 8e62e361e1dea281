"""A real OpenID provider for the single sign-on tests (Node's oidc-provider).

Started once per test session on a free loopback port (tests/support/oidc_provider/
server.mjs, installed by scripts/test.sh with `npm ci`). `sign_in_at_platform` plays
the person at the platform's own sign-in page with a plain HTTP client.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import httpx2

FOLDER = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "fansipan"
CLIENT_SECRET = "fansipan-test-client-secret-1234567890"
TEST_CALLBACK = "http://testserver/login/sso/callback"
LAN = "001088000123"  # Lan's citizen identity number: her login and subject
MINH = "001088000456"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Platform:
    issuer: str
    process: subprocess.Popen[str]
    browser_port: int  # a port kept for the browser tests' server, registered as a callback

    def misbehave_once(self, mode: str) -> None:
        """The next token answer is broken this way (see server.mjs)."""
        httpx2.post(f"{self.issuer}/__test/next", params={"mode": mode}).raise_for_status()

    def stop(self) -> None:
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_platform() -> Platform:
    node = shutil.which("node")
    if node is None or not (FOLDER / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("The OpenID provider of the tests is not installed: run "
                           "scripts/test.sh (it runs npm ci in tests/support/oidc_provider)")
    port, browser_port = free_port(), free_port()
    redirects = f"{TEST_CALLBACK},http://127.0.0.1:{browser_port}/login/sso/callback"
    process = subprocess.Popen([node, "server.mjs", str(port), redirects], cwd=FOLDER,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.strip() == "ready":
            return Platform(f"http://127.0.0.1:{port}", process, browser_port)
        if not line and process.poll() is not None:
            break
    process.kill()
    raise RuntimeError("The OpenID provider of the tests did not start")


_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


def sign_in_at_platform(authorize_url: str, login: str) -> str:
    """Follow the platform's pages as the person `login` would; the URL it sends back to."""
    with httpx2.Client(follow_redirects=False, timeout=10) as web:
        url = authorize_url
        for _ in range(10):
            if url.startswith("http://testserver"):
                return url
            answer = web.get(url)
            if answer.status_code in (302, 303):
                url = urljoin(url, answer.headers["location"])
                continue
            found = _ACTION.search(answer.text)
            assert found, answer.text[:500]
            sent = web.post(urljoin(url, unescape(found.group(1))),
                            data={"prompt": "login", "login": login, "password": "any"})
            assert sent.status_code in (302, 303), sent.text[:500]
            url = urljoin(url, sent.headers["location"])
    raise AssertionError("the platform never sent the browser back")
