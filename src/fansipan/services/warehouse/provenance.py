"""Where a store's values came from: whether it holds the illustrative demo data, so
every page, download and command can mark it "minh họa / illustrative" (and nothing
else is marked).

The mark is the store's: once demo values were written (`fansipan demo`), everything
that comes out of that store is marked, whatever else was added to it later, and a store
that never held demo values marks nothing. A demo store is for trying Fansipan; real
figures belong in a store of their own."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.rows import ValueMark
from fansipan.store.tables import ChangeRow

DEMO_SOURCE = "demo"  # the source every demo value is written with
DEMO_MARK = ValueMark(row="minh họa / illustrative",
                      note_vi="Số liệu minh họa, không phải số liệu chính thức",
                      note_en="Illustrative figures, not official statistics")
FILE_SUFFIX = "-minh-hoa"  # before the extension of every file a demo store gives out
RECHECK_SECONDS = 60.0  # a store without demo data is asked again after this long
_LOCK = threading.Lock()
_KNOWN: dict[str, tuple[bool, float]] = {}


def has_demo_data(session: Session) -> bool:
    """Whether demo values were ever written to this store (its change log says so)."""
    with session.begin():
        found = session.scalars(select(ChangeRow.id).where(ChangeRow.source == DEMO_SOURCE)
                                .limit(1))
        return found.first() is not None


def shows_demo_data(*, session: Session) -> bool:
    """True once demo values were ever written (they are never taken out again); asked
    of the store at most once a minute while the answer is no."""
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


def demo_mark(*, session: Session) -> ValueMark | None:
    """The mark for what this store gives out: `DEMO_MARK` for a demo store, else None."""
    return DEMO_MARK if shows_demo_data(session=session) else None


def marked_name(stem: str, mark: ValueMark | None) -> str:
    """A file name stem, with `FILE_SUFFIX` when its content is marked."""
    return f"{stem}{FILE_SUFFIX}" if mark is not None else stem
