"""The stage of a large write: checked rows kept apart from the store until they are
applied, all at once, in one short transaction (see `services.warehouse.staging`).

The stage is a set of temporary tables of the writer's own connection. On SQLite they
live in the connection's temporary database, a file SQLite deletes by itself (even when
the process is killed), so filling them takes no lock on the store and other writers go
on meanwhile; on PostgreSQL they are the session's temporary tables. No business rules
live here: the write service decides what each row does; these statements only move
rows.

- `fsp_stage` (indicator, unit, period) → the file's row, value, comment, what the row
  does (`domain.rows.WriteOp`), whether it is an estimate (ước thực hiện), and the
  part of its audit digest line that the file decides (`store.audit.created_line_part`,
  made while the row is in hand, so the digest of a created value is never read back
  from `changes`); its key finds a row repeated anywhere in the file;
- `fsp_stored` the same keys → what the store held when the row was checked (id, value,
  comment, deleted, whether it is an estimate), for the rows that had a stored value;
- `fsp_periods` period → type, first and last day;
- `fsp_new`, made when the stage is applied: the rows that create a value, numbered in
  the order their values are inserted and their changes numbered.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from datetime import date, datetime
from itertools import chain
from typing import Any

from sqlalchemy import Connection, DateTime, bindparam, text

from fansipan.store.audit import created_line

Key = tuple[int, int, str]
# i, u, p, r, v, c, op, e (an estimate), dl (its digest line's part, if it creates)
StageRow = tuple[int, int, str, int, float | None, str | None, str, bool, str]
# i, u, p, id, value, comment, deleted, estimate
StoredRow = tuple[int, int, str, int, float | None, str | None, bool, bool]

_NOW = bindparam("now", type_=DateTime(timezone=True))
_SQLITE_VARS = 32_766  # bound parameters one SQLite statement may hold
_WRITES = "('c', 'u', 'd')"


def _pg(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def create(conn: Connection) -> None:
    """Make the (empty) stage on this connection."""
    drop(conn)
    if _pg(conn):
        conn.exec_driver_sql(
            "CREATE TEMP TABLE fsp_stage (i integer NOT NULL, u integer NOT NULL, p text NOT "
            "NULL, r bigint NOT NULL, v float8, c text, op char(1) NOT NULL, "
            "e boolean NOT NULL, dl text NOT NULL, PRIMARY KEY (i, u, p))")
        conn.exec_driver_sql(
            "CREATE TEMP TABLE fsp_stored (i integer NOT NULL, u integer NOT NULL, p text NOT "
            "NULL, did bigint NOT NULL, dval float8, dcom text, ddel boolean NOT NULL, "
            "dest boolean NOT NULL, PRIMARY KEY (i, u, p))")
        conn.exec_driver_sql(
            "CREATE TEMP TABLE fsp_periods (p text PRIMARY KEY, t text, s date, e date)")
        return
    # The temporary database gets a page cache of its own, as the store's writers have.
    conn.exec_driver_sql("PRAGMA temp.cache_size = -65536")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE fsp_stage (i INTEGER NOT NULL, u INTEGER NOT NULL, p TEXT NOT NULL, "
        "r INTEGER NOT NULL, v REAL, c TEXT, op TEXT NOT NULL, e INTEGER NOT NULL, "
        "dl TEXT NOT NULL, PRIMARY KEY (i, u, p)) WITHOUT ROWID")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE fsp_stored (i INTEGER NOT NULL, u INTEGER NOT NULL, p TEXT NOT "
        "NULL, did INTEGER NOT NULL, dval REAL, dcom TEXT, ddel INTEGER NOT NULL, "
        "dest INTEGER NOT NULL, PRIMARY KEY (i, u, p)) WITHOUT ROWID")
    conn.exec_driver_sql(
        "CREATE TEMP TABLE fsp_periods (p TEXT PRIMARY KEY, t TEXT, s TEXT, e TEXT)")


def drop(conn: Connection) -> None:
    for table in ("fsp_stage", "fsp_stored", "fsp_periods", "fsp_order", "fsp_refresh",
                  "fsp_new"):
        conn.exec_driver_sql(f"DROP TABLE IF EXISTS {'' if _pg(conn) else 'temp.'}{table}")


def add_periods(conn: Connection, periods: Sequence[tuple[str, str, date, date]]) -> None:
    """Periods (id, type, start, end) the stage's rows name; repeats are ignored."""
    if not periods:
        return
    if _pg(conn):
        conn.execute(text("INSERT INTO fsp_periods VALUES (:p, :t, :s, :e) "
                          "ON CONFLICT DO NOTHING"),
                     [{"p": p, "t": t, "s": s, "e": e} for p, t, s, e in periods])
        return
    conn.exec_driver_sql("INSERT OR IGNORE INTO fsp_periods VALUES (?, ?, ?, ?)",
                         [(p, t, s.isoformat(), e.isoformat()) for p, t, s, e in periods])


def _values_insert(conn: Connection, verb: str, table: str, width: int,
                   rows: Sequence[Sequence[object]], tail: str = "") -> int:
    """Multi-row VALUES inserts on SQLite (the cheapest way in); returns rows inserted."""
    per = _SQLITE_VARS // width
    done = 0
    one = "(" + ",".join("?" * width) + ")"
    for start in range(0, len(rows), per):
        part = rows[start:start + per]
        sql = f"{verb} INTO {table} VALUES " + ",".join([one] * len(part)) + tail
        done += conn.exec_driver_sql(sql, tuple(chain.from_iterable(part))).rowcount
    return done


def add_rows(conn: Connection, rows: Sequence[StageRow]) -> int:
    """Stage rows (i, u, p, r, v, c, op, e, dl); a key staged before is left as it was.
    Returns how many were staged (fewer than given when some repeat an earlier key)."""
    if not rows:
        return 0
    if _pg(conn):
        result = conn.execute(text(
            "INSERT INTO fsp_stage SELECT * FROM unnest(CAST(:i AS integer[]), CAST(:u AS "
            "integer[]), CAST(:p AS text[]), CAST(:r AS bigint[]), CAST(:v AS float8[]), "
            "CAST(:c AS text[]), CAST(:op AS text[]), CAST(:e AS boolean[]), "
            "CAST(:dl AS text[])) ON CONFLICT DO NOTHING"),
            {name: [row[n] for row in rows] for n, name in enumerate("iuprvc")} |
            {"op": [row[6] for row in rows], "e": [row[7] for row in rows],
             "dl": [row[8] for row in rows]})
        return int(result.rowcount)
    # SQLite binds a bool as the integer 0 or 1, as the column holds it.
    return _values_insert(conn, "INSERT OR IGNORE", "fsp_stage", 9, rows)


def add_stored(conn: Connection, rows: Sequence[StoredRow]) -> None:
    """What the store holds for staged keys (i, u, p, id, value, comment, deleted,
    estimate)."""
    if not rows:
        return
    if _pg(conn):
        conn.execute(text(
            "INSERT INTO fsp_stored SELECT * FROM unnest(CAST(:i AS integer[]), CAST(:u AS "
            "integer[]), CAST(:p AS text[]), CAST(:d AS bigint[]), CAST(:v AS float8[]), "
            "CAST(:c AS text[]), CAST(:x AS boolean[]), CAST(:e AS boolean[])) ON CONFLICT "
            "(i, u, p) DO UPDATE SET did = excluded.did, dval = excluded.dval, "
            "dcom = excluded.dcom, ddel = excluded.ddel, dest = excluded.dest"),
            {name: [row[n] for row in rows] for n, name in enumerate("iupdvcxe")})
        return
    _values_insert(conn, "INSERT OR REPLACE", "fsp_stored", 8,
                   [(*row[:6], 1 if row[6] else 0, 1 if row[7] else 0) for row in rows])


def staged_rows(conn: Connection, keys: Sequence[Key]) -> dict[Key, int]:
    """The file rows already staged under these keys."""
    if not keys:
        return {}
    if _pg(conn):
        found = conn.execute(text(
            "SELECT s.i, s.u, s.p, s.r FROM unnest(CAST(:i AS integer[]), CAST(:u AS "
            "integer[]), CAST(:p AS text[])) AS k(i, u, p) JOIN fsp_stage s ON s.i = k.i AND "
            "s.u = k.u AND s.p = k.p"),
            {"i": [k[0] for k in keys], "u": [k[1] for k in keys], "p": [k[2] for k in keys]})
    else:
        found = conn.execute(text(
            "SELECT s.i, s.u, s.p, s.r FROM json_each(:k) AS k CROSS JOIN fsp_stage AS s ON "
            "s.i = k.value->>0 AND s.u = k.value->>1 AND s.p = k.value->>2"),
            {"k": _json(keys)})
    return {(int(i), int(u), str(p)): int(r) for i, u, p, r in found}


def _json(rows: object) -> str:
    import json

    return json.dumps(rows, separators=(",", ":"), ensure_ascii=False)


def counts(conn: Connection) -> dict[str, int]:
    """How many staged rows do what, by `WriteOp` letter."""
    return {str(op).strip(): int(n) for op, n in
            conn.exec_driver_sql("SELECT op, count(*) FROM fsp_stage GROUP BY op")}


def refused(conn: Connection, ops: str, limit: int) -> list[tuple[int, str, str]]:
    """The first refused rows (file row, period, op letter), in file order."""
    letters = ", ".join(f"'{op}'" for op in ops)
    return [(int(r), str(p), str(op).strip()) for r, p, op in conn.exec_driver_sql(
        f"SELECT r, p, op FROM fsp_stage WHERE op IN ({letters}) ORDER BY r LIMIT {int(limit)}")]


def changed_since(conn: Connection, after: int) -> int:
    """Collect the staged rows whose key was written after change `after` (by others, while
    the rows were being checked), with what the store holds now; returns how many."""
    deleted = "dv.deleted" if _pg(conn) else "coalesce(dv.deleted, 0)"
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {'' if _pg(conn) else 'temp.'}fsp_refresh")
    conn.execute(text(
        "CREATE TEMP TABLE fsp_refresh AS SELECT s.i, s.u, s.p, s.v, s.c, s.op, s.e, "
        "dv.id AS did, "
        f"dv.value AS dval, dv.comment AS dcom, {deleted} AS ddel, "
        "CASE WHEN dv.status = 'estimate' THEN 1 ELSE 0 END AS dest FROM fsp_stage s "
        "JOIN (SELECT DISTINCT indicator_id AS i, unit_id AS u, period AS p FROM changes "
        "WHERE id > :after AND record_kind = 'data_value') ch ON ch.i = s.i AND ch.u = s.u "
        "AND ch.p = s.p LEFT JOIN data_values dv ON dv.indicator_id = s.i AND "
        "dv.unit_id = s.u AND dv.period = s.p"), {"after": after})
    return int(conn.exec_driver_sql("SELECT count(*) FROM fsp_refresh").scalar_one())


def refreshed(conn: Connection, batch: int) -> Iterator[list[Any]]:
    """The rows `changed_since` collected, in batches, in key order."""
    last: tuple[int, int, str] = (-1, -1, "")
    while True:
        rows = conn.execute(text(
            "SELECT i, u, p, v, c, op, e, did, dval, dcom, ddel, dest FROM fsp_refresh "
            "WHERE (i, u, p) > (:i, :u, :p) ORDER BY i, u, p LIMIT :n"),
            {"i": last[0], "u": last[1], "p": last[2], "n": batch}).all()
        if not rows:
            return
        yield [tuple(r) for r in rows]
        last = (int(rows[-1][0]), int(rows[-1][1]), str(rows[-1][2]))


def set_ops(conn: Connection, changes: Sequence[tuple[str, int, int, str]]) -> None:
    """New ops (op, i, u, p) for staged rows."""
    if changes:
        placeholder = "%s" if _pg(conn) else "?"
        conn.exec_driver_sql(
            f"UPDATE fsp_stage SET op = {placeholder} WHERE i = {placeholder} AND "
            f"u = {placeholder} AND p = {placeholder}", list(changes))


def writing_rows(conn: Connection, batch: int) -> Iterator[list[tuple[int, int, str, int,
                                                                      date, date]]]:
    """Staged rows that write (i, u, p, file row, period start, end), in key order."""
    last: tuple[int, int, str] = (-1, -1, "")
    while True:
        rows = conn.execute(text(
            "SELECT s.i, s.u, s.p, s.r, pr.s, pr.e FROM fsp_stage s JOIN fsp_periods pr ON "
            f"pr.p = s.p WHERE s.op IN {_WRITES} AND (s.i, s.u, s.p) > (:i, :u, :p) "
            "ORDER BY s.i, s.u, s.p LIMIT :n"),
            {"i": last[0], "u": last[1], "p": last[2], "n": batch}).all()
        if not rows:
            return
        yield [(int(i), int(u), str(p), int(r), _day(s), _day(e)) for i, u, p, r, s, e in rows]
        last = (int(rows[-1][0]), int(rows[-1][1]), str(rows[-1][2]))


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _number_creates(conn: Connection) -> int:
    """`fsp_new`: the staged rows that create a value, numbered 1, 2, … in key order (the
    order they are inserted and their changes numbered in); returns how many."""
    pg = _pg(conn)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {'' if pg else 'temp.'}fsp_new")
    if pg:
        conn.exec_driver_sql(
            "CREATE TEMP TABLE fsp_new AS SELECT row_number() OVER (ORDER BY i, u, p) AS n, "
            "i, u, p, v, c, e, dl FROM fsp_stage WHERE op = 'c'")
    else:
        # Each row inserted into an empty rowid table takes the next rowid, in the order
        # given: numbered so, not by a window function, which took half as long again.
        conn.exec_driver_sql(
            "CREATE TEMP TABLE fsp_new (n INTEGER PRIMARY KEY, i INTEGER, u INTEGER, p TEXT, "
            "v REAL, c TEXT, e INTEGER, dl TEXT)")
        conn.exec_driver_sql(
            "INSERT INTO fsp_new (i, u, p, v, c, e, dl) SELECT i, u, p, v, c, e, dl "
            "FROM fsp_stage WHERE op = 'c' ORDER BY i, u, p")
    count, low, high = conn.exec_driver_sql(
        "SELECT count(*), min(n), max(n) FROM fsp_new").one()
    if count and (low, high) != (1, count):
        raise RuntimeError(f"the new values were numbered {low}..{high}, not 1..{count}")
    return int(count)


def apply_creates(conn: Connection, first: int, *, source: str, actor: str,
                  now: datetime) -> int:
    """Insert the staged new values in key order, numbered `first`, `first`+1, …, each an
    estimate or an official figure as its row says."""
    if not _number_creates(conn):
        return 0
    deleted = "false" if _pg(conn) else "0"
    result = conn.execute(text(
        "INSERT INTO data_values (indicator_id, unit_id, period, period_type, period_start, "
        "period_end, value, comment, source, stored_by, created_at, updated_at, deleted, "
        "change_id, status) SELECT s.i, s.u, s.p, pr.t, pr.s, pr.e, s.v, s.c, :source, "
        f":actor, :now, :now, {deleted}, :first - 1 + s.n, "
        "CASE WHEN s.e THEN 'estimate' ELSE 'official' END "
        "FROM fsp_new s JOIN fsp_periods pr ON pr.p = s.p ORDER BY s.n").bindparams(_NOW),
        {"first": first, "source": source, "actor": actor, "now": now})
    return int(result.rowcount)


def mark_created_estimates(conn: Connection, first: int, last: int) -> None:
    """The change rows of estimates just created (`first`..`last`) say they are."""
    conn.execute(text(
        "UPDATE changes SET new_status = 'estimate' WHERE id BETWEEN :a AND :b AND id IN "
        "(SELECT change_id FROM data_values WHERE change_id BETWEEN :a AND :b AND "
        "status = 'estimate')"), {"a": first, "b": last})


def apply_rewrites(conn: Connection, first: int, *, source: str, actor: str, now: datetime,
                   batch: str) -> int:
    """Update or soft-delete the stored values of staged rows (numbered `first`, … in file
    order) and log their changes; returns how many."""
    pg = _pg(conn)
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {'' if pg else 'temp.'}fsp_order")
    conn.execute(text(
        "CREATE TEMP TABLE fsp_order AS SELECT s.i, s.u, s.p, s.v, s.c, s.op, s.e, d.did, "
        "d.dval, d.dcom, d.ddel, d.dest, :first - 1 + row_number() OVER (ORDER BY s.r) AS n "
        "FROM fsp_stage s "
        "JOIN fsp_stored d ON d.i = s.i AND d.u = s.u AND d.p = s.p "
        "WHERE s.op IN ('u', 'd')"), {"first": first})
    target = "dv" if pg else "data_values"
    done = conn.execute(text(
        f"UPDATE data_values {'AS dv ' if pg else ''}SET "
        f"value = CASE WHEN o.op = 'd' THEN {target}.value ELSE o.v END, "
        f"comment = CASE WHEN o.op = 'd' THEN {target}.comment ELSE o.c END, "
        "deleted = (o.op = 'd'), change_id = o.n, source = :source, stored_by = :actor, "
        # An official figure replacing an estimate keeps the estimate beside it; a new
        # estimate keeps none (a deleted value keeps the status it had).
        "status = CASE WHEN o.op = 'u' AND o.e THEN 'estimate' WHEN o.op = 'u' THEN "
        f"'official' ELSE {target}.status END, estimate_value = CASE WHEN o.op = 'u' AND o.e "
        "THEN NULL WHEN o.op = 'u' AND o.dest THEN "
        f"(CASE WHEN o.ddel THEN NULL ELSE o.dval END) ELSE {target}.estimate_value END, "
        f"updated_at = :now FROM fsp_order o WHERE {target}.id = o.did").bindparams(_NOW),
        {"source": source, "actor": actor, "now": now}).rowcount
    conn.execute(text(
        "INSERT INTO changes (id, record_kind, record_id, operation, indicator_id, unit_id, "
        "period, old_value, new_value, source, actor, at, batch, old_status, new_status) "
        "SELECT o.n, 'data_value', "
        "o.did, CASE WHEN o.op = 'd' THEN 'delete' ELSE 'update' END, o.i, o.u, o.p, "
        "CASE WHEN o.op = 'd' THEN o.dval WHEN o.ddel THEN NULL ELSE o.dval END, "
        "CASE WHEN o.op = 'd' THEN NULL ELSE o.v END, :source, :actor, :now, :batch, "
        "CASE WHEN o.dest AND NOT o.ddel THEN 'estimate' END, "
        "CASE WHEN o.op <> 'd' AND o.e THEN 'estimate' END "
        "FROM fsp_order o").bindparams(_NOW),
        {"source": source, "actor": actor, "now": now, "batch": batch})
    return int(done)


def created_offset(conn: Connection, first: int, last: int) -> int | None:
    """`record id - change id` of the values just created with changes `first`..`last`,
    when it is the same for all of them (one statement inserted them, in change order,
    while the change lock was held); else None."""
    count, low, high = conn.execute(text(
        "SELECT count(*), min(id - change_id), max(id - change_id) FROM data_values "
        "WHERE change_id BETWEEN :a AND :b"), {"a": first, "b": last}).one()
    if int(count) != last - first + 1 or low is None or low != high:
        return None
    return int(low)


def created_lines(conn: Connection, first: int, offset: int, tail: str,
                  size: int) -> Generator[tuple[int, str]]:
    """The audit digest's lines of the values `apply_creates` numbered from `first` (record
    ids: change id + `offset`), in change order, `size` lines at a time: (how many, their
    text), as `store.audit.change_lines` writes them. Made from the parts kept on the
    stage, so nothing is read back from `changes`. `tail` is `store.audit.change_tail` of
    the write."""
    # The driver's own cursor (SQLAlchemy's rows cost more than the line itself), a
    # server-side one on PostgreSQL: one chunk of lines in memory at a time.
    raw: Any = conn.connection.dbapi_connection
    cursor = raw.cursor("fsp_lines") if _pg(conn) else raw.cursor()
    try:
        cursor.execute("SELECT dl FROM fsp_new ORDER BY n")
        change = first
        while rows := cursor.fetchmany(size):
            yield len(rows), created_line(rows, change, offset, tail)
            change += len(rows)
    finally:
        cursor.close()


def change_rows(conn: Connection, first: int, last: int, *,
                statuses: bool = False) -> Sequence[Any]:
    """Change rows `first`..`last` as the audit digest covers them (its constant columns
    aside): id, record id, operation, indicator, unit, period, old value, new value; with
    `statuses`, then the old and new status."""
    more = ", old_status, new_status" if statuses else ""
    return conn.execute(text(
        "SELECT id, record_id, operation, indicator_id, unit_id, period, old_value, "
        f"new_value{more} FROM changes WHERE id BETWEEN :a AND :b ORDER BY id"),
        {"a": first, "b": last}).all()


def writes_estimates(conn: Connection) -> bool:
    """Whether any staged row that creates or updates is an estimate."""
    return conn.exec_driver_sql(
        f"SELECT 1 FROM fsp_stage WHERE op IN ('c', 'u') AND e {'' if _pg(conn) else '= 1'} "
        "LIMIT 1").first() is not None


def replaces_estimates(conn: Connection) -> bool:
    """Whether any staged row that writes meets a stored estimate."""
    return conn.exec_driver_sql(
        "SELECT 1 FROM fsp_stage s JOIN fsp_stored d ON d.i = s.i AND d.u = s.u AND "
        f"d.p = s.p WHERE s.op IN ('u', 'd') AND d.dest {'' if _pg(conn) else '= 1'} "
        "LIMIT 1").first() is not None
