"""What an answer may tell its asker: nothing it could not read directly.

The asked units and indicators are checked before anything is computed; what a figure
is made of is checked here. With history mapped into today's units, a ward's 2024 figure
is its predecessor communes' total: it is withheld when one of them lies outside the
asker's units (and the change against it is not told). A share of the parent gives the
parent's total and a rank gives the siblings' order: they are told only when the parent,
or every sibling, is itself readable.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date

from fansipan.analytics.warehouse import Span
from fansipan.domain.territory import Lineage
from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog
from fansipan.services.trust.access import Scope

_LINEAGES: OrderedDict[tuple[int, int, date], Lineage] = OrderedDict()
_LOCK = threading.Lock()
_KEEP = 8


def lineage(catalog: Catalog, now: date) -> Lineage:
    """The lineage of the units in force on `now`, built once per tree and day."""
    key = (id(catalog.hierarchy), catalog.tree_fingerprint, now)
    with _LOCK:
        found = _LINEAGES.get(key)
        if found is not None:
            _LINEAGES.move_to_end(key)
            return found
    found = Lineage(catalog.hierarchy, now)
    with _LOCK:
        _LINEAGES[key] = found
        while len(_LINEAGES) > _KEEP:
            _LINEAGES.popitem(last=False)
    return found


class Disclosure:
    """The asker's scope applied to what each figure is made of."""

    def __init__(self, catalog: Catalog, scope: Scope, *, mapped: bool, on: date) -> None:
        self.catalog, self.scope, self.mapped, self.on = catalog, scope, mapped, on
        # Only a mapped answer for an account limited to some units can reach beyond them:
        # as the tree stood, a unit's figure is made of units below it, all in scope.
        self.limited = mapped and scope.unit_ids is not None
        self._hidden: dict[int, list[Unit]] = {}

    def hidden_sources(self, unit: Unit, span: Span) -> list[Unit]:
        """The units outside the scope whose data would count in `unit`'s figure."""
        if not self.limited:
            return []
        outside = self._hidden.get(unit.id)
        if outside is None:
            h = self.catalog.hierarchy
            outside = [h.unit(u) for u in lineage(self.catalog, self.on).sources(unit.id)
                       if not self.scope.allows_unit(u)]
            self._hidden[unit.id] = outside
        # A unit can hold data only for periods that end while it is in force.
        return [u for u in outside
                if (u.valid_from is None or u.valid_from <= span.end)
                and (u.valid_to is None or u.valid_to >= span.start)]

    def readable(self, unit: Unit, span: Span) -> bool:
        """Whether the asker could read `unit`'s figure for `span` itself."""
        return self.scope.allows_unit(unit.id) and not self.hidden_sources(unit, span)

    def all_readable(self, units: Sequence[Unit], span: Span) -> bool:
        return all(self.readable(u, span) for u in units)
