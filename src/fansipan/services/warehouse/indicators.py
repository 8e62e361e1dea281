"""The indicator catalogue as clients see it."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicators import (
    Aggregation,
    Indicator,
    Kind,
    ValueType,
    check_catalogue,
    default_kind,
)
from fansipan.domain.periods import PeriodType
from fansipan.domain.targets import Direction
from fansipan.errors import Conflict, FieldError, ValidationError, msg
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
    kind: str = Field(description="amount (changes in per cent), rate or index (changes in "
                                  "points), denominator (no change in per cent, not ranked)")
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
    discloses_parts: bool = Field(
        default=False, description="An administrator confirmed that this derived indicator "
                                   "may be read by whoever may read it, although that "
                                   "discloses parts they could not read on their own")
    group: str | None = None
    retired_from: date | None = None


class IndicatorVisibility(BaseModel):
    public: bool = Field(description="Anyone, signed in or not, may read its values")
    discloses_parts: bool = Field(
        default=False,
        description="For a derived indicator: confirm that showing it discloses its parts "
                    "(a rate and one part give the other). Publishing a derived indicator "
                    "whose parts are not public needs this confirmation.")


def _public(uid: str, i: Indicator, public: bool = False,
            discloses: bool = False) -> IndicatorPublic:
    return IndicatorPublic(
        uid=uid, code=i.code, name_vi=i.name_vi, name_en=i.name_en, unit_vi=i.unit_vi,
        unit_en=i.unit_en, sector=i.sector, value_type=i.value_type.value,
        kind=i.kind.value, agg_units=i.agg_units.value, agg_time=i.agg_time.value,
        direction=i.direction.value,
        decimals=i.decimals, periodicity=i.periodicity.value, levels=list(i.levels),
        formula=i.formula, min_value=i.min_value, max_value=i.max_value,
        description_vi=i.description_vi, description_en=i.description_en,
        source_vi=i.source_vi, source_en=i.source_en, public=public,
        discloses_parts=discloses, group=i.group, retired_from=i.retired_from,
    )


def _public_codes(session: Session) -> set[str]:
    return set(session.scalars(select(IndicatorRow.code).where(IndicatorRow.public.is_(True))))


def _disclosing_codes(session: Session) -> set[str]:
    return set(session.scalars(select(IndicatorRow.code)
                               .where(IndicatorRow.discloses_parts.is_(True))))


def list_indicators(*, session: Session, sector: str | None = None,
                    principal: Principal | None = None) -> list[IndicatorPublic]:
    """The catalogue; with a principal, only the indicators in its scope (public ones for
    anonymous visitors)."""
    with session.begin():
        catalog = load_catalog(session)
        public = _public_codes(session)
        disclosing = _disclosing_codes(session)
        scope = data_scope(session, catalog, principal) if principal is not None else None
    return [
        _public(catalog.indicator_uids[code], ind, code in public, code in disclosing)
        for code, ind in catalog.indicators.items()
        if (sector is None or ind.sector == sector)
        and (scope is None or scope.allows_indicator(catalog.indicator_ids[code]))
    ]


def get_indicator(*, session: Session, code: str,
                  principal: Principal | None = None) -> IndicatorPublic:
    with session.begin():
        catalog = load_catalog(session)
        public = _public_codes(session)
        disclosing = _disclosing_codes(session)
        ind = catalog.indicator(code)
        if principal is not None:
            data_scope(session, catalog, principal).check_indicator(
                catalog, catalog.indicator_ids[ind.code])
    return _public(catalog.indicator_uids[ind.code], ind, ind.code in public,
                   ind.code in disclosing)


def set_visibility(*, session: Session, principal: Principal, code: str,
                   data: IndicatorVisibility) -> IndicatorPublic:
    """An administrator marks an indicator public (or not); audited.

    A derived indicator whose parts are not all public discloses them to everyone once
    it is public (the rate and one part give the other): publishing it is refused unless
    `discloses_parts` confirms it, and the confirmation is kept and audited. Without the
    confirmation the indicator stays readable only by those who may read every part.
    """
    require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        catalog = load_catalog(session)
        ind = catalog.indicator(code)
        parts = catalog.parts_ever.get(ind.code, frozenset())
        if data.discloses_parts and not parts:
            raise ValidationError(msg("Only a derived indicator discloses parts"), [FieldError(
                field="discloses_parts", value=ind.code,
                message=msg("{code} has no formula, so there is nothing to disclose; leave "
                            "discloses_parts out", code=ind.code))])
        hidden = sorted(parts - _public_codes(session))
        if data.public and hidden and not data.discloses_parts:
            raise Conflict(msg("Publishing this derived indicator would disclose private parts"),
                           [FieldError(
                               field="discloses_parts", value=ind.code,
                               message=msg("{code} is computed from {parts}, which are not "
                                           "public: anyone could work them out from it. "
                                           "Publish them first, or confirm with "
                                           "discloses_parts=true (fansipan indicators publish "
                                           "--confirm-disclosure)", code=ind.code,
                                           parts=", ".join(hidden)))])
        row = session.scalars(select(IndicatorRow).where(IndicatorRow.code == ind.code)).one()
        before, row.public = row.public, data.public
        row.discloses_parts = data.discloses_parts
        detail: dict[str, object] = {"public": data.public, "was": before}
        if data.discloses_parts:
            detail["discloses"] = hidden or sorted(parts)
        record(session, principal, "indicator.visibility", target=ind.code, detail=detail)
        return _public(catalog.indicator_uids[ind.code], ind, data.public,
                       data.discloses_parts)


def publish_all(*, session: Session, principal: Principal, why: str) -> None:
    """Mark every indicator public at once (a store of illustrative data); audited."""
    require(principal, Permission.MANAGE_METADATA)
    with audited_transaction(session):
        session.execute(update(IndicatorRow).values(public=True, discloses_parts=False))
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
    kind: Kind | None = Field(default=None, description="amount, rate, index or denominator; "
                                                        "by default a rate for a percent, "
                                                        "else an amount")
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
        new = Indicator(**{**data.model_dump(), "levels": tuple(data.levels),
                           "kind": data.kind or default_kind(data.value_type)})
        check_catalogue([*catalog.indicators.values(), new])
        row = IndicatorRow(
            uid=indicator_uid(new.code), code=new.code, name_vi=new.name_vi,
            name_en=new.name_en, unit_vi=new.unit_vi, unit_en=new.unit_en, sector=new.sector,
            value_type=new.value_type.value, kind=new.kind.value, agg_units=new.agg_units.value,
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
