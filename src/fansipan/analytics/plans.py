"""Query plans: what one answer needs run, grouped so that few queries run."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Shape:
    """Which statement a scan takes: `leaves` (units with nothing below them), `moved`
    (mapped history combined before it is moved) or `scan`; with its flags."""

    kind: str
    one_grain: bool
    with_delta: bool
    shadow: bool = False


@dataclass(frozen=True)
class ScanAsk:
    """A scan before its statement is written: scans of the same shape over the same
    tree, periods and units are merged first, and the statement is then written for
    the rules of all their indicators."""

    shape: Shape
    roll: str
    periods: tuple[Span, ...]
    unit_ids: tuple[int, ...]
    rules: tuple[IndicatorRule, ...]


def merge_scans(asks: list[ScanAsk]) -> list[ScanAsk]:
    """Scans of one shape over the same tree, periods and units become one query for
    all their indicators."""
    merged: dict[tuple[object, ...], ScanAsk] = {}
    for ask in asks:
        key = (ask.shape, ask.roll, ask.periods, ask.unit_ids)
        prev = merged.get(key)
        if prev is None:
            merged[key] = ask
        else:
            known = {r.id for r in prev.rules}
            merged[key] = ScanAsk(prev.shape, prev.roll, prev.periods, prev.unit_ids,
                                  prev.rules + tuple(r for r in ask.rules if r.id not in known))
    return list(merged.values())
