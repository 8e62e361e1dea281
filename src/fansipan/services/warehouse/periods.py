"""Periods as clients see them: identifiers, dates and labels in both languages."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from fansipan.domain.periods import Period
from fansipan.domain.relative_periods import parse_periods


class PeriodPublic(BaseModel):
    id: str
    type: str
    start: date
    end: date
    label_vi: str
    label_en: str


def describe_period(period: Period) -> PeriodPublic:
    return PeriodPublic(
        id=period.id, type=period.type.value, start=period.start, end=period.end,
        label_vi=period.label("vi"), label_en=period.label("en"),
    )


def resolve_periods(*, spec: str, today: date | None = None) -> list[PeriodPublic]:
    """A period id, a relative period (LAST_12_MONTHS) or a range (2024-01..2024-06)."""
    return [describe_period(p) for p in parse_periods(spec, today or date.today())]
