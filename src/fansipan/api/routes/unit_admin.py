"""Units as administrators manage them: add, rename or end, load a reorganisation."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.warehouse.reorganisations import (
    Reorganisation,
    ReorganisationReport,
    reorganise,
)
from fansipan.services.warehouse.unit_admin import UnitCreate, UnitEdit, add_unit, edit_unit
from fansipan.services.warehouse.units import UnitDetail

router = APIRouter(prefix="/units", tags=["units"], dependencies=[AdminNetwork])


@router.post("", status_code=201)
def unit_create(session: SessionDep, principal: PrincipalDep, data: UnitCreate) -> UnitDetail:
    """Add a unit or an agency from `valid_from` on; administrators only."""
    return add_unit(session=session, principal=principal, data=data)


@router.patch("/{ref}")
def unit_edit(session: SessionDep, principal: PrincipalDep, ref: str, data: UnitEdit,
              as_of: date | None = None) -> UnitDetail:
    """Rename a unit (the version in force on `as_of`, default today) or end it."""
    return edit_unit(session=session, principal=principal, ref=ref, data=data, as_of=as_of)


@router.post("/reorganisations")
def unit_reorganise(session: SessionDep, principal: PrincipalDep, plan: Reorganisation,
                    dry_run: bool = True) -> ReorganisationReport:
    """Load a reorganisation file as one change; by default only a dry run (say
    `dry_run=false` to load it)."""
    return reorganise(session=session, principal=principal, plan=plan, dry_run=dry_run)
