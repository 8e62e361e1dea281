"""Signing in and out on the web, changing one's password, and choosing the language."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response

from fansipan.errors import FansipanError, FieldError, Unauthenticated, msg
from fansipan.http.deps import (
    SessionDep,
    SettingsDep,
    client_ip,
    csrf_cookie_name,
    session_cookie_name,
)
from fansipan.locale import LANGS, tr
from fansipan.services.trust.auth import (
    LoginRequest,
    PasswordChange,
    change_password,
    login,
    logout,
)
from fansipan.services.trust.oidc import enabled as sso_enabled
from fansipan.services.trust.oidc import end_session_url
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.pages import LANG_COOKIE, render

router = page_router()


def local_path(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another origin."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    # Browsers drop tabs and line breaks from an address ("/\t/example.org" reads as
    # "//example.org", another site); no address of ours holds them or a space.
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target):
        return "/"
    return target


@router.get("/login")
def login_page(request: Request, lang: Lang, next: str = "/") -> Response:
    return render(request, "login.html", title=tr(lang, "Sign in"), next=local_path(next),
                  errors=[], username="", sso=sso_enabled(request.app.state.settings))


@router.post("/login")
def login_submit(request: Request, session: SessionDep, settings: SettingsDep, lang: Lang,
                 username: Annotated[str, Form(min_length=1, max_length=64)],
                 password: Annotated[str, Form(min_length=1, max_length=1024)],
                 otp: Annotated[str, Form(max_length=10)] = "",
                 next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    try:
        signed = login(session=session, settings=settings, data=LoginRequest(
            username=username, password=password, otp=otp or None), ip=client_ip(request),
            user_agent=request.headers.get("user-agent", ""))
    except FansipanError as exc:
        errors = exc.errors or [FieldError(field="password", message=exc.message)]
        return render(request, "login.html", status=exc.status,
                      title=tr(lang, "Sign in"), next=local_path(next), errors=errors,
                      username=username, sso=sso_enabled(settings))
    target = "/password" if signed.must_change_password else local_path(next)
    response = RedirectResponse(target, status_code=303)
    age = settings.session_absolute_hours * 3600
    response.set_cookie(session_cookie_name(settings), signed.session_token, httponly=True,
                        secure=settings.behind_tls, samesite="strict", path="/", max_age=age)
    response.set_cookie(csrf_cookie_name(settings), signed.csrf_token, httponly=True,
                        secure=settings.behind_tls, samesite="strict", path="/", max_age=age)
    return response


@router.post("/logout")
def logout_submit(request: Request, session: SessionDep, settings: SettingsDep,
                  viewer: Viewer, lang: Lang) -> Response:
    token = request.cookies.get(session_cookie_name(settings))
    if token is None or not viewer.via.startswith("session:"):
        raise Unauthenticated(msg("You are not signed in with a session"))
    # A session opened through the identity platform ends there too (RP-initiated logout).
    home = (settings.public_url or str(request.base_url).rstrip("/")) + "/"
    platform = end_session_url(session=session, settings=settings, session_token=token,
                               after=home)
    logout(session=session, settings=settings, token=token, principal=viewer)
    # A page that moves on, not a redirect: a form's redirect to another origin is refused
    # by our own policy (CSP form-action 'self').
    response: Response = render(request, "sso_signed_out.html", title=tr(lang, "Signed out"),
                                target=platform) if platform else RedirectResponse(
                                    "/", status_code=303)
    for name in (session_cookie_name(settings), csrf_cookie_name(settings)):
        response.delete_cookie(name, path="/", secure=settings.behind_tls, httponly=True,
                               samesite="strict")
    return response


@router.get("/password")
def password_page(request: Request, viewer: Viewer, lang: Lang) -> Response:
    if viewer.is_anonymous:
        raise Unauthenticated(msg("Sign in first to change your password"))
    return render(request, "password.html", title=tr(lang, "Change password"),
                  errors=[], done=False)


@router.post("/password")
def password_submit(request: Request, session: SessionDep, settings: SettingsDep,
                    viewer: Viewer, lang: Lang,
                    current_password: Annotated[str, Form(min_length=1, max_length=1024)],
                    new_password: Annotated[str, Form(min_length=1, max_length=1024)],
                    ) -> Response:
    try:
        change_password(session=session, settings=settings, principal=viewer,
                        data=PasswordChange(current_password=current_password,
                                            new_password=new_password),
                        keep_session=request.cookies.get(session_cookie_name(settings)))
    except FansipanError as exc:
        if exc.status == 401:
            raise
        return render(request, "password.html", status=exc.status,
                      title=tr(lang, "Change password"),
                      errors=exc.errors or [FieldError(field="new_password",
                                                       message=exc.message)], done=False)
    return render(request, "password.html", title=tr(lang, "Change password"),
                  errors=[], done=True)


@router.get("/lang/{code}")
def choose_language(code: str, next: str = "/") -> Response:
    """One click to English (or back): remembered in a cookie for a year."""
    response = RedirectResponse(local_path(next), status_code=303)
    if code in LANGS:
        response.set_cookie(LANG_COOKIE, code, max_age=365 * 86400, samesite="lax", path="/",
                            httponly=True)
    return response
