"""Like for like: a change between two periods is told only when both cover the same land.

A figure covers the territory of its unit: the unit itself, or, for a stretch of time
before a reorganisation, the units it was made of then (its pieces). Two figures are
compared only when

- as the tree stood (`as_of`): the unit kept its territory through both periods and
  between their trees; otherwise the answer says "boundaries changed";
- mapped into one day's units (`mapped`): every piece of every stretch of both periods
  has data of its own; otherwise the answer names the pieces without data.

Only stretches that can hold the indicator's figures count: a yearly indicator's stretch
that holds no year's end, or, for a stock (last value), any stretch but the last. Most
answers take the fast path: no tree change from the earlier period's start to the tree
date, so nothing is left to check.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fansipan.analytics.warehouse import Probe, Span, Warehouse
from fansipan.domain.indicators import Aggregation, Indicator
from fansipan.domain.periods import PeriodType, month_end
from fansipan.domain.territory import TerritoryMap, change_days, stretches
from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog
from fansipan.services.insight.spans import base_parts

BOUNDARIES_CHANGED = "boundaries_changed"
MISSING_DATA = "missing_data"
NO_PREDECESSOR = "no_predecessor"
OUTSIDE_SCOPE = "outside_scope"


@dataclass(frozen=True)
class Verdict:
    """Why two figures are not compared, with the units concerned (if any)."""

    reason: str
    units: tuple[Unit, ...] = ()


@dataclass(frozen=True)
class Pair:
    """A figure and the one it would be compared with."""

    indicator: Indicator
    unit: Unit
    now: Span
    before: Span


_MAPS: OrderedDict[tuple[int, int, date, date], TerritoryMap] = OrderedDict()
_DAYS: dict[tuple[int, int], list[date]] = {}
_LOCK = threading.Lock()
_KEEP = 32

# What the tree and the catalogue alone decide of a pair, per catalogue (a new catalogue
# is read whenever units, links or indicators change): comparable, not comparable, or the
# probes that decide. The probes' answers are the warehouse's, kept until their indicator
# changes, so a verdict is never older than the data it was made from.
_Plan = Verdict | list[tuple["Unit", list[Probe]]] | None
_PLANS: weakref.WeakKeyDictionary[Catalog, dict[tuple[object, ...], _Plan]] = (
    weakref.WeakKeyDictionary())
_PLANS_KEEP = 50_000


class Likeness:
    """Judges pairs of figures of one answer."""

    def __init__(self, catalog: Catalog, warehouse: Warehouse, *, mapped: bool,
                 as_of: date | None, today: date) -> None:
        self.catalog, self.warehouse = catalog, warehouse
        self.mapped, self.as_of, self.today = mapped, as_of, today
        key = (id(catalog.hierarchy), catalog.tree_fingerprint)
        with _LOCK:
            days = _DAYS.get(key)
            if days is None:
                days = _DAYS[key] = change_days(catalog.hierarchy)
        self.days = days
        self._epochs = [date.min, *days]

    def judge(self, pairs: Sequence[Pair]) -> dict[Pair, Verdict]:
        """The pairs that are not comparable, each with its reason."""
        verdicts: dict[Pair, Verdict] = {}
        wanted: dict[Pair, list[tuple[Unit, list[Probe]]]] = {}
        with _LOCK:
            plans = _PLANS.get(self.catalog)
            if plans is None:
                plans = _PLANS[self.catalog] = {}
        context = (self.mapped, self.as_of, self.today)
        for pair in pairs:
            key = (context, pair)
            if key in plans:
                plan = plans[key]
            else:
                plan = self._plan(pair)
                with _LOCK:
                    if len(plans) >= _PLANS_KEEP:
                        plans.clear()
                    plans[key] = plan
            if isinstance(plan, Verdict):
                verdicts[pair] = plan
            elif plan:
                wanted[pair] = plan
        if wanted:
            probes = [p for needs in wanted.values() for _, ps in needs for p in ps]
            found = self.warehouse.present(
                hierarchy=self.catalog.hierarchy, fingerprint=(self.catalog.tree_fingerprint,),
                probes=probes)
            for pair, needs in wanted.items():
                missing = tuple(dict.fromkeys(unit for unit, ps in needs
                                              if not all(p in found for p in ps)))
                if missing:
                    verdicts[pair] = Verdict(MISSING_DATA, missing)
        return verdicts

    def _plan(self, pair: Pair) -> _Plan:
        """A verdict, the probes that decide it, or None (comparable)."""
        if self._unchanged(pair):
            return None
        if self.mapped:
            needs = self._needs(pair)
            if needs is None:
                return Verdict(NO_PREDECESSOR)
            return needs or None
        if not self._kept(pair):
            return Verdict(self._why_not_kept(pair))
        return None

    # -- the fast path -------------------------------------------------------------------

    def _tree_day(self, span: Span) -> date:
        return self.as_of or (self.today if self.mapped else span.end)

    def _unchanged(self, pair: Pair) -> bool:
        lo = pair.before.start
        hi = max(pair.now.end, self._tree_day(pair.now), self._tree_day(pair.before))
        return not any(lo < d <= hi for d in self.days)

    # -- as the tree stood: the same territory throughout --------------------------------

    def _kept(self, pair: Pair) -> bool:
        unit = pair.unit.id
        now_day, before_day = self._tree_day(pair.now), self._tree_day(pair.before)
        if not self._map(before_day, now_day).kept(unit):
            return False
        for span, day in ((pair.now, now_day), (pair.before, before_day)):
            for _, b in self._relevant(pair.indicator, span):
                if not self._map(b, day).kept(unit):
                    return False
        return True

    def _why_not_kept(self, pair: Pair) -> str:
        """A new unit that took over no other one is new; any other change moved borders."""
        unit = pair.unit
        earlier = self._tree_day(pair.before)
        if not unit.in_force(earlier) and not self.catalog.hierarchy.predecessors(unit.id):
            return NO_PREDECESSOR
        return BOUNDARIES_CHANGED

    # -- mapped: every piece has data ----------------------------------------------------

    def _needs(self, pair: Pair) -> list[tuple[Unit, list[Probe]]] | None:
        """The probes each piece must pass; None when a stretch has no piece at all.

        Consecutive stretches made of the same pieces are probed as one: a province
        whose agency closed in March is still the same two provinces from January to
        June, and a quarterly report ending in March counts for both stretches.
        """
        day = self._tree_day(pair.now)
        ids = self.catalog.indicator_ids
        needs: dict[int, tuple[Unit, list[Probe]]] = {}
        for span in (pair.now, pair.before):
            for part in base_parts(self.catalog, pair.indicator):
                runs: list[tuple[date, date, tuple[Unit, ...]]] = []
                for a, b in self._relevant(part, span):
                    pieces = self._map(b, day).pieces(pair.unit.id)
                    if not pieces:
                        return None  # the unit did not exist then, nor did any piece of it
                    units = tuple(p.unit for p in pieces)
                    if runs and runs[-1][2] == units:
                        runs[-1] = (runs[-1][0], b, units)
                    else:
                        runs.append((a, b, units))
                for a, b, units in runs:
                    if len(units) == 1 and units[0].id == pair.unit.id:
                        continue  # the unit itself: its figure is its own
                    for unit in units:
                        entry = needs.setdefault(unit.id, (unit, []))
                        entry[1].append(Probe(ids[part.code], unit.id, a, b, span.start))
        return list(needs.values())

    # -- stretches and maps --------------------------------------------------------------

    def _relevant(self, ind: Indicator, span: Span) -> list[tuple[date, date]]:
        """The stretches of one tree inside `span` that can hold the indicator's values."""
        parts = base_parts(self.catalog, ind)
        keep: list[tuple[date, date]] = []
        for a, b in stretches(span.start, span.end, self.days):
            if any(_holds_an_end(p, a, b) for p in parts):
                keep.append((a, b))
        stock = all(p.agg_time in (Aggregation.LAST, Aggregation.NONE) for p in parts)
        return keep[-1:] if stock else keep

    def _epoch(self, day: date) -> date:
        start = date.min
        for d in self.days:
            if d <= day:
                start = d
            else:
                break
        return start

    def _map(self, then: date, now: date) -> TerritoryMap:
        h = self.catalog.hierarchy
        key = (id(h), self.catalog.tree_fingerprint, self._epoch(then), self._epoch(now))
        with _LOCK:
            found = _MAPS.get(key)
            if found is not None:
                _MAPS.move_to_end(key)
                return found
        found = TerritoryMap(h, then, now)
        with _LOCK:
            _MAPS[key] = found
            while len(_MAPS) > _KEEP:
                _MAPS.popitem(last=False)
        return found


def _holds_an_end(ind: Indicator, a: date, b: date) -> bool:
    """Whether a period of the indicator's kind ends between `a` and `b`."""
    if ind.periodicity is PeriodType.YEAR:
        return date(a.year, 12, 31) <= b
    return month_end(a) <= b
