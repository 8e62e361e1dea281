"""Errors translated once, for both front ends: the API answers them in its one JSON
shape, the pages as an error page in the page's language. Nothing reaches a client as
a traceback, and bad input is never a 500.

`{"ok": false, "status": 422, "error": "...", "errors": [{"field", "message", "row"?, "value"?}]}`
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from fansipan.errors import FansipanError, FieldError
from fansipan.http.refusals import audit_refusal
from fansipan.store.failures import store_unavailable

log = logging.getLogger("fansipan.http")


@dataclass(frozen=True)
class Problem:
    """What to tell the client, whatever the front end."""

    status: int
    message: str
    errors: list[FieldError] = field(default_factory=list)
    refusal: bool = False  # a 401 or 403 not audited yet: the audit log gets it


def _field_name(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


def translate(exc: BaseException) -> Problem:
    if isinstance(exc, FansipanError):
        return Problem(exc.status, exc.message, list(exc.errors),
                       refusal=exc.status in (401, 403) and not exc.audited)
    if isinstance(exc, RequestValidationError):
        return Problem(422, "The request is not valid", [
            FieldError(field=_field_name(tuple(e.get("loc", ()))), message=str(e.get("msg")))
            for e in exc.errors()])
    if isinstance(exc, HTTPException):
        cause = exc.__cause__
        if isinstance(cause, FansipanError):  # raised while the body was being read
            return translate(cause)
        if isinstance(cause, RecursionError):
            return Problem(400, "JSON lồng nhau quá sâu / The JSON body is nested too deeply; "
                                "no request here needs more than a few levels")
        return Problem(exc.status_code, str(exc.detail))
    if isinstance(exc, UnicodeEncodeError):
        # A lone surrogate ("\ud800" in JSON) that neither store can encode.
        return Problem(422, "A text holds half of a character (a lone surrogate) that cannot "
                            "be stored; send it as UTF-8. Nothing was saved")
    if isinstance(exc, OperationalError):
        log.error("store error: %s", exc.orig)
        unavailable = store_unavailable(exc)
        return Problem(unavailable.status, unavailable.message)
    if isinstance(exc, DataError):
        # Input the checks let through but the database refuses (a NUL character, a
        # number out of range): bad input, and nothing was saved.
        log.warning("database refused a value: %s", exc.orig)
        return Problem(422, "A value cannot be stored: it is too long, out of range or "
                            "holds a character that is not allowed (such as NUL); nothing "
                            "was saved. Correct it and send it again")
    log.exception("unexpected error", exc_info=exc)
    return Problem(500, "An unexpected error occurred; it has been logged")


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


# Paths that always answer JSON (or their protocol's own shape), whatever the client accepts.
MACHINE_PATHS = ("/api/", "/dhis2/", "/open311/", "/healthz", "/readyz", "/metrics")


def wants_page(request: Request) -> bool:
    """A person's browser asking for a page (not an API client): answer with an HTML page."""
    path = request.url.path
    return not path.startswith(MACHINE_PATHS) and "text/html" in request.headers.get(
        "accept", "")


ErrorPage = Callable[[Request, Problem], Response]


def install_error_handlers(app: FastAPI) -> None:
    """One handler for every error: JSON for clients, the error page for browsers (when
    the web is installed, it sets `app.state.error_page`)."""

    async def answer(request: Request, exc: Exception) -> Response:
        problem = translate(exc)
        if problem.refusal and isinstance(exc, FansipanError):
            await audit_refusal(request, exc)
        page: ErrorPage | None = getattr(request.app.state, "error_page", None)
        if page is not None and wants_page(request):
            return page(request, problem)
        return error_response(problem.status, problem.message, problem.errors)

    for kind in (FansipanError, RequestValidationError, HTTPException, OperationalError,
                 DataError, UnicodeEncodeError, Exception):
        app.add_exception_handler(kind, answer)
