"""Many dossier rows at once: one prepared INSERT run for a whole batch.

The ORM (and Core's many-values INSERT) spends most of a large import converting each
row's parameters; here a batch goes to the driver's own `executemany`, with dates and
moments as the store keeps them (SQLite: UTC text; PostgreSQL: the driver's own types).
No business rules live here: the import service decides what to write.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from fansipan.store.citizens_tables import DossierRow

_COLUMNS = [c.name for c in DossierRow.__table__.columns if c.name != "id"]


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def insert_dossiers(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert new dossier rows (every column but `id`) in one driver call."""
    if not rows:
        return
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    marks = ", ".join("?" if sqlite else "%s" for _ in _COLUMNS)
    sql = f"INSERT INTO dossiers ({', '.join(_COLUMNS)}) VALUES ({marks})"  # noqa: S608
    if sqlite:
        params = [tuple(_sqlite_value(row[c]) for c in _COLUMNS) for row in rows]
    else:
        params = [tuple(row[c] for c in _COLUMNS) for row in rows]
    cursor = connection.connection.cursor()
    try:
        cursor.executemany(sql, params)
    finally:
        cursor.close()
