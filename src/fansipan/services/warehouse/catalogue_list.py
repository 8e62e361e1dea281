"""The catalogue as the administrator reads it: every indicator (retired ones too), with
the sectors and groups, filtered by sector and by what is typed, with or without accents
(the same search as the other lists)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.search import matches
from fansipan.services.trust.access import require
from fansipan.services.warehouse.classes import ClassPublic, list_classes
from fansipan.services.warehouse.indicators import (
    IndicatorPublic,
    get_indicator,
    list_indicators,
)


class CatalogueQuery(BaseModel):
    sector: str | None = None
    text: str = ""


class CataloguePage(BaseModel):
    indicators: list[IndicatorPublic]
    total: int
    sectors: list[ClassPublic]
    groups: list[ClassPublic]


def read_catalogue(*, session: Session, principal: Principal,
                   query: CatalogueQuery) -> CataloguePage:
    """The indicators an administrator manages, those the query keeps, in catalogue order."""
    require(principal, Permission.MANAGE_METADATA)
    every = list_indicators(session=session)
    kept = [i for i in every if (not query.sector or i.sector == query.sector)
            and matches(query.text, i.code, i.name_vi, i.name_en)]
    return CataloguePage(indicators=kept, total=len(every),
                         sectors=list_classes(session=session, kind="sector"),
                         groups=list_classes(session=session, kind="group"))


class Classes(BaseModel):
    sectors: list[ClassPublic]
    groups: list[ClassPublic]


def read_classes(*, session: Session, principal: Principal) -> Classes:
    """The sectors and groups an indicator's form chooses from."""
    require(principal, Permission.MANAGE_METADATA)
    return Classes(sectors=list_classes(session=session, kind="sector"),
                   groups=list_classes(session=session, kind="group"))


def read_indicator(*, session: Session, principal: Principal, code: str) -> IndicatorPublic:
    """One indicator as its administrator sees it, retired or not, whatever its scope."""
    require(principal, Permission.MANAGE_METADATA)
    return get_indicator(session=session, code=code)
