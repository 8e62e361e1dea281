"""The warehouses the analytics tests run on: DuckDB's cube and scan, and ClickHouse."""

from __future__ import annotations

from collections.abc import Iterator

from fansipan.analytics.clickhouse import ClickHouseEngine
from fansipan.analytics.warehouse import Warehouse

KINDS = ["cube", "scan", "clickhouse"]


def warehouse_of(kind: str) -> Iterator[Warehouse]:
    """Every answer must be the same whether the month rollups serve it or a scan, and
    on ClickHouse (chDB in process, its cube and scans) as on DuckDB."""
    if kind != "clickhouse":
        yield Warehouse(use_cube=kind == "cube")
        return
    engine = ClickHouseEngine.in_process()
    try:
        yield Warehouse(engine)
    finally:
        engine.close()
