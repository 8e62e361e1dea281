"""Periods: `/api/v1/periods`."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from fansipan.services.warehouse.periods import PeriodPublic, resolve_periods

router = APIRouter(prefix="/periods", tags=["periods"])


@router.get("/{spec}")
def periods_resolve(spec: str, today: date | None = None) -> list[PeriodPublic]:
    """`2022Q1`, `202203`, `LAST_12_MONTHS` (against `today`) or `2024-01..2024-06`."""
    return resolve_periods(spec=spec, today=today)
