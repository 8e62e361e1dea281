"""ClickHouse as the analytics engine: a server or cluster, or chDB in process.

Both are driven through clickhouse-connect's client, so the statements, the inserts
and the Arrow answers take one path; only how a query's small input tables travel
differs. A server gets them as external data with the query (nothing is created, and
queries from many threads run side by side). chDB has no external data: the inputs are
written as Memory tables of the warehouse's own database, one query at a time.

Changes are absorbed into `facts` as rows versioned by change number (see
`analytics.clickhouse_sql`), so absorbing a batch twice changes nothing.
"""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import pyarrow.ipc

from fansipan.analytics.clickhouse_sql import SETTINGS, ClickHouseStatements, absorb
from fansipan.analytics.sql import Statements

_ARROW_TYPES = {
    pa.int8(): "Int8", pa.int16(): "Int16", pa.int32(): "Int32", pa.int64(): "Int64",
    pa.uint8(): "UInt8", pa.uint64(): "UInt64", pa.float64(): "Float64",
    pa.string(): "String", pa.large_string(): "String", pa.date32(): "Date32",
    pa.bool_(): "Bool",
}


def column_types(schema: pa.Schema) -> str:
    """The ClickHouse columns for an Arrow schema (nullable where the data may be null)."""
    parts = []
    for f in schema:
        kind = _ARROW_TYPES.get(f.type)
        if kind is None:
            raise TypeError(f"no ClickHouse type for the Arrow type {f.type} of {f.name}")
        parts.append(f"{f.name} Nullable({kind})" if f.nullable else f"{f.name} {kind}")
    return ", ".join(parts)


# chDB: inputs up to this many rows are written into the query as literal tables,
# which costs far less than creating, filling and dropping a table for each.
_INLINE_ROWS = 2_000


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def with_inputs(sql: str, inputs: Mapping[str, pa.Table]) -> str:
    """`sql` with each input as a named subquery over literal rows (`values`)."""
    parts = []
    for name, table in inputs.items():
        structure = column_types(table.schema)
        rows = zip(*(table.column(c).to_pylist() for c in table.column_names), strict=True)
        values = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in rows)
        parts.append(f"{name} AS (SELECT * FROM values('{structure}', {values}))")
    head = sql.lstrip()
    if head[:4].upper() == "WITH":
        return "WITH " + ", ".join(parts) + ",\n" + head[4:]
    return "WITH " + ", ".join(parts) + "\n" + head


class ClickHouseEngine:
    """The warehouse's tables in one ClickHouse database."""

    name = "clickhouse"
    keeps_delta = False

    def __init__(self, client: Any, *, database: str, cluster: str | None = None,
                 in_process: bool) -> None:
        self._client = client
        self.database = database
        self.cluster = cluster
        self.facts = f"{database}.facts"
        self.statements: Statements = ClickHouseStatements(self.facts, cluster)
        self._in_process = in_process
        self._lock = threading.RLock()
        client.command(f"CREATE DATABASE IF NOT EXISTS {database}"
                       + (f" ON CLUSTER {cluster}" if cluster else ""))
        # The facts may be shared by every process of a deployment; the working tables
        # (trees, the cube, a query's inputs) are this process's own.
        self.work = database if in_process else f"{database}_work_{uuid.uuid4().hex[:12]}"
        client.command(f"CREATE DATABASE IF NOT EXISTS {self.work}")
        client.database = self.work

    @classmethod
    def in_process(cls) -> ClickHouseEngine:
        """chDB in this process, in a database of its own (tests, one-machine trials)."""
        import clickhouse_connect

        client = clickhouse_connect.get_client(interface="chdb",
                                               settings=dict(SETTINGS))
        return cls(client, database=f"fansipan_{uuid.uuid4().hex[:12]}", in_process=True)

    @classmethod
    def connect(cls, url: str, *, database: str, cluster: str | None = None) -> ClickHouseEngine:
        """A ClickHouse server (or one node of a cluster) at `url`
        (http[s]://user:password@host:port)."""
        import clickhouse_connect

        client = clickhouse_connect.get_client(dsn=url,
                                               settings=dict(SETTINGS))
        return cls(client, database=database, cluster=cluster, in_process=False)

    # -- the facts -------------------------------------------------------------------

    def load_facts(self, data: pa.Table) -> None:
        with self._lock:
            if self._in_process:
                self._truncate()
            # On a server the facts may be shared with other processes: loading the
            # current values again is harmless, since each row keeps its change number.
            facts = data.set_column(data.schema.get_field_index("chg"), "chg",
                                    data.column("chg").cast(pa.uint64()))
            zeros = pa.repeat(pa.scalar(0, pa.uint8()), facts.num_rows)
            self._insert(self.facts, facts.append_column("deleted", zeros))

    def absorb_facts(self, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        with self._lock:
            versioned = self.query(absorb("newrows"), {"newrows": rows})
            self._insert(self.facts, versioned)

    def compact_facts(self) -> None:
        # Merging is ClickHouse's own background work; FINAL keeps answers exact before.
        self.execute(f"OPTIMIZE TABLE {self._local()}"
                     + (f" ON CLUSTER {self.cluster}" if self.cluster else ""))

    # -- the engine interface -----------------------------------------------------------

    def create(self, table: str, data: pa.Table) -> None:
        with self._lock:
            self._client.command(f"CREATE OR REPLACE TABLE {table} "
                                 f"({column_types(data.schema)}) ENGINE = Memory")
            self._insert(table, data)

    def append(self, table: str, data: pa.Table) -> None:
        if data.num_rows:
            with self._lock:
                self._insert(table, data)

    def execute(self, sql: str) -> None:
        with self._lock:
            for statement in sql.split(";\n"):
                self._client.command(statement)

    def query(self, sql: str, inputs: Mapping[str, pa.Table] | None = None) -> pa.Table:
        if not inputs:
            return self._arrow(sql)
        if not self._in_process:
            return self._with_external_data(sql, inputs)
        small = {n: t for n, t in inputs.items() if 0 < t.num_rows <= _INLINE_ROWS}
        large = {n: t for n, t in inputs.items() if n not in small}
        if small:
            sql = with_inputs(sql, small)
        with self._lock:
            for name, table in large.items():
                self.create(name, table)
            try:
                return self._arrow(sql)
            finally:
                for name in large:
                    self._client.command(f"DROP TABLE IF EXISTS {name}")

    def memory_bytes(self) -> int:
        answer = self._arrow(
            "SELECT toInt64(COALESCE(SUM(bytes_on_disk), 0)) AS b FROM system.parts "
            f"WHERE database IN ('{self.database}', '{self.work}') AND active")
        memory = self._arrow(
            "SELECT toInt64(COALESCE(SUM(total_bytes), 0)) AS b FROM system.tables "
            f"WHERE database = '{self.work}' AND engine = 'Memory'")
        return int(answer.column("b")[0].as_py()) + int(memory.column("b")[0].as_py())

    def close(self) -> None:
        self._client.command(f"DROP DATABASE IF EXISTS {self.work}")
        self._client.close()

    # -- inside --------------------------------------------------------------------------

    def _local(self) -> str:
        return f"{self.facts}_local" if self.cluster else self.facts

    def _truncate(self) -> None:
        self._client.command(f"TRUNCATE TABLE {self._local()}"
                             + (f" ON CLUSTER {self.cluster}" if self.cluster else ""))

    def _insert(self, table: str, data: pa.Table) -> None:
        if data.num_rows:
            self._client.insert_arrow(table, data)

    def _arrow(self, sql: str, **kwargs: Any) -> pa.Table:
        answer: pa.Table = self._client.query_arrow(sql, use_strings=True, **kwargs)
        return answer

    def _with_external_data(self, sql: str, inputs: Mapping[str, pa.Table]) -> pa.Table:
        from clickhouse_connect.driver.external import ExternalData

        data = ExternalData()
        for name, table in inputs.items():
            sink = io.BytesIO()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            data.add_file(file_name=name, data=sink.getvalue(), fmt="ArrowStream",
                          structure=column_types(table.schema))
        return self._arrow(sql, external_data=data)
