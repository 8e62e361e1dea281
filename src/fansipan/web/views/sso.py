"""Signing in through the province's identity platform (OpenID Connect).

`/login/sso` sends the browser to the platform with a fresh state, nonce and PKCE
challenge, and sets a short-lived cookie that binds the sign-in to this browser;
`/login/sso/callback` is where the platform sends it back. The session cookies are
SameSite=Strict, which a browser does not send on a navigation that a cross-site
redirect began, so the callback answers a page of ours that moves on to the page
asked for (a same-site navigation that carries them).
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from fansipan.errors import FansipanError, NotFound, msg
from fansipan.http.deps import (
    SessionDep,
    SettingsDep,
    client_ip,
    csrf_cookie_name,
    session_cookie_name,
)
from fansipan.locale import tr
from fansipan.services.trust.oidc import (
    SsoRefused,
    begin_sign_in,
    enabled,
    finish_sign_in,
    redirect_url,
)
from fansipan.settings import Settings
from fansipan.web.deps import Lang, page_router
from fansipan.web.pages import render
from fansipan.web.views.account import local_path

router = page_router()

BINDING_COOKIE = "fansipan_sso"
BINDING_PATH = "/login/sso"


def _require(settings: Settings) -> None:
    if not enabled(settings):
        raise NotFound(msg("Single sign-on is not configured on this server; sign in with "
                           "your username and password"))


@router.get("/login/sso")
def sso_start(request: Request, session: SessionDep, settings: SettingsDep,
              next: str = "/") -> Response:
    _require(settings)
    started = begin_sign_in(session=session, settings=settings,
                            redirect_uri=redirect_url(settings, str(request.base_url)),
                            next_path=local_path(next))
    response = RedirectResponse(started.url, status_code=303)
    # Lax, not Strict: it must come back with the platform's (cross-site) redirect.
    response.set_cookie(BINDING_COOKIE, started.browser_token, max_age=600, path=BINDING_PATH,
                        httponly=True, secure=settings.behind_tls, samesite="lax")
    return response


@router.get("/login/sso/callback")
def sso_callback(request: Request, session: SessionDep, settings: SettingsDep,
                 lang: Lang, state: str = "", code: str = "", error: str = "") -> Response:
    _require(settings)
    try:
        done = finish_sign_in(session=session, settings=settings,
                              redirect_uri=redirect_url(settings, str(request.base_url)),
                              state=state[:200], code=code[:2000], error=error,
                              browser_token=request.cookies.get(BINDING_COOKIE, "")[:200],
                              ip=client_ip(request),
                              user_agent=request.headers.get("user-agent", ""))
    except FansipanError as exc:
        response: Response = render(
            request, "sso_refused.html", status=exc.status, title=tr(lang, "Sign-in refused"),
            message=exc.message, not_linked=isinstance(exc, SsoRefused) and (
                exc.reason == "not_linked"))
        response.delete_cookie(BINDING_COOKIE, path=BINDING_PATH)
        return response
    response = render(request, "sso_done.html", title=tr(lang, "Signed in"),
                      target=done.next_path)
    age = settings.session_absolute_hours * 3600
    response.set_cookie(session_cookie_name(settings), done.signed.session_token, httponly=True,
                        secure=settings.behind_tls, samesite="strict", path="/", max_age=age)
    response.set_cookie(csrf_cookie_name(settings), done.signed.csrf_token, httponly=True,
                        secure=settings.behind_tls, samesite="strict", path="/", max_age=age)
    response.delete_cookie(BINDING_COOKIE, path=BINDING_PATH)
    return response
