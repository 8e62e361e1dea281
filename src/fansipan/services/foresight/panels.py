"""What pages show of foresight: the forecast band of an indicator page, the odds beside
each target, and the alerts panel the overview and the wall screen call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.alerts import AlertStatus, Severity
from fansipan.errors import FansipanError
from fansipan.services.catalog import load_catalog
from fansipan.services.foresight.alerts import AlertPublic, list_alerts
from fansipan.services.foresight.forecasts import ForecastPublic, get_forecast
from fansipan.services.foresight.odds import OddsPublic, list_odds
from fansipan.services.foresight.series import forecastable


@dataclass(frozen=True)
class ForecastPanel:
    forecast: ForecastPublic | None
    note: str | None  # why there is none: a reason for people, or "old_unit"


def forecast_panel(*, session: Session, warehouse: Warehouse, principal: Principal,
                   indicator: str, unit_uid: str, lang: str = "vi",
                   today: date | None = None) -> ForecastPanel | None:
    """The forecast of the page's series; None when the indicator is never forecast."""
    today = today or date.today()
    with session.begin():
        catalog = load_catalog(session)
    ind = catalog.indicators.get(indicator)
    if ind is None or not forecastable(ind):
        return None
    unit = catalog.unit(unit_uid, today)
    if not unit.in_force(today):
        return ForecastPanel(None, "old_unit")
    try:
        found = get_forecast(session=session, warehouse=warehouse, principal=principal,
                             indicator=indicator, unit=unit_uid, lang=lang, today=today)
    except FansipanError as exc:
        return ForecastPanel(None, exc.message)
    if not found.points:
        return ForecastPanel(None, found.reason or "")
    return ForecastPanel(found, None)


def odds_by_target(*, session: Session, principal: Principal, year: int,
                   lang: str = "vi") -> dict[tuple[str, str, str], OddsPublic]:
    """(indicator, unit code, period) → the odds of that target, for the targets table."""
    return {(o.indicator, o.unit, o.period): o
            for o in list_odds(session=session, principal=principal, year=year, lang=lang)}


@dataclass(frozen=True)
class AlertsPanel:
    """The open alerts a viewer may see: how many of each severity, and the first few."""

    signed_in: bool
    open: int = 0
    by_severity: dict[Severity, int] = field(default_factory=dict)
    items: list[AlertPublic] = field(default_factory=list)


def alerts_panel(*, session: Session, principal: Principal, lang: str = "vi",
                 limit: int = 6) -> AlertsPanel:
    """For the overview and the wall: nothing for anonymous visitors (alerts are internal)."""
    if principal.is_anonymous:
        return AlertsPanel(signed_in=False)
    found = [a for a in list_alerts(session=session, principal=principal, open_only=True,
                                    limit=500, lang=lang) if a.status is not AlertStatus.RESOLVED]
    counts = {s: sum(1 for a in found if a.severity is s) for s in Severity}
    return AlertsPanel(signed_in=True, open=len(found), by_severity=counts,
                       items=found[:limit])
