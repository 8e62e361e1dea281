"""The working-day calendar a deployment counts deadlines on: Vietnam's public holidays
and announced swaps (the `holidays` library), corrected by FANSIPAN_DAYS_OFF and
FANSIPAN_WORKING_DAYS for what was announced after the library's release."""

from __future__ import annotations

from functools import cache

from fansipan.domain.calendar import WorkingCalendar, vietnam_calendar
from fansipan.settings import Settings


def working_calendar(settings: Settings | None) -> WorkingCalendar:
    """The calendar of these settings (the national one without any)."""
    if settings is None or not (settings.days_off or settings.working_days):
        return vietnam_calendar()
    return _calendar(settings.days_off, settings.working_days)


@cache
def _calendar(days_off: tuple[object, ...], working: tuple[object, ...]) -> WorkingCalendar:
    from datetime import date

    return WorkingCalendar.build(
        days_off={d: "Ngày nghỉ theo thông báo (FANSIPAN_DAYS_OFF)" for d in days_off
                  if isinstance(d, date)},
        working_days=[d for d in working if isinstance(d, date)])
