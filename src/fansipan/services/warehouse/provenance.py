"""Where a store's values came from: whether it holds the illustrative demo data, so
every page, download and command can mark it "minh họa / illustrative" (and nothing
else is marked).

The mark is the store's: once demo values were written (`fansipan demo`), everything
that comes out of that store is marked, whatever else was added to it later, and a store
that never held demo values marks nothing. A demo store is for trying Fansipan; real
figures belong in a store of their own."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.rows import ValueMark
from fansipan.store.tables import ChangeRow

DEMO_SOURCE = "demo"  # the source every demo value is written with
DEMO_MARK = ValueMark(row="minh họa / illustrative",
                      note_vi="Số liệu minh họa, không phải số liệu chính thức",
                      note_en="Illustrative figures, not official statistics")
FILE_SUFFIX = "-minh-hoa"  # before the extension of every file a demo store gives out
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


def demo_mark(*, session: Session) -> ValueMark | None:
    """The mark for what this store gives out: `DEMO_MARK` for a demo store, else None."""
    return DEMO_MARK if shows_demo_data(session=session) else None


def marked_name(stem: str, mark: ValueMark | None) -> str:
    """A file name stem, with `FILE_SUFFIX` when its content is marked."""
    return f"{stem}{FILE_SUFFIX}" if mark is not None else stem
