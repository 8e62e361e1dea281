"""What the engine is asked and what it answers: spans, indicator rules and cells.

Also their Arrow tables: the `req`, `tgt` and `inds` inputs of a query, and the rows of
an answer read back as cells.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import pyarrow as pa

from fansipan.domain.indicators import Aggregation, Indicator
from fansipan.domain.periods import Period, PeriodType


@dataclass(frozen=True)
class Span:
    """A stretch of time asked about: a period, or a cumulative stretch (year to date).

    `rank` is the period type's rank when a value stored for exactly this stretch
    should win over its parts, and -2 when no stored period can equal it.
    """

    id: str
    start: date
    end: date
    rank: int

    @classmethod
    def of(cls, period: Period) -> Span:
        return cls(period.id, period.start, period.end, period.type.rank)


class Cell(NamedTuple):
    """One answer: indicator id, unit id, period (or stretch) id, value, sources, and
    whether any value it includes is an estimate (ước thực hiện)."""

    ind: int
    unit: int
    pid: str
    value: float | None
    sources: int
    estimate: bool = False


@dataclass(frozen=True)
class IndicatorRule:
    """What the engine needs to know of an indicator: its id and how it combines."""

    id: int
    agg_time: Aggregation
    agg_units: Aggregation
    periodicity: PeriodType

    @classmethod
    def of(cls, ind_id: int, indicator: Indicator) -> IndicatorRule:
        return cls(ind_id, indicator.agg_time, indicator.agg_units, indicator.periodicity)


def req_table(periods: Sequence[Span]) -> pa.Table:
    return pa.table({
        "pid": pa.array([p.id for p in periods], pa.string()),
        "rstart": pa.array([p.start for p in periods], pa.date32()),
        "rend": pa.array([p.end for p in periods], pa.date32()),
        "rtype": pa.array([p.rank for p in periods], pa.int8()),
    })


def tgt_table(unit_ids: Sequence[int]) -> pa.Table:
    return pa.table({"anc": pa.array(list(unit_ids), pa.int32())})


def inds_table(rules: Sequence[IndicatorRule]) -> pa.Table:
    return pa.table({
        "ind": pa.array([r.id for r in rules], pa.int32()),
        "agg_time": pa.array([r.agg_time.value for r in rules], pa.string()),
        "agg_units": pa.array([r.agg_units.value for r in rules], pa.string()),
    })


_CELL_COLUMNS = ("ind", "unit", "pid", "value", "sources", "est")


def read_cells(table: pa.Table) -> Iterator[tuple[Cell, bool]]:
    """The rows of an answer as cells, each with whether it is sure.

    A cube's answer says in its `ok` column whether the cube can be sure of a cell; the
    cells it cannot be sure of are left to a scan. A scan's answer has no `ok`: it is
    always sure.
    """
    columns = [table.column(c).to_pylist() for c in _CELL_COLUMNS]
    sure = (
        table.column("ok").to_pylist() if "ok" in table.column_names else [True] * table.num_rows
    )
    for ind, unit, pid, value, sources, est, ok in zip(*columns, sure, strict=True):
        yield Cell(ind, unit, pid, value, int(sources or 0), bool(est)), bool(ok)
