"""Every version of every unit and agency, current or ended, as administrators list them.

`services.warehouse.units` answers "the units in force on a day"; an administrator also
needs the ones that ended (a district abolished in 2025 still holds its history) and
those that start later, found by a name typed without its accents.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.search import matches
from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.trust.access import require

Level = Literal["province", "district", "commune", "agency"]
Status = Literal["current", "ended", "upcoming"]
LEVEL_ORDER = ("country", "province", "district", "commune", "agency")


class UnitVersionQuery(BaseModel):
    level: Level | None = None
    status: Status | None = None
    text: str = Field(default="", max_length=100, description="Part of a code or a name, "
                      "with or without accents")


class UnitVersion(BaseModel):
    uid: str
    code: str
    name: str
    name_en: str | None
    level: str
    parent: str | None
    parent_name: str | None
    valid_from: date | None
    valid_to: date | None
    status: Status


def status_of(unit: Unit, today: date) -> Status:
    if unit.valid_to is not None and unit.valid_to < today:
        return "ended"
    if unit.valid_from is not None and unit.valid_from > today:
        return "upcoming"
    return "current"


def list_unit_versions(*, session: Session, principal: Principal, query: UnitVersionQuery,
                       today: date | None = None) -> list[UnitVersion]:
    """The versions the query asks for, by level, code and first day (administrators)."""
    require(principal, Permission.MANAGE_METADATA)
    on = today or date.today()
    with session.begin():
        catalog = load_catalog(session)
    out = []
    for unit in catalog.hierarchy:
        status = status_of(unit, on)
        if query.level is not None and unit.level.value != query.level:
            continue
        if query.status is not None and status != query.status:
            continue
        if not matches(query.text, unit.code, unit.name, unit.name_en):
            continue
        out.append(_version(catalog, unit, status, on))
    out.sort(key=lambda v: (LEVEL_ORDER.index(v.level) if v.level in LEVEL_ORDER else 9,
                            v.code, v.valid_from or date.min))
    return out


def _version(catalog: Catalog, unit: Unit, status: Status, today: date) -> UnitVersion:
    # The parent as it stood on the version's last day in force (today for a current one).
    seen = {"current": today, "ended": unit.valid_to or today,
            "upcoming": unit.valid_from or today}[status]
    parent = catalog.hierarchy.parent(unit.id, seen)
    return UnitVersion(uid=catalog.uid_of(unit), code=unit.code, name=unit.name,
                       name_en=unit.name_en, level=unit.level.value,
                       parent=parent.code if parent else None,
                       parent_name=parent.name if parent else None,
                       valid_from=unit.valid_from, valid_to=unit.valid_to, status=status)
