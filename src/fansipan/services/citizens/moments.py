"""Moments in and out of the store: stored in UTC, read back with their zone.

SQLite keeps a date-time as text without a zone, so every moment is turned to UTC before
it is written or compared in a query, and a moment read back without a zone is UTC.
PostgreSQL keeps the zone itself; the same code is right on both.
"""

from __future__ import annotations

from datetime import UTC, datetime


def stored(moment: datetime) -> datetime:
    """`moment` (aware) in UTC, as written to the store and bound in queries."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a moment without a zone cannot be stored: {moment.isoformat()}")
    return moment.astimezone(UTC)


def loaded(moment: datetime) -> datetime:
    """A moment read from the store, with its zone (UTC when the store dropped it)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def maybe(moment: datetime | None) -> datetime | None:
    return None if moment is None else loaded(moment)


def now() -> datetime:
    return datetime.now(UTC)
