"""The engine interface: Arrow tables in, SQL from the engine's dialect, Arrow tables out.

Everything engine-specific lives behind `Engine`: its SQL dialect (`statements`), and
how the facts take in changes. DuckDB's statements use only SQL that DuckDB and Spark
SQL share (`arg_max`, `GROUP BY`, `NOT EXISTS`, `UNION ALL`); ClickHouse's engine is
in `analytics.clickhouse`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Protocol

import duckdb
import pyarrow as pa

from fansipan.analytics.sql import Statements, compact_facts


class Engine(Protocol):
    name: str
    statements: Statements
    # True: changes go to a `delta` table of retraction and insertion rows that scans
    # net out; False: the facts table itself keeps one current row per key.
    keeps_delta: bool

    def load_facts(self, data: pa.Table) -> None:
        """Replace every fact with `data` (rows of FACT_SCHEMA, one per key)."""

    def absorb_facts(self, rows: pa.Table) -> None:
        """Take in changed facts as retraction (n = -1) and insertion (n = +1) rows."""

    def compact_facts(self) -> None:
        """Fold absorbed changes into the facts (the answers stay the same)."""

    def create(self, table: str, data: pa.Table) -> None:
        """Create or replace a stored table from Arrow data."""

    def append(self, table: str, data: pa.Table) -> None:
        """Append rows to a stored table (never rewrite it)."""

    def execute(self, sql: str) -> None:
        """Run a statement that returns nothing (maintenance)."""

    def query(self, sql: str, inputs: Mapping[str, pa.Table] | None = None) -> pa.Table:
        """Run a query; `inputs` are small per-query tables visible by name."""

    def memory_bytes(self) -> int: ...

    def close(self) -> None: ...


class DuckDBEngine:
    """In-process DuckDB: the embedded default."""

    name = "duckdb"
    statements = Statements()
    keeps_delta = True

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        self._con = duckdb.connect(":memory:")
        if threads:
            self._con.execute(f"SET threads = {int(threads)}")
        if memory_limit:
            self._con.execute(f"SET memory_limit = '{memory_limit}'")
        self._write = threading.Lock()

    def create(self, table: str, data: pa.Table) -> None:
        with self._write:
            self._con.register("_incoming", data)
            try:
                self._con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM _incoming")
            finally:
                self._con.unregister("_incoming")

    def load_facts(self, data: pa.Table) -> None:
        self.create("facts", data)
        self.execute("DELETE FROM delta")
        self.execute(compact_facts())

    def absorb_facts(self, rows: pa.Table) -> None:
        self.append("delta", rows)

    def compact_facts(self) -> None:
        self.execute(compact_facts())
        self.execute("DELETE FROM delta")

    def append(self, table: str, data: pa.Table) -> None:
        if data.num_rows == 0:
            return
        with self._write:
            self._con.register("_incoming", data)
            try:
                self._con.execute(f"INSERT INTO {table} SELECT * FROM _incoming")
            finally:
                self._con.unregister("_incoming")

    def execute(self, sql: str) -> None:
        with self._write:
            self._con.execute(sql)

    def query(self, sql: str, inputs: Mapping[str, pa.Table] | None = None) -> pa.Table:
        # A cursor per query: DuckDB connections are not shared between threads, and
        # registered inputs stay private to the query that made them.
        cur = self._con.cursor()
        try:
            for name, table in (inputs or {}).items():
                cur.register(name, table)
            result = cur.sql(sql)
            if result is None:
                return pa.table({})
            answer: pa.Table = result.to_arrow_table()
            return answer
        finally:
            cur.close()

    def memory_bytes(self) -> int:
        # A cursor of its own, read to the end: a half-read result on the connection
        # would refuse the next append.
        cur = self._con.cursor()
        try:
            rows = cur.execute(
                "SELECT COALESCE(SUM(memory_usage_bytes), 0) FROM duckdb_memory()").fetchall()
        finally:
            cur.close()
        return int(rows[0][0]) if rows else 0

    def close(self) -> None:
        self._con.close()
