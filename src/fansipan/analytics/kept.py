"""What the warehouse remembers between answers, each part dropped as soon as a change to
one of its indicators is absorbed: worked-out cells, data probes, latest periods.

A page is seen far more often than its data changes, and every engine query costs
milliseconds to plan whatever it reads; an answer asked again, or a figure another
question already worked out (the overview's headline and its targets' actuals), costs
no query. Everything is exact: a cell is kept only for the data it was made from.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from fansipan.analytics.cells import Cell, IndicatorRule, Span

_LIMIT = 300_000  # cells kept, about 60 MB


@dataclass(frozen=True)
class Probe:
    """Is there a value of `ind` at `unit` or a unit ever below it, for a period ending
    from `a` to `b` and starting on or after `s`?"""

    ind: int
    unit: int
    a: date
    b: date
    s: date


def probe_inputs(todo: Sequence[Probe]) -> dict[str, pa.Table]:
    """The engine's inputs for asking `todo` in one query: the probes keyed by position,
    one span bounding them all, and the indicators they name."""
    probes = pa.table({
        "key": pa.array(range(len(todo)), pa.int32()),
        "ind": pa.array([p.ind for p in todo], pa.int32()),
        "unit": pa.array([p.unit for p in todo], pa.int32()),
        "a": pa.array([p.a for p in todo], pa.date32()),
        "b": pa.array([p.b for p in todo], pa.date32()),
        "s": pa.array([p.s for p in todo], pa.date32()),
    })
    bounds = pa.table({
        "pid": ["probe"], "rstart": pa.array([min(p.s for p in todo)], pa.date32()),
        "rend": pa.array([max(p.b for p in todo)], pa.date32()),
        "rtype": pa.array([-2], pa.int8())})
    inds = pa.table({"ind": pa.array(sorted({p.ind for p in todo}), pa.int32())})
    return {"probes": probes, "req": bounds, "inds": inds}


class KeptCells:
    """Cells per indicator: (context, rule) → span → unit → the cell, or None for a cell
    worked out to have no data. `context` is what else an answer depends on (the tree,
    mapped or not, the tree date, today). Nested this way, keeping or finding thousands
    of cells hashes a context and a rule once per indicator and a span once per span."""

    def __init__(self, limit: int = _LIMIT) -> None:
        self.limit = limit
        self._by_ind: dict[int, dict[tuple[Hashable, IndicatorRule],
                                     dict[Span, dict[int, Cell | None]]]] = {}
        self._size = 0

    def split(self, context: Hashable, rules: Sequence[IndicatorRule],
              unit_ids: Sequence[int], spans: Sequence[Span],
              needs: Mapping[int, Sequence[Span]] | None = None,
              ) -> tuple[list[Cell], list[IndicatorRule]]:
        """The kept cells with data of the rules whose every needed cell is kept, and the
        rules that still need working out. `needs`: the spans each rule is asked for, when
        not all of `spans` (a question asks its rectangle, an indicator only its row)."""
        out: list[Cell] = []
        missing: list[IndicatorRule] = []
        for rule in rules:
            kept = self._by_ind.get(rule.id, {}).get((context, rule))
            if kept is None:
                missing.append(rule)
                continue
            wanted = needs.get(rule.id, spans) if needs is not None else spans
            found: list[Cell] = []
            for span in wanted:
                units = kept.get(span)
                if units is None or not all(u in units for u in unit_ids):
                    missing.append(rule)
                    break
                found.extend(c for c in map(units.__getitem__, unit_ids) if c is not None)
            else:
                out.extend(found)
        return out, missing

    def put(self, context: Hashable, rules: Sequence[IndicatorRule], unit_ids: Sequence[int],
            spans: Sequence[Span], cells: Sequence[Cell]) -> None:
        """Keep an answer: its cells, and the cells it found empty."""
        asked = len(rules) * len(unit_ids) * len(spans)
        if asked > self.limit // 4:
            return  # a national roll-up is asked rarely and would push everything out
        if self._size + asked > self.limit:
            self.clear()
        found: dict[int, dict[str, dict[int, Cell]]] = {}
        for c in cells:
            found.setdefault(c.ind, {}).setdefault(c.pid, {})[c.unit] = c
        empty: dict[int, Cell] = {}
        for rule in rules:
            kept = self._by_ind.setdefault(rule.id, {}).setdefault((context, rule), {})
            cells_of = found.get(rule.id, {})
            for span in spans:
                units = kept.setdefault(span, {})
                before = len(units)
                units.update(zip(unit_ids, map(cells_of.get(span.id, empty).get, unit_ids),
                                 strict=True))
                self._size += len(units) - before

    def forget(self, changed: set[int]) -> None:
        for ind in changed:
            for spans in self._by_ind.pop(ind, {}).values():
                self._size -= sum(len(units) for units in spans.values())

    def clear(self) -> None:
        self._by_ind.clear()
        self._size = 0

    def __len__(self) -> int:
        return self._size


class KeptProbes:
    """Answers to probes."""

    def __init__(self) -> None:
        self._found: dict[Probe, bool] = {}

    def missing(self, probes: Sequence[Probe]) -> list[Probe]:
        return [p for p in dict.fromkeys(probes) if p not in self._found]

    def put(self, probe: Probe, found: bool) -> None:
        self._found[probe] = found

    def found(self, probes: Sequence[Probe]) -> set[Probe]:
        return {p for p in probes if self._found.get(p)}

    def forget(self, changed: set[int]) -> None:
        if changed:
            self._found = {p: v for p, v in self._found.items() if p.ind not in changed}

    def clear(self) -> None:
        self._found = {}


class Latest:
    """The end of each indicator's latest period with a value, kept up to date from the
    rows appended; an indicator whose latest value was retracted is worked out again."""

    def __init__(self) -> None:
        self.ends: dict[int, date] | None = None  # None: to be worked out
        self.stale: set[int] = set()

    def note(self, inds: Sequence[int], ends: Sequence[date], signs: Sequence[int]) -> None:
        if self.ends is None:
            return
        for ind, end, n in zip(inds, ends, signs, strict=True):
            known = self.ends.get(ind)
            if n > 0 and (known is None or end > known):
                self.ends[ind] = end
            elif n < 0 and known is not None and end >= known:
                self.stale.add(ind)

    def reset(self) -> None:
        self.ends, self.stale = None, set()
