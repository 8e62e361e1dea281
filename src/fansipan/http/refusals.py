"""Every refused request (401, 403) goes to the audit log: who, what, when, from where."""

from __future__ import annotations

import logging

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from fansipan.errors import FansipanError
from fansipan.http.principals import asking
from fansipan.services.trust.audit import record_alone

log = logging.getLogger("fansipan.http")


async def audit_refusal(request: Request, exc: FansipanError) -> None:
    principal = asking(request)
    factory = request.app.state.session_factory

    def write() -> None:
        with factory() as session:
            record_alone(session, principal, "authz.denied", outcome="denied",
                         target=f"{request.method} {request.url.path}"[:200],
                         detail={"status": exc.status, "reason": exc.message[:300]})

    try:
        await run_in_threadpool(write)
    except Exception:  # the refusal stands even when it cannot be logged
        log.exception("could not audit a refused request")
