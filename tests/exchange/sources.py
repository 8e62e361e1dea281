"""A real HTTP server on loopback that plays the remote system of a connector.

It serves fixed bodies (optionally failing the first requests, redirecting, or trickling
its answer), records every request it receives with its headers and body, and answers a
POST like a parent's `dataValueSets` import would.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


@dataclass
class Remote:
    """What the server serves, and what it has been asked."""

    base: str = ""
    port: int = 0
    bodies: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    trickle: dict[str, float] = field(default_factory=dict)  # path -> seconds between bytes
    seen: list[Seen] = field(default_factory=list)

    def csv(self, path: str, text: str) -> str:
        self.bodies[path] = ("text/csv", text.encode())
        return self.base + path

    def json(self, path: str, payload: Any) -> str:
        self.bodies[path] = ("application/json", json.dumps(payload).encode())
        return self.base + path


def _handler(remote: Remote) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _record(self, body: bytes = b"") -> None:
            remote.seen.append(Seen(self.command, self.path,
                                    {k.lower(): v for k, v in self.headers.items()}, body))

        def do_GET(self) -> None:
            self._record()
            if remote.failures.get(self.path, 0) > 0:
                remote.failures[self.path] -= 1
                self.send_response(503)
                self.end_headers()
                return
            if self.path in remote.redirects:
                self.send_response(302)
                self.send_header("Location", remote.redirects[self.path])
                self.end_headers()
                return
            kind, body = remote.bodies.get(self.path, ("text/plain", b"not here"))
            self.send_response(200 if self.path in remote.bodies else 404)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            pause = remote.trickle.get(self.path)
            if pause is None:
                self.wfile.write(body)
                return
            try:
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(pause)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def do_POST(self) -> None:
            size = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(size)
            self._record(body)
            if self.path in remote.redirects:
                self.send_response(307)
                self.send_header("Location", remote.redirects[self.path])
                self.send_header("content-length", "0")
                self.end_headers()
                return
            sent = json.loads(body or b"{}").get("dataValues", [])
            answer = json.dumps({"status": "OK", "response": {
                "importCount": {"imported": len(sent), "updated": 0, "ignored": 0,
                                "deleted": 0}}}).encode()
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def serve(remote: Remote, host: str = "127.0.0.1") -> Iterator[Remote]:
    server = ThreadingHTTPServer((host, 0), _handler(remote))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    remote.port = int(server.server_address[1])
    remote.base = f"http://{host}:{remote.port}"
    try:
        yield remote
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def remote() -> Iterator[Remote]:
    yield from serve(Remote())
