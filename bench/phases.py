"""Where a first answer's time goes, by phase, measured with clocks around the service's
own steps (no profiler: its overhead per call would weigh the per-cell steps wrongly).

Used by `python bench/analytics.py --phases`. Each phase's time includes the phases
listed under it; "the rest" is what the service does between them (the answer's rows,
checks and bookkeeping in Python).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import fansipan.analytics.warehouse as warehouse_module
import fansipan.services.insight.analytics as service
from fansipan.analytics.kept import KeptCells
from fansipan.analytics.warehouse import Warehouse

# (label, depth, owner, attribute): the steps timed, in the order printed.
PHASES: list[tuple[str, int, Any, str]] = [
    ("absorb changes (sync)", 0, Warehouse, "sync"),
    ("catalogue", 0, service, "load_catalog"),
    ("scope of the asker", 0, service, "data_scope"),
    ("resolve the question", 0, service, "resolve_ask"),
    ("plan periods (partial, like for like)", 0, service, "stretches_of"),
    ("figures from the warehouse", 0, service, "values_of"),
    ("engine queries (SQL, Arrow out)", 1, "engine", "query"),
    ("cells read from Arrow", 1, warehouse_module, "read_cells"),
    ("cells kept for the next answer", 1, KeptCells, "put"),
    ("rank among siblings", 0, service, "add_rank"),
    ("share of parent", 0, service, "add_share"),
    ("same period last year", 0, service, "add_last_year"),
    ("labels and notes (meta)", 0, service, "_meta"),
]


def _timed(fn: Callable[..., Any], spent: dict[str, float], label: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            out = fn(*args, **kwargs)
            if label == "cells read from Arrow":
                out = iter(list(out))  # a generator: read it whole inside the clock
            return out
        finally:
            spent[label] = spent.get(label, 0.0) + time.perf_counter() - start
    return wrapper


@contextmanager
def clocks(warehouse: Warehouse, spent: dict[str, float]) -> Iterator[None]:
    patched: list[tuple[Any, str, Any]] = []
    for label, _, owner, name in PHASES:
        target = warehouse.engine if owner == "engine" else owner
        original = getattr(target, name)
        patched.append((target, name, target.__dict__.get(name, None) if owner == "engine"
                        else original))
        setattr(target, name, _timed(original, spent, label))
    try:
        yield
    finally:
        for target, name, original in reversed(patched):
            if original is None:
                delattr(target, name)  # the instance attribute put over the method
            else:
                setattr(target, name, original)


def phases(warehouse: Warehouse, ask: Callable[[], object], repeat: int = 9
           ) -> list[tuple[str, int, float]]:
    """Median milliseconds of each phase over `repeat` first answers, and the total."""
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        spent: dict[str, float] = {}
        with clocks(warehouse, spent):
            warehouse.forget_answers()
            start = time.perf_counter()
            ask()
            spent["total"] = time.perf_counter() - start
        runs.append(spent)
    out = [(label, depth, statistics.median(r.get(label, 0.0) for r in runs) * 1000)
           for label, depth, _, _ in PHASES]
    total = statistics.median(r["total"] for r in runs) * 1000
    top = sum(ms for _, depth, ms in out if depth == 0)
    return [*out, ("the rest (rows, checks, bookkeeping)", 0, total - top), ("total", 0, total)]
