"""Change numbers: one sequence for every write, handed out in commit order."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fansipan.store.tables import ChangeLockRow, ChangeRow


def hold_change_lock(session: Session) -> None:
    """Take the change lock without reserving a number (a write that may reserve later)."""
    session.execute(update(ChangeLockRow).where(ChangeLockRow.id == 1)
                    .values(last_change=ChangeLockRow.last_change))


def reserve_changes(session: Session, count: int) -> int:
    """Reserve `count` change numbers and return the first.

    The UPDATE takes the row lock of `change_lock` (PostgreSQL) or the database
    write lock (SQLite) and holds it until commit, so no other writer can commit a
    smaller number after a reader has seen a larger one. Call it first in a write
    transaction, before reads, so SQLite never has to upgrade a stale read snapshot.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    last = session.execute(
        update(ChangeLockRow)
        .where(ChangeLockRow.id == 1)
        .values(last_change=ChangeLockRow.last_change + count)
        .returning(ChangeLockRow.last_change)
    ).scalar_one()
    return int(last) - count + 1


def last_change(session: Session) -> int:
    """The highest committed change number (0 for an empty store)."""
    return int(session.execute(select(func.coalesce(func.max(ChangeRow.id), 0))).scalar_one())
