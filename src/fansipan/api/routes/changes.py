"""The change feed: `/api/v1/changes?after=N`, for the engine and mirroring systems."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from fansipan.http.deps import SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.warehouse.datavalues import ChangePublic, list_changes

router = APIRouter(prefix="/changes", tags=["changes"])


@router.get("")
def changes_index(
    session: SessionDep,
    principal: PrincipalDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[ChangePublic]:
    """Every write after change number `after`, oldest first; page by the last `change`."""
    return list_changes(session=session, after=after, limit=limit, principal=principal)
