"""What pages show of foresight: the forecast band of an indicator page, the odds beside
each target (the targets page, the overview, the wall), and the alerts panel the overview
and the wall screen call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.alerts import AlertStatus, Severity
from fansipan.domain.targets import TargetStatus
from fansipan.errors import FansipanError
from fansipan.forecasting import Outlook, outlook_for
from fansipan.services.catalog import load_catalog
from fansipan.services.foresight.alerts import AlertPublic, list_alerts
from fansipan.services.foresight.forecasts import ForecastPublic, get_forecast
from fansipan.services.foresight.odds import OddsPublic, list_odds
from fansipan.services.foresight.series import forecastable
from fansipan.services.insight.evaluation import EvaluationReport, TargetEvaluation

TargetKey = tuple[str, str, str]  # indicator code, unit code, period
AT_RISK_SHOWN = 8  # names on the first screen and the wall; the targets page lists the rest
# The outlooks pages count the targets still open by, from their odds: a target whose
# months are all known has odds 1 or 0 (met or missed by the figures so far), and counts
# as on track or off track with them.
COUNTED = (Outlook.ON_TRACK, Outlook.AT_RISK, Outlook.OFF_TRACK)
RISKY = frozenset({Outlook.AT_RISK, Outlook.OFF_TRACK})


def counted_outlook(odds: OddsPublic | None) -> Outlook | None:
    """On track, at risk or off track by the odds; None without odds."""
    return None if odds is None or odds.probability is None else outlook_for(odds.probability)


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
                   lang: str = "vi") -> dict[TargetKey, OddsPublic]:
    """(indicator, unit code, period) → the stored odds of that target."""
    return {(o.indicator, o.unit, o.period): o
            for o in list_odds(session=session, principal=principal, year=year, lang=lang)}


def target_key(item: TargetEvaluation) -> TargetKey:
    return item.indicator, item.unit, item.period


@dataclass(frozen=True)
class RiskLine:
    """A target at risk of being missed, with its odds where the forecast gives them."""

    target: TargetEvaluation
    odds: OddsPublic | None

    @property
    def flagged(self) -> bool:
        """Its odds put it at risk or off track (not only its pace)."""
        return counted_outlook(self.odds) in RISKY


@dataclass(frozen=True)
class TargetsOutlook:
    """The odds beside the targets a page shows.

    `odds` holds those of the targets still open only: a target whose period is over is
    judged (met, exceeded, missed), and odds kept from before would contradict it.
    `counts` and `by_sector` count the open targets on track, at risk and off track by
    their odds (keyed by the outlook's value, as templates read them). `at_risk` lists
    the targets behind the pace of the plan or whose odds put them at risk or off track:
    first those the odds flag, lowest odds first; then those behind pace without odds,
    furthest from plan first; then those behind pace whose odds say they will be met.
    """

    odds: dict[TargetKey, OddsPublic] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    by_sector: dict[str, dict[str, int]] = field(default_factory=dict)
    at_risk: list[RiskLine] = field(default_factory=list)
    more_at_risk: int = 0


def targets_outlook(*, session: Session, principal: Principal,
                    report: EvaluationReport | None, lang: str = "vi",
                    limit: int = AT_RISK_SHOWN) -> TargetsOutlook:
    """The odds of the report's targets still open, their outlooks counted, and the
    targets at risk of being missed (the first `limit`, and how many more)."""
    if report is None:
        return TargetsOutlook()
    still_open = any(not i.status.is_final for i in report.items)
    stored = odds_by_target(session=session, principal=principal, year=report.year,
                            lang=lang) if still_open else {}
    return outlook_of(report, stored, limit)


def outlook_of(report: EvaluationReport, stored: dict[TargetKey, OddsPublic],
               limit: int = AT_RISK_SHOWN) -> TargetsOutlook:
    """`targets_outlook` once the stored odds are read."""
    still_open = [i for i in report.items if not i.status.is_final]
    odds = {target_key(i): stored[target_key(i)] for i in still_open
            if target_key(i) in stored}
    counts = dict.fromkeys((o.value for o in COUNTED), 0)
    by_sector: dict[str, dict[str, int]] = {}
    for item in still_open:
        outlook = counted_outlook(odds.get(target_key(item)))
        if outlook is None:
            continue
        counts[outlook.value] += 1
        sector = by_sector.setdefault(item.sector, dict.fromkeys((c.value for c in COUNTED), 0))
        sector[outlook.value] += 1
    lines = [RiskLine(i, odds.get(target_key(i))) for i in still_open]
    lines = [line for line in lines
             if line.flagged or line.target.status is TargetStatus.AT_RISK]
    lines.sort(key=_risk_order)
    return TargetsOutlook(odds=odds, counts=counts if any(counts.values()) else {},
                          by_sector=by_sector, at_risk=lines[:limit],
                          more_at_risk=max(0, len(lines) - limit))


def _risk_order(line: RiskLine) -> tuple[int, float, str]:
    probability = line.odds.probability if line.odds is not None else None
    if line.flagged and probability is not None:
        return 0, probability, line.target.indicator_name
    if probability is None:
        share = line.target.plan_percent
        return 1, share if share is not None else -1.0, line.target.indicator_name
    return 2, probability, line.target.indicator_name


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
    if not principal.can(Permission.READ_DATA):
        return AlertsPanel(signed_in=True)  # an account that reads no data sees no alert
    found = [a for a in list_alerts(session=session, principal=principal, open_only=True,
                                    limit=500, lang=lang) if a.status is not AlertStatus.RESOLVED]
    counts = {s: sum(1 for a in found if a.severity is s) for s in Severity}
    return AlertsPanel(signed_in=True, open=len(found), by_severity=counts,
                       items=found[:limit])
