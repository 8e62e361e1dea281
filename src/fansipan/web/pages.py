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
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError
from fansipan.http.deps import csrf_cookie_name, session_cookie_name
from fansipan.http.errors import Problem, translate
from fansipan.http.principals import asking
from fansipan.http.refusals import audit_refusal
from fansipan.locale import LANGS, say
from fansipan.settings import Settings

log = logging.getLogger("fansipan.web")

LANG_COOKIE = "fansipan_lang"


def page_lang(request: Request) -> str:
    """`?lang=` for one page, else the visitor's choice (a cookie), else the site's default."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if asked in LANGS:
        return asked
    settings: Settings = request.app.state.settings
    return settings.language


def nav_flags(principal: Principal) -> dict[str, bool]:
    return {
        "can_enter": principal.can(Permission.WRITE_DATA),
        "can_set_targets": principal.can(Permission.WRITE_TARGETS),
        "can_assign_tasks": principal.can(Permission.ASSIGN_TASKS),
        "signed_in": not principal.is_anonymous,
        "can_read_records": principal.can(Permission.READ_RECORDS),
        "can_manage_users": principal.can(Permission.MANAGE_USERS),
        "can_approve": principal.can(Permission.APPROVE),
        "can_manage_clients": principal.can(Permission.MANAGE_CLIENTS),
        "can_read_audit": principal.can(Permission.READ_AUDIT),
        "can_manage_metadata": principal.can(Permission.MANAGE_METADATA),
    }


def render(request: Request, template: str, *, status: int = 200, title: object = "",
           charts: bool = False, body_class: str = "", **context: Any) -> HTMLResponse:
    """A page in the visitor's language, with the layout's helpers and flags."""
    from fansipan.services.warehouse.provenance import shows_demo_data
    from fansipan.web.templating import helpers

    env = request.app.state.web_templates
    lang = page_lang(request)
    principal = asking(request)
    settings: Settings = request.app.state.settings
    try:
        with request.app.state.session_factory() as session:
            illustrative = shows_demo_data(session=session)
    except Exception:  # the banner must not take an error page down with it
        log.exception("could not tell whether the store holds demo data")
        illustrative = True
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    html = env.get_template(template).render(
        **helpers(lang), title=say(title, lang), charts=charts, body_class=body_class,
        principal=principal, flags=nav_flags(principal), illustrative=illustrative,
        csrf=request.cookies.get(csrf_cookie_name(settings), ""), path=request.url.path,
        # The whole address as one query value (`?next=...`): its own `?` and `&` encoded, so
        # the language switch and the sign-in link bring back every parameter, not the first.
        here=quote(here, safe="/"), **context)
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


def error_page(request: Request, status: int, message: str,
               errors: list[FieldError] | None = None) -> Response:
    response = render(request, "error.html", status=status, title=message,
                      message=message, errors=errors or [], status_code=status)
    settings: Settings = request.app.state.settings
    if status == 401 and request.cookies.get(session_cookie_name(settings)):
        # The session ended: forget it, so the next page is simply anonymous.
        response.delete_cookie(session_cookie_name(settings), path="/")
    return response


def problem_page(request: Request, problem: Problem) -> Response:
    """The error page for an error translated by the shared layer (`http.errors`)."""
    return error_page(request, problem.status, problem.message, problem.errors)


class HtmlRoute(APIRoute):
    """A page route: every error becomes an error page in the page's language."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # every error of a page is a page, never JSON or a 500
                problem = translate(exc)
                if problem.refusal and isinstance(exc, FansipanError):
                    await audit_refusal(request, exc)
                return problem_page(request, problem)

        return page
