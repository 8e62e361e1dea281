"""Who is asking, for the API and the pages alike.

Every credential kind is read the same way everywhere: an API token (`Bearer`), a
connected system's id and key (HTTP Basic, as DHIS2 clients send them), else the
session cookie, else an anonymous visitor. Credentials that were sent but are no good
are refused (401) rather than ignored, so a client learns at once that its token or
session has ended. A change made with the cookie must carry the session's CSRF token:
the X-CSRF-Token header, or for an HTML form its `csrf_token` field (a form cannot send
headers; the web keeps the token in a second SameSite=Strict cookie and writes it into
each form).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Principal
from fansipan.errors import Unauthenticated, msg
from fansipan.http.deps import SAFE_METHODS, client_ip, session_cookie_name
from fansipan.services.exchange.clients import basic_principal
from fansipan.services.trust.auth import session_principal
from fansipan.services.trust.tokens import token_principal
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def get_principal(request: Request) -> Principal:
    """The principal behind a request; also kept on `request.state` for error handlers."""
    settings: Settings = request.app.state.settings
    ip = client_ip(request)
    header = request.headers.get("authorization")
    cookie = request.cookies.get(session_cookie_name(settings))
    unsafe = request.method not in SAFE_METHODS
    csrf = request.headers.get("x-csrf-token")
    factory = request.app.state.session_factory
    if unsafe and cookie and not header and csrf is None and request.headers.get(
            "content-type", "").startswith(_FORM_TYPES):
        # The token is in the form, so the form must be read; but only for a session that
        # exists: any other cookie gets its 401 before a byte of a (large) upload is read.
        await run_in_threadpool(_session_alive, factory, settings, cookie, ip)
        field = (await request.form()).get("csrf_token")  # parsed once, kept for the route
        csrf = field if isinstance(field, str) else None

    def resolve() -> Principal:
        with factory() as session:
            if header:
                scheme, _, token = header.partition(" ")
                if scheme.lower() == "basic" and token.strip():
                    return basic_principal(session=session, settings=settings,
                                           credentials=token, ip=ip)
                if scheme.lower() != "bearer" or not token.strip():
                    raise Unauthenticated(msg("Send the API token as 'Authorization: Bearer "
                                              "<token>'"))
                return token_principal(session=session, settings=settings,
                                       token=token.strip(), ip=ip)
            if cookie:
                return session_principal(session=session, settings=settings, token=cookie,
                                         ip=ip, csrf=csrf, needs_csrf=unsafe)
            return Principal.anonymous(ip)

    principal = await run_in_threadpool(resolve)
    request.state.principal = principal
    return principal


def _session_alive(factory: SessionFactory, settings: Settings, cookie: str, ip: str) -> None:
    """Raise as a dead session's request would, before its CSRF token is looked for."""
    with factory() as session:
        session_principal(session=session, settings=settings, token=cookie, ip=ip, csrf=None,
                          needs_csrf=False)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def asking(request: Request) -> Principal:
    """The principal already resolved for this request, else an anonymous visitor."""
    principal = getattr(request.state, "principal", None)
    return principal if isinstance(principal, Principal) else Principal.anonymous(
        client_ip(request))
