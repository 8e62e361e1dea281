"""The versions of an indicator's definition: written with each change, read as history.

An indicator loaded from the shipped files has no version row until it is first edited;
the first edit stores what it was (version 1, in force since always) before the new one.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicator_versions import DEFINITION_FIELDS
from fansipan.domain.indicators import Indicator
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.services.catalog import Catalog, load_catalog, unknown_message
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.store.catalogue_tables import IndicatorVersionRow
from fansipan.store.tables import IndicatorRow


class FieldChange(BaseModel):
    field: str
    old: Any
    new: Any


class IndicatorVersionPublic(BaseModel):
    version: int
    effective_from: date | None
    at: UtcDateTime
    actor: str
    note: str
    changes: list[FieldChange]
    definition: dict[str, Any]


def definition_of(ind: Indicator) -> dict[str, Any]:
    """The editable fields as plain JSON values."""
    out: dict[str, Any] = {}
    for name in DEFINITION_FIELDS:
        value = getattr(ind, name)
        if name == "levels":
            value = list(value)
        elif hasattr(value, "value"):
            value = value.value
        out[name] = value
    return out


def check_classes(catalog: Catalog, *, sector: str | None, group: str | None) -> None:
    """The sector and group named must exist (a suggestion when one is close)."""
    errors: list[FieldError] = []
    if sector is not None and sector not in catalog.sectors:
        errors.append(FieldError(field="sector", value=sector, message=unknown_message(
            "sector", sector, catalog.sectors)))
    if group is not None and group not in catalog.groups:
        errors.append(FieldError(field="group", value=group, message=unknown_message(
            "indicator group", group, catalog.groups)))
    if errors:
        raise ValidationError(msg("Unknown sector or group"), errors)


def add_version(session: Session, *, row: IndicatorRow, indicator: Indicator,
                effective_from: date | None, changed: list[str], actor: str,
                note: str) -> int:
    """Store `indicator` as the next version of `row`; its number."""
    last = session.scalar(select(func.max(IndicatorVersionRow.version)).where(
        IndicatorVersionRow.indicator_id == row.id)) or 0
    session.add(IndicatorVersionRow(
        indicator_id=row.id, version=last + 1, effective_from=effective_from,
        definition=json.dumps(definition_of(indicator), ensure_ascii=False, sort_keys=True),
        changed=json.dumps(changed), note=note, actor=actor[:100], at=datetime.now(UTC)))
    session.flush()
    return last + 1


def ensure_first_version(session: Session, *, row: IndicatorRow, indicator: Indicator) -> None:
    """An indicator never edited gets its present definition as version 1 (since always)."""
    if session.scalar(select(func.count()).select_from(IndicatorVersionRow).where(
            IndicatorVersionRow.indicator_id == row.id)):
        return
    add_version(session, row=row, indicator=indicator, effective_from=None, changed=[],
                actor="reference", note="")


def list_versions(*, session: Session, principal: Principal,
                  code: str) -> list[IndicatorVersionPublic]:
    """What changed, when, by whom: newest first. An indicator never edited has one."""
    require(principal, Permission.MANAGE_METADATA)
    with session.begin():
        catalog = load_catalog(session)
        ind = catalog.indicator(code)
        rows = list(session.scalars(select(IndicatorVersionRow).where(
            IndicatorVersionRow.indicator_id == catalog.indicator_ids[ind.code]).order_by(
            IndicatorVersionRow.version)))
    if not rows:
        return [IndicatorVersionPublic(version=1, effective_from=None, at=datetime.now(UTC),
                                       actor="reference", note="", changes=[],
                                       definition=definition_of(ind))]
    out: list[IndicatorVersionPublic] = []
    before: dict[str, Any] = {}
    for r in rows:
        definition = json.loads(r.definition)
        changes = [FieldChange(field=f, old=before.get(f), new=definition.get(f))
                   for f in json.loads(r.changed)]
        out.append(IndicatorVersionPublic(version=r.version, effective_from=r.effective_from,
                                          at=r.at, actor=r.actor, note=r.note,
                                          changes=changes, definition=definition))
        before = definition
    return out[::-1]
