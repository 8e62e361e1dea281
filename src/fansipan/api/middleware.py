"""Around every request: security headers, metrics and one JSON access-log line.

Plain ASGI rather than `BaseHTTPMiddleware`, so streaming bodies and background work
are untouched and the cost per request stays small.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fansipan.api.metrics import Metrics

log = logging.getLogger("fansipan.access")

# No inline scripts or styles, nothing from another origin, never framed. The one
# allowance: the maps' renderer (MapLibre, inside plotly.min.js) starts its web worker
# from a blob of its own code, so workers may come from blob: URLs.
CSP = ("default-src 'self'; script-src 'self'; worker-src 'self' blob:; style-src 'self'; "
       "img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")
HSTS = "max-age=31536000; includeSubDomains"


class OperationsMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: Metrics, behind_tls: bool) -> None:
        self.app = app
        self.metrics = metrics
        self.behind_tls = behind_tls

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = uuid.uuid4().hex[:16]
        status = 500
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                headers.extend(self._headers(path, request_id))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    # Data answers (the API, DHIS2, pages) are never kept by a browser or
                    # a proxy; static assets say otherwise themselves.
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            self.metrics.in_progress.dec()
            elapsed = time.perf_counter() - started
            route = _route_of(scope)
            method = scope.get("method", "")
            self.metrics.requests.labels(method=method, route=route, status=str(status)).inc()
            self.metrics.latency.labels(method=method, route=route).observe(elapsed)
            principal = getattr(scope.get("state", {}).get("principal"), "actor", "")
            client = scope.get("client")
            log.info("request", extra={"access": {
                "request_id": request_id, "method": method, "path": path, "route": route,
                "status": status, "ms": round(elapsed * 1000, 1),
                "ip": client[0] if client else "", "actor": principal or "anonymous",
            }})

    def _headers(self, path: str, request_id: str) -> list[tuple[bytes, bytes]]:
        out = [
            (b"content-security-policy", CSP.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"permissions-policy", _permissions(path)),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"x-request-id", request_id.encode()),
        ]
        if self.behind_tls:
            out.append((b"strict-transport-security", HSTS.encode()))
        return out


# The report form may ask the browser for the citizen's position (on a button press);
# no other page may.
_LOCATED = ("/feedback/new",)


def _permissions(path: str) -> bytes:
    where = b"(self)" if path.startswith(_LOCATED) else b"()"
    return b"camera=(), microphone=(), geolocation=" + where


def _route_of(scope: MutableMapping[str, Any]) -> str:
    """The route's template (`/api/v1/units/{ref}`), so metrics do not explode per id."""
    route = scope.get("route")
    template = getattr(route, "path_format", None) or getattr(route, "path", None)
    if not template:
        return "unmatched"
    # An included router's route knows its path without the prefix it was mounted at:
    # render it with the request's parameters and take the prefix from the request path.
    path = str(scope.get("path", ""))
    try:
        rendered = str(template).format(**{k: str(v) for k, v in
                                           scope.get("path_params", {}).items()})
    except (KeyError, IndexError, ValueError):
        return str(template)
    if path.endswith(rendered):
        return path[: len(path) - len(rendered)] + str(template)
    return str(template)
