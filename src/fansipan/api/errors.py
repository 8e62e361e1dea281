"""One error shape for every error the API returns.

`{"ok": false, "status": 422, "error": "...", "errors": [{"field", "message", "row"?, "value"?}]}`
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException

from fansipan.errors import FansipanError, FieldError

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


def error_response(
    status: int, message: str, errors: list[FieldError] | None = None
) -> JSONResponse:
    body = ErrorBody(
        status=status, error=message,
        errors=[ErrorItem(**e.as_dict()) for e in (errors or [])],  # type: ignore[arg-type]
    )
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status)


def _field_name(loc: tuple[object, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "request"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(FansipanError)
    async def _domain(_: Request, exc: FansipanError) -> JSONResponse:
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
        return error_response(503, "The database is unavailable; try again shortly")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "An unexpected error occurred; it has been logged")
