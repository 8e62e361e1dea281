"""Where a unit came from and where it went: the succession links the warehouse holds.

A commune merged in 2025 names the commune that took it over. A district abolished on
1 July 2025 has no successor of its own: its area now lies in the communes that took
over its communes, and that is what a reader is told. A unit formed by a merger names
the units it was formed from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from fansipan.domain.search import fold
from fansipan.domain.units import Unit
from fansipan.services.warehouse.viewpoints import UnitRef, Viewpoint, unit_ref


@dataclass(frozen=True)
class Inflow:
    """Units that came into this one on a day: it was formed from them ("formed"), it
    carries on the same unit ("continues"), or it took them over later ("took_over")."""

    kind: str
    on: date
    units: list[UnitRef]


@dataclass(frozen=True)
class Lineage:
    ended: date | None  # its last day, when that day has passed
    successors: list[UnitRef] = field(default_factory=list)  # took it over by a link
    area_now: list[UnitRef] = field(default_factory=list)  # hold its area, without a link
    predecessors: list[Inflow] = field(default_factory=list)
    last_full_year: int | None = None  # the last year it was in force from end to end

    @property
    def gone_from(self) -> date | None:
        """The first day it was no longer in force (1 July 2025 for a district)."""
        return None if self.ended is None else self.ended + timedelta(days=1)


def lineage(view: Viewpoint, unit: Unit, today: date) -> Lineage:
    h = view.catalog.hierarchy
    ended = unit.valid_to if unit.valid_to is not None and unit.valid_to < today else None
    successors: list[Unit] = []
    area: list[Unit] = []
    if ended is not None:
        after = ended + timedelta(days=1)
        successors = [h.unit(s.new_id) for s in h.succession_links(unit.id)
                      if s.effective <= today]
        if not successors:
            # Where its units below went (the communes of an abolished district).
            for child in h.children(unit.id, ended):
                area.extend(u for u, _ in h.successors(child.id, max(after, today)))

    def refs(units: list[Unit]) -> list[UnitRef]:
        unique = {u.id: u for u in units if view.sees_unit(u)}
        return [unit_ref(view.catalog, u) for u in sorted(unique.values(), key=_by_name)]

    inflows: dict[tuple[str, date], list[Unit]] = {}
    for s in h.predecessors(unit.id):
        kind = ("continues" if s.change == "kept" else
                "formed" if s.effective == unit.valid_from else "took_over")
        inflows.setdefault((kind, s.effective), []).append(h.unit(s.old_id))
    predecessors = [Inflow(kind, on, refs(olds))
                    for (kind, on), olds in sorted(inflows.items(), key=lambda i: i[0][1])]
    last = None
    if ended is not None:
        last = ended.year if (ended.month, ended.day) == (12, 31) else ended.year - 1
        if unit.valid_from is not None and unit.valid_from > date(last, 1, 1):
            last = None  # it never lasted a whole year
    return Lineage(ended=ended, successors=refs(successors), area_now=refs(area),
                   predecessors=[i for i in predecessors if i.units], last_full_year=last)


def _by_name(unit: Unit) -> tuple[str, str]:
    return (fold(unit.name), unit.code)
