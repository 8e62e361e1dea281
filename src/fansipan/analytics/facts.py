"""Fact rows, the engine's one table shape, built column by column."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import pyarrow as pa

from fansipan.domain.periods import Period, parse_period

_FACT_FIELDS: list[pa.Field[Any]] = [
    pa.field("ind", pa.int32()), pa.field("unit", pa.int32()), pa.field("ptype", pa.int8()),
    pa.field("pstart", pa.date32()), pa.field("pend", pa.date32()),
    pa.field("value", pa.float64()), pa.field("n", pa.int8()), pa.field("chg", pa.int64()),
    pa.field("est", pa.int8()),  # 1 for an estimate (ước thực hiện); -1 retracts one
]
FACT_SCHEMA = pa.schema(_FACT_FIELDS)


@lru_cache(maxsize=100_000)
def _period(pid: str) -> Period:
    return parse_period(pid)


class FactRows:
    """Accumulates fact rows column by column (cheaper than a list of tuples)."""

    def __init__(self) -> None:
        self.cols: dict[str, list[object]] = {name: [] for name in FACT_SCHEMA.names}

    def add(self, ind: int, unit: int, pid: str, value: float, n: int, chg: int,
            est: int = 0) -> None:
        p = _period(pid)
        c = self.cols
        c["ind"].append(ind)
        c["unit"].append(unit)
        c["ptype"].append(p.type.rank)
        c["pstart"].append(p.start)
        c["pend"].append(p.end)
        c["value"].append(value)
        c["n"].append(n)
        c["chg"].append(chg)
        c["est"].append(est)

    def table(self) -> pa.Table:
        return pa.table(self.cols, schema=FACT_SCHEMA)

    def __len__(self) -> int:
        return len(self.cols["ind"])


def pack(inds: list[int], units: list[int]) -> list[int]:
    return [(i << 32) | u for i, u in zip(inds, units, strict=True)]


def ints(table: pa.Table, column: str) -> list[int]:
    return [int(x) for x in table.column(column).to_pylist() if x is not None]


def dates(table: pa.Table, column: str) -> list[date]:
    return [d for d in table.column(column).to_pylist() if isinstance(d, date)]
