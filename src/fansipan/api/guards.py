"""What every request must be before anything reads it: addressed to one of our host
names, and free of NUL characters in its address and in its JSON or form body.

- The Host header must name this server (FANSIPAN_HOST, the loopback names, or
  FANSIPAN_ALLOWED_HOSTS): a page served under a name an attacker chose would let a
  DNS-rebinding site read it, and any address built from the Host header (a sign-in
  redirect) would point elsewhere. A request with no Host header at all (HTTP/1.0, as
  some load balancers' health checks send) is served: browsers always send one.
- A NUL is refused, never cut: PostgreSQL cannot store one, and a text that loses its
  tail without a word is worse than a clear refusal. The body is scanned as it streams
  through (a JSON `\\u0000` escape, a form's `%00`), so an upload of any size costs no
  extra memory; uploaded files (CSV, XLSX) are checked by their readers, row by row.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fansipan.errors import FieldError, ValidationError
from fansipan.http.errors import MACHINE_PATHS, Problem, error_response, wants_page


class _JsonNul:
    """Finds a `\\u0000` escape (an odd run of backslashes before it) in pieces of JSON."""

    def __init__(self) -> None:
        self.carry = b""
        self.lead = 0  # backslashes that end what came before `carry`

    def feed(self, chunk: bytes) -> bool:
        data = self.carry + chunk
        start = 0
        while (at := data.find(b"u0000", start)) >= 0:
            first = at
            while first > 0 and data[first - 1] == 0x5C:  # "\\"
                first -= 1
            run = at - first + (self.lead if first == 0 else 0)
            if run % 2:
                return True
            start = at + 1
        head, self.carry = data[:-5], data[-5:]
        if head:
            rest = head.rstrip(b"\\")
            trailing = len(head) - len(rest)
            self.lead = trailing if rest else self.lead + trailing
        return False


class _FormNul:
    def __init__(self) -> None:
        self.carry = b""

    def feed(self, chunk: bytes) -> bool:
        data = self.carry + chunk
        self.carry = data[-2:]
        return b"%00" in data or b"\x00" in data


def _nul_refused(where: str) -> ValidationError:
    return ValidationError(
        f"Yêu cầu có ký tự NUL trong {where}; hãy xóa nó / The request holds a NUL character "
        f"in its {where}; remove it (nothing was saved)",
        [FieldError(field=where, message="a NUL character cannot be stored; remove it")])


def host_allowed(host: str, allowed: frozenset[str]) -> bool:
    if "*" in allowed or host in allowed:
        return True
    return any(name.startswith("*.") and host.endswith(name[1:]) for name in allowed)


def host_of(scope: Scope) -> str | None:
    """The Host header without its port, lower case (IPv6 literals without brackets)."""
    for name, value in scope.get("headers") or ():
        if name == b"host":
            text: str = bytes(value).decode("latin-1").strip().lower()
            if text.startswith("["):
                return text[1:].partition("]")[0]
            name = text.rpartition(":")[0] if text.count(":") == 1 else text
            return name.removesuffix(".")  # ioc.laocai.gov.vn. is ioc.laocai.gov.vn
    return None


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers") or ():
        if name == wanted:
            return bytes(value).decode("latin-1").strip()
    return None


def cross_site_page_post(scope: Scope) -> bool:
    """A page's form (not an API, DHIS2 or Open311 client) sent from another site.

    Browsers name the page a form was sent from in `Origin`. The CSRF token already
    stops a forged change; this also stops a forged sign-in (login CSRF: signing the
    victim in to the attacker's account, so what they enter lands there), which has no
    session to hold a token yet.
    """
    if scope.get("method") in ("GET", "HEAD", "OPTIONS") or str(scope.get("path", "")
                                                                 ).startswith(MACHINE_PATHS):
        return False
    origin = _header(scope, b"origin")
    if origin is None:
        return False
    host = (_header(scope, b"host") or "").lower()
    return origin.lower().partition("://")[2] != host


class RequestGuard:
    def __init__(self, app: ASGIApp, *, hosts: frozenset[str]) -> None:
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = host_of(scope)
        # No Host at all is an HTTP/1.0 health check, never a browser: nothing to rebind.
        if host is not None and not host_allowed(host, self.hosts):
            shown = (host or "")[:100]
            await self._refuse(scope, receive, send, Problem(400, (
                f"Máy chủ không phục vụ tên {shown!r} / This server does not answer to the "
                f"host name {shown!r}; open it by its own address, or have the administrator "
                "add the name to FANSIPAN_ALLOWED_HOSTS")))
            return
        if _header(scope, b"transfer-encoding") is not None and _header(
                scope, b"content-length") is not None:
            # Two framings at once: a proxy in front may read the other one, and what it
            # takes for the next request would reach us smuggled inside this body. Refuse
            # it and close the connection, so nothing after it on the wire is read.
            await self._refuse(scope, receive, send, Problem(400, (
                "The request has both Transfer-Encoding and Content-Length; send one")),
                close=True)
            return
        if cross_site_page_post(scope):
            await self._refuse(scope, receive, send, Problem(403, (
                "Biểu mẫu được gửi từ trang web khác / This form was sent from another site; "
                "open the page on this server and send it from there")))
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get(
                "query_string", b"") or b"\x00" in scope.get("query_string", b""):
            problem = _nul_refused("address")
            await self._refuse(scope, receive, send, Problem(400, problem.message,
                                                             problem.errors))
            return
        scanner = _scanner(scope)
        if scanner is None:
            await self.app(scope, receive, send)
            return

        async def scanned() -> Message:
            message = await receive()
            if message["type"] == "http.request" and scanner.feed(message.get("body", b"")):
                raise _nul_refused("body")
            return message

        await self.app(scope, scanned, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, problem: Problem,
                      *, close: bool = False) -> None:
        request = Request(scope, receive)
        app = scope.get("app")
        page = getattr(getattr(app, "state", None), "error_page", None)
        if page is not None and wants_page(request):
            response = page(request, problem)
        else:
            response = error_response(problem.status, problem.message, problem.errors)
        if close:
            response.headers["connection"] = "close"
        await response(scope, receive, send)


def _scanner(scope: Scope) -> _JsonNul | _FormNul | None:
    kind = ""
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            kind = value.decode("latin-1").split(";")[0].strip().lower()
            break
    if kind == "application/x-www-form-urlencoded":
        return _FormNul()
    if not kind or kind.endswith(("/json", "+json")):
        return _JsonNul()
    return None
