"""Territories through reorganisations: which units of one day make up a unit of another.

A figure of a unit is comparable with an earlier one only when both cover the same
territory. After the July 2025 reform the new Lào Cai is the old Lào Cai and Yên Bái
together; a commune may be three old communes. `TerritoryMap` answers, for two days,
which units in force on the first (the *pieces*) make up a unit in force on the second,
and whether a unit kept its territory between them. Pure: it reads a `Hierarchy` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fansipan.domain.units import Hierarchy, Unit

_WHOLE = 1.0 - 1e-9


def change_days(h: Hierarchy) -> list[date]:
    """The days on which the tree changes; between two of them it is the same."""
    days = set()
    for u in h:
        if u.valid_from is not None:
            days.add(u.valid_from)
        if u.valid_to is not None and u.valid_to < date.max:
            days.add(u.valid_to + timedelta(days=1))
    return sorted(days)


def stretches(start: date, end: date, days: list[date]) -> list[tuple[date, date]]:
    """`start`–`end` cut where the tree changes: each stretch has one tree throughout."""
    cuts = [d for d in days if start < d <= end]
    bounds = [start, *cuts]
    return [(a, (bounds[i + 1] - timedelta(days=1)) if i + 1 < len(bounds) else end)
            for i, a in enumerate(bounds)]


@dataclass(frozen=True)
class Piece:
    """A unit in force on the earlier day, and the share of its territory inside the unit
    asked about (1 for a whole commune merged in; less for a part split off)."""

    unit: Unit
    share: float

    @property
    def whole(self) -> bool:
        return self.share >= _WHOLE


class TerritoryMap:
    """How the units in force on `then` lie within the units in force on `now`."""

    def __init__(self, h: Hierarchy, then: date, now: date) -> None:
        self.h, self.then, self.now = h, then, now
        self._within: dict[int, dict[int, float]] = {}
        self._holders: dict[int, dict[int, float]] | None = None
        self._pieces: dict[int, list[Piece]] = {}

    def _inside(self, unit_id: int) -> dict[int, float]:
        """unit (in force `then`) → {unit in force `now`: share of it lying within}."""
        found = self._within.get(unit_id)
        if found is None:
            found = {}
            for successor, share in self.h.successors(unit_id, self.now):
                for holder in (successor, *self.h.ancestors(successor.id, self.now)):
                    found[holder.id] = min(1.0, found.get(holder.id, 0.0) + share)
            self._within[unit_id] = found
        return found

    def _candidates(self, unit_id: int) -> dict[int, float]:
        """Every unit in force `then` with some territory inside `unit_id`, and how much."""
        if self._holders is None:
            holders: dict[int, dict[int, float]] = {}
            for u in self.h.in_force(self.then):
                for holder, share in self._inside(u.id).items():
                    holders.setdefault(holder, {})[u.id] = share
            self._holders = holders
        return self._holders.get(unit_id, {})

    def pieces(self, unit_id: int) -> list[Piece]:
        """The top-most units in force `then` whose territory lies (wholly or in part)
        within `unit_id` as it stands `now`: the unit itself when it kept its territory,
        its predecessors when it was made of them."""
        known = self._pieces.get(unit_id)
        if known is not None:
            return known
        found = self._candidates(unit_id)
        out: list[Piece] = []
        for uid, share in found.items():
            parent = self.h.parent(uid, self.then)
            if parent is not None and found.get(parent.id, 0.0) >= _WHOLE:
                continue  # counted with its parent
            if share < _WHOLE and any(k.id in found for k in self.h.children(uid, self.then)):
                continue  # a part: told more exactly by its own units below
            out.append(Piece(self.h.unit(uid), share))
        out.sort(key=lambda p: (p.unit.id != unit_id, p.unit.code, p.unit.id))
        self._pieces[unit_id] = out
        return out

    def kept(self, unit_id: int) -> bool:
        """Whether `unit_id` covers the same territory `then` and `now`: in force on both
        days, nothing joined it and nothing of it went elsewhere."""
        unit = self.h.unit(unit_id)
        if not (unit.in_force(self.then) and unit.in_force(self.now)):
            return False
        pieces = self.pieces(unit_id)
        if len(pieces) != 1 or pieces[0].unit.id != unit_id or not pieces[0].whole:
            return False
        found = self._candidates(unit_id)
        return all(found.get(d.id, 0.0) >= _WHOLE
                   for d in self.h.descendants(unit_id, self.then))


class Lineage:
    """Every unit, ever, whose data counts towards a unit in force on `now` when history
    is mapped into that day's units (its predecessors, and theirs, and below them)."""

    def __init__(self, h: Hierarchy, now: date) -> None:
        self.h, self.now = h, now
        self._sources: dict[int, dict[int, float]] | None = None

    def sources(self, unit_id: int) -> dict[int, float]:
        """unit id → the share of its data that counts towards `unit_id` (itself too)."""
        if self._sources is None:
            found: dict[int, dict[int, float]] = {}
            for u in self.h:
                for successor, share in self.h.successors(u.id, self.now):
                    for holder in (successor, *self.h.ancestors(successor.id, self.now)):
                        mine = found.setdefault(holder.id, {})
                        mine[u.id] = mine.get(u.id, 0.0) + share
            self._sources = found
        return self._sources.get(unit_id, {})


def same_stretch(h: Hierarchy, a: date, b: date, days: list[date] | None = None) -> bool:
    """Whether no tree change falls between `a` and `b` (either order)."""
    lo, hi = min(a, b), max(a, b)
    return not any(lo < d <= hi for d in (days if days is not None else change_days(h)))
