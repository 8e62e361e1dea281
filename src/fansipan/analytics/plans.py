"""Query plans: what one answer needs run, grouped so that few queries run."""

from __future__ import annotations

import pyarrow as pa

from fansipan.analytics.cells import IndicatorRule, Span

Plan = tuple[str, dict[str, pa.Table]]


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

