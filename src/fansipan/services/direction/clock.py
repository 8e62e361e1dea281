"""Today as Vietnamese offices count it: deadlines and events are days in Vietnam time
(UTC+7), whatever zone the server runs in."""

from __future__ import annotations

from datetime import UTC, date, datetime

from fansipan.domain.regimes import local_day


def today_in_vietnam() -> date:
    return local_day(datetime.now(UTC))
