"""Each alert rule, de-duplication, the lifecycle and its history, and scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.domain.alerts import AlertAction, AlertStatus, Operator, RuleKind, Severity
from fansipan.errors import PermissionDenied, ValidationError
from fansipan.forecasting import Outlook
from fansipan.services.catalog import load_catalog
from fansipan.services.foresight.alerts import (
    AlertDecision,
    act_on_alert,
    get_alert,
    list_alerts,
)
from fansipan.services.foresight.odds import list_odds
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.foresight.regimes import RegimeWrite, set_regime
from fansipan.services.foresight.rules import AlertRuleWrite, create_rule
from fansipan.services.foresight.tasks_source import OverdueTask
from fansipan.services.warehouse.targets import TargetWrite, set_target
from tests.services.foresight.conftest import (
    COMMUNE,
    INDICATOR,
    TODAY,
    months,
    put,
    seasonal,
)
from tests.support.accounts import Account

SYSTEM = Principal.system("tests")


def rule(session: Session, kind: RuleKind, **fields: object) -> int:
    data = AlertRuleWrite(name=f"{kind.value} rule", kind=kind, **fields)  # type: ignore[arg-type]
    return create_rule(session=session, principal=SYSTEM, data=data).id


def test_a_threshold_raises_once_and_clears_when_the_value_is_corrected(
        session: Session, refresher: Refresher, history: dict[str, float]) -> None:
    rule(session, RuleKind.THRESHOLD, indicator=INDICATOR, unit=COMMUNE, operator=Operator.GT,
         threshold=2000, severity=Severity.CRITICAL)
    refresher.run(today=TODAY)
    assert list_alerts(session=session, principal=SYSTEM) == []
    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    refresher.run(today=TODAY)
    [alert] = list_alerts(session=session, principal=SYSTEM)
    assert alert.kind is RuleKind.THRESHOLD and alert.severity is Severity.CRITICAL
    assert alert.period == "2026-01" and alert.value == 2500 and alert.unit == COMMUNE
    assert "2.500" in alert.title and "2.000" in alert.title  # Vietnamese numbers
    put(session, INDICATOR, COMMUNE, {"2026-01": 2600})  # still past the limit
    refresher.run(today=TODAY)
    [again] = list_alerts(session=session, principal=SYSTEM)
    assert again.id == alert.id and again.occurrences == 2 and again.value == 2600
    put(session, INDICATOR, COMMUNE, {"2026-01": 500})
    refresher.run(today=TODAY)
    [cleared] = list_alerts(session=session, principal=SYSTEM)
    assert cleared.status is AlertStatus.RESOLVED
    history_ = get_alert(session=session, principal=SYSTEM, alert_id=alert.id).history
    assert [e.action for e in history_] == [AlertAction.RAISED, AlertAction.SEEN_AGAIN,
                                            AlertAction.CLEARED]
    put(session, INDICATOR, COMMUNE, {"2026-01": 2700})  # back again: the same alert reopens
    refresher.run(today=TODAY)
    [reopened] = list_alerts(session=session, principal=SYSTEM)
    assert reopened.id == alert.id and reopened.status is AlertStatus.OPEN


def test_a_threshold_on_a_derived_rate_in_the_province(
        session: Session, refresher: Refresher, history: dict[str, float]) -> None:
    online = {p: round(v * 0.2) for p, v in history.items()}
    put(session, "CNTT_HO_SO_TRUC_TUYEN", COMMUNE, online)
    rule(session, RuleKind.THRESHOLD, indicator="CNTT_TY_LE_HO_SO_TRUC_TUYEN",
         operator=Operator.LT, threshold=10)
    refresher.run(today=TODAY)
    assert list_alerts(session=session, principal=SYSTEM) == []
    put(session, "CNTT_HO_SO_TRUC_TUYEN", COMMUNE, {"2025-12": 1})
    refresher.run(today=TODAY)
    found = list_alerts(session=session, principal=SYSTEM)
    # The commune and every unit above it in today's tree cross the limit together.
    assert {a.unit for a in found} == {COMMUNE, "15"}
    assert all(a.indicator == "CNTT_TY_LE_HO_SO_TRUC_TUYEN" for a in found)


def test_a_target_at_risk_and_off_track(session: Session, refresher: Refresher) -> None:
    online = "CNTT_HO_SO_TRUC_TUYEN"  # dossiers received online: higher is better
    values = seasonal(61, level=100)
    put(session, online, COMMUNE, dict(zip(months(2021, 61), values, strict=True)))
    expected_year = sum(seasonal(72, level=100)[60:])
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator=online, unit=COMMUNE, period="2026", planned=round(expected_year * 0.8)))
    rule(session, RuleKind.TARGET_AT_RISK, unit=COMMUNE, severity=Severity.WARNING)
    refresher.run(today=TODAY)
    [easy] = list_odds(session=session, principal=SYSTEM, year=2026)
    assert easy.outlook is Outlook.ON_TRACK and easy.probability is not None
    assert easy.probability >= 0.8 and easy.known_periods == 1 and easy.simulated_periods == 11
    assert list_alerts(session=session, principal=SYSTEM) == []  # easily met: no alert
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator=online, unit=COMMUNE, period="2026", planned=round(expected_year * 1.5)))
    refresher.run(today=TODAY)
    [hard] = list_odds(session=session, principal=SYSTEM, year=2026)
    assert hard.outlook is Outlook.OFF_TRACK
    [alert] = list_alerts(session=session, principal=SYSTEM)
    assert alert.kind is RuleKind.TARGET_AT_RISK and alert.value == hard.probability
    assert alert.severity is Severity.CRITICAL  # off track under a rule that fires at risk
    assert "khó đạt" in alert.title


def test_an_outlier_rule_follows_its_flag(session: Session, refresher: Refresher,
                                          history: dict[str, float]) -> None:
    rule(session, RuleKind.OUTLIER, sector="it_dx", owner="")
    refresher.run(today=TODAY)
    put(session, INDICATOR, COMMUNE, {"2026-01": seasonal(61)[60] * 6})
    refresher.run(today=TODAY)
    [alert] = list_alerts(session=session, principal=SYSTEM)
    assert alert.kind is RuleKind.OUTLIER and "bất thường" in alert.title.lower()
    put(session, INDICATOR, COMMUNE, {"2026-01": seasonal(61)[60]})
    refresher.run(today=TODAY)
    [closed] = list_alerts(session=session, principal=SYSTEM)
    assert closed.status is AlertStatus.RESOLVED


def test_a_late_report_rule(session: Session, refresher: Refresher) -> None:
    today = date.today()
    set_regime(session=session, principal=SYSTEM, indicator="VT_TRAM_5G",
               data=RegimeWrite(effective_from=date(today.year - 1, 1, 1)))
    rule(session, RuleKind.LATE_REPORT, indicator="VT_TRAM_5G", unit="15")
    refresher.sweep(today=today)
    found = list_alerts(session=session, principal=SYSTEM)
    assert found and all(a.kind is RuleKind.LATE_REPORT for a in found)
    one = found[0]
    assert one.unit is not None and "chưa gửi" in one.title
    put(session, "VT_TRAM_5G", one.unit, {one.period or "": 1})
    refresher.run(today=today)
    assert get_alert(session=session, principal=SYSTEM,
                     alert_id=one.id).status is AlertStatus.RESOLVED


class Tasks:
    """A stand-in task source, as the direction room's will be."""

    def __init__(self, overdue: list[OverdueTask]) -> None:
        self.overdue = overdue

    def overdue_tasks(self, session: Session, catalog: object, today: date) -> list[OverdueTask]:
        return self.overdue


def test_an_overdue_task_rule(session: Session, refresher: Refresher) -> None:
    with session.begin():
        unit = load_catalog(session).hierarchy.find(COMMUNE, TODAY)
    rule(session, RuleKind.OVERDUE_TASK, unit="15")
    task = OverdueTask(id=7, title="Phủ sóng thôn Nậm Pung", unit_id=unit.id,
                       deadline=date(2026, 1, 5), working_days_late=11)
    refresher.tasks = Tasks([task])
    refresher.sweep(today=TODAY)
    [alert] = list_alerts(session=session, principal=SYSTEM)
    assert "Phủ sóng thôn Nậm Pung" in alert.title and "05/01/2026" in alert.title
    refresher.tasks = Tasks([])
    refresher.sweep(today=TODAY, force=True)
    [done] = list_alerts(session=session, principal=SYSTEM)
    assert done.status is AlertStatus.RESOLVED


def test_people_acknowledge_and_resolve_within_their_scope(
        session: Session, refresher: Refresher, history: dict[str, float],
        make_account: Callable[..., Account]) -> None:
    rule(session, RuleKind.THRESHOLD, indicator=INDICATOR, operator=Operator.GT, threshold=2000)
    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    refresher.run(today=TODAY)
    officer = make_account(Role.OFFICER, units=[COMMUNE], units_as_of="2026-01-01")
    foreign = make_account(Role.OFFICER, units=["088"], units_as_of="2025-01-01")
    mine = list_alerts(session=session, principal=officer.principal)
    assert [a.unit for a in mine] == [COMMUNE]  # not the province's
    assert list_alerts(session=session, principal=foreign.principal) == []
    alert = mine[0]
    acked = act_on_alert(session=session, principal=officer.principal, alert_id=alert.id,
                         action=AlertAction.ACKNOWLEDGED,
                         decision=AlertDecision(note="Đang kiểm tra"))
    assert acked.status is AlertStatus.ACKNOWLEDGED
    with pytest.raises(ValidationError):  # acknowledged already
        act_on_alert(session=session, principal=officer.principal, alert_id=alert.id,
                     action=AlertAction.ACKNOWLEDGED, decision=AlertDecision())
    done = act_on_alert(session=session, principal=officer.principal, alert_id=alert.id,
                        action=AlertAction.RESOLVED, decision=AlertDecision(note="Đã sửa"))
    assert [(e.action, e.actor) for e in done.history][1:] == [
        (AlertAction.ACKNOWLEDGED, officer.username), (AlertAction.RESOLVED, officer.username)]


def test_rules_are_for_administrators_and_within_their_reach(
        session: Session, make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER)
    with pytest.raises(PermissionDenied):
        create_rule(session=session, principal=leader.principal, data=AlertRuleWrite(
            name="x", kind=RuleKind.OUTLIER))
    sa_pa = make_account(Role.LEADER, units=["088"], units_as_of="2025-01-01",
                         username="sapa.leader")
    with pytest.raises(ValidationError) as bad:
        create_rule(session=session, principal=SYSTEM, data=AlertRuleWrite(
            name="x", kind=RuleKind.OUTLIER, unit=COMMUNE, owner=sa_pa.username))
    assert bad.value.errors[0].field == "owner"
    with pytest.raises(ValidationError) as shape:
        create_rule(session=session, principal=SYSTEM, data=AlertRuleWrite(
            name="x", kind=RuleKind.THRESHOLD, indicator=INDICATOR))
    assert shape.value.errors[0].field == "threshold"


def test_overdue_tasks_come_from_the_direction_room(session: Session) -> None:
    from fansipan.domain.calendar import vietnam_calendar
    from fansipan.services.direction.directives import create_directive
    from fansipan.services.direction.shapes import DirectiveCreate, TaskCreate
    from fansipan.services.direction.tasks import create_tasks
    from fansipan.services.foresight.direction_tasks import DirectionTasks

    system = Principal.system("tests")
    create_directive(session=session, principal=system, data=DirectiveCreate(
        number="01/KH-UBND", issued_on=date(2026, 1, 2), issuer="UBND tỉnh Lào Cai",
        issuer_unit="15", excerpt="Kế hoạch thử"))
    create_tasks(session=session, principal=system, calendar=vietnam_calendar(), items=[
        TaskCreate(directive=1, title="Due on a Friday", lead_unit="15",
                   deadline=date(2026, 1, 9)),
        TaskCreate(directive=1, title="Due later", lead_unit="15",
                   deadline=date(2026, 2, 27))])
    source = DirectionTasks()
    with session.begin():
        catalog = load_catalog(session)
        on_monday = source.overdue_tasks(session, catalog, date(2026, 1, 12))
        before = source.overdue_tasks(session, catalog, date(2026, 1, 9))
    assert [(t.title, t.deadline, t.working_days_late) for t in on_monday] == [
        ("Due on a Friday", date(2026, 1, 9), 1)]  # Saturday and Sunday are not counted
    assert before == []
