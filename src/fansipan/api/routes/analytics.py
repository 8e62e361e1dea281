"""Analytics: `POST /api/v1/analytics`, and the same as a GET with `.json`, `.csv`, `.xlsx`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from fansipan.analytics.warehouse import Warehouse
from fansipan.http.deps import SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.reports.tables import to_csv, to_xlsx
from fansipan.services.insight.analytics import (
    AnalyticsRequest,
    AnalyticsResult,
    labelled_table,
    run_analytics,
)

router = APIRouter(prefix="/analytics", tags=["analytics"])
Many = Annotated[list[str], Query(min_length=1)]
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _answer(request: Request, session: SessionDep, principal: PrincipalDep,
            body: AnalyticsRequest) -> AnalyticsResult:
    warehouse: Warehouse = request.app.state.warehouse
    return run_analytics(session=session, warehouse=warehouse, request=body,
                         principal=principal)


@router.post("")
def analytics_query(
    session: SessionDep, principal: PrincipalDep, request: Request, body: AnalyticsRequest
) -> AnalyticsResult:
    """Indicators × units × periods as a tidy table, including every committed change."""
    return _answer(request, session, principal, body)


@router.get("", response_model=AnalyticsResult)
@router.get(".{fmt}", response_model=AnalyticsResult,
            responses={200: {"content": {m: {} for m in MEDIA.values()}}})
def analytics_get(
    session: SessionDep,
    principal: PrincipalDep,
    request: Request,
    indicator: Many,
    unit: Many,
    period: Many,
    fmt: Literal["json", "csv", "xlsx"] = "json",
    hierarchy: Literal["as_of", "mapped"] = "as_of",
    as_of: date | None = None,
    cumulative: bool = False,
    compare: bool = False,
    share_of_parent: bool = False,
    rank: bool = False,
    lang: Literal["vi", "en"] = "vi",
) -> AnalyticsResult | Response:
    """The same question in the query string: `?indicator=…&unit=10/children&period=2024`.

    `.csv` and `.xlsx` give the table with names and period labels in `lang`.
    """
    body = AnalyticsRequest(
        indicators=indicator, units=unit, periods=period, hierarchy=hierarchy, as_of=as_of,
        cumulative=cumulative, compare=compare, share_of_parent=share_of_parent, rank=rank,
        lang=lang,
    )
    result = _answer(request, session, principal, body)
    if fmt == "json":
        return result
    columns, rows = labelled_table(result, lang)
    if fmt == "csv":
        content = to_csv(columns, rows)
    else:
        content = to_xlsx(columns, rows, title="analytics",
                          note="Fansipan analytics export; names and labels in "
                               f"{'English' if lang == 'en' else 'Vietnamese'}.")
    return Response(content, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f'attachment; filename="fansipan-analytics.{fmt}"'})
