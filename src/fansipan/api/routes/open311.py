"""Open311 GeoReport v2 at `/open311/v2`: discovery, services, service definitions,
POST and GET requests, one request, tokens; XML or JSON by the path's suffix.

Every answer, errors included, is in the format the suffix names: `<errors>` with the
spec's statuses (404 unknown service, request, token or jurisdiction; 403 a missing or
refused api_key; 400 anything else), never Fansipan's own JSON shape. `jurisdiction_id`
is accepted everywhere and must be ours when given. Posting takes the spec's
form-encoded body, or a multipart body whose `media` file fields carry photos (the
Helsinki and Bloomington extension); photos are cleaned of every metadata first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from fansipan.errors import FansipanError, FieldError, NotFound, ValidationError
from fansipan.exchange.images import MAX_BYTES, CleanImage, clean_image
from fansipan.exchange.open311.documents import Document, Format, render
from fansipan.exchange.open311.failures import errors_document, http_status, not_found
from fansipan.exchange.open311.model import (
    discovery_document,
    post_response_document,
    service_definition_document,
    service_list_document,
    service_requests_document,
    token_document,
)
from fansipan.exchange.open311.posting import read_form
from fansipan.http.deps import SessionDep, SettingsDep, client_ip
from fansipan.http.errors import translate
from fansipan.http.refusals import audit_refusal
from fansipan.services.citizens import open311

log = logging.getLogger("fansipan.open311")
MAX_BODY = 2 * 1024 * 1024  # a form without photos: 4,000 characters of description and more
MAX_FILES = 5


def _format(path: str) -> Format:
    suffix = path.rpartition(".")[2].lower()
    return Format.JSON if suffix == "json" else Format.XML


def _answer(document: Document, fmt: Format, status: int = 200) -> Response:
    return Response(render(document, fmt), status_code=status, media_type=fmt.media_type)


def _problem(exc: BaseException) -> FansipanError:
    if isinstance(exc, FansipanError):
        return exc
    if isinstance(exc, RequestValidationError):
        return ValidationError("Yêu cầu không hợp lệ / The request is not valid", [
            FieldError(field=".".join(str(p) for p in e.get("loc", ()) if p not in (
                "query", "path", "body")) or "request", message=str(e.get("msg")))
            for e in exc.errors()])
    if isinstance(exc, HTTPException) and exc.status_code == 404:
        return NotFound(str(exc.detail))
    problem = translate(exc)  # logs what it does not know
    error = FansipanError(problem.message)
    error.status = problem.status
    return error


class Open311Route(APIRoute):
    """A GeoReport v2 route: every error is an `<errors>` document in the asked format."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # the spec's error shape, whatever went wrong
                problem = _problem(exc)
                status = http_status(problem) if problem.status < 500 else problem.status
                if status in (401, 403) and not problem.audited:
                    await audit_refusal(request, problem)
                return _answer(errors_document(problem), _format(request.url.path), status)

        return route


# The schema says what the server answers: every status in either format, as the suffix
# names it (FastAPI alone would document JSON only, and 422 where the spec says 400).
_EITHER: dict[str, dict[str, Any]] = {"text/xml": {},
                                      "application/json": {}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": _EITHER},
    400: {"description": "`<errors>`: a field is missing or not valid", "content": _EITHER},
    403: {"description": "`<errors>`: api_key missing or refused", "content": _EITHER},
    404: {"description": "`<errors>`: no such service, request, token, jurisdiction or "
                         "format", "content": _EITHER},
}
router = APIRouter(prefix="/open311/v2", tags=["Open311 GeoReport v2"], route_class=Open311Route,
                   responses=RESPONSES)
Fmt = Annotated[str, Path(max_length=10, description="xml or json")]
Jurisdiction = Annotated[str | None, Query(max_length=200)]
Lang = Annotated[str, Query(pattern="^(vi|en)$", description="The language of names and "
                                                             "questions (an extension)")]


def _fmt(fmt: str) -> Format:
    """The format a suffix names; another suffix is a resource we do not have (404)."""
    if fmt not in ("xml", "json"):
        raise not_found("format", fmt)
    return Format(fmt)


@router.get("/discovery.{fmt}")
def open311_discovery(fmt: Fmt, request: Request, session: SessionDep) -> Response:
    """The service discovery document."""
    form = _fmt(fmt)
    found = open311.discovery(session=session, base_url=str(request.base_url))
    return _answer(discovery_document(found), form)


@router.get("/services.{fmt}")
def open311_services(fmt: Fmt, session: SessionDep, jurisdiction_id: Jurisdiction = None,
                     lang: Lang = "vi") -> Response:
    """Every kind of report that may be posted."""
    form = _fmt(fmt)
    found = open311.services(session=session, jurisdiction_id=jurisdiction_id, lang=lang)
    return _answer(service_list_document(found), form)


@router.get("/services/{service_code}.{fmt}")
def open311_service_definition(
        service_code: Annotated[str, Path(max_length=40)], fmt: Fmt, session: SessionDep,
        jurisdiction_id: Jurisdiction = None, lang: Lang = "vi") -> Response:
    """A service's questions (attributes), all six datatypes."""
    form = _fmt(fmt)
    found = open311.definition(session=session, service_code=service_code,
                               jurisdiction_id=jurisdiction_id, lang=lang)
    return _answer(service_definition_document(found), form)


@router.post("/requests.{fmt}")
async def open311_post_request(fmt: Fmt, request: Request, session: SessionDep,
                               settings: SettingsDep) -> Response:
    """Post a report: form-encoded (or multipart with `media` photos), with `api_key`."""
    form = _fmt(fmt)
    pairs, photos = await _read_post(request)
    answer = await run_in_threadpool(
        open311.post_request, session=session, settings=settings, pairs=pairs, photos=photos,
        ip=client_ip(request))
    return _answer(post_response_document([answer]), form)


@router.get("/requests.{fmt}")
def open311_requests(fmt: Fmt, request: Request, session: SessionDep) -> Response:
    """Requests by id, service, status and dates (90 days or 1,000 requests at most)."""
    form = _fmt(fmt)
    found = open311.requests(session=session, pairs=list(request.query_params.multi_items()),
                             base_url=str(request.base_url))
    return _answer(service_requests_document(found), form)


@router.get("/requests/{service_request_id}.{fmt}")
def open311_request(service_request_id: Annotated[str, Path(max_length=40)], fmt: Fmt,
                    request: Request, session: SessionDep,
                    jurisdiction_id: Jurisdiction = None) -> Response:
    """One request."""
    form = _fmt(fmt)
    found = open311.request(session=session, service_request_id=service_request_id,
                            jurisdiction_id=jurisdiction_id, base_url=str(request.base_url))
    return _answer(service_requests_document([found]), form)


@router.get("/tokens/{token}.{fmt}")
def open311_token(token: Annotated[str, Path(max_length=64)], fmt: Fmt, session: SessionDep,
                  jurisdiction_id: Jurisdiction = None) -> Response:
    """The request id behind a batch service's token."""
    form = _fmt(fmt)
    found = open311.token(session=session, value=token, jurisdiction_id=jurisdiction_id)
    return _answer(token_document([found]), form)


@router.get("/{anything:path}", include_in_schema=False)
def open311_unknown(anything: str) -> Response:
    """Anything else under the endpoint: the spec's 404, in the format asked for."""
    raise not_found("path", anything[:200])


async def _read_post(request: Request) -> tuple[list[tuple[str, str]], list[CleanImage]]:
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        pairs: list[tuple[str, str]] = []
        photos: list[CleanImage] = []
        async with request.form(max_files=MAX_FILES, max_fields=500) as form:
            for name, value in form.multi_items():
                if isinstance(value, UploadFile):
                    if name not in ("media", "media[]"):
                        continue
                    data = await value.read(MAX_BYTES + 1)
                    photos.append(await run_in_threadpool(clean_image, data, field="media"))
                else:
                    pairs.append((name, value))
        return pairs, photos
    body = bytearray()
    async for block in request.stream():
        body.extend(block)
        if len(body) > MAX_BODY:
            raise ValidationError("Nội dung quá lớn / The body is too large", [FieldError(
                field="body", message="tối đa 2 MB; gửi ảnh bằng multipart/form-data / at "
                                      "most 2 MB; send photos as multipart/form-data")])
    return read_form(bytes(body)), []
