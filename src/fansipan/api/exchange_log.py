"""Logs every request a connected system makes, once its response has gone.

Plain ASGI, like the operations middleware: the response streams untouched, and the
log row is queued, never written in the request's path.
"""

from __future__ import annotations

import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fansipan.api.exchange_context import KEY
from fansipan.domain.access import Principal, PrincipalKind
from fansipan.services.exchange.exchange_log import LogWriter, entry


class ExchangeLogMiddleware:
    def __init__(self, app: ASGIApp, *, writer: LogWriter) -> None:
        self.app = app
        self.writer = writer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def tap(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, tap)
        finally:
            state = scope.get("state") or {}
            principal = state.get("principal")
            if isinstance(principal, Principal) and principal.kind is PrincipalKind.CLIENT:
                headers = dict(scope.get("headers") or [])
                request_id = headers.get(b"x-request-id", b"").decode("latin-1") or (
                    uuid.uuid4().hex[:16])
                self.writer.record(entry(
                    principal=principal, method=scope.get("method", ""),
                    path=scope.get("path", ""), status=status,
                    duration_ms=(time.perf_counter() - started) * 1000,
                    request_id=request_id, noted=state.get(KEY) or {}))
