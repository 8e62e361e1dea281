"""The list of units a viewer may see, by level, with a search that ignores accents.

Without a search it lists the units in force on the day; a search looks through every
unit that ever was, so an ended district ("bat xat" → Huyện Bát Xát, ended 30/06/2025)
is found beside the commune that carries its name today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.domain.search import fold, matches
from fansipan.domain.units import Unit, UnitLevel
from fansipan.services.warehouse.viewpoints import UnitRef, unit_ref, viewpoint

MAX_QUERY = 80
_LEVELS = [UnitLevel.COUNTRY, UnitLevel.PROVINCE, UnitLevel.DISTRICT, UnitLevel.COMMUNE,
           UnitLevel.AGENCY]


@dataclass(frozen=True)
class ListedUnit:
    ref: UnitRef
    name_en: str | None
    valid_from: date | None
    valid_to: date | None
    state: str  # "in_force", "ended" or "future" on the list's day


@dataclass(frozen=True)
class UnitGroup:
    level: str
    units: list[ListedUnit]


@dataclass(frozen=True)
class UnitList:
    query: str
    on: date
    groups: list[UnitGroup]

    @property
    def count(self) -> int:
        return sum(len(g.units) for g in self.groups)


def unit_list(*, session: Session, principal: Principal, query: str = "",
              today: date | None = None) -> UnitList:
    on = today or date.today()
    view = viewpoint(session, principal)
    query = query.strip()[:MAX_QUERY]
    seen = [u for u in view.catalog.hierarchy if view.sees_unit(u)]
    if query:
        found = [u for u in seen if matches(query, u.name, u.name_en, u.code)]
    else:
        found = [u for u in seen if u.in_force(on)]

    def order(u: Unit) -> tuple[bool, str, str, date]:
        # Units in force first, then the others; by name as people read it (Bát before Bảo).
        return (not u.in_force(on), fold(u.name), u.code, u.valid_to or date.max)

    groups = []
    for level in _LEVELS:
        units = sorted((u for u in found if u.level is level), key=order)
        if units:
            groups.append(UnitGroup(level.value, [
                ListedUnit(unit_ref(view.catalog, u), u.name_en, u.valid_from, u.valid_to,
                           _state(u, on)) for u in units]))
    return UnitList(query=query, on=on, groups=groups)


def _state(unit: Unit, on: date) -> str:
    if unit.in_force(on):
        return "in_force"
    return "ended" if unit.valid_to is not None and unit.valid_to < on else "future"
