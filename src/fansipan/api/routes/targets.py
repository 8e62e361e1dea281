"""Targets: `/api/v1/targets`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from fansipan.http.deps import SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.insight.evaluation import EvaluationReport, evaluate_targets
from fansipan.services.warehouse.targets import TargetPublic, TargetWrite, list_targets, set_target

router = APIRouter(prefix="/targets", tags=["targets"])
Year = Annotated[int, Query(ge=1900, le=2200)]


@router.get("")
def targets_index(
    session: SessionDep, principal: PrincipalDep, year: Year | None = None
) -> list[TargetPublic]:
    return list_targets(session=session, year=year, principal=principal)


@router.put("")
def target_put(session: SessionDep, principal: PrincipalDep, data: TargetWrite) -> TargetPublic:
    """Create or replace the target for indicator × unit × period."""
    return set_target(session=session, data=data, principal=principal)


@router.get("/evaluation")
def targets_evaluation(
    session: SessionDep, principal: PrincipalDep, request: Request, year: Year,
    as_of: date | None = None, lang: str = "vi",
    indicator: Annotated[list[str] | None, Query()] = None,
    unit: Annotated[list[str] | None, Query()] = None,
) -> EvaluationReport:
    """Each target of the year: met (đạt), exceeded (vượt), missed, or progress so far,
    with counts per sector and per unit; `indicator` and `unit` narrow the set."""
    return evaluate_targets(session=session, warehouse=request.app.state.warehouse, year=year,
                            as_of=as_of, lang="en" if lang == "en" else "vi",
                            principal=principal, indicators=indicator or (),
                            units=unit or ())
