"""Alerts and alert rules: `/api/v1/alerts`, `/api/v1/alert-rules`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from fansipan.domain.alerts import AlertAction, AlertStatus
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.foresight.alerts import (
    AlertDecision,
    AlertPublic,
    act_on_alert,
    get_alert,
    list_alerts,
)
from fansipan.services.foresight.rules import (
    AlertRulePublic,
    AlertRuleWrite,
    create_rule,
    get_rule,
    list_rules,
    update_rule,
)

router = APIRouter(tags=["alerts"])
Lang = Annotated[str, Query(pattern="^(vi|en)$")]
AlertId = Annotated[int, Path(ge=1)]


@router.get("/alerts")
def alerts_index(session: SessionDep, principal: PrincipalDep,
                 status: AlertStatus | None = None,
                 open: Annotated[bool, Query(description="Open and acknowledged only")] = False,
                 limit: Annotated[int, Query(ge=1, le=1000)] = 200,
                 lang: Lang = "vi") -> list[AlertPublic]:
    """Alerts within your units and indicators, open and most severe first."""
    return list_alerts(session=session, principal=principal, status=status, open_only=open,
                       limit=limit, lang=lang)


@router.get("/alerts/{alert_id}")
def alert_show(session: SessionDep, principal: PrincipalDep, alert_id: AlertId,
               lang: Lang = "vi") -> AlertPublic:
    """One alert with its whole history."""
    return get_alert(session=session, principal=principal, alert_id=alert_id, lang=lang)


@router.post("/alerts/{alert_id}/acknowledge")
def alert_acknowledge(session: SessionDep, principal: PrincipalDep, alert_id: AlertId,
                      decision: AlertDecision, lang: Lang = "vi") -> AlertPublic:
    return act_on_alert(session=session, principal=principal, alert_id=alert_id,
                        action=AlertAction.ACKNOWLEDGED, decision=decision, lang=lang)


@router.post("/alerts/{alert_id}/resolve")
def alert_resolve(session: SessionDep, principal: PrincipalDep, alert_id: AlertId,
                  decision: AlertDecision, lang: Lang = "vi") -> AlertPublic:
    return act_on_alert(session=session, principal=principal, alert_id=alert_id,
                        action=AlertAction.RESOLVED, decision=decision, lang=lang)


@router.get("/alert-rules", dependencies=[AdminNetwork])
def rules_index(session: SessionDep, principal: PrincipalDep) -> list[AlertRulePublic]:
    """Every alert rule (administrators)."""
    return list_rules(session=session, principal=principal)


@router.post("/alert-rules", status_code=201, dependencies=[AdminNetwork])
def rule_create(session: SessionDep, principal: PrincipalDep,
                data: AlertRuleWrite) -> AlertRulePublic:
    """Make a rule; a webhook rule's secret is in the answer, this once."""
    return create_rule(session=session, principal=principal, data=data)


@router.get("/alert-rules/{rule_id}", dependencies=[AdminNetwork])
def rule_show(session: SessionDep, principal: PrincipalDep,
              rule_id: Annotated[int, Path(ge=1)]) -> AlertRulePublic:
    return get_rule(session=session, principal=principal, rule_id=rule_id)


@router.put("/alert-rules/{rule_id}", dependencies=[AdminNetwork])
def rule_update(session: SessionDep, principal: PrincipalDep,
                rule_id: Annotated[int, Path(ge=1)], data: AlertRuleWrite,
                rotate_secret: bool = False) -> AlertRulePublic:
    """Change a rule (`active: false` stops it; its alerts stay readable)."""
    return update_rule(session=session, principal=principal, rule_id=rule_id, data=data,
                       rotate_secret=rotate_secret)
