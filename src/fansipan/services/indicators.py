"""The indicator catalogue as clients see it."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from fansipan.domain.indicators import Indicator
from fansipan.services.catalog import load_catalog


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


def _public(uid: str, i: Indicator) -> IndicatorPublic:
    return IndicatorPublic(
        uid=uid, code=i.code, name_vi=i.name_vi, name_en=i.name_en, unit_vi=i.unit_vi,
        unit_en=i.unit_en, sector=i.sector, value_type=i.value_type.value,
        agg_units=i.agg_units.value, agg_time=i.agg_time.value, direction=i.direction.value,
        decimals=i.decimals, periodicity=i.periodicity.value, levels=list(i.levels),
        formula=i.formula, min_value=i.min_value, max_value=i.max_value,
        description_vi=i.description_vi, description_en=i.description_en,
    )


def list_indicators(*, session: Session, sector: str | None = None) -> list[IndicatorPublic]:
    with session.begin():
        catalog = load_catalog(session)
    return [
        _public(catalog.indicator_uids[code], ind)
        for code, ind in catalog.indicators.items()
        if sector is None or ind.sector == sector
    ]


def get_indicator(*, session: Session, code: str) -> IndicatorPublic:
    with session.begin():
        catalog = load_catalog(session)
    ind = catalog.indicator(code)
    return _public(catalog.indicator_uids[ind.code], ind)
