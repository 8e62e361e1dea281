"""The indicator catalogue as clients see it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicators import Aggregation, Indicator, ValueType, check_catalogue
from fansipan.domain.periods import PeriodType
from fansipan.domain.targets import Direction
from fansipan.errors import Conflict, FieldError, msg
from fansipan.services.catalog import load_catalog
from fansipan.services.trust.access import data_scope, require
from fansipan.services.trust.audit import record, record_for
from fansipan.services.warehouse.indicator_history import add_version, check_classes
from fansipan.services.warehouse.reference import indicator_uid
from fansipan.store.audit import AuditRecord, append_events, audited_transaction
from fansipan.store.tables import IndicatorRow


class IndicatorPublic(BaseModel):
    uid: str
    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    sector: str
    value_type: str
    agg_units: str
    agg_time: str
    direction: str
    decimals: int
    periodicity: str
    levels: list[str]
    formula: str | None
    min_value: float | None
    max_value: float | None
    description_vi: str
    description_en: str
    source_vi: str = ""
    source_en: str = ""
    public: bool = False
    group: str | None = None
    retired_from: date | None = None


class IndicatorVisibility(BaseModel):
    public: bool = Field(description="Anyone, signed in or not, may read its values")


def _public(uid: str, i: Indicator, public: bool = False) -> IndicatorPublic:
    return IndicatorPublic(
        uid=uid, code=i.code, name_vi=i.name_vi, name_en=i.name_en, unit_vi=i.unit_vi,
        unit_en=i.unit_en, sector=i.sector, value_type=i.value_type.value,
        agg_units=i.agg_units.value, agg_time=i.agg_time.value, direction=i.direction.value,
        decimals=i.decimals, periodicity=i.periodicity.value, levels=list(i.levels),
        formula=i.formula, min_value=i.min_value, max_value=i.max_value,
        description_vi=i.description_vi, description_en=i.description_en,
        source_vi=i.source_vi, source_en=i.source_en, public=public, group=i.group,
        retired_from=i.retired_from,
    )


def _public_codes(session: Session) -> set[str]:
    return set(session.scalars(select(IndicatorRow.code).where(IndicatorRow.public.is_(True))))


def list_indicators(*, session: Session, sector: str | None = None,
                    principal: Principal | None = None) -> list[IndicatorPublic]:
    """The catalogue; with a principal, only the indicators in its scope (public ones for
    anonymous visitors)."""
    with session.begin():
        catalog = load_catalog(session)
        public = _public_codes(session)
        scope = data_scope(session, catalog, principal) if principal is not None else None
    return [
        _public(catalog.indicator_uids[code], ind, code in public)
        for code, ind in catalog.indicators.items()
        if (sector is None or ind.sector == sector)
        and (scope is None or scope.allows_indicator(catalog.indicator_ids[code]))
    ]


def get_indicator(*, session: Session, code: str,
                  principal: Principal | None = None) -> IndicatorPublic:
    with session.begin():
        catalog = load_catalog(session)
        public = _public_codes(session)
        ind = catalog.indicator(code)
        if principal is not None:
            data_scope(session, catalog, principal).check_indicator(
                catalog, catalog.indicator_ids[ind.code])
    return _public(catalog.indicator_uids[ind.code], ind, ind.code in public)


def set_visibility(*, session: Session, principal: Principal, code: str,
                   data: IndicatorVisibility) -> IndicatorPublic:
    """An administrator marks an indicator public (or not); audited."""
    require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        catalog = load_catalog(session)
        ind = catalog.indicator(code)
        row = session.scalars(select(IndicatorRow).where(IndicatorRow.code == ind.code)).one()
        before, row.public = row.public, data.public
        record(session, principal, "indicator.visibility", target=ind.code,
               detail={"public": data.public, "was": before})
        return _public(catalog.indicator_uids[ind.code], ind, data.public)


def publish_all(*, session: Session, principal: Principal, why: str) -> None:
    """Mark every indicator public at once (a store of illustrative data); audited."""
    require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        session.execute(update(IndicatorRow).values(public=True))
        record(session, principal, "indicator.visibility", target="*",
               detail={"public": True, "why": why})


class IndicatorCreate(BaseModel):
    """A new catalogue entry; rules are checked against the whole catalogue first."""

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=60)
    name_vi: str = Field(min_length=1, max_length=300)
    name_en: str = Field(min_length=1, max_length=300)
    sector: str
    unit_vi: str = ""
    unit_en: str = ""
    value_type: ValueType = ValueType.NUMBER
    agg_units: Aggregation = Aggregation.SUM
    agg_time: Aggregation = Aggregation.SUM
    direction: Direction = Direction.UP
    decimals: int = Field(default=0, ge=0, le=6)
    periodicity: PeriodType = PeriodType.MONTH
    levels: list[str] = Field(default_factory=list)
    formula: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    description_vi: str = ""
    description_en: str = ""
    source_vi: str = Field(default="", max_length=300,
                           description="The body that produces the figures (Vietnamese)")
    source_en: str = Field(default="", max_length=300)
    group: str | None = Field(default=None, description="An indicator group's code")


def create_indicator(*, session: Session, data: IndicatorCreate,
                     principal: Principal | None = None) -> IndicatorPublic:
    """Add an indicator to the catalogue (its formula and rules checked with the rest).

    With a principal it needs role admin; either way the addition is audited.
    """
    if principal is not None:
        require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        catalog = load_catalog(session)
        if data.code in catalog.indicators:
            raise Conflict(msg("The indicator exists already"), [FieldError(
                field="code", value=data.code, message=msg("{code} is already in the catalogue",
                                                           code=data.code))])
        check_classes(catalog, sector=data.sector, group=data.group)
        new = Indicator(**{**data.model_dump(), "levels": tuple(data.levels)})
        check_catalogue([*catalog.indicators.values(), new])
        row = IndicatorRow(
            uid=indicator_uid(new.code), code=new.code, name_vi=new.name_vi,
            name_en=new.name_en, unit_vi=new.unit_vi, unit_en=new.unit_en, sector=new.sector,
            value_type=new.value_type.value, agg_units=new.agg_units.value,
            agg_time=new.agg_time.value, direction=new.direction.value,
            decimals=new.decimals, periodicity=new.periodicity.value,
            levels="|".join(new.levels), formula=new.formula, min_value=new.min_value,
            max_value=new.max_value, description_vi=new.description_vi,
            description_en=new.description_en, source_vi=new.source_vi,
            source_en=new.source_en, group_code=new.group,
        )
        session.add(row)
        session.flush()
        add_version(session, row=row, indicator=new, effective_from=None, changed=[],
                    actor=principal.actor if principal is not None else "system", note="")
        append_events(session, [
            record_for(principal, "indicator.create", target=new.code)
            if principal is not None else
            AuditRecord(action="indicator.create", actor="system", actor_kind="system",
                        target=new.code)])
    return _public(indicator_uid(new.code), new)
