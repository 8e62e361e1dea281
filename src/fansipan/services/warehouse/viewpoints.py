"""The catalogue as one viewer may see it: its units, indicators and where its pages start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicators import Indicator
from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.trust.access import Scope, data_scope, require


@dataclass(frozen=True)
class Viewpoint:
    """The catalogue and what of it the viewer may see."""

    catalog: Catalog
    scope: Scope

    def indicators(self, sector: str | None = None) -> list[Indicator]:
        ids = self.catalog.indicator_ids
        return [i for c, i in self.catalog.indicators.items()
                if self.scope.allows_indicator(ids[c]) and (sector is None or i.sector == sector)]

    def sees_unit(self, unit: Unit) -> bool:
        return self.scope.allows_unit(unit.id)


def viewpoint(session: Session, principal: Principal) -> Viewpoint:
    require(principal, Permission.READ_DATA)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
    return Viewpoint(catalog, scope)


# --- Units ---------------------------------------------------------------------------------


def home_units(view: Viewpoint, principal: Principal, on: date) -> list[Unit]:
    """Where the viewer's pages start on a date: the top units of its scope in force then."""
    h = view.catalog.hierarchy
    if principal.all_units:
        roots = h.roots(on)
    else:
        roots = [h.unit(u) for u in sorted(principal.unit_ids)
                 if u in view.catalog.unit_uids and h.unit(u).in_force(on)]
    # Administrative units before agencies; then by code, for a stable order.
    return sorted(roots, key=lambda u: (u.level.value == "agency", u.code))


def resolve_unit(view: Viewpoint, ref: str, on: date) -> Unit:
    """A unit named by uid or by code (as in force on `on`), which the viewer may see."""
    unit = view.catalog.unit(ref.strip(), on, field="unit")
    view.scope.check_unit(view.catalog, unit.id)
    return unit


@dataclass(frozen=True)
class UnitRef:
    uid: str
    code: str
    name: str
    level: str


def unit_ref(catalog: Catalog, unit: Unit) -> UnitRef:
    return UnitRef(catalog.uid_of(unit), unit.code, unit.name, unit.level.value)


def breadcrumbs(view: Viewpoint, unit: Unit, on: date) -> list[UnitRef]:
    """The unit's ancestors the viewer may see, top first, then the unit."""
    h = view.catalog.hierarchy
    chain = [u for u in reversed(h.ancestors(unit.id, on)) if view.sees_unit(u)]
    return [unit_ref(view.catalog, u) for u in [*chain, unit]]
