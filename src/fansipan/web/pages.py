"""What every page needs: who is asking, in which language, and how to render or refuse.

Pages sign in with the same session cookie as the API. A form cannot send the
`X-CSRF-Token` header, so the session's CSRF token is kept in a second HttpOnly,
SameSite=Strict cookie when signing in on the web, written into each form, and
checked by the trust layer's `session_principal` like the header would be.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from fansipan.api.deps import SAFE_METHODS, client_ip, session_cookie_name
from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError, Unauthenticated
from fansipan.settings import Settings
from fansipan.web.i18n import LANGS

log = logging.getLogger("fansipan.web")

LANG_COOKIE = "fansipan_lang"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_cookie_name(settings: Settings) -> str:
    return "__Host-fansipan_csrf" if settings.behind_tls else "fansipan_csrf"


def page_lang(request: Request) -> str:
    """`?lang=` for one page, else the visitor's choice (a cookie), else the site's default."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGS:
        return asked
    settings: Settings = request.app.state.settings
    return settings.language


async def web_principal(request: Request) -> Principal:
    """The principal behind a page request: an API token, a session cookie, or nobody."""
    from fansipan.services.trust.auth import session_principal
    from fansipan.services.trust.tokens import token_principal

    settings: Settings = request.app.state.settings
    header = request.headers.get("authorization")
    cookie = request.cookies.get(session_cookie_name(settings))
    unsafe = request.method not in SAFE_METHODS
    csrf = request.headers.get("x-csrf-token")
    if unsafe and cookie and not header and csrf is None and request.headers.get(
            "content-type", "").startswith(_FORM_TYPES):
        form = await request.form()
        token = form.get("csrf_token")
        csrf = token if isinstance(token, str) else None
    ip = client_ip(request)
    factory = request.app.state.session_factory

    def resolve() -> Principal:
        with factory() as session:
            if header:
                scheme, _, token = header.partition(" ")
                if scheme.lower() != "bearer" or not token.strip():
                    raise Unauthenticated("Send the API token as 'Authorization: Bearer "
                                          "<token>'")
                return token_principal(session=session, settings=settings,
                                       token=token.strip(), ip=ip)
            if cookie:
                return session_principal(session=session, settings=settings, token=cookie,
                                         ip=ip, csrf=csrf, needs_csrf=unsafe)
            return Principal.anonymous(ip)

    principal = await run_in_threadpool(resolve)
    request.state.principal = principal
    return principal


def nav_flags(principal: Principal) -> dict[str, bool]:
    return {
        "can_enter": principal.can(Permission.WRITE_DATA),
        "can_set_targets": principal.can(Permission.WRITE_TARGETS),
        "signed_in": not principal.is_anonymous,
    }


def render(request: Request, template: str, *, status: int = 200, title: str = "",
           charts: bool = False, body_class: str = "", **context: Any) -> HTMLResponse:
    """A page in the visitor's language, with the layout's helpers and flags."""
    from fansipan.demo.marks import shows_demo_data
    from fansipan.web.templating import helpers

    env = request.app.state.web_templates
    lang = page_lang(request)
    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        principal = Principal.anonymous(client_ip(request))
    settings: Settings = request.app.state.settings
    try:
        with request.app.state.session_factory() as session:
            illustrative = shows_demo_data(session=session)
    except Exception:  # the banner must not take an error page down with it
        log.exception("could not tell whether the store holds demo data")
        illustrative = True
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = env.get_template(template).render(
        **helpers(lang), title=title, charts=charts, body_class=body_class,
        principal=principal, flags=nav_flags(principal), illustrative=illustrative,
        csrf=request.cookies.get(csrf_cookie_name(settings), ""), path=request.url.path,
        here=quote(here, safe="/?=&"), **context)
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


async def _audit_refusal(request: Request, exc: FansipanError) -> None:
    """Refused page requests go to the audit log, as the API's do."""
    from fansipan.services.trust.audit import record_alone

    principal = getattr(request.state, "principal", None)
    if not isinstance(principal, Principal):
        principal = Principal.anonymous(client_ip(request))
    factory = request.app.state.session_factory

    def write() -> None:
        with factory() as session:
            record_alone(session, principal, "authz.denied", outcome="denied",
                         target=f"{request.method} {request.url.path}"[:200],
                         detail={"status": exc.status, "reason": exc.message[:300]})

    try:
        await run_in_threadpool(write)
    except Exception:  # the refusal stands even when it cannot be logged
        log.exception("could not audit a refused page request")


def error_page(request: Request, status: int, message: str,
               errors: list[FieldError] | None = None) -> Response:
    response = render(request, "error.html", status=status, title=message,
                      message=message, errors=errors or [], status_code=status)
    settings: Settings = request.app.state.settings
    if status == 401 and request.cookies.get(session_cookie_name(settings)):
        # The session ended: forget it, so the next page is simply anonymous.
        response.delete_cookie(session_cookie_name(settings), path="/")
    return response


class HtmlRoute(APIRoute):
    """A page route: domain errors and bad parameters become an error page, never a 500."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except FansipanError as exc:
                if exc.status in (401, 403) and not exc.audited:
                    await _audit_refusal(request, exc)
                return error_page(request, exc.status, exc.message, exc.errors)
            except RequestValidationError as exc:
                errors = [FieldError(field=".".join(str(p) for p in e.get("loc", ())[1:])
                                     or "request", message=str(e.get("msg")))
                          for e in exc.errors()]
                return error_page(request, 422, "The request is not valid", errors)

        return page
