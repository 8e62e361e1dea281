"""Units: `/api/v1/units`."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from fansipan.http.deps import SessionDep
from fansipan.services.warehouse.units import UnitDetail, UnitPublic, get_unit, list_units

router = APIRouter(prefix="/units", tags=["units"])


@router.get("")
def units_index(
    session: SessionDep,
    as_of: date | None = None,
    level: str | None = None,
    parent: str | None = None,
) -> list[UnitPublic]:
    """Units in force on `as_of` (default today); `level` is a level name or a depth."""
    return list_units(session=session, as_of=as_of, level=level, parent=parent)


@router.get("/{ref}")
def unit_show(session: SessionDep, ref: str, as_of: date | None = None) -> UnitDetail:
    """A unit by code (as in force on `as_of`) or by uid, with its place in the tree."""
    return get_unit(session=session, ref=ref, as_of=as_of)
