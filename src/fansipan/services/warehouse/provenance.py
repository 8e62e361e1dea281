"""Where a store's values came from: whether it holds the illustrative demo data, so
every page, download and command can mark it "minh họa / illustrative" (and nothing
else is marked)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.store.tables import ChangeRow

DEMO_SOURCE = "demo"  # the source every demo value is written with
_LOCK = threading.Lock()
# Per store: whether demo values were found, and the last change number looked at. Only
# changes after it are asked about, so any server worker sees demo data the moment it is
# committed, at the cost of one look at the newest change number per page.
_KNOWN: dict[str, tuple[bool, int]] = {}


def has_demo_data(session: Session) -> bool:
    """Whether demo values were ever written to this store (its change log says so)."""
    with session.begin():
        found = session.scalars(select(ChangeRow.id).where(ChangeRow.source == DEMO_SOURCE)
                                .limit(1))
        return found.first() is not None


def shows_demo_data(*, session: Session) -> bool:
    """True once demo values were ever written (they are never taken out again, but a
    store restored from a backup starts over)."""
    key = str(session.get_bind().engine.url)
    with _LOCK:
        found, seen = _KNOWN.get(key, (False, -1))
    with session.begin():
        newest = int(session.scalar(select(func.coalesce(func.max(ChangeRow.id), 0))) or 0)
        if newest < seen:  # another store now (a restore): look again from the start
            found, seen = False, -1
        if not found and newest > seen:
            found = session.scalars(select(ChangeRow.id).where(
                ChangeRow.id > seen, ChangeRow.source == DEMO_SOURCE).limit(1)).first() is not None
    with _LOCK:
        _KNOWN[key] = (found, newest)
    return found
