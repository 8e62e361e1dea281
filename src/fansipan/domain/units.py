"""Units (đơn vị) and their effective-dated hierarchy.

Vietnam reorganises its administrative units: on 2025-07-01 districts were
abolished and provinces merged, and codes were reused. So a unit is a *version*
with `valid_from`/`valid_to` (both inclusive, `None` = open), its parent link is
dated too, and succession links say which unit took over an ended one. Every
question about the tree is asked "as of" a date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from fansipan.errors import FieldError, NotFound, ValidationError, msg


class UnitLevel(StrEnum):
    COUNTRY = "country"
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    AGENCY = "agency"


def in_force(valid_from: date | None, valid_to: date | None, on: date) -> bool:
    return (valid_from is None or valid_from <= on) and (valid_to is None or on <= valid_to)


@dataclass(frozen=True)
class Unit:
    """One version of a unit; `id` is the store's key, stable across code reuse."""

    id: int
    code: str
    name: str
    level: UnitLevel
    valid_from: date | None = None
    valid_to: date | None = None
    name_en: str | None = None

    def in_force(self, on: date) -> bool:
        return in_force(self.valid_from, self.valid_to, on)


@dataclass(frozen=True)
class ParentLink:
    child_id: int
    parent_id: int
    valid_from: date | None = None
    valid_to: date | None = None

    def in_force(self, on: date) -> bool:
        return in_force(self.valid_from, self.valid_to, on)


@dataclass(frozen=True)
class Succession:
    """`old_id` ended and `new_id` took over its territory from `effective`.

    A split names several successors; `share` says which part of the old unit's
    additive values each one takes (1.0 for a merge).
    """

    old_id: int
    new_id: int
    effective: date
    change: str = "merged"
    share: float = 1.0


class Hierarchy:
    """The whole tree through time, answering questions as of a date."""

    def __init__(
        self,
        units: Iterable[Unit],
        links: Iterable[ParentLink],
        successions: Iterable[Succession] = (),
    ) -> None:
        self._units = {u.id: u for u in units}
        self._parent_links: dict[int, list[ParentLink]] = defaultdict(list)
        self._child_links: dict[int, list[ParentLink]] = defaultdict(list)
        for link in links:
            for end in (link.child_id, link.parent_id):
                if end not in self._units:
                    raise ValidationError(
                        msg("A parent link names a unit that does not exist"),
                        [FieldError(field="unit", message=msg("no unit with id {end}", end=end))],
                    )
            self._parent_links[link.child_id].append(link)
            self._child_links[link.parent_id].append(link)
        self._successions: dict[int, list[Succession]] = defaultdict(list)
        for s in successions:
            self._successions[s.old_id].append(s)
        self._by_code: dict[str, list[Unit]] = defaultdict(list)
        for u in self._units.values():
            self._by_code[u.code].append(u)
        self._views: dict[date, _View] = {}

    def __len__(self) -> int:
        return len(self._units)

    def __iter__(self) -> Iterator[Unit]:
        return iter(self._units.values())

    def unit(self, unit_id: int) -> Unit:
        try:
            return self._units[unit_id]
        except KeyError:
            raise NotFound(msg("No unit with id {unit_id}", unit_id=unit_id)) from None

    def versions(self, code: str) -> list[Unit]:
        """Every unit that has carried this code, oldest first."""
        return sorted(self._by_code.get(code, []), key=_start_key)

    def find(self, code: str, on: date) -> Unit:
        """The unit carrying `code` on the given day (codes are reused across reforms)."""
        matches = [u for u in self._by_code.get(code, []) if u.in_force(on)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            known = self.versions(code)
            if not known:
                raise NotFound(msg("No unit has the code {code}", code=repr(code)))
            spans = ", ".join(_span(u) for u in known)
            raise NotFound(
                msg("No unit carries the code {code} on {day}; it was used by: {spans}",
                    code=repr(code), day=on.isoformat(), spans=spans)
            )
        names = ", ".join(f"{u.name} (id {u.id})" for u in matches)
        raise ValidationError(msg("The code {code} is ambiguous on {day}: {names}",
                                  code=repr(code), day=on.isoformat(), names=names))

    def in_force(self, on: date) -> list[Unit]:
        return [u for u in self._units.values() if u.in_force(on)]

    def parent(self, unit_id: int, on: date) -> Unit | None:
        parent_id = self._view(on).parent.get(unit_id)
        return None if parent_id is None else self._units[parent_id]

    def children(self, unit_id: int, on: date) -> list[Unit]:
        return list(self._view(on).children.get(unit_id, ()))

    def _view(self, on: date) -> _View:
        """The tree on one day, built once: national trees have thousands of units."""
        view = self._views.get(on)
        if view is None:
            view = _View.build(self, on)
            if len(self._views) >= _MAX_VIEWS:
                self._views.pop(next(iter(self._views)))
            self._views[on] = view
        return view

    def ancestors(self, unit_id: int, on: date) -> list[Unit]:
        """Parent first, root last."""
        chain: list[Unit] = []
        seen = {unit_id}
        current = self.parent(unit_id, on)
        while current is not None:
            if current.id in seen:
                raise ValidationError(msg("The unit tree has a cycle through {code}",
                                          code=current.code))
            seen.add(current.id)
            chain.append(current)
            current = self.parent(current.id, on)
        return chain

    def descendants(self, unit_id: int, on: date, *, level: int | None = None) -> list[Unit]:
        """All units below, breadth first; with `level`, only those at that depth."""
        out: list[Unit] = []
        frontier = self.children(unit_id, on)
        while frontier:
            out.extend(frontier)
            frontier = [kid for u in frontier for kid in self.children(u.id, on)]
        if level is not None:
            out = [u for u in out if self.depth(u.id, on) == level]
        return out

    def below_ever(self, unit_id: int) -> set[int]:
        """Ids of the unit and every unit that was below it on any day (a unit scope)."""
        found = {unit_id}
        frontier = [unit_id]
        while frontier:
            current = frontier.pop()
            for link in self._child_links.get(current, ()):
                if link.child_id not in found:
                    found.add(link.child_id)
                    frontier.append(link.child_id)
        return found

    def roots(self, on: date) -> list[Unit]:
        return sorted(
            (u for u in self.in_force(on) if self.parent(u.id, on) is None),
            key=lambda u: (u.code, u.id),
        )

    def depth(self, unit_id: int, on: date) -> int:
        """1 for a root (the province in a provincial instance), 2 below it, and so on."""
        view = self._view(on)
        found = view.depth.get(unit_id)
        if found is None:
            found = view.depth[unit_id] = len(self.ancestors(unit_id, on)) + 1
        return found

    def at_level(self, level: int, on: date) -> list[Unit]:
        units = (u for u in self.in_force(on) if self.depth(u.id, on) == level)
        return sorted(units, key=lambda u: (u.code, u.id))

    def successors(self, unit_id: int, on: date) -> list[tuple[Unit, float]]:
        """The units in force on `on` that carry `unit_id`'s territory, with shares.

        A unit in force is its own successor. An ended unit with no succession link
        (a district abolished in 2025) is carried by its last parent's successors,
        so its values still land inside today's province.
        """
        return self._successors(unit_id, on, 1.0, frozenset())

    def _successors(
        self, unit_id: int, on: date, share: float, seen: frozenset[int]
    ) -> list[tuple[Unit, float]]:
        unit = self.unit(unit_id)
        if unit.in_force(on):
            return [(unit, share)]
        if unit_id in seen:
            raise ValidationError(msg("Succession links form a cycle through {code}",
                                      code=unit.code))
        seen = seen | {unit_id}
        links = [s for s in self._successions.get(unit_id, ()) if s.effective <= on]
        if links:
            out: list[tuple[Unit, float]] = []
            for s in links:
                out.extend(self._successors(s.new_id, on, share * s.share, seen))
            return out
        if unit.valid_to is None or unit.valid_to >= on:
            return []  # not yet in force: nothing to carry it
        last_parent = self.parent(unit_id, unit.valid_to)
        if last_parent is None:
            return []
        return self._successors(last_parent.id, on, share, seen)

    def succession_links(self, unit_id: int) -> list[Succession]:
        """Succession links that start from this unit (to the units that took it over)."""
        return list(self._successions.get(unit_id, ()))

    def predecessors(self, unit_id: int) -> list[Succession]:
        """Succession links that end in this unit."""
        return [s for links in self._successions.values() for s in links if s.new_id == unit_id]


_MAX_VIEWS = 256


@dataclass
class _View:
    parent: dict[int, int]
    children: dict[int, list[Unit]]
    depth: dict[int, int]

    @classmethod
    def build(cls, h: Hierarchy, on: date) -> _View:
        parent: dict[int, int] = {}
        children: dict[int, list[Unit]] = defaultdict(list)
        for child_id, links in h._parent_links.items():
            if not h._units[child_id].in_force(on):
                continue
            for link in links:
                if link.in_force(on) and h._units[link.parent_id].in_force(on):
                    parent[child_id] = link.parent_id
                    children[link.parent_id].append(h._units[child_id])
                    break
        for kids in children.values():
            kids.sort(key=lambda u: (u.code, u.id))
        return cls(parent=parent, children=dict(children), depth={})


def _start_key(unit: Unit) -> tuple[date, int]:
    return (unit.valid_from or date.min, unit.id)


def _span(unit: Unit) -> str:
    start = unit.valid_from.isoformat() if unit.valid_from else "…"
    end = unit.valid_to.isoformat() if unit.valid_to else "…"
    return f"{unit.name} ({start} – {end})"


def tree_problems(h: Hierarchy) -> list[FieldError]:
    """What would make the tree unreadable, each named by the unit's code: a version that
    ends before it starts, two units with one code on one day (`find` could not choose), a
    unit above itself on some day (its ancestors never end), and succession links that lead
    back to where they started. Checked wherever units are written in bulk (a metadata
    file, a reorganisation), before anything is kept."""
    problems: list[FieldError] = []
    for u in h:
        if u.valid_from and u.valid_to and u.valid_to < u.valid_from - timedelta(days=1):
            problems.append(FieldError(field="units", value=u.code, message=msg(
                "{code} ends on {end}, before it starts on {start}", code=u.code,
                end=u.valid_to.isoformat(), start=u.valid_from.isoformat())))
    for code, versions in h._by_code.items():
        ordered = sorted(versions, key=_start_key)
        for a, b in pairwise(ordered):
            if a.valid_to is None or (b.valid_from is not None and a.valid_to >= b.valid_from):
                problems.append(FieldError(field="units", value=code, message=msg(
                    "two units carry the code {code} at once: {first} and {second}", code=code,
                    first=_span(a), second=_span(b))))
    days = {date.min}
    for dated in [*h, *(link for links in h._parent_links.values() for link in links)]:
        days.add(dated.valid_from or date.min)
        if dated.valid_to is not None and dated.valid_to < date.max:
            days.add(dated.valid_to + timedelta(days=1))
    looped: set[str] = set()
    for day in sorted(days):
        parent = _View.build(h, day).parent
        for start in parent:
            seen, current = {start}, parent.get(start)
            while current is not None and current not in seen:
                seen.add(current)
                current = parent.get(current)
            if current is not None and h.unit(current).code not in looped:
                looped.add(h.unit(current).code)
                problems.append(FieldError(field="parents", value=h.unit(current).code,
                                           message=msg("{code} is above itself on {day}",
                                                       code=h.unit(current).code,
                                                       day=day.isoformat())))
    problems.extend(_succession_loops(h))
    return problems


def _succession_loops(h: Hierarchy) -> list[FieldError]:
    """The first loop of succession links (walked without recursion: files may be long)."""
    done: set[int] = set()
    for first in list(h._successions):
        if first in done:
            continue
        path = {first}
        stack = [(first, iter(h._successions.get(first, ())))]
        while stack:
            unit_id, links = stack[-1]
            link = next(links, None)
            if link is None:
                stack.pop()
                path.discard(unit_id)
                done.add(unit_id)
            elif link.new_id in path:
                code = h.unit(link.new_id).code
                return [FieldError(field="successions", value=code, message=msg(
                    "succession links lead from {code} back to itself", code=code))]
            elif link.new_id not in done:
                path.add(link.new_id)
                stack.append((link.new_id, iter(h._successions.get(link.new_id, ()))))
    return []


def check_tree(h: Hierarchy, message: str) -> None:
    """Raise `ValidationError(message)` listing `tree_problems` when there are any."""
    problems = tree_problems(h)
    if problems:
        raise ValidationError(message, problems)
