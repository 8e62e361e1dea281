"""Agencies and units added and edited by an administrator, each change audited.

A unit is a dated version: a new one starts on `valid_from` under a parent in force then.
An edit renames a version in place (a spelling, an English name) or ends it; a change
of territory is a reorganisation (services.warehouse.reorganisations), not an edit.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import Conflict, FieldError, ValidationError, msg
from fansipan.services.catalog import forget_catalog, load_catalog
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.services.warehouse.unit_rows import unit_uid
from fansipan.services.warehouse.units import UnitDetail, get_unit
from fansipan.store.audit import audited_transaction
from fansipan.store.tables import UnitParentRow, UnitRow

AGENCY_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
UNIT_CODE = re.compile(r"[0-9A-Za-z_.-]{1,40}")


class UnitCreate(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    name_vi: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    level: Literal["province", "district", "commune", "agency"]
    parent: str | None = Field(default=None, description="Parent's code or uid, as of "
                               "valid_from (a province or another agency for an agency)")
    valid_from: date | None = Field(default=None, description="First day; default today")


class UnitEdit(BaseModel):
    name_vi: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    valid_to: date | None = Field(default=None, description="Its last day (ends it)")


def add_unit(*, session: Session, principal: Principal, data: UnitCreate) -> UnitDetail:
    """Add a unit or an agency; audited."""
    require(principal, Permission.MANAGE_METADATA)
    start = data.valid_from or date.today()
    pattern, example = ((AGENCY_CODE, "'so-y-te'") if data.level == "agency"
                        else (UNIT_CODE, "'02683'"))
    if not pattern.fullmatch(data.code):
        raise ValidationError(msg("Bad unit code"), [FieldError(
            field="code", value=data.code, message=msg("write a code such as {example}",
                                                       example=example))])
    with audited_transaction(session):
        catalog = load_catalog(session)
        h = catalog.hierarchy
        clash = [u for u in h.versions(data.code) if u.level.value == data.level
                 and (u.valid_to is None or u.valid_to >= start)]
        if clash:
            raise Conflict(msg("The unit exists already"), [FieldError(
                field="code", value=data.code, message=msg(
                    "{code} ({name}) is in force on {day} already; end it first or choose "
                    "another code", code=data.code, name=clash[0].name,
                    day=start.strftime("%d/%m/%Y")))])
        parent = catalog.unit(data.parent, start, field="parent") if data.parent else None
        if parent is not None and not parent.in_force(start):
            raise ValidationError(msg("The parent is not in force"), [FieldError(
                field="parent", value=data.parent or "", message=msg(
                    "{code} is not in force on {day}", code=parent.code,
                    day=start.strftime("%d/%m/%Y")))])
        row = UnitRow(uid=unit_uid(data.code, data.level, start, None), code=data.code,
                      name_vi=data.name_vi, name_en=data.name_en, level=data.level,
                      valid_from=start, valid_to=None)
        session.add(row)
        session.flush()
        if parent is not None:
            session.add(UnitParentRow(child_id=row.id, parent_id=parent.id, valid_from=start,
                                      valid_to=None))
        record(session, principal, "unit.create", target=data.code, detail={
            **data.model_dump(mode="json"), "valid_from": start.isoformat(), "uid": row.uid})
        uid = row.uid
    return get_unit(session=session, ref=uid, as_of=start)


def edit_unit(*, session: Session, principal: Principal, ref: str, data: UnitEdit,
              as_of: date | None = None) -> UnitDetail:
    """Rename a unit's version in place, or end it; audited with old and new values."""
    require(principal, Permission.MANAGE_METADATA)
    given = data.model_dump(exclude_unset=True)
    with audited_transaction(session):
        catalog = load_catalog(session)
        unit = catalog.unit(ref, as_of or date.today())
        row = session.get(UnitRow, unit.id)
        if row is None:  # pragma: no cover - read in this transaction
            raise Conflict(msg("The units changed while they were read; try again"))
        changes: dict[str, dict[str, str | None]] = {}
        for name, value in given.items():
            old = getattr(row, name)
            if name == "valid_to" and value is not None and row.valid_from is not None \
                    and value < row.valid_from - timedelta(days=1):
                raise ValidationError(msg("Bad end date"), [FieldError(
                    field="valid_to", value=value.isoformat(), message=msg(
                        "the unit starts on {day}; it cannot end before",
                        day=row.valid_from.strftime("%d/%m/%Y")))])
            if old != value:
                changes[name] = {"old": str(old) if old is not None else None,
                                 "new": str(value) if value is not None else None}
                setattr(row, name, value)
        if "valid_to" in changes:
            for link in session.scalars(select(UnitParentRow).where(
                    UnitParentRow.child_id == row.id)):
                if data.valid_to is not None and (link.valid_to is None
                                                  or link.valid_to > data.valid_to):
                    link.valid_to = data.valid_to
        if changes:
            record(session, principal, "unit.edit", target=row.code,
                   detail={"uid": row.uid, "changes": changes})
        uid, see = row.uid, row.valid_to or as_of or date.today()
    forget_catalog()
    return get_unit(session=session, ref=uid, as_of=see)
