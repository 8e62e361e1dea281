"""The export query: stored values with their codes, filtered, as plain rows in one pass.

Rows come straight from the driver's cursor (tuples, no objects per row), already in
the shape writers need: numbers that are whole are given as whole numbers, times as
ISO 8601 text in UTC. That is what lets a CSV export run at the speed of the driver.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from fansipan.domain.rows import EXPORT_COLUMNS

COLUMNS = EXPORT_COLUMNS  # every export row, in this order
FETCH = 20_000


@dataclass(frozen=True)
class Filters:
    indicator_ids: Sequence[int] | None = None  # None: every indicator
    unit_ids: Sequence[int] | None = None
    periods: Sequence[str] = ()
    start: date | None = None
    end: date | None = None
    updated_since: datetime | None = None
    changed_after: int | None = None
    include_deleted: bool = False
    limit: int | None = None


def _sql(pg: bool, f: Filters) -> tuple[str, dict[str, Any]]:
    if pg:
        value = "dv.value"  # made whole in Python below: PostgreSQL has no mixed column
        stamp = ("to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        deleted = "dv.deleted"
    else:
        value = ("CASE WHEN dv.value = CAST(dv.value AS INTEGER) AND abs(dv.value) < 1e15 "
                 "THEN CAST(dv.value AS INTEGER) ELSE dv.value END")
        # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC: made ISO 8601 by two cheap
        # string functions rather than a date function per row.
        stamp = "replace({}, ' ', 'T') || 'Z'"
        deleted = "dv.deleted = 1"
    sql = (f"SELECT i.code, u.code, dv.period, {value}, dv.comment, dv.stored_by, "
           f"{stamp.format('dv.updated_at')}, {deleted}, i.uid, u.uid, "
           f"{stamp.format('dv.created_at')}, dv.change_id, dv.status "
           "FROM data_values dv JOIN indicators i ON i.id = dv.indicator_id "
           "JOIN units u ON u.id = dv.unit_id WHERE 1 = 1")
    params: dict[str, Any] = {}

    def bind(name: str, value: object) -> str:
        params[name] = value
        return f"%({name})s" if pg else f":{name}"

    sql += where(f, pg, bind) + " ORDER BY dv.id"
    if f.limit is not None:
        sql += f" LIMIT {int(f.limit)}"
    return sql, params


def where(f: Filters, pg: bool, bind: Callable[[str, object], str]) -> str:
    """The filters as ` AND …` conditions on `dv` (`data_values`), every value bound
    through `bind(name, value)`, which returns its placeholder. The one place the export's
    filters become SQL, for the row-by-row query above and the columnar one
    (`store.export_arrow`)."""
    sql = ""

    def among(column: str, name: str, values: Sequence[object], kind: str) -> str:
        if pg:
            return f" AND {column} = ANY(CAST({bind(name, list(values))} AS {kind}[]))"
        marks = ", ".join(bind(f"{name}{n}", v) for n, v in enumerate(values))
        return f" AND {column} IN ({marks})"

    if f.indicator_ids is not None:
        sql += among("dv.indicator_id", "ind", f.indicator_ids, "integer")
    if f.unit_ids is not None:
        sql += among("dv.unit_id", "unit", f.unit_ids, "integer")
    if f.periods:
        sql += among("dv.period", "per", f.periods, "text")
    for column, name, given in (("dv.period_start >=", "start", f.start),
                                ("dv.period_end <=", "end", f.end),
                                ("dv.updated_at >=", "since", f.updated_since),
                                ("dv.change_id >", "after", f.changed_after)):
        if given is not None:
            sql += f" AND {column} {bind(name, _bindable(given, pg))}"
    if not f.include_deleted:
        sql += " AND dv.deleted = false" if pg else " AND dv.deleted = 0"
    return sql


def _bindable(value: object, pg: bool) -> object:
    if pg or not isinstance(value, date):
        return value
    if isinstance(value, datetime):
        # As SQLAlchemy stores times in SQLite: UTC, space-separated, microseconds.
        from datetime import UTC

        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


def _whole(row: Sequence[Any]) -> tuple[Any, ...]:
    value = row[3]
    if value is not None and value.is_integer() and abs(value) < 1e15:
        return (*row[:3], int(value), *row[4:])
    return tuple(row)


def export_cursor(session: Session, filters: Filters) -> Iterator[Sequence[Any]]:
    """Batches of export rows, read through the driver's own cursor.

    On PostgreSQL a named (server-side) cursor keeps memory flat for any size.
    """
    connection = session.connection()
    pg = connection.dialect.name == "postgresql"
    sql, params = _sql(pg, filters)
    raw = connection.connection.dbapi_connection
    if raw is None:
        raise RuntimeError("the connection is closed")
    cursor = raw.cursor(name="fansipan_export") if pg else raw.cursor()
    try:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(FETCH):
            yield [_whole(row) for row in batch] if pg else batch
    finally:
        cursor.close()
