"""Errors translated once, for both front ends: the API answers them in its one JSON
shape, the pages as an error page in the page's language. Nothing reaches a client as
a traceback, and bad input is never a 500.

`{"ok": false, "status": 422, "error": "...", "error_vi": "...",
  "errors": [{"field", "message", "message_vi", "row"?, "value"?}]}`

`error` and `message` stay English for clients' code and logs; `error_vi` and
`message_vi` are the same words from the catalogue, for a person reading the answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlalchemy.exc import DataError, OperationalError
from starlette.exceptions import HTTPException

from fansipan.errors import FansipanError, FieldError, Message, msg
from fansipan.http.refusals import audit_refusal
from fansipan.locale import say
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


# Pydantic's complaints about a request, by error type, in words the catalogue has
# (`{name}`s are filled from the error's context).
_PYDANTIC: dict[str, Message] = {
    "missing": msg("this field is required"),
    "string_too_short": msg("must be at least {min_length} characters long"),
    "string_too_long": msg("must be at most {max_length} characters long"),
    "int_parsing": msg("must be a whole number"),
    "int_from_float": msg("must be a whole number"),
    "float_parsing": msg("must be a number"),
    "greater_than_equal": msg("must be at least {ge}"),
    "less_than_equal": msg("must be at most {le}"),
    "greater_than": msg("must be more than {gt}"),
    "less_than": msg("must be less than {lt}"),
    "bool_parsing": msg("must be true or false"),
    "date_from_datetime_parsing": msg("must be a date written YYYY-MM-DD"),
    "date_parsing": msg("must be a date written YYYY-MM-DD"),
    "datetime_parsing": msg("must be a date and time such as 2024-03-15T08:00:00+07:00"),
    "json_invalid": msg("is not valid JSON"),
    "enum": msg("must be one of {expected}"),
    "literal_error": msg("must be one of {expected}"),
    "string_pattern_mismatch": msg("does not have the expected form"),
    "model_attributes_type": msg("must be an object"),
    "list_type": msg("must be a list"),
    "dict_type": msg("must be an object"),
    "string_type": msg("must be text"),
    "extra_forbidden": msg("is not a known field; remove it"),
    "name_download_ending": msg("must not end in .json, .csv or .xlsx (those endings name a "
                                "page's downloads); choose another name"),
}

# An HTTP error of the framework (no such address, wrong method) said for people.
_STATUS_WORDS: dict[int, Message] = {
    404: msg("There is no page or resource at this address; check the address, or start "
             "from the overview"),
    405: msg("This address does not accept that kind of request"),
    413: msg("The request is too large"),
    415: msg("The content type of this request is not accepted"),
}


def _pydantic_message(error: dict[str, object]) -> str:
    template = _PYDANTIC.get(str(error.get("type", "")))
    context = error.get("ctx")
    values = {k: str(v) for k, v in context.items()} if isinstance(context, dict) else {}
    if template is not None:
        try:
            return Message(template.msgid, params=values)
        except (KeyError, IndexError, ValueError):
            pass
    return str(error.get("msg"))


def field_problems(exc: PydanticError) -> list[FieldError]:
    """A form's validation errors as the API words them, one per field (for pages)."""
    return translate(RequestValidationError(exc.errors())).errors


def translate(exc: BaseException) -> Problem:
    if isinstance(exc, FansipanError):
        return Problem(exc.status, exc.message, list(exc.errors),
                       refusal=exc.status in (401, 403) and not exc.audited)
    if isinstance(exc, RequestValidationError):
        return Problem(422, msg("The request is not valid"), [
            FieldError(field=_field_name(tuple(e.get("loc", ()))), message=_pydantic_message(e))
            for e in exc.errors()])
    if isinstance(exc, HTTPException):
        cause = exc.__cause__
        if isinstance(cause, FansipanError):  # raised while the body was being read
            return translate(cause)
        if isinstance(cause, RecursionError):
            return Problem(400, msg("The JSON body is nested too deeply; no request here "
                                    "needs more than a few levels"))
        words = _STATUS_WORDS.get(exc.status_code)
        detail = str(exc.detail)
        if words is not None and detail in ("Not Found", "Method Not Allowed",
                                            "Request Entity Too Large",
                                            "Unsupported Media Type"):
            return Problem(exc.status_code, words)
        return Problem(exc.status_code, detail)
    if isinstance(exc, UnicodeEncodeError):
        # A lone surrogate ("\ud800" in JSON) that neither store can encode.
        return Problem(422, msg("A text holds half of a character (a lone surrogate) that "
                                "cannot be stored; send it as UTF-8. Nothing was saved"))
    if isinstance(exc, OperationalError):
        log.error("store error: %s", exc.orig)
        unavailable = store_unavailable(exc)
        return Problem(unavailable.status, unavailable.message)
    if isinstance(exc, DataError):
        # Input the checks let through but the database refuses (a NUL character, a
        # number out of range): bad input, and nothing was saved.
        log.warning("database refused a value: %s", exc.orig)
        return Problem(422, msg("A value cannot be stored: it is too long, out of range or "
                                "holds a character that is not allowed (such as NUL); "
                                "nothing was saved. Correct it and send it again"))
    log.exception("unexpected error", exc_info=exc)
    return Problem(500, msg("An unexpected error occurred; it has been logged"))


class ErrorItem(BaseModel):
    field: str
    message: str
    message_vi: str
    row: int | None = None
    value: str | None = None


class ErrorBody(BaseModel):
    ok: bool = False
    status: int
    error: str
    error_vi: str
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
        status=status, error=str(message), error_vi=say(message, "vi"),
        errors=[ErrorItem(**e.as_dict(), message_vi=say(e.message, "vi"))  # type: ignore[arg-type]
                for e in (errors or [])],
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
