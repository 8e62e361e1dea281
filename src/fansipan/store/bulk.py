"""Set-based statements for writing many data values at once, on SQLite and PostgreSQL.

A batch travels to the database as one JSON text per statement and is unpacked there
(`json_each` on SQLite, `json_array_elements` on PostgreSQL), so tens of thousands of
rows cost one statement, one bound parameter and the database's own C loop instead of
a Python round trip per row. No business rules live here: the write service decides
what to write; these only move rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.orm import Session

Key = tuple[int, int, str]

# Below this many rows, the key-by-key look-up is cheap whatever the data's shape.
_CUBE_SLACK = 1000


class Stored(NamedTuple):
    id: int
    value: float | None
    comment: str | None
    deleted: bool
    change_id: int
    estimate: bool = False  # the stored figure is an estimate (ước thực hiện)


def _pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _dumps(rows: object) -> str:
    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


SQLITE_CACHE_KIB = 64 * 1024


def prepare_connection(session: Session) -> None:
    """A larger page cache for SQLite writers: the indexes of a big table then stay in
    memory while a batch is written (the default is 2 MiB)."""
    if not _pg(session):
        session.execute(text(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))


_SELECT = ("SELECT dv.id, dv.indicator_id, dv.unit_id, dv.period, dv.value, dv.comment, "
           "dv.deleted, dv.change_id, dv.status ")
_ESTIMATE = "estimate"


def find_existing(session: Session, keys: Sequence[Key]) -> dict[Key, Stored]:
    """The stored rows (live or deleted) of these keys."""
    if not keys:
        return {}
    inds = sorted({k[0] for k in keys})
    units = sorted({k[1] for k in keys})
    periods = sorted({k[2] for k in keys})
    pg = _pg(session)
    if len(inds) * len(units) * len(periods) <= 2 * len(keys) + _CUBE_SLACK:
        # Imports are mostly whole cubes (indicators × units × periods): ask for the cube
        # through the unique index and drop the few extra rows here.
        if pg:
            sql = (_SELECT + "FROM data_values dv WHERE dv.indicator_id = ANY(CAST(:i AS "
                   "integer[])) AND dv.unit_id = ANY(CAST(:u AS integer[])) AND dv.period = "
                   "ANY(CAST(:p AS text[]))")
            params: dict[str, object] = {"i": inds, "u": units, "p": periods}
        else:
            sql = (_SELECT + "FROM data_values dv WHERE dv.indicator_id IN (SELECT value FROM "
                   "json_each(:i)) AND dv.unit_id IN (SELECT value FROM json_each(:u)) AND "
                   "dv.period IN (SELECT value FROM json_each(:p))")
            params = {"i": _dumps(inds), "u": _dumps(units), "p": _dumps(periods)}
        wanted = set(keys)
        out: dict[Key, Stored] = {}
        for row in session.execute(text(sql), params):
            key = (row[1], row[2], row[3])
            if key in wanted:
                out[key] = Stored(row[0], row[4], row[5], bool(row[6]), row[7],
                                  row[8] == _ESTIMATE)
        return out
    if pg:
        sql = (_SELECT + "FROM unnest(CAST(:i AS integer[]), CAST(:u AS integer[]), "
               "CAST(:p AS text[])) AS k(i, u, p) JOIN data_values dv ON dv.indicator_id = "
               "k.i AND dv.unit_id = k.u AND dv.period = k.p")
        params = {"i": [k[0] for k in keys], "u": [k[1] for k in keys],
                  "p": [k[2] for k in keys]}
    else:
        # CROSS JOIN keeps the keys as the outer loop: one index probe per key.
        sql = (_SELECT + "FROM json_each(:k) AS k CROSS JOIN data_values AS dv ON "
               "dv.indicator_id = k.value->>0 AND dv.unit_id = k.value->>1 AND "
               "dv.period = k.value->>2")
        params = {"k": _dumps(keys)}
    return {(r[1], r[2], r[3]): Stored(r[0], r[4], r[5], bool(r[6]), r[7], r[8] == _ESTIMATE)
            for r in session.execute(text(sql), params)}


_NOW = bindparam("now", type_=DateTime(timezone=True))


def insert_values(session: Session, rows: Sequence[Sequence[object]], *, source: str,
                  actor: str, now: datetime) -> list[int]:
    """Insert new values; rows are [indicator id, unit id, period, period type, start,
    end, value, comment, change id] with consecutive change ids. Returns the new rows'
    ids in the order given."""
    if not rows:
        return []
    if _pg(session):
        sql = ("INSERT INTO data_values (indicator_id, unit_id, period, period_type, "
               "period_start, period_end, value, comment, source, stored_by, created_at, "
               "updated_at, deleted, change_id) SELECT (e->>0)::int, (e->>1)::int, e->>2, "
               "e->>3, (e->>4)::date, (e->>5)::date, (e->>6)::float8, e->>7, :source, :actor, "
               ":now, :now, false, (e->>8)::bigint FROM json_array_elements(CAST(:rows AS "
               "json)) AS e RETURNING id, change_id")
        result = session.execute(text(sql).bindparams(_NOW),
                                 {"rows": _dumps(rows), "source": source, "actor": actor,
                                  "now": now})
        first = int(str(rows[0][8]))
        ids = [0] * len(rows)
        for record_id, change_id in result:
            ids[change_id - first] = record_id
        return ids
    return _sqlite_insert(session, rows, source=source, actor=actor, now=now)


# SQLite binds at most 32,766 parameters per statement; 9 per row.
_SQLITE_ROWS = 32_766 // 9
_sqlite_sql: dict[int, str] = {}


def _sqlite_insert(session: Session, rows: Sequence[Sequence[object]], *, source: str,
                   actor: str, now: datetime) -> list[int]:
    """Plain multi-row INSERTs (faster on SQLite than anything returning rows).

    With the write lock held, SQLite gives each inserted row the next rowid after the
    largest one, in insertion order; that is checked below, and the ids are read back
    when it does not hold.
    """
    conn = session.connection()
    stamp = DateTime().dialect_impl(conn.dialect).bind_processor(conn.dialect)
    when = stamp(now) if stamp else now
    top = conn.exec_driver_sql("SELECT max(id) FROM data_values").scalar()
    base = int(top or 0)
    for start in range(0, len(rows), _SQLITE_ROWS):
        part = rows[start:start + _SQLITE_ROWS]
        sql = _sqlite_sql.get(len(part))
        if sql is None:
            sql = _sqlite_sql[len(part)] = (
                "INSERT INTO data_values (indicator_id, unit_id, period, period_type, "
                "period_start, period_end, value, comment, change_id, source, stored_by, "
                "created_at, updated_at, deleted) SELECT column1, column2, column3, column4, "
                "column5, column6, column7, column8, column9, ?, ?, ?, ?, 0 FROM (VALUES "
                + ",".join(["(?,?,?,?,?,?,?,?,?)"] * len(part)) + ")")
        params = [source, actor, when, when]
        for row in part:
            params.extend(row)
        conn.exec_driver_sql(sql, tuple(params))
    first, last = int(str(rows[0][8])), int(str(rows[-1][8]))
    low, high, count = conn.exec_driver_sql(
        "SELECT min(id), max(id), count(*) FROM data_values WHERE change_id BETWEEN ? AND ?",
        (first, last)).one()
    if (low, high, count) == (base + 1, base + len(rows), len(rows)):
        return list(range(base + 1, base + len(rows) + 1))
    found = conn.exec_driver_sql(
        "SELECT id FROM data_values WHERE change_id BETWEEN ? AND ? ORDER BY change_id",
        (first, last)).scalars().all()
    return [int(i) for i in found]


def update_values(session: Session, rows: Sequence[Sequence[object]], *, source: str,
                  actor: str, now: datetime) -> None:
    """Rewrite stored values; rows are [id, value, comment, deleted (0/1), change id]."""
    if not rows:
        return
    if _pg(session):
        sql = ("UPDATE data_values AS dv SET value = (e->>1)::float8, comment = e->>2, "
               "deleted = (e->>3)::int = 1, change_id = (e->>4)::bigint, source = :source, "
               "stored_by = :actor, updated_at = :now FROM json_array_elements(CAST(:rows AS "
               "json)) AS e WHERE dv.id = (e->>0)::bigint")
    else:
        sql = ("UPDATE data_values SET value = j.value->>1, comment = j.value->>2, "
               "deleted = j.value->>3, change_id = j.value->>4, source = :source, "
               "stored_by = :actor, updated_at = :now FROM json_each(:rows) AS j "
               "WHERE data_values.id = j.value->>0")
    session.execute(text(sql).bindparams(_NOW),
                    {"rows": _dumps(rows), "source": source, "actor": actor, "now": now})


def insert_created_changes(session: Session, first: int, last: int, *, source: str,
                           actor: str, now: datetime, batch: str) -> None:
    """The change rows of values just inserted with change ids `first`..`last`."""
    session.execute(
        text("INSERT INTO changes (id, record_kind, record_id, operation, indicator_id, "
             "unit_id, period, old_value, new_value, source, actor, at, batch) "
             "SELECT change_id, 'data_value', id, 'create', indicator_id, unit_id, period, "
             "NULL, value, :source, :actor, :now, :batch FROM data_values "
             "WHERE change_id BETWEEN :first AND :last").bindparams(_NOW),
        {"first": first, "last": last, "source": source, "actor": actor, "now": now,
         "batch": batch})


def insert_changes(session: Session, rows: Sequence[Sequence[object]], *, source: str,
                   actor: str, now: datetime, batch: str) -> None:
    """Change rows [change id, record id, operation, indicator id, unit id, period, old,
    new] for updates and deletes."""
    if not rows:
        return
    if _pg(session):
        sql = ("INSERT INTO changes (id, record_kind, record_id, operation, indicator_id, "
               "unit_id, period, old_value, new_value, source, actor, at, batch) SELECT "
               "(e->>0)::bigint, 'data_value', (e->>1)::bigint, e->>2, (e->>3)::int, "
               "(e->>4)::int, e->>5, (e->>6)::float8, (e->>7)::float8, :source, :actor, :now, "
               ":batch FROM json_array_elements(CAST(:rows AS json)) AS e")
    else:
        sql = ("INSERT INTO changes (id, record_kind, record_id, operation, indicator_id, "
               "unit_id, period, old_value, new_value, source, actor, at, batch) SELECT "
               "value->>0, 'data_value', value->>1, value->>2, value->>3, value->>4, "
               "value->>5, value->>6, value->>7, :source, :actor, :now, :batch "
               "FROM json_each(:rows)")
    session.execute(text(sql).bindparams(_NOW),
                    {"rows": _dumps(rows), "source": source, "actor": actor, "now": now,
                     "batch": batch})


def set_statuses(session: Session, values: Sequence[Sequence[object]],
                 changes: Sequence[Sequence[object]]) -> None:
    """Statuses of values just written: value rows [id, status, estimate value] and change
    rows [change id, old status, new status] (None: official). Only writes that involve an
    estimate call this, so a store without estimates pays nothing for them."""
    if values:
        if _pg(session):
            sql = ("UPDATE data_values AS dv SET status = e->>1, estimate_value = "
                   "(e->>2)::float8 FROM json_array_elements(CAST(:rows AS json)) AS e "
                   "WHERE dv.id = (e->>0)::bigint")
        else:
            sql = ("UPDATE data_values SET status = j.value->>1, estimate_value = j.value->>2 "
                   "FROM json_each(:rows) AS j WHERE data_values.id = j.value->>0")
        session.execute(text(sql), {"rows": _dumps(values)})
    if changes:
        if _pg(session):
            sql = ("UPDATE changes AS c SET old_status = e->>1, new_status = e->>2 FROM "
                   "json_array_elements(CAST(:rows AS json)) AS e WHERE c.id = (e->>0)::bigint")
        else:
            sql = ("UPDATE changes SET old_status = j.value->>1, new_status = j.value->>2 "
                   "FROM json_each(:rows) AS j WHERE changes.id = j.value->>0")
        session.execute(text(sql), {"rows": _dumps(changes)})


# -- keys seen earlier in a long import that were left unchanged ----------------------------
# Created and updated rows carry this import's change numbers, so a repeat of one is
# found in `data_values` itself; an unchanged row leaves no trace there, so its key is
# kept in a temporary table for the rest of the transaction.

_SEEN = "fsp_import_seen"


def remember_unchanged(session: Session, keys: Sequence[tuple[int, int, str, int]]) -> None:
    """Keep (indicator id, unit id, period, row) of unchanged rows for this transaction."""
    if not keys:
        return
    if _pg(session):
        session.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS {_SEEN} (i integer, u integer, "
                             "p text, r bigint, PRIMARY KEY (i, u, p)) ON COMMIT DROP"))
        session.execute(text(f"INSERT INTO {_SEEN} SELECT * FROM unnest(CAST(:i AS integer[]), "
                             "CAST(:u AS integer[]), CAST(:p AS text[]), CAST(:r AS bigint[])) "
                             "ON CONFLICT DO NOTHING"),
                        {"i": [k[0] for k in keys], "u": [k[1] for k in keys],
                         "p": [k[2] for k in keys], "r": [k[3] for k in keys]})
        return
    session.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS {_SEEN} (i INTEGER, u INTEGER, "
                         "p TEXT, r INTEGER, PRIMARY KEY (i, u, p))"))
    session.execute(text(f"INSERT OR IGNORE INTO {_SEEN} SELECT value->>0, value->>1, "
                         "value->>2, value->>3 FROM json_each(:k)"), {"k": _dumps(keys)})


def seen_before(session: Session, keys: Sequence[Key]) -> dict[Key, int]:
    """Of these keys, those remembered as unchanged earlier, with their row numbers."""
    if not keys:
        return {}
    if _pg(session):
        exists = session.execute(text("SELECT to_regclass(:t)"), {"t": f"pg_temp.{_SEEN}"})
        if exists.scalar() is None:
            return {}
        sql = text(f"SELECT s.i, s.u, s.p, s.r FROM unnest(CAST(:i AS integer[]), CAST(:u AS "
                   f"integer[]), CAST(:p AS text[])) AS k(i, u, p) JOIN {_SEEN} s ON "
                   "s.i = k.i AND s.u = k.u AND s.p = k.p")
        params: dict[str, object] = {"i": [k[0] for k in keys], "u": [k[1] for k in keys],
                                     "p": [k[2] for k in keys]}
    else:
        found = session.execute(text("SELECT count(*) FROM temp.sqlite_master WHERE name = :t"),
                                {"t": _SEEN}).scalar()
        if not found:
            return {}
        sql = text(f"SELECT s.i, s.u, s.p, s.r FROM json_each(:k) AS k CROSS JOIN {_SEEN} AS s "
                   "ON s.i = k.value->>0 AND s.u = k.value->>1 AND s.p = k.value->>2")
        params = {"k": _dumps(keys)}
    return {(int(r[0]), int(r[1]), str(r[2])): int(r[3]) for r in session.execute(sql, params)}


def forget_unchanged(session: Session) -> None:
    """Drop the temporary table before commit (PostgreSQL drops it at commit by itself)."""
    if not _pg(session):
        session.execute(text(f"DROP TABLE IF EXISTS temp.{_SEEN}"))

