"""A content digest of the whole store: row count and SHA-256 per table.

Two stores with equal digests hold the same rows, value for value; the backup
manifest carries the digest of the snapshot it saved, and a restore is checked
against it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection, MetaData, Table, inspect, select

from fansipan.store.audit import dumps


def store_digest(conn: Connection) -> dict[str, dict[str, object]]:
    """{table: {"rows": n, "sha256": hex}} for every table, read inside `conn`'s snapshot."""
    names = sorted(inspect(conn).get_table_names())
    meta = MetaData()
    out: dict[str, dict[str, object]] = {}
    for name in names:
        table = Table(name, meta, autoload_with=conn)
        order = list(table.primary_key.columns) or list(table.columns)
        h = hashlib.sha256()
        count = 0
        for row in conn.execute(select(table).order_by(*order)):
            h.update(dumps(list(row)).encode())
            h.update(b"\n")
            count += 1
        out[name] = {"rows": count, "sha256": h.hexdigest()}
    return out


def differences(expected: dict[str, dict[str, object]],
                found: dict[str, dict[str, object]]) -> list[str]:
    problems = []
    for name in sorted(set(expected) | set(found)):
        a, b = expected.get(name), found.get(name)
        if a is None:
            problems.append(f"table {name} is not in the backup")
        elif b is None:
            problems.append(f"table {name} is missing")
        elif a != b:
            problems.append(f"table {name} differs ({a['rows']} rows expected, {b['rows']} "
                            "found, or different values)")
    return problems
