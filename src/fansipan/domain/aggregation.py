"""How values combine: over units (sum of communes) and over time (months to a year)."""

from __future__ import annotations

from collections.abc import Sequence

from fansipan.domain.indicators import Aggregation


def combine(values: Sequence[float], how: Aggregation) -> float | None:
    """Combine values already in time order (`LAST` takes the latest)."""
    if not values:
        return None
    if how is Aggregation.SUM:
        return float(sum(values))
    if how is Aggregation.AVERAGE:
        return float(sum(values)) / len(values)
    if how is Aggregation.LAST:
        return values[-1]
    if how is Aggregation.MIN:
        return min(values)
    if how is Aggregation.MAX:
        return max(values)
    return None  # NONE: the indicator has no meaningful total
