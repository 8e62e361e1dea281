"""Fact rows, the engine's one table shape, built column by column."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

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


@lru_cache(maxsize=100_000)
def _placed(pid: str) -> tuple[int, date, date]:
    """A period's kind, first and last day: worked out once per period, not per row
    (a period's end goes through the calendar)."""
    p = _period(pid)
    return p.type.rank, p.start, p.end


class FactRows:
    """Accumulates fact rows column by column (cheaper than a list of tuples)."""

    def __init__(self) -> None:
        self.cols: dict[str, list[object]] = {name: [] for name in FACT_SCHEMA.names}

    def add(self, ind: int, unit: int, pid: str, value: float, n: int, chg: int,
            est: int = 0) -> None:
        rank, start, end = _placed(pid)
        c = self.cols
        c["ind"].append(ind)
        c["unit"].append(unit)
        c["ptype"].append(rank)
        c["pstart"].append(start)
        c["pend"].append(end)
        c["value"].append(value)
        c["n"].append(n)
        c["chg"].append(chg)
        c["est"].append(est)

    def table(self) -> pa.Table:
        return pa.table(self.cols, schema=FACT_SCHEMA)

    def __len__(self) -> int:
        return len(self.cols["ind"])


def pairs_of(table: pa.Table) -> set[int]:
    """The (indicator, unit) pairs of fact rows, each packed into one integer."""
    ind = pc.drop_null(table.column("ind")).to_numpy().astype("int64")
    unit = pc.drop_null(table.column("unit")).to_numpy().astype("int64")
    packed: list[int] = ((ind << 32) | unit).tolist()
    return set(packed)


def ints(table: pa.Table, column: str) -> list[int]:
    # Through NumPy: a list of Arrow scalars is built one Python object at a time.
    ints_: list[int] = pc.drop_null(table.column(column)).to_numpy().astype("int64").tolist()
    return ints_


def dates(table: pa.Table, column: str) -> list[date]:
    return [d for d in table.column(column).to_pylist() if isinstance(d, date)]


def last_ends(rows: pa.Table, *, sign: int) -> tuple[list[int], list[date]]:
    """Per indicator, the latest period end among the rows that add (`sign` 1) or
    retract (-1) a value: what `Latest.note` needs, worked out in Arrow."""
    picked = rows.filter(pc.equal(rows.column("n"), pa.scalar(sign, pa.int8())))
    if picked.num_rows == 0:
        return [], []
    ends = picked.group_by("ind").aggregate([("pend", "max")])
    return ints(ends, "ind"), dates(ends, "pend_max")
