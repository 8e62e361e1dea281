"""Moments and the Vietnamese calendar day they fall on.

Every moment the citizens' capability keeps (a report received, a dossier due) is a
timezone-aware datetime; a naive one is a bug that would silently shift deadlines by
seven hours, so it is refused. Days are counted in Vietnam's time (UTC+07:00, no
daylight saving), whatever zone a moment arrived in.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from fansipan.errors import FieldError, ValidationError

#: Vietnam's time zone, UTC+07:00 all year.
VIETNAM = timezone(timedelta(hours=7))


def require_aware(moment: datetime, *, field: str) -> datetime:
    """`moment` itself, or a ValidationError when it carries no time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(
            "Thời điểm thiếu múi giờ / A moment has no time zone",
            [FieldError(field=field, value=moment.isoformat(),
                        message="cần ghi kèm múi giờ, ví dụ 2025-03-01T08:00:00+07:00 / "
                                "give a time zone, e.g. 2025-03-01T08:00:00+07:00")],
        )
    return moment


def local_date(moment: datetime) -> date:
    """The calendar day in Vietnam on which `moment` falls."""
    return moment.astimezone(VIETNAM).date()


def start_of_day(day: date) -> datetime:
    """00:00 of `day` in Vietnam."""
    return datetime.combine(day, time(0, 0), tzinfo=VIETNAM)


def end_of_day(day: date) -> datetime:
    """The last second of `day` in Vietnam (23:59:59+07:00), as deadlines are written."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=VIETNAM)
