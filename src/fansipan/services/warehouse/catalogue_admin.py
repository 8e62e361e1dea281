"""The catalogue as data the administrator owns: edit, retire and delete indicators.

Every edit is a new version with the day it takes effect (domain.indicator_versions);
the analytics read each period under the formula in force on its last day. What would
change the meaning of values already stored (how they add up, their type, their
periodicity) cannot be edited on an indicator that has values: make a new indicator and
retire this one. An indicator with values or targets is never deleted, only retired.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.formulas import parse_formula
from fansipan.domain.indicator_versions import changed_fields
from fansipan.domain.indicators import Aggregation, Indicator, Kind, ValueType, check_catalogue
from fansipan.domain.periods import PeriodType
from fansipan.domain.targets import Direction
from fansipan.errors import Conflict, FieldError, ValidationError, msg
from fansipan.services.catalog import Catalog, forget_catalog, load_catalog
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.services.warehouse.indicator_history import (
    add_version,
    check_classes,
    definition_of,
    ensure_first_version,
)
from fansipan.services.warehouse.indicators import IndicatorPublic, get_indicator
from fansipan.services.warehouse.indicators import _public as public_of
from fansipan.store.audit import audited_transaction
from fansipan.store.catalogue_tables import IndicatorVersionRow
from fansipan.store.tables import DataValueRow, IndicatorRow, TargetRow

# Fields that say what a stored value means: fixed once an indicator has values.
MEANING_FIELDS = ("value_type", "agg_units", "agg_time", "periodicity")


class IndicatorEdit(BaseModel):
    """The fields to change (only those given are changed) and when the change applies."""

    name_vi: str | None = Field(default=None, min_length=1, max_length=300)
    name_en: str | None = Field(default=None, min_length=1, max_length=300)
    description_vi: str | None = None
    description_en: str | None = None
    unit_vi: str | None = Field(default=None, max_length=60)
    unit_en: str | None = Field(default=None, max_length=60)
    sector: str | None = None
    group: str | None = Field(default=None, description="A group's code; \"\" for none")
    value_type: ValueType | None = None
    kind: Kind | None = Field(default=None, description="amount, rate, index or denominator: "
                              "how its change is shown (per cent or points)")
    agg_units: Aggregation | None = None
    agg_time: Aggregation | None = None
    direction: Direction | None = None
    decimals: int | None = Field(default=None, ge=0, le=6)
    min_value: float | None = None
    max_value: float | None = None
    periodicity: PeriodType | None = None
    levels: list[str] | None = None
    formula: str | None = None
    source_vi: str | None = Field(default=None, max_length=300)
    source_en: str | None = Field(default=None, max_length=300)
    effective_from: date | None = Field(
        default=None, description="The first day the new definition applies (default today)")
    note: str = Field(default="", max_length=2000, description="Why (kept with the version)")


class IndicatorRetire(BaseModel):
    retired_from: date | None = Field(
        description="The first day it takes no values; null brings it back")
    note: str = Field(default="", max_length=2000)


def _row(session: Session, catalog: Catalog, code: str) -> tuple[Indicator, IndicatorRow]:
    ind = catalog.indicator(code)
    row = session.get(IndicatorRow, catalog.indicator_ids[ind.code])
    if row is None:  # pragma: no cover - the catalogue was read in this transaction
        raise Conflict(msg("The catalogue changed while it was read; try again"))
    return ind, row


def _stored(session: Session, indicator_id: int) -> tuple[int, int]:
    values = session.scalar(select(func.count()).select_from(DataValueRow).where(
        DataValueRow.indicator_id == indicator_id, DataValueRow.deleted.is_(False))) or 0
    targets = session.scalar(select(func.count()).select_from(TargetRow).where(
        TargetRow.indicator_id == indicator_id, TargetRow.deleted.is_(False))) or 0
    return values, targets


def edited(ind: Indicator, given: dict[str, Any]) -> Indicator:
    fields = {**ind.__dict__}
    for name, value in given.items():
        if name == "levels":
            value = tuple(value)
        elif name == "group":
            value = value or None
        elif name == "formula":
            value = value.strip() or None if isinstance(value, str) else None
        fields[name] = value
    return Indicator(**fields)


def edit_indicator(*, session: Session, principal: Principal, code: str,
                   data: IndicatorEdit, today: date | None = None) -> IndicatorPublic:
    """Change an indicator's definition as a new version; audited with old and new values.

    A derived indicator stays derived and a base one base; a formula is checked against
    the whole catalogue (unknown codes and cycles are refused, naming the part)."""
    require(principal, Permission.MANAGE_METADATA)
    given = data.model_dump(exclude_unset=True, exclude={"effective_from", "note"})
    effective = data.effective_from or today or date.today()
    with audited_transaction(session):
        catalog = load_catalog(session)
        ind, row = _row(session, catalog, code)
        new = edited(ind, given)
        check_edit(session, catalog, ind, new, row.id)
        before, after = definition_of(ind), definition_of(new)
        changed = changed_fields(before, after)
        if not changed:
            return get_indicator_in(catalog, session, ind.code)
        ensure_first_version(session, row=row, indicator=ind)
        version = add_version(session, row=row, indicator=new, effective_from=effective,
                              changed=changed, actor=principal.actor, note=data.note)
        write_row(row, new)
        record(session, principal, "indicator.edit", target=ind.code, detail={
            "version": version, "effective_from": effective.isoformat(), "note": data.note,
            "changes": {f: {"old": before[f], "new": after[f]} for f in changed}})
    return get_indicator(session=session, code=ind.code)


def get_indicator_in(catalog: Catalog, session: Session, code: str) -> IndicatorPublic:
    row = session.get(IndicatorRow, catalog.indicator_ids[code])
    return public_of(catalog.indicator_uids[code], catalog.indicators[code],
                     bool(row and row.public), bool(row and row.discloses_parts))


def check_edit(session: Session, catalog: Catalog, old: Indicator, new: Indicator,
               indicator_id: int) -> None:
    check_classes(catalog, sector=new.sector if new.sector != old.sector else None,
                  group=new.group if new.group != old.group else None)
    check_change(session, old, new, indicator_id)
    others = [i for c, i in catalog.indicators.items() if c != old.code]
    check_catalogue([*others, new])


def check_change(session: Session, old: Indicator, new: Indicator, indicator_id: int) -> None:
    """What a definition change may not do, whatever the rest of the catalogue."""
    errors: list[FieldError] = []
    if (old.formula is None) != (new.formula is None):
        errors.append(FieldError(field="formula", value=new.formula or "", message=msg(
            "an indicator that is entered cannot become derived, nor a derived one entered; "
            "make a new indicator and retire this one")))
    values, _targets = _stored(session, indicator_id)
    if values and old.formula is None:
        for name in MEANING_FIELDS:
            if getattr(old, name) != getattr(new, name):
                errors.append(FieldError(field=name, value=str(getattr(new, name)), message=msg(
                    "{code} has {count} stored values whose meaning this would change; make "
                    "a new indicator and retire this one", code=old.code, count=values)))
    if errors:
        raise ValidationError(msg("The indicator cannot be changed so"), errors)


def write_row(row: IndicatorRow, ind: Indicator) -> None:
    row.name_vi, row.name_en = ind.name_vi, ind.name_en
    row.description_vi, row.description_en = ind.description_vi, ind.description_en
    row.unit_vi, row.unit_en = ind.unit_vi, ind.unit_en
    row.sector, row.group_code = ind.sector, ind.group
    row.value_type, row.agg_units = ind.value_type.value, ind.agg_units.value
    row.kind = ind.kind.value
    row.agg_time, row.direction = ind.agg_time.value, ind.direction.value
    row.decimals, row.min_value, row.max_value = ind.decimals, ind.min_value, ind.max_value
    row.periodicity, row.levels = ind.periodicity.value, "|".join(ind.levels)
    row.formula, row.source_vi, row.source_en = ind.formula, ind.source_vi, ind.source_en


def retire_indicator(*, session: Session, principal: Principal, code: str,
                     data: IndicatorRetire) -> IndicatorPublic:
    """Retire an indicator from a day on (its history stays), or bring it back; audited."""
    require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        catalog = load_catalog(session)
        ind, row = _row(session, catalog, code)
        was, row.retired_from = row.retired_from, data.retired_from
        record(session, principal, "indicator.retire", target=ind.code, detail={
            "retired_from": data.retired_from.isoformat() if data.retired_from else None,
            "was": was.isoformat() if was else None, "note": data.note})
        # A retirement adds no row the catalogue's version check would see.
        ensure_first_version(session, row=row, indicator=ind)
    forget_catalog()
    return get_indicator(session=session, code=ind.code)


def delete_indicator(*, session: Session, principal: Principal, code: str) -> None:
    """Delete an indicator that has never held data nor been named by a formula."""
    require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        catalog = load_catalog(session)
        ind, row = _row(session, catalog, code)
        any_values = session.scalar(select(func.count()).select_from(DataValueRow).where(
            DataValueRow.indicator_id == row.id)) or 0
        any_targets = session.scalar(select(func.count()).select_from(TargetRow).where(
            TargetRow.indicator_id == row.id)) or 0
        if any_values or any_targets:
            raise Conflict(msg("An indicator with data cannot be deleted"), [FieldError(
                field="code", value=ind.code, message=msg(
                    "{code} has {values} values and {targets} targets, deleted ones included; "
                    "retire it instead", code=ind.code, values=any_values,
                    targets=any_targets))])
        users = sorted(c for c, i in catalog.indicators.items() if c != ind.code and any(
            ind.code in parse_formula(t).references
            for t in _formula_texts(catalog, c, i)))
        if users:
            raise Conflict(msg("The indicator is used by a formula"), [FieldError(
                field="code", value=ind.code, message=msg(
                    "{code} is used by the formula of {users}; change those first",
                    code=ind.code, users=", ".join(users)))])
        session.execute(delete(IndicatorVersionRow).where(
            IndicatorVersionRow.indicator_id == row.id))
        try:
            with session.begin_nested():
                session.execute(delete(IndicatorRow).where(IndicatorRow.id == row.id))
        except IntegrityError:
            raise Conflict(msg("The indicator is in use"), [FieldError(
                field="code", value=ind.code, message=msg(
                    "{code} is named by a task, a forecast, a reporting regime or an alert "
                    "rule; retire it instead", code=ind.code))]) from None
        record(session, principal, "indicator.delete", target=ind.code,
               detail={"definition": definition_of(ind)})
    forget_catalog()


def _formula_texts(catalog: Catalog, code: str, ind: Indicator) -> list[str]:
    return ([ind.formula] if ind.formula else []) + catalog.past_formulas(code)
