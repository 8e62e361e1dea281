"""Date-times as GeoReport v2 writes them: the W3C profile of ISO 8601, zone required.

We always write Vietnam's time with its offset (2025-03-01T08:00:00+07:00), to the
second. We read any offset (or Z) and keep the instant; a date-time without a zone is
refused, because the spec makes the zone mandatory and guessing it would move a
deadline by hours.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from fansipan.domain.local_time import VIETNAM, require_aware
from fansipan.errors import FieldError, ValidationError

_W3C = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<hour>\d{2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:\.(?P<fraction>\d+))?)?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})"
)
# A query string decodes '+' to a space, so an unencoded +07:00 arrives as " 07:00".
_SPACED_OFFSET = re.compile(r"^(.*\d) (\d{2}:\d{2})$")


def format_datetime(moment: datetime) -> str:
    """`moment` in Vietnam's time, to the second, with its +07:00 offset."""
    require_aware(moment, field="datetime")
    return moment.astimezone(VIETNAM).replace(microsecond=0).isoformat()


def parse_datetime(text: str, *, field: str) -> datetime:
    """An aware datetime from W3C text, or a ValidationError naming `field`."""
    raw = text.strip()
    spaced = _SPACED_OFFSET.match(raw)
    if spaced:
        raw = f"{spaced.group(1)}+{spaced.group(2)}"
    match = _W3C.fullmatch(raw)
    if match is None:
        raise _bad(field, text, "không đúng định dạng W3C, ví dụ 2025-03-01T08:00:00+07:00",
                   "is not a W3C date-time such as 2025-03-01T08:00:00+07:00 (a time zone "
                   "is required)")
    zone = match.group("zone")
    if zone == "Z":
        tz = UTC
    else:
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            raise _bad(field, text, "múi giờ không hợp lệ", "has an impossible time zone")
        tz = timezone(sign * timedelta(hours=hours, minutes=minutes))
    fraction = (match.group("fraction") or "0")[:6].ljust(6, "0")
    try:
        moment = datetime.fromisoformat(match.group("date")).replace(
            hour=int(match.group("hour")), minute=int(match.group("minute")),
            second=int(match.group("second") or 0), microsecond=int(fraction), tzinfo=tz)
    except ValueError:
        raise _bad(field, text, "ngày hoặc giờ không tồn tại",
                   "is not a real date or time") from None
    return moment


def _bad(field: str, value: str, vi: str, en: str) -> ValidationError:
    return ValidationError(f"Thời điểm không hợp lệ / Invalid date-time: {field}",
                           [FieldError(field=field, value=value, message=f"{vi} / {en}")])
