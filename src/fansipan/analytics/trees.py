"""The unit tree as flat tables the engine can join: who rolls up into whom, with shares.

Two views of history: *as of* a date (the tree in force then; a unit takes only its
own descendants' data) and *mapped* into a date's units through succession links
(an ended commune's history counts towards the ward that absorbed it).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pyarrow as pa

from fansipan.domain.territory import change_days
from fansipan.domain.units import Hierarchy

_PAIR: list[pa.Field[Any]] = [pa.field("anc", pa.int32()), pa.field("src", pa.int32())]
ROLLUP_SCHEMA = pa.schema([*_PAIR, pa.field("share", pa.float64())])
LINK_SCHEMA = pa.schema(_PAIR)


def boundaries(h: Hierarchy) -> list[date]:
    """The days on which the tree changes; between two of them it is the same."""
    return change_days(h)


def epoch_of(h: Hierarchy, on: date, marks: list[date] | None = None) -> date:
    """The first day of the stretch of unchanged tree that `on` falls in."""
    start = date.min
    for day in marks if marks is not None else boundaries(h):
        if day <= on:
            start = day
        else:
            break
    return start


def rollup_as_of(h: Hierarchy, on: date) -> pa.Table:
    """(anc, src, share): src is anc or below it on `on`; share is always 1."""
    ancs: list[int] = []
    srcs: list[int] = []
    for unit in h.in_force(on):
        ancs.append(unit.id)
        srcs.append(unit.id)
        for a in h.ancestors(unit.id, on):
            ancs.append(a.id)
            srcs.append(unit.id)
    return pa.table({"anc": ancs, "src": srcs, "share": [1.0] * len(ancs)}, schema=ROLLUP_SCHEMA)


def rollup_mapped(h: Hierarchy, on: date) -> pa.Table:
    """(anc, src, share) for every unit ever: its data counts at its successors on `on`
    and at their ancestors, scaled by the succession share."""
    cells: dict[tuple[int, int], float] = {}
    for unit in h:
        for successor, share in h.successors(unit.id, on):
            for target in [successor, *h.ancestors(successor.id, on)]:
                key = (target.id, unit.id)
                cells[key] = cells.get(key, 0.0) + share
    return pa.table(
        {
            "anc": [a for a, _ in cells],
            "src": [s for _, s in cells],
            "share": list(cells.values()),
        },
        schema=ROLLUP_SCHEMA,
    )


def ever_above(h: Hierarchy) -> pa.Table:
    """(anc, src): anc was a proper ancestor of src at some time; used so a unit's own
    value shadows the values of units below it instead of being added to them."""
    pairs: set[tuple[int, int]] = set()
    days = [date(1900, 1, 1), *boundaries(h)]
    for day in days:
        for unit in h.in_force(day):
            for a in h.ancestors(unit.id, day):
                pairs.add((a.id, unit.id))
    return pa.table({"anc": [a for a, _ in pairs], "src": [s for _, s in pairs]},
                    schema=LINK_SCHEMA)


_SUCCESSOR: list[pa.Field[Any]] = [pa.field("src", pa.int32()), pa.field("succ", pa.int32()),
                                    pa.field("share", pa.float64())]
SUCCESSOR_SCHEMA = pa.schema(_SUCCESSOR)


def successor_map(h: Hierarchy, on: date) -> pa.Table:
    """(src, succ, share): every unit ever, and the unit(s) in force on `on` that carry
    its territory. History is moved onto today's units before it is combined over
    time, so a stock is the successor's last value, not its predecessors' added up."""
    srcs: list[int] = []
    succs: list[int] = []
    shares: list[float] = []
    for unit in h:
        for successor, share in h.successors(unit.id, on):
            srcs.append(unit.id)
            succs.append(successor.id)
            shares.append(share)
    return pa.table({"src": srcs, "succ": succs, "share": shares}, schema=SUCCESSOR_SCHEMA)
