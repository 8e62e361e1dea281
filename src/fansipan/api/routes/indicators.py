"""Indicators: `/api/v1/indicators`."""

from __future__ import annotations

from fastapi import APIRouter

from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.warehouse.indicators import (
    IndicatorPublic,
    IndicatorVisibility,
    get_indicator,
    list_indicators,
    set_visibility,
)

router = APIRouter(prefix="/indicators", tags=["indicators"])


@router.get("")
def indicators_index(
    session: SessionDep, principal: PrincipalDep, sector: str | None = None
) -> list[IndicatorPublic]:
    """The catalogue as far as you may see it (anonymous visitors: public indicators)."""
    return list_indicators(session=session, sector=sector, principal=principal)


@router.get("/{code}")
def indicator_show(session: SessionDep, principal: PrincipalDep, code: str) -> IndicatorPublic:
    return get_indicator(session=session, code=code, principal=principal)


@router.put("/{code}/visibility", dependencies=[AdminNetwork])
def indicator_visibility(
    session: SessionDep, principal: PrincipalDep, code: str, data: IndicatorVisibility
) -> IndicatorPublic:
    """Mark an indicator public (anyone may read its values) or not; administrators only."""
    return set_visibility(session=session, principal=principal, code=code, data=data)
