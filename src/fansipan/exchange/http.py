"""HTTP for connectors (standard library only): GET a source to a file, POST a payload,
each only to an address the outbound allow-list permits, with bounded answers and
retries on failures that may pass (network errors, timeouts, 5xx, 429).

A name is resolved once per request, every address it gives is checked, and the
connection is made to the checked address itself (the Host header and the TLS name stay
the URL's), so a second, different DNS answer cannot redirect the request. Redirects of
a GET are followed only to permitted addresses (credentials are dropped when one leaves
the URL's origin); a POST is never redirected. No proxy is used.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urljoin, urlsplit

from fansipan.domain.outbound import AllowList, IPAddress, literal_address
from fansipan.errors import FansipanError

REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 5
_CHUNK = 1 << 16


class FetchFailed(FansipanError):
    """The remote system could not be reached or refused; says whether to try again."""

    status = 502
    code = "fetch_failed"

    def __init__(self, message: str, *, retry: bool, http_status: int | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.http_status = http_status


class OutboundRefused(FetchFailed):
    """The address is not one the allow-list permits: never retried, nothing was sent."""

    code = "outbound_refused"

    def __init__(self, message: str) -> None:
        super().__init__(message, retry=False)


def system_resolve(host: str, port: int) -> list[str]:
    """Every address the system's resolver gives for `host`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class Outbound:
    """Where requests may go and how much they may take; passed in by the caller."""

    allow: AllowList
    max_bytes: int = 1 << 30
    timeout: float = 300.0  # seconds for one request, connecting and answering
    resolve: Callable[[str, int], list[str]] = system_resolve


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str
    port: int
    path: str
    address: str

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host, self.port


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, the port filled in."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), port or (443 if scheme == "https" else 80)


def check_url(url: str, outbound: Outbound) -> _Target:
    """Where `url` would connect, or OutboundRefused / FetchFailed saying why not."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise OutboundRefused(f"{url[:200]!r} is not an http(s) address")
    if parts.username is not None or parts.password is not None:
        raise OutboundRefused(f"{parts.hostname}: credentials are never put in the address; "
                              "keep them in the secret store")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise OutboundRefused(f"{url[:200]!r} has an invalid port") from None
    host = parts.hostname.lower()
    problem = outbound.allow.host_problem(host)
    if problem:
        raise OutboundRefused(problem)
    literal = literal_address(host)
    addresses: list[IPAddress]
    if literal is not None:
        addresses = [literal]
    else:
        try:
            found = outbound.resolve(host, port)
        except (OSError, UnicodeError) as exc:
            raise FetchFailed(f"{host} cannot be resolved ({exc})", retry=True) from None
        addresses = [a for a in (literal_address(t.split("%")[0]) for t in found)
                     if a is not None]
    problem = outbound.allow.address_problem(host, addresses)
    if problem:
        raise OutboundRefused(problem)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(url, scheme, host, port, path, str(addresses[0]))


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, target: _Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: _Target, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(target.host, target.port, timeout=timeout, context=self._tls)
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def _request(target: _Target, method: str, body: bytes | None, headers: dict[str, str],
             deadline: float) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    remaining = max(0.1, deadline - time.monotonic())
    conn: http.client.HTTPConnection = (
        _PinnedHTTPS(target, remaining) if target.scheme == "https"
        else _PinnedHTTP(target, remaining))
    try:
        conn.request(method, target.path, body=body, headers=headers)
        return conn, conn.getresponse()
    except TimeoutError:
        conn.close()
        raise FetchFailed(f"{target.host} did not answer in time (FANSIPAN_OUTBOUND_TIMEOUT)",
                          retry=True) from None
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        raise FetchFailed(f"{target.url} cannot be reached ({exc})", retry=True) from None


class _Sink(Protocol):
    def write(self, data: bytes, /) -> int: ...


def _copy(response: http.client.HTTPResponse, out: _Sink, target: _Target,
          outbound: Outbound, deadline: float) -> int:
    """Copy the answer to `out`, within the size and time limits; returns its length."""
    declared = response.getheader("content-length")
    if declared and declared.isdigit() and int(declared) > outbound.max_bytes:
        raise _too_big(target, outbound)
    total = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchFailed(f"{target.host} did not send its whole answer within "
                              f"{outbound.timeout:g} s (FANSIPAN_OUTBOUND_TIMEOUT)", retry=True)
        try:
            chunk = response.read1(_CHUNK)
        except TimeoutError:
            raise FetchFailed(f"{target.host} did not send its whole answer within "
                              f"{outbound.timeout:g} s (FANSIPAN_OUTBOUND_TIMEOUT)",
                              retry=True) from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchFailed(f"{target.url} broke off its answer ({exc})", retry=True) from None
        if not chunk:
            return total
        total += len(chunk)
        if total > outbound.max_bytes:
            raise _too_big(target, outbound)
        out.write(chunk)


def _too_big(target: _Target, outbound: Outbound) -> FetchFailed:
    limit = f"{outbound.max_bytes:,}".replace(",", ".")
    return FetchFailed(f"the answer of {target.host} is larger than {limit} bytes "
                       "(FANSIPAN_OUTBOUND_MAX_MB); nothing was imported", retry=False)


def _failed_status(target: _Target, status: int) -> FetchFailed:
    return FetchFailed(f"{target.url} answered HTTP {status}", retry=status >= 500 or
                       status == 429, http_status=status)


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)


def fetch_to(url: str, target: Path, headers: dict[str, str], outbound: Outbound) -> int:
    """GET `url` into the file `target` as it streams; returns the number of bytes."""
    deadline = time.monotonic() + outbound.timeout
    current = check_url(url, outbound)
    first = current.origin
    sent = dict(headers)
    for _ in range(MAX_REDIRECTS + 1):
        conn, response = _request(current, "GET", None, sent, deadline)
        try:
            if response.status in REDIRECTS and response.getheader("location"):
                _copy(response, _Discard(), current, outbound, deadline)
                current = check_url(urljoin(current.url, response.getheader("location", "")),
                                    outbound)
                if current.origin != first:
                    sent.pop("Authorization", None)
                continue
            if not 200 <= response.status < 300:
                raise _failed_status(current, response.status)
            with target.open("wb") as f:
                return _copy(response, f, current, outbound, deadline)
        finally:
            response.close()
            conn.close()
    raise FetchFailed(f"{url[:200]} redirects more than {MAX_REDIRECTS} times", retry=False)


def post(url: str, body: bytes, headers: dict[str, str], outbound: Outbound) -> Answer:
    """POST; a 409 (DHIS2's answer to conflicts) is an answer, not a failure."""
    deadline = time.monotonic() + outbound.timeout
    current = check_url(url, outbound)
    conn, response = _request(current, "POST", body, headers, deadline)
    try:
        if response.status in REDIRECTS:
            raise FetchFailed(f"{current.url} answered with a redirect to "
                              f"{response.getheader('location', '?')[:200]}; set the "
                              "connector's address to the final one", retry=False)
        if not (200 <= response.status < 300 or response.status == 409):
            raise _failed_status(current, response.status)
        limited = Outbound(outbound.allow, min(outbound.max_bytes, 64 << 20), outbound.timeout)
        buffer = _Buffer()
        _copy(response, buffer, current, limited, deadline)
        return Answer(response.status, bytes(buffer.data))
    finally:
        response.close()
        conn.close()


class _Buffer:
    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        self.data.extend(data)
        return len(data)


def with_retries(action: Callable[[], object], *, retries: int, wait: float,
                 sleep: Callable[[float], None] = time.sleep,
                 on_failure: Callable[[int, FetchFailed], None] | None = None) -> int:
    """Run `action` until it succeeds, at most 1 + `retries` times; returns the attempts.

    Waits `wait`, then twice as long, and so on between attempts; failures that will not
    pass (a 4xx other than 429, a refused address) are raised at once.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            action()
            return attempt
        except FetchFailed as exc:
            if on_failure is not None:
                on_failure(attempt, exc)
            if not exc.retry or attempt > retries:
                raise
            sleep(wait * 2 ** (attempt - 1))
