"""Data values: `/api/v1/datavalues`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from fansipan.api.metrics import MetricsDep
from fansipan.domain.estimates import ValueStatus
from fansipan.domain.rows import WriteStrategy
from fansipan.http.deps import SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.warehouse.datavalues import (
    DataValuePublic,
    DataValueWrite,
    NumberIn,
    ValueQuery,
    WriteSummary,
    get_value,
    list_values,
    write_values,
)

router = APIRouter(prefix="/datavalues", tags=["data values"])
# The same limits as the write model, so an over-long path segment is a 422, not a crash.
IndicatorCode = Annotated[str, Path(min_length=1, max_length=60)]
UnitRef = Annotated[str, Path(min_length=1, max_length=40)]
PeriodId = Annotated[str, Path(min_length=1, max_length=12)]


class ValueBody(BaseModel):
    value: NumberIn = Field(description="A JSON number, or its text: 1234.5, 1234,5, "
                                        "1.234,5 (a text such as 1.234 that reads two ways "
                                        "is refused with both readings)")
    comment: str | None = Field(default=None, max_length=2000)
    status: ValueStatus | None = Field(default=None, description="estimate (ước thực hiện) "
                                       "or official (the default)")


class ValueBatch(BaseModel):
    values: list[DataValueWrite] = Field(max_length=100_000)


@router.get("")
def datavalues_index(
    session: SessionDep,
    principal: PrincipalDep,
    indicator: Annotated[list[str] | None, Query()] = None,
    unit: Annotated[list[str] | None, Query()] = None,
    period: Annotated[list[str] | None, Query()] = None,
    start: date | None = None,
    end: date | None = None,
    changed_after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    include_deleted: bool = False,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> list[DataValuePublic]:
    query = ValueQuery(
        indicators=indicator or (), units=unit or (), periods=period or (), start=start,
        end=end, changed_after=changed_after, include_deleted=include_deleted, limit=limit,
        offset=offset,
    )
    return list_values(session=session, query=query, principal=principal)


@router.post("")
def datavalues_write(
    session: SessionDep,
    principal: PrincipalDep,
    metrics: MetricsDep,
    batch: ValueBatch,
    strategy: WriteStrategy = WriteStrategy.CREATE_AND_UPDATE,
    dry_run: bool = False,
) -> WriteSummary:
    """Write many values at once: all are checked first, then all are saved or none."""
    with metrics.track_import():
        summary = write_values(session=session, items=batch.values, principal=principal,
                               source="api", strategy=strategy, dry_run=dry_run)
    metrics.values_written.inc(summary.created + summary.updated + summary.deleted)
    return summary


@router.get("/{indicator}/{unit}/{period}")
def datavalue_show(
    session: SessionDep, principal: PrincipalDep,
    indicator: IndicatorCode, unit: UnitRef, period: PeriodId,
    include_deleted: bool = False,
) -> DataValuePublic:
    return get_value(session=session, indicator=indicator, unit=unit, period=period,
                     include_deleted=include_deleted, principal=principal)


@router.put("/{indicator}/{unit}/{period}")
def datavalue_put(
    session: SessionDep, principal: PrincipalDep,
    indicator: IndicatorCode, unit: UnitRef, period: PeriodId,
    body: ValueBody,
) -> DataValuePublic:
    item = DataValueWrite(indicator=indicator, unit=unit, period=period, value=body.value,
                          comment=body.comment, status=body.status)
    write_values(session=session, items=[item], principal=principal, source="api")
    return get_value(session=session, indicator=indicator, unit=unit, period=period,
                     principal=principal)


@router.delete("/{indicator}/{unit}/{period}")
def datavalue_delete(
    session: SessionDep, principal: PrincipalDep,
    indicator: IndicatorCode, unit: UnitRef, period: PeriodId
) -> DataValuePublic:
    """Soft delete: the value is kept, marked deleted, and the change is audited."""
    item = DataValueWrite(indicator=indicator, unit=unit, period=period)
    write_values(session=session, items=[item], principal=principal, source="api",
                 strategy=WriteStrategy.DELETE)
    return get_value(session=session, indicator=indicator, unit=unit, period=period,
                     include_deleted=True, principal=principal)
