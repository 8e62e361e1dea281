"""Exact scans: which statement a scan takes, and that statement written for its rules.

A scan is first described (`ScanAsk`: its shape, tree, periods, units and rules), so
that scans of one shape over the same tree, periods and units can be merged
(`plans.merge_scans`); only then is its statement written, for the rules of all the
indicators it answers, with the indicators and dates asked as literals.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from fansipan.analytics.cells import IndicatorRule, Span, inds_table, req_table, tgt_table
from fansipan.analytics.plans import MOVABLE, Plan, ScanAsk, Shape
from fansipan.analytics.sql import Statements


def scan_ask(roll: str, rules: Sequence[IndicatorRule], periods: Sequence[Span],
             unit_ids: Sequence[int], *, leaves: AbstractSet[int] | None,
             layered: AbstractSet[int], coarser: AbstractSet[int], with_delta: bool,
             move_totals: bool) -> ScanAsk:
    """The scan of `rules` over `roll` (a tree "as of", or "tree|successors" for mapped
    history). `leaves`: the units of that tree with nothing below them, when the scan
    may skip combining over units; `layered`, `coarser`: the indicators with values at
    two levels of one branch, and with values coarser than a month."""
    one_grain = not any(r.id in coarser for r in rules)
    succ = roll.partition("|")[2]
    if leaves is not None and not succ and all(u in leaves for u in unit_ids):
        # Each unit asked is its own only source; shadowing cannot arise.
        shape = Shape("leaves", one_grain, with_delta)
    else:
        shadow = any(r.id in layered for r in rules)
        moved = bool(succ) and one_grain and not shadow and move_totals and all(
            r.agg_time in MOVABLE for r in rules)
        shape = Shape("moved" if moved else "scan", one_grain, with_delta, shadow)
    return ScanAsk(shape, roll, tuple(periods), tuple(unit_ids), tuple(rules))


def render(sql: Statements, ask: ScanAsk) -> Plan:
    """The statement and inputs of a scan, written for the rules of its indicators."""
    shape = ask.shape
    tree, _, succ = ask.roll.partition("|")
    rules = list(ask.rules)
    bounds = sql.asked(rules, ask.periods)
    if shape.kind == "leaves":
        query = sql.cells_of_leaves(rules, with_delta=shape.with_delta,
                                    one_grain=shape.one_grain, bounds=bounds)
    elif shape.kind == "moved":
        query = sql.cells_by_moved_totals(tree, succ, rules, with_delta=shape.with_delta,
                                          bounds=bounds)
    else:
        query = sql.cells_by_scan(tree, rules, with_delta=shape.with_delta,
                                  shadow=shape.shadow, one_grain=shape.one_grain,
                                  succ=succ or None, bounds=bounds)
    return query, {"req": req_table(ask.periods), "tgt": tgt_table(ask.unit_ids),
                   "inds": inds_table(rules)}


def one_month_start(span: Span) -> bool:
    """At most one month's first day falls inside the span (rollups read it as it is)."""
    return (span.start.year, span.start.month) == (span.end.year, span.end.month)
