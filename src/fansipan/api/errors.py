"""One error shape for every error the API returns.

`{"ok": false, "status": 422, "error": "...", "errors": [{"field", "message", "row"?, "value"?}]}`
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from fansipan.domain.access import Principal
from fansipan.errors import FansipanError, FieldError
from fansipan.store.failures import store_unavailable

log = logging.getLogger("fansipan.api")


class ErrorItem(BaseModel):
    field: str
    message: str
    row: int | None = None
    value: str | None = None


class ErrorBody(BaseModel):
    ok: bool = False
    status: int
    error: str
    errors: list[ErrorItem] = []


# Declared on every operation, so the OpenAPI schema tells clients the one error shape.
ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    "4XX": {"model": ErrorBody, "description": "The request cannot be served as sent; the "
                                               "body says why and how to fix it"},
    503: {"model": ErrorBody, "description": "The database is unavailable or full"},
}


def error_response(
    status: int, message: str, errors: list[FieldError] | None = None
) -> JSONResponse:
    body = ErrorBody(
        status=status, error=message,
        errors=[ErrorItem(**e.as_dict()) for e in (errors or [])],  # type: ignore[arg-type]
    )
    headers = {"WWW-Authenticate": 'Bearer realm="fansipan"'} if status == 401 else None
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status,
                        headers=headers)


async def _audit_refusal(request: Request, exc: FansipanError) -> None:
    """Log every refused request in the audit log (who, what, when, from where)."""
    from fansipan.services.trust.audit import record_alone

    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        host = request.client.host if request.client else None
        principal = Principal.anonymous(host)
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


def _field_name(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FansipanError)
    async def _domain(request: Request, exc: FansipanError) -> JSONResponse:
        if exc.status in (401, 403) and not exc.audited:
            await _audit_refusal(request, exc)
        return error_response(exc.status, exc.message, exc.errors)

    @app.exception_handler(RequestValidationError)
    async def _request(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldError(field=_field_name(tuple(e.get("loc", ()))), message=str(e.get("msg")))
            for e in exc.errors()
        ]
        return error_response(422, "The request is not valid", errors)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail))

    @app.exception_handler(OperationalError)
    async def _store(_: Request, exc: OperationalError) -> JSONResponse:
        log.error("store error: %s", exc.orig)
        problem = store_unavailable(exc)
        return error_response(problem.status, problem.message)

    @app.exception_handler(DataError)
    async def _data(_: Request, exc: DataError) -> JSONResponse:
        # Input the checks let through but the database refuses (a NUL character, a
        # number out of range): bad input, and nothing was saved.
        log.warning("database refused a value: %s", exc.orig)
        return error_response(422, "A value cannot be stored: it is too long, out of range "
                                   "or holds a character that is not allowed (such as NUL); "
                                   "nothing was saved. Correct it and send it again")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "An unexpected error occurred; it has been logged")
