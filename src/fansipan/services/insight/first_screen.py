"""What the leader's first screen and the wall add to the overview: each key figure's
yearly series (for its sparkline) and the figure drawn on the map and the trend chart.
(The targets at risk by name come with their odds from `foresight.panels`.)"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.errors import FansipanError
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.insight.indicator_page import IndicatorPage, indicator_page
from fansipan.services.insight.overview import Overview

SPARK_YEARS = 6  # the sparkline's complete years, oldest first


@dataclass(frozen=True)
class SparkPoint:
    year: int
    value: float


def yearly_series(*, session: Session, warehouse: Warehouse, principal: Principal,
                  codes: Sequence[str], unit_uid: str, today: date | None = None,
                  ) -> dict[str, list[SparkPoint]]:
    """Each indicator's complete years before this one, in today's units (mapped), in one
    question for every indicator: the sparkline beside a key figure.

    The running year is left out: a total of eleven months beside whole years would
    read as a fall.
    """
    if not codes:
        return {}
    today = today or date.today()
    last = today.year - 1
    years = [str(y) for y in range(last - SPARK_YEARS + 1, last + 1)]
    result = run_analytics(session=session, warehouse=warehouse, principal=principal,
                           request=AnalyticsRequest(
                               indicators=list(codes), units=[unit_uid], periods=years,
                               hierarchy="mapped", as_of=today - timedelta(days=1),
                               today=today))
    series: dict[str, list[SparkPoint]] = {}
    for r in result.records():
        value = r["value"]
        period = str(r["period"])
        if value is None or not period.isdigit():
            continue
        series.setdefault(str(r["indicator"]), []).append(
            SparkPoint(int(period), float(value)))
    return {code: sorted(points, key=lambda p: p.year) for code, points in series.items()}


def featured_page(*, session: Session, warehouse: Warehouse, principal: Principal,
                  data: Overview, lang: str, code: str | None = None,
                  ) -> IndicatorPage | None:
    """The indicator page behind the first screen's map and the wall's trend chart: the
    key figure asked for, else the first one; None when there is none the viewer may
    read.

    Its period is the key figure's own (the running year so far, or the last one), so
    the map and the figure beside it agree.
    """
    if data.unit is None or not data.latest:
        return None
    latest = {item.indicator.code: item for item in data.latest}
    item = latest.get(code or "", data.latest[0])
    try:
        return indicator_page(session=session, warehouse=warehouse, principal=principal,
                              code=item.indicator.code, unit=data.unit.uid,
                              period=item.period, lang=lang)
    except FansipanError:
        return None  # the unit has no data for it at that level: the screen says so
