"""Versions of an indicator's definition: what changed, and which one was in force when.

A definition change never rewrites the past: it is a new version with the day it takes
effect. A period is read under the version in force on its last day (the same day that
names its units), so a formula changed from 2025 leaves 2024 computed as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

#: The fields an administrator edits, in the order a page shows them.
DEFINITION_FIELDS = (
    "name_vi", "name_en", "description_vi", "description_en", "unit_vi", "unit_en",
    "sector", "group", "value_type", "kind", "agg_units", "agg_time", "direction", "decimals",
    "min_value", "max_value", "periodicity", "levels", "formula", "source_vi", "source_en",
)


@dataclass(frozen=True)
class Version:
    number: int
    effective_from: date | None  # None: since the indicator has existed
    definition: Mapping[str, Any]


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The fields whose value differs, in the page's order."""
    return [f for f in DEFINITION_FIELDS if old.get(f) != new.get(f)]


def in_force(versions: Sequence[Version], day: date) -> Version | None:
    """The version in force on `day`: the newest that took effect on or before it.

    Versions are numbered in the order they were made; a later version with an earlier
    effective day overrides an older one from that day on.
    """
    best: Version | None = None
    for v in versions:
        start = v.effective_from or date.min
        if start <= day and (best is None or (start, v.number) >= (
                best.effective_from or date.min, best.number)):
            best = v
    return best


def formula_on(versions: Sequence[Version], day: date, current: str | None) -> str | None:
    """The formula in force on `day` (the current one when no version says otherwise)."""
    found = in_force(versions, day)
    if found is None:
        return current
    formula = found.definition.get("formula")
    return formula if isinstance(formula, str) and formula else None
