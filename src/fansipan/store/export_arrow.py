"""The export query of a SQLite store, read as Arrow: the stored columns as they are.

The row-by-row query (`store.export_sql`) asks SQLite to join the codes in, rewrite both
times and test every value for a whole number, row by row, and hands Python a tuple per
row. Here SQLite only reads: `data_values`' own columns, in `id` order, with the same
filters as bound parameters, through its ADBC driver, which fills Arrow batches in C.
The codes come as two small tables (`indicators`, `units`) read in the same transaction,
so every part of an export sees one snapshot of the store. Putting the cells together is
the writer's part (`exchange.csv_columns`).

The driver guesses each column's Arrow type from the first batch it reads, and fails on
a later value of another type (a comment column whose first rows are all empty is taken
for numbers). The query therefore starts with one row of the right types, which is
dropped here: every batch has the types of `TYPES`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fansipan.store.export_sql import Filters, where

# The stored columns an export row is made of, and the Arrow type each is read as.
_FIELDS: list[pa.Field[Any]] = [
    pa.field("indicator_id", pa.int64()), pa.field("unit_id", pa.int64()),
    pa.field("period", pa.string()), pa.field("value", pa.float64()),
    pa.field("comment", pa.string()), pa.field("stored_by", pa.string()),
    pa.field("updated_at", pa.string()), pa.field("deleted", pa.int64()),
    pa.field("created_at", pa.string()), pa.field("change_id", pa.int64()),
    pa.field("status", pa.string())]
TYPES = pa.schema(_FIELDS)
_CODE_FIELDS: list[pa.Field[Any]] = [pa.field("id", pa.int64()), pa.field("code", pa.string()),
                                     pa.field("uid", pa.string())]
_CODES = pa.schema(_CODE_FIELDS)


def no_codes() -> pa.Table:
    """The codes table of an export with nothing in scope."""
    return _CODES.empty_table()
# One row of those types, which sorts first (`id` NULL): the driver reads its types from it.
_TYPED = ("SELECT NULL AS id, 0 AS indicator_id, 0 AS unit_id, '' AS period, 0.5 AS value, "
          "'' AS comment, '' AS stored_by, '' AS updated_at, 0 AS deleted, '' AS created_at, "
          "0 AS change_id, '' AS status")
# The times are cast to text in SQL: a time stored as a number (which a DATETIME column
# could hold) then reads as SQLite writes it, as in the row-by-row query, rather than in
# the driver's own notation for numbers.
_STORED = ("SELECT dv.id, dv.indicator_id, dv.unit_id, dv.period, dv.value, dv.comment, "
           "dv.stored_by, CAST(dv.updated_at AS TEXT), dv.deleted, "
           "CAST(dv.created_at AS TEXT), dv.change_id, dv.status FROM data_values dv "
           "WHERE 1 = 1")
BATCH_ROWS = 65_536
# Ids up to this are looked up in a dense array, one entry per id; above it, by hashing.
_DENSE_IDS = 4_000_000


@dataclass(frozen=True)
class StoredRows:
    """What an export holds, as the store keeps it.

    `indicators` and `units` have `id`, `code` and `uid`; every batch of `batches` has the
    columns of `TYPES` plus `indicator_at` and `unit_at`, the row's places in those two
    tables. Rows whose indicator or unit is missing are left out, as the row-by-row query's
    joins leave them out, and `Filters.limit` counts the rows that remain.
    """

    indicators: pa.Table
    units: pa.Table
    batches: Iterator[pa.RecordBatch]


def sqlite_file(session: Session) -> Path | None:
    """The file of the session's store, when it is SQLite on disk (not in memory)."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database)
    return path if path.is_file() else None


def stored_sql(filters: Filters) -> tuple[str, list[object]]:
    """The columnar query and its parameters (in order, for `?`)."""
    params: list[object] = []

    def bind(_name: str, value: object) -> str:
        params.append(value)
        return "?"

    sql = f"{_TYPED} UNION ALL {_STORED}{where(filters, False, bind)} ORDER BY 1"
    return sql, params


@contextmanager
def stored_rows(path: Path, filters: Filters) -> Iterator[StoredRows]:
    """The rows of an export of the SQLite store at `path`, read in one read transaction
    of a connection of its own (read-only); the transaction ends when the block does."""
    import adbc_driver_sqlite.dbapi

    uri = f"{path.resolve().as_uri()}?mode=ro"
    with closing(adbc_driver_sqlite.dbapi.connect(uri)) as connection:
        # Not in autocommit: the driver has begun a transaction, so the code tables and the
        # values are read from one snapshot (the store is in WAL mode).
        indicators = _table(connection, "SELECT id, code, uid FROM indicators")
        units = _table(connection, "SELECT id, code, uid FROM units")
        cursor = connection.cursor()
        try:
            cursor.adbc_statement.set_options(
                **{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
            sql, params = stored_sql(filters)
            cursor.execute(sql, params or None)
            reader = cursor.fetch_record_batch()
            batches = _batches(reader, indicators, units, filters.limit)
            try:
                yield StoredRows(indicators, units, batches)
            finally:
                # The stream first, then its statement: a stream read after its statement
                # is gone reads freed memory. (Whoever reads the batches on another thread
                # must have stopped by now.)
                batches.close()
                reader.close()
        finally:
            cursor.close()
            connection.rollback()


def _table(connection: Any, sql: str) -> pa.Table:
    with closing(connection.cursor()) as cursor:
        cursor.execute(sql)
        table: pa.Table = cursor.fetch_arrow_table()
    return table.cast(_CODES)


def _batches(reader: pa.RecordBatchReader, indicators: pa.Table, units: pa.Table,
             limit: int | None) -> Generator[pa.RecordBatch]:
    find_indicator, find_unit = _places(indicators["id"]), _places(units["id"])
    left = limit
    first = True
    for raw in reader:
        batch = raw.slice(1) if first else raw  # the row of types
        first = False
        if batch.schema.types[1:] != TYPES.types:
            raise TypeError(f"the export read unexpected column types: {batch.schema}")
        indicator_at, unit_at = find_indicator(batch["indicator_id"]), find_unit(batch["unit_id"])
        columns = [batch.column(n) for n in range(1, batch.num_columns)]
        batch = pa.RecordBatch.from_arrays([*columns, indicator_at, unit_at],
                                           names=[*TYPES.names, "indicator_at", "unit_at"])
        if indicator_at.null_count or unit_at.null_count:
            known = pc.and_(indicator_at.is_valid(), unit_at.is_valid())
            batch = batch.filter(known)
        if left is not None:
            batch = batch.slice(0, left)
            left -= batch.num_rows
        if batch.num_rows:
            yield batch
        if left is not None and left <= 0:
            return


Places: TypeAlias = "Callable[[pa.Array[Any]], pa.Array[Any]]"


def _places(ids: pa.ChunkedArray[Any]) -> Places:
    """A function from an array of ids to their places in `ids` (null where absent)."""
    value_set = ids.combine_chunks()

    def among(column: pa.Array[Any]) -> pa.Array[Any]:
        found: pa.Array[Any] = pc.index_in(column, value_set=value_set).cast(pa.int32())
        return found

    known = ids.to_numpy()
    if not len(known) or known.min() < 0 or known.max() > _DENSE_IDS:
        return among
    dense = np.full(int(known.max()) + 2, -1, dtype=np.int32)
    dense[known] = np.arange(len(known), dtype=np.int32)
    top = len(dense) - 1  # ids below 0 or past the largest land here, on -1

    def at(column: pa.Array[Any]) -> pa.Array[Any]:
        if column.null_count:
            return among(column)
        found = dense[np.clip(column.to_numpy(), -1, top)]
        places: pa.Array[Any] = pa.array(found, mask=found < 0)
        return places

    return at
