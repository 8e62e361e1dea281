"""Times as clients see them: always with their zone (UTC).

SQLite gives stored times back without a zone; an API time without one is ambiguous
and breaks RFC 3339 `date-time`, so every public model declares its times with this.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(as_utc)]
