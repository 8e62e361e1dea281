"""Query plans: what one answer needs run, grouped so that few queries run."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from fansipan.analytics.cells import IndicatorRule, Span
from fansipan.domain.indicators import Aggregation

Plan = tuple[str, dict[str, pa.Table]]
# Combined over time before they are moved into today's units (mapped history).
MOVABLE = (Aggregation.SUM, Aggregation.LAST)


def by_movability(rules: Sequence[IndicatorRule], mapped: bool) -> list[list[IndicatorRule]]:
    """Mapped scans: the rules combined over time before moving, then the others."""
    if not mapped:
        return [list(rules)] if rules else []
    movable = [r for r in rules if r.agg_time in MOVABLE]
    rest = [r for r in rules if r.agg_time not in MOVABLE]
    return [g for g in (movable, rest) if g]


def rectangles(
    served: list[tuple[IndicatorRule, Span]],
) -> list[tuple[list[IndicatorRule], list[Span]]]:
    """The served (rule, span) pairs as rectangles: rules with the same spans, one query each."""
    by_periods: dict[tuple[str, ...], list[IndicatorRule]] = {}
    periods_of: dict[int, list[Span]] = {}
    rules: dict[int, IndicatorRule] = {}
    for r, p in served:
        periods_of.setdefault(r.id, []).append(p)
        rules[r.id] = r
    key_periods: dict[tuple[str, ...], list[Span]] = {}
    for ind, ps in periods_of.items():
        key = tuple(sorted(p.id for p in ps))
        by_periods.setdefault(key, []).append(rules[ind])
        key_periods[key] = ps
    return [(rs, key_periods[k]) for k, rs in by_periods.items()]


def merge_scans(
    plans: list[tuple[str, dict[str, pa.Table]]],
) -> list[tuple[str, dict[str, pa.Table]]]:
    """Scans over the same tree, periods and units become one query for all indicators."""
    merged: dict[tuple[str, bytes, bytes], tuple[str, dict[str, pa.Table]]] = {}
    out: list[tuple[str, dict[str, pa.Table]]] = []
    for query, inputs in plans:
        key = (query, _digest(inputs["req"]), _digest(inputs["tgt"]))
        if key in merged:
            _, prev = merged[key]
            prev["inds"] = pa.concat_tables([prev["inds"], inputs["inds"]])
        else:
            merged[key] = (query, dict(inputs))
    return out + list(merged.values())


def _digest(table: pa.Table) -> bytes:
    return repr(table.to_pydict()).encode()

