"""HTTP for connectors (standard library only): GET a source to a file, POST a payload,
with retries on failures that may pass (network errors, timeouts, 5xx, 429)."""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fansipan.errors import FansipanError

TIMEOUT = 60


class FetchFailed(FansipanError):
    """The remote system could not be reached or refused; says whether to try again."""

    status = 502
    code = "fetch_failed"

    def __init__(self, message: str, *, retry: bool, http_status: int | None = None) -> None:
        super().__init__(message)
        self.retry = retry
        self.http_status = http_status


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def _check_url(url: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise FetchFailed(f"{url!r} is not an http(s) address", retry=False)


def _open(request: urllib.request.Request, *, answers: tuple[int, ...] = ()) -> tuple[int, Any]:
    try:
        response = urllib.request.urlopen(request, timeout=TIMEOUT)  # noqa: S310 - checked above
        return int(response.status), response
    except urllib.error.HTTPError as exc:
        if exc.code in answers:
            return exc.code, exc
        retry = exc.code >= 500 or exc.code == 429
        raise FetchFailed(f"{request.full_url} answered HTTP {exc.code}", retry=retry,
                          http_status=exc.code) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchFailed(f"{request.full_url} cannot be reached ({reason})", retry=True) from None


def fetch_to(url: str, target: Path, headers: dict[str, str] | None = None) -> int:
    """GET `url` into `target` as it streams; returns the number of bytes."""
    _check_url(url)
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - http(s) only
    _status, response = _open(request)
    with response, target.open("wb") as f:
        shutil.copyfileobj(response, f, 1 << 20)
    return target.stat().st_size


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST; a 409 (DHIS2's answer to conflicts) is an answer, not a failure."""
    _check_url(url)
    request = urllib.request.Request(url, data=body, headers=headers,  # noqa: S310 - http(s)
                                     method="POST")
    status, response = _open(request, answers=(409,))
    with response:
        return Answer(status, response.read())


def with_retries(action: Callable[[], object], *, retries: int, wait: float,
                 sleep: Callable[[float], None] = time.sleep,
                 on_failure: Callable[[int, FetchFailed], None] | None = None) -> int:
    """Run `action` until it succeeds, at most 1 + `retries` times; returns the attempts.

    Waits `wait`, then twice as long, and so on between attempts; failures that will not
    pass (a 4xx other than 429, a bad address) are raised at once.
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
