"""The engine's state, kept current from the store's change numbers.

Before every answer the warehouse reads the changes committed after the last one it
absorbed (one indexed query) and appends them as rows, so a value committed through
any path is in the very next answer. Nothing is ever updated in place: updates become
a retraction row and an insertion row, which costs the same at 4M values as at 40M.
Month rollups of additive indicators (the cube) are maintained the same way.

The fact rows, the shapes of questions and answers, the grouping of queries into
plans, and what is remembered between answers (cells, probes, latest periods, each
dropped when its indicator changes) live beside this module, in `facts`, `cells`,
`plans` and `kept`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.cells import (
    Cell,
    IndicatorRule,
    Span,
    inds_table,
    read_cells,
    req_table,
    tgt_table,
)
from fansipan.analytics.engine import DuckDBEngine, Engine
from fansipan.analytics.facts import FACT_SCHEMA, FactRows, dates, ints, last_ends, pairs_of
from fansipan.analytics.kept import KeptCells, KeptProbes, Latest, Probe, probe_inputs
from fansipan.analytics.plans import Plan, ScanAsk, by_movability, merge_scans, rectangles
from fansipan.analytics.scans import one_month_start, render, scan_ask
from fansipan.analytics.trees import (
    boundaries,
    epoch_of,
    ever_above,
    rollup_as_of,
    rollup_mapped,
    successor_map,
)
from fansipan.domain.indicators import Aggregation
from fansipan.domain.periods import PeriodType
from fansipan.domain.units import Hierarchy
from fansipan.store.tables import ChangeRow, DataValueRow

__all__ = [
    "FACT_SCHEMA",
    "MONTH",
    "Cell",
    "FactRows",
    "IndicatorRule",
    "Plan",
    "Probe",
    "Span",
    "Warehouse",
    "ints",
]

MONTH = PeriodType.MONTH.rank
_LOAD_CHUNK = 200_000
_ESTIMATE = "estimate"  # domain.estimates.ValueStatus.ESTIMATE, as the store writes it


@dataclass
class _Trees:
    fingerprint: tuple[object, ...]
    marks: list[date]
    names: dict[tuple[str, date], str] = field(default_factory=dict)
    # Per tree "as of" a date: the units in force then with no unit below them.
    leaves: dict[str, frozenset[int]] = field(default_factory=dict)


class Warehouse:
    """One per process: the columnar copy of the store's values, plus the cube."""

    def __init__(self, engine: Engine | None = None, *, compact_ratio: float = 0.25,
                 use_cube: bool = True, move_totals: bool = True,
                 leaf_scans: bool = True) -> None:
        self.engine: Engine = engine or DuckDBEngine()
        self.sql = self.engine.statements
        self.use_cube = use_cube
        # Mapped sums and last values combined over time before they are moved onto
        # successors (sql.cells_by_moved_totals); off only to test it against the scan.
        self.move_totals = move_totals
        # Units with nothing below them answered without combining over units
        # (sql.cells_of_leaves); off only to test it against the scan.
        self.leaf_scans = leaf_scans
        self.engine.execute(self.sql.create_facts("facts"))
        if self.engine.keeps_delta:
            self.engine.execute(self.sql.create_facts("delta"))
        self.engine.execute(self.sql.create_cube())
        self.last_change = -1  # -1: nothing loaded yet
        self.base_rows = 0
        self.appended_rows = 0
        self.compact_ratio = compact_ratio
        self._lock = threading.RLock()
        self._trees: _Trees | None = None
        self._cube_date: date | None = None
        self._cube_inds: set[int] = set()
        self._cube_ancs: set[int] = set()
        # Indicators with values coarser than a month: the cube cannot total their
        # quarters and years, since a stored quarter value wins over its months.
        self._coarser: set[int] | None = None  # None: to be worked out again
        # (indicator, unit) pairs that have values, packed into one int each: a set of
        # hundreds of thousands of tuples would make every garbage collection crawl.
        self._pairs: set[int] = set()
        self._layered: set[int] | None = None  # None: to be worked out again
        self._counter = 0
        # Cells, probes and latest periods worked out before (analytics.kept).
        self._kept = KeptCells()
        self._probes = KeptProbes()
        self._latest = Latest()
        # What services work out from the values (a forecast's series), kept until any
        # value changes: see `kept_until_change`.
        self._until_change: dict[object, object] = {}

    # -- keeping current ---------------------------------------------------------

    def sync(self, session: Session) -> int:
        """Absorb every change committed after the last one seen; returns how many."""
        with self._lock:
            if self.last_change < 0:
                return self._load_all(session)
            return self._absorb(session)

    def _load_all(self, session: Session) -> int:
        with session.begin():
            if session.get_bind().dialect.name == "postgresql":
                # One snapshot for both reads: a value updated between them would
                # otherwise be missing here and then retracted when absorbed.
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            last = session.scalar(select(func.coalesce(func.max(ChangeRow.id), 0))) or 0
            stmt = (
                select(DataValueRow.indicator_id, DataValueRow.unit_id, DataValueRow.period,
                       DataValueRow.value, DataValueRow.change_id, DataValueRow.status)
                .where(DataValueRow.deleted.is_(False), DataValueRow.value.is_not(None),
                       DataValueRow.change_id <= last)
            )
            rows = FactRows()
            chunks: list[pa.Table] = []
            for ind, unit, pid, value, chg, status in session.execute(stmt).yield_per(
                    _LOAD_CHUNK):
                rows.add(ind, unit, pid, float(value or 0.0), 1, chg, int(status == _ESTIMATE))
                if len(rows) >= _LOAD_CHUNK:
                    chunks.append(rows.table())
                    rows = FactRows()
            chunks.append(rows.table())
        self.load_facts(pa.concat_tables(chunks), last_change=int(last))
        return self.base_rows

    def load_facts(self, facts: pa.Table, *, last_change: int) -> None:
        """Replace everything with `facts` (also how benchmarks load big synthetic sets)."""
        with self._lock:
            self.engine.load_facts(facts.cast(FACT_SCHEMA))
            self.base_rows = facts.num_rows
            self.appended_rows = 0
            self.last_change = last_change
            self._cube_date = None
            self._layered = None
            self._coarser = None
            self._latest.reset()
            self._kept.clear()
            self._probes.clear()
            self._until_change = {}
            pairs = self.engine.query(f"SELECT DISTINCT ind, unit FROM {self.sql.all_facts} x")
            self._pairs = pairs_of(pairs)

    def _absorb(self, session: Session) -> int:
        with session.begin():
            changes = session.execute(
                select(ChangeRow.id, ChangeRow.record_kind, ChangeRow.indicator_id,
                       ChangeRow.unit_id, ChangeRow.period, ChangeRow.old_value,
                       ChangeRow.new_value, ChangeRow.old_status, ChangeRow.new_status)
                .where(ChangeRow.id > self.last_change).order_by(ChangeRow.id)
            ).all()
        if not changes:
            return 0
        rows = FactRows()
        for chg, kind, ind, unit, pid, old, new, old_status, new_status in changes:
            if kind != "data_value":
                continue
            if old is not None:
                rows.add(ind, unit, pid, -float(old), -1, chg, -int(old_status == _ESTIMATE))
            if new is not None:
                rows.add(ind, unit, pid, float(new), 1, chg, int(new_status == _ESTIMATE))
        self.append_facts(rows.table(), last_change=int(changes[-1][0]))
        return len(changes)

    def append_facts(self, rows: pa.Table, *, last_change: int) -> None:
        """Append already-built fact rows (insertions and retractions)."""
        with self._lock:
            self.engine.absorb_facts(rows)
            self.appended_rows += rows.num_rows
            self.last_change = max(self.last_change, last_change)
            new_pairs = pairs_of(rows) - self._pairs
            self._pairs |= new_pairs
            if new_pairs:
                self._layered = None
            if self._coarser is not None:
                self._coarser |= {i for i, t in zip(ints(rows, "ind"), ints(rows, "ptype"),
                                                     strict=True) if t != MONTH}
            changed = ints(rows, "ind")
            self._until_change = {}
            # Retractions first, against the ends known before this batch: an end can
            # only be marked stale more often than needed, never less.
            for sign in (-1, 1):
                inds, ends = last_ends(rows, sign=sign)
                self._latest.note(inds, ends, [sign] * len(inds))
            self._kept.forget(set(changed))
            self._probes.forget(set(changed))
            if self._cube_date is not None and self._trees is not None:
                if any(pair >> 32 in self._cube_inds for pair in new_pairs):
                    self._cube_date = None  # new places of data: layering may have changed
                else:
                    roll = self._trees.names[("mapped", self._cube_date)]
                    delta = self.engine.query(self.sql.cube_from("newrows", roll, MONTH),
                                              {"newrows": rows})
                    self.engine.append("cube", delta)
            if self.appended_rows > self.compact_ratio * max(self.base_rows, 1):
                self.compact()

    def forget_answers(self) -> None:
        """Drop every kept cell and probe (benchmarks measure a first view with it)."""
        with self._lock:
            self._kept.clear()
            self._probes.clear()
            self._until_change = {}

    def kept_until_change(self) -> dict[object, object]:
        """A place for answers worked out from the values as they stand after the last
        `sync`: emptied by every change absorbed (and by `forget_answers`). Keys name
        everything else an answer depends on (the day, the asker's scope)."""
        with self._lock:
            return self._until_change

    def latest(self) -> dict[int, date]:
        """The end of each indicator's latest period with a value (of any unit)."""
        with self._lock:
            latest = self._latest
            if latest.ends is None:
                query = (self.sql.latest_ends_compacted() if self.appended_rows == 0
                         else self.sql.latest_ends())
                table = self.engine.query(query)
                latest.ends = dict(zip(ints(table, "ind"), dates(table, "pend"), strict=True))
                latest.stale = set()
            elif latest.stale:
                stale = sorted(latest.stale)
                table = self.engine.query(self.sql.latest_ends(
                    f"WHERE ind IN ({', '.join(str(i) for i in stale)})"))
                for ind in stale:
                    latest.ends.pop(ind, None)
                latest.ends.update(zip(ints(table, "ind"), dates(table, "pend"), strict=True))
                latest.stale = set()
            return dict(latest.ends)

    def present(self, *, hierarchy: Hierarchy, fingerprint: tuple[object, ...],
                probes: Sequence[Probe]) -> set[Probe]:
        """The probes that find data; answers are kept until their indicator changes."""
        with self._lock:
            todo = self._probes.missing(probes)
            if todo:
                self._know_tree(hierarchy, fingerprint)
                answer = self.engine.query(
                    self.sql.data_present(
                        with_delta=self.engine.keeps_delta and self.appended_rows > 0),
                    probe_inputs(todo))
                found = set(ints(answer, "key"))
                for i, p in enumerate(todo):
                    self._probes.put(p, i in found)
            return self._probes.found(probes)

    def compact(self) -> None:
        """Fold retractions away; runs when appended rows pass a share of the table."""
        with self._lock:
            self.engine.compact_facts()
            if self._cube_date is not None:
                self.engine.execute(self.sql.compact_cube())
            count = self.engine.query(f"SELECT COUNT(*) AS n FROM {self.sql.all_facts} x")
            self.base_rows = int(count.column("n")[0].as_py())
            self.appended_rows = 0

    # -- trees ---------------------------------------------------------------------

    def _know_tree(self, h: Hierarchy, fingerprint: tuple[object, ...]) -> _Trees:
        """The tree tables of this fingerprint, made afresh when the tree changed."""
        if self._trees is None or self._trees.fingerprint != fingerprint:
            self._cube_date = None  # first: a tree that fails to build leaves no stale cube
            marks = boundaries(h)
            self.engine.create("above", ever_above(h))
            self._trees = _Trees(fingerprint=fingerprint, marks=marks)
        return self._trees

    def _tree(self, h: Hierarchy, fingerprint: tuple[object, ...], mode: str, on: date) -> str:
        trees = self._know_tree(h, fingerprint)
        key = (mode, epoch_of(h, on, trees.marks))
        name = trees.names.get(key)
        if name is None:
            self._counter += 1
            name = f"roll_{mode}_{self._counter}"
            builders = {"mapped": rollup_mapped, "as_of": rollup_as_of, "succ": successor_map}
            table = builders[mode](h, key[1])
            self.engine.create(name, table)
            trees.names[key] = name
            if mode == "as_of":
                trees.leaves[name] = frozenset(
                    u.id for u in h.in_force(key[1]) if not h.children(u.id, key[1]))
        return name

    def _ensure_cube(self, h: Hierarchy, fingerprint: tuple[object, ...],
                     rules: Iterable[IndicatorRule], today: date) -> str:
        roll = self._tree(h, fingerprint, "mapped", today)
        epoch = epoch_of(h, today, self._trees.marks if self._trees else None)
        if self._cube_date == epoch:
            return roll
        layered = self._layered_now()
        self._cube_inds = {
            r.id for r in rules
            if r.agg_units in (Aggregation.SUM, Aggregation.AVERAGE)
            and r.periodicity is PeriodType.MONTH and r.id not in layered
        }
        ancs = {u.id for u in h.in_force(epoch) if h.children(u.id, epoch)}
        self.engine.create("cube_ancs", pa.table({"anc": pa.array(sorted(ancs), pa.int32())}))
        self.engine.create("cube_inds", pa.table(
            {"ind": pa.array(sorted(self._cube_inds), pa.int32())}))
        self.engine.execute(self.sql.clear("cube"))
        self.engine.append("cube", self.engine.query(
            self.sql.cube_from(self.sql.all_facts, roll, MONTH)))
        self.engine.create("cube_src", self.engine.query(self.sql.cube_sources(roll, MONTH)))
        self._cube_date = epoch
        self._cube_ancs = ancs
        return roll

    def _coarser_now(self) -> set[int]:
        if self._coarser is None:
            table = self.engine.query(self.sql.non_month_indicators(MONTH))
            self._coarser = set(ints(table, "ind"))
        return self._coarser

    def _layered_now(self) -> set[int]:
        if self._layered is None:
            self._layered = set(ints(self.engine.query(self.sql.layered_indicators()), "ind"))
        return self._layered

    # -- answers -------------------------------------------------------------------

    def cells(
        self,
        *,
        hierarchy: Hierarchy,
        fingerprint: tuple[object, ...],
        rules: Sequence[IndicatorRule],
        all_rules: Sequence[IndicatorRule],
        unit_ids: Sequence[int],
        periods: Sequence[Span],
        mapped: bool,
        on: date | None,
        today: date,
        needs: Mapping[int, Sequence[Span]] | None = None,
    ) -> list[Cell]:
        """Values for every requested (indicator, unit, period) that has data; with
        `needs`, only each indicator's own periods are sure to be there.

        Cells worked out before, by this question or another, and whose indicator has
        not changed since, are not worked out again.
        """
        context = (fingerprint, mapped, on, today)
        with self._lock:
            kept, rules = self._kept.split(context, rules, unit_ids, periods, needs)
            if not rules:
                return kept
            asked_at = self.last_change
            cube_plans, scan_plans, roll_of = self._plan(
                hierarchy, fingerprint, rules, all_rules, unit_ids, periods, mapped, on, today)
        out = self._run(rules, periods, cube_plans, scan_plans, roll_of)
        with self._lock:
            if self.last_change == asked_at:  # nothing landed meanwhile
                self._kept.put(context, rules, unit_ids, periods, out)
        return kept + out

    def _run(self, rules: Sequence[IndicatorRule], periods: Sequence[Span],
             cube_plans: list[Plan], scan_plans: list[ScanAsk],
             roll_of: Callable[[list[Span]], dict[str, list[Span]]]) -> list[Cell]:
        out: list[Cell] = []
        spans = {p.id: p for p in periods}
        unsure_inds: set[int] = set()
        unsure_units: set[int] = set()
        unsure_spans: dict[str, Span] = {}
        for query, inputs in cube_plans:
            for cell, sure in read_cells(self.engine.query(query, inputs)):
                if sure:
                    out.append(cell)
                else:
                    unsure_inds.add(cell.ind)
                    unsure_units.add(cell.unit)
                    unsure_spans[cell.pid] = spans[cell.pid]
        if unsure_inds:
            # The cells the cube cannot be sure of, scanned together.
            unsure = [r for r in rules if r.id in unsure_inds]
            for roll, group in roll_of(list(unsure_spans.values())).items():
                for part in by_movability(unsure, "|" in roll):
                    scan_plans.append(self._scan(roll, part, group, sorted(unsure_units)))
        for ask in merge_scans(scan_plans):
            query, inputs = render(self.sql, ask)
            out.extend(cell for cell, _ in read_cells(self.engine.query(query, inputs)))
        return out

    def _scan(self, roll: str, rules: list[IndicatorRule], periods: list[Span],
              unit_ids: Sequence[int]) -> ScanAsk:
        tree = roll.partition("|")[0]
        leaves = self._trees.leaves.get(tree) if self._trees and self.leaf_scans else None
        return scan_ask(roll, rules, periods, unit_ids, leaves=leaves,
                        layered=self._layered_now(), coarser=self._coarser_now(),
                        with_delta=self.engine.keeps_delta and self.appended_rows > 0,
                        move_totals=self.move_totals)

    def _plan(
        self,
        h: Hierarchy,
        fingerprint: tuple[object, ...],
        rules: Sequence[IndicatorRule],
        all_rules: Sequence[IndicatorRule],
        unit_ids: Sequence[int],
        periods: Sequence[Span],
        mapped: bool,
        on: date | None,
        today: date,
    ) -> tuple[list[Plan], list[ScanAsk], Callable[[list[Span]], dict[str, list[Span]]]]:
        """Which cells the cube answers and which need a scan, and over which tree."""
        if self.use_cube:
            self._ensure_cube(h, fingerprint, all_rules, today)
        marks = self._trees.marks if self._trees else None
        current = epoch_of(h, today, marks)

        def roll_of(spans: list[Span]) -> dict[str, list[Span]]:
            groups: dict[str, list[Span]] = {}
            for p in spans:
                when = on or (today if mapped else p.end)
                roll = self._tree(h, fingerprint, "as_of", when)
                if mapped:
                    roll = f"{roll}|{self._tree(h, fingerprint, 'succ', when)}"
                groups.setdefault(roll, []).append(p)
            return groups

        cube_periods: list[Span] = []
        for p in periods:
            when = on or (today if mapped else p.end)
            # The cube holds history mapped into today's tree. A period wholly inside
            # the current stretch has values only at units in force today, so there
            # the tree as it was and the mapped tree agree.
            if epoch_of(h, when, marks) == current and (
                mapped or epoch_of(h, p.start, marks) == current
            ):
                cube_periods.append(p)
        cube_plans: list[Plan] = []
        cube_units = [u for u in unit_ids if u in self._cube_ancs] if self.use_cube else []
        cube_cells: set[tuple[int, str]] = set()  # (ind, pid) the cube answers
        cube_rules = [r for r in rules if r.id in self._cube_inds]
        if cube_units and cube_rules and cube_periods:
            served = [
                (r, p) for r in cube_rules for p in cube_periods
                if p.rank == MONTH
                or (r.id not in self._coarser_now() and (
                    (r.agg_time is Aggregation.SUM and r.agg_units is Aggregation.SUM)
                    or r.agg_time in (Aggregation.LAST, Aggregation.AVERAGE)))
            ]
            cube_cells = {(r.id, p.id) for r, p in served}
            for group_rules, group_periods in rectangles(served):
                months_only = all(one_month_start(p) for p in group_periods)
                cube_plans.append((self.sql.cells_by_cube(group_rules,
                                                          months_only=months_only), {
                    "req": req_table(group_periods), "tgt": tgt_table(cube_units),
                    "inds": inds_table(group_rules),
                }))
        scan_plans: list[ScanAsk] = []
        rest_units = [u for u in unit_ids if u not in set(cube_units)]
        for roll, ps in roll_of(list(periods)).items():
            # One scan for every indicator and period the cube leaves over: each query
            # costs milliseconds to plan whatever it reads, and a page asks many. A cell
            # the cube answers too comes out the same (the property test checks it).
            left = {(r.id, p.id) for r in rules for p in ps if (r.id, p.id) not in cube_cells}
            if rest_units:
                left |= {(r.id, p.id) for r in rules for p in ps if (r.id, p.id) in cube_cells}
            scan_rules = [r for r in rules if any((r.id, p.id) in left for p in ps)]
            scan_spans = [p for p in ps if any((r.id, p.id) in left for r in rules)]
            for group in by_movability(scan_rules, mapped):
                if scan_spans:
                    scan_plans.append(self._scan(roll, group, scan_spans, unit_ids))
        return cube_plans, scan_plans, roll_of

