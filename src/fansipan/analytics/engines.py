"""Which engine a process runs: chosen by FANSIPAN_ANALYTICS_ENGINE (docs/operations.md)."""

from __future__ import annotations

from fansipan.analytics.engine import DuckDBEngine, Engine


def make_analytics_engine(*, kind: str | None = "duckdb", clickhouse_url: str | None = None,
                          clickhouse_database: str | None = "fansipan",
                          clickhouse_cluster: str | None = None) -> Engine:
    """DuckDB in process; or ClickHouse: the server at `clickhouse_url`, else chDB in
    process (a trial of the ClickHouse engine on one machine)."""
    if kind == "duckdb":
        return DuckDBEngine()
    from fansipan.analytics.clickhouse import ClickHouseEngine

    if clickhouse_url:
        return ClickHouseEngine.connect(clickhouse_url, database=clickhouse_database or "fansipan",
                                        cluster=clickhouse_cluster)
    return ClickHouseEngine.in_process()
