"""Indicators: `/api/v1/indicators`."""

from __future__ import annotations

from fastapi import APIRouter

from fansipan.api.deps import SessionDep
from fansipan.services.indicators import IndicatorPublic, get_indicator, list_indicators

router = APIRouter(prefix="/indicators", tags=["indicators"])


@router.get("")
def indicators_index(session: SessionDep, sector: str | None = None) -> list[IndicatorPublic]:
    return list_indicators(session=session, sector=sector)


@router.get("/{code}")
def indicator_show(session: SessionDep, code: str) -> IndicatorPublic:
    return get_indicator(session=session, code=code)
