"""Whether a store holds the illustrative demo data, so every page can say so."""

from __future__ import annotations

import threading
import time

from sqlalchemy.orm import Session

from fansipan.demo.dataset import has_demo_data

RECHECK_SECONDS = 60.0  # a store without demo data is asked again after this long
_LOCK = threading.Lock()
_KNOWN: dict[str, tuple[bool, float]] = {}


def shows_demo_data(*, session: Session) -> bool:
    """True once demo values were ever written (they are never taken out again)."""
    key = str(session.get_bind().engine.url)
    now = time.monotonic()
    with _LOCK:
        known = _KNOWN.get(key)
    if known is not None and (known[0] or now - known[1] < RECHECK_SECONDS):
        return known[0]
    found = has_demo_data(session)
    with _LOCK:
        _KNOWN[key] = (found, now)
    return found
