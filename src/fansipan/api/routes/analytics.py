"""Analytics: `POST /api/v1/analytics`."""

from __future__ import annotations

from fastapi import APIRouter, Request

from fansipan.analytics.warehouse import Warehouse
from fansipan.api.deps import PrincipalDep, SessionDep
from fansipan.services.analytics import AnalyticsRequest, AnalyticsResult, run_analytics

router = APIRouter(prefix="/analytics", tags=["analytics"])


@router.post("")
def analytics_query(
    session: SessionDep, principal: PrincipalDep, request: Request, body: AnalyticsRequest
) -> AnalyticsResult:
    """Indicators × units × periods as a tidy table, including every committed change."""
    warehouse: Warehouse = request.app.state.warehouse
    return run_analytics(session=session, warehouse=warehouse, request=body,
                         principal=principal)
