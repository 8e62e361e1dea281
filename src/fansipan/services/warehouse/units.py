"""Units as clients see them: listed and looked up as of a date."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from sqlalchemy.orm import Session

from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog, load_catalog


class UnitPublic(BaseModel):
    uid: str
    code: str
    name: str
    name_en: str | None
    level: str
    depth: int
    parent: str | None
    valid_from: date | None
    valid_to: date | None


class SuccessionPublic(BaseModel):
    uid: str
    code: str
    name: str
    effective: date
    change: str


class UnitDetail(UnitPublic):
    ancestors: list[UnitPublic]
    children: list[UnitPublic]
    successors: list[SuccessionPublic]
    predecessors: list[SuccessionPublic]


def _public(catalog: Catalog, unit: Unit, on: date) -> UnitPublic:
    h = catalog.hierarchy
    parent = h.parent(unit.id, on) if unit.in_force(on) else None
    return UnitPublic(
        uid=catalog.uid_of(unit), code=unit.code, name=unit.name, name_en=unit.name_en,
        level=unit.level.value, depth=h.depth(unit.id, on) if unit.in_force(on) else 0,
        parent=parent.code if parent else None,
        valid_from=unit.valid_from, valid_to=unit.valid_to,
    )


def list_units(
    *,
    session: Session,
    as_of: date | None = None,
    level: str | None = None,
    parent: str | None = None,
) -> list[UnitPublic]:
    """Units in force on `as_of` (today by default), optionally at a level or below a parent."""
    on = as_of or date.today()
    with session.begin():
        catalog = load_catalog(session)
    h = catalog.hierarchy
    if parent is not None:
        units = h.descendants(catalog.unit(parent, on, field="parent").id, on)
    else:
        units = h.in_force(on)
    if level is not None:
        units = [u for u in units if u.level.value == level or str(h.depth(u.id, on)) == level]
    units.sort(key=lambda u: ([a.code for a in reversed(h.ancestors(u.id, on))], u.code))
    return [_public(catalog, u, on) for u in units]


def get_unit(*, session: Session, ref: str, as_of: date | None = None) -> UnitDetail:
    on = as_of or date.today()
    with session.begin():
        catalog = load_catalog(session)
    h = catalog.hierarchy
    unit = catalog.unit(ref, on)
    see = on if unit.in_force(on) else (unit.valid_to or unit.valid_from or on)
    successors = [
        SuccessionPublic(uid=catalog.uid_of(u), code=u.code, name=u.name,
                         effective=unit.valid_to or on, change="successor")
        for u, _ in h.successors(unit.id, date.max)
        if u.id != unit.id
    ]
    predecessors = [
        SuccessionPublic(uid=catalog.uid_of(old), code=old.code, name=old.name,
                         effective=s.effective, change=s.change)
        for s in h.predecessors(unit.id)
        for old in [h.unit(s.old_id)]
    ]
    base = _public(catalog, unit, see)
    return UnitDetail(
        **base.model_dump(),
        ancestors=[_public(catalog, a, see) for a in h.ancestors(unit.id, see)],
        children=[_public(catalog, c, see) for c in h.children(unit.id, see)],
        successors=successors,
        predecessors=predecessors,
    )
