"""Alerts (cảnh báo): raised by rules, de-duplicated, acknowledged and resolved by people.

A rule's watcher reports findings (a condition that holds, about one subject) and the
subjects it examined. A finding with no alert yet raises one; one whose alert was
resolved reopens it; one already open is the same alert seen again (its count and
value move on; it is escalated when the finding is more severe). An examined subject
without a finding clears its open alert: the condition has gone. Every step is an
`alert_events` row, so an alert's whole history stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.alerts import (
    AlertAction,
    AlertStatus,
    RuleKind,
    Severity,
    dedup_key,
    next_status,
)
from fansipan.errors import FieldError, NotFound, Unauthenticated
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import Scope, data_scope, require
from fansipan.services.trust.audit import record_for
from fansipan.store.audit import append_events, audited_transaction
from fansipan.store.foresight_tables import AlertEventRow, AlertRow, AlertRuleRow

SYSTEM = "system:foresight"


@dataclass(frozen=True)
class Finding:
    """A condition a rule found true about one subject, worded for people."""

    subject: str
    title_vi: str
    title_en: str
    detail_vi: str = ""
    detail_en: str = ""
    indicator_id: int | None = None
    unit_id: int | None = None
    period: str | None = None
    value: float | None = None
    severity: Severity | None = None  # None: the rule's


@dataclass
class Raised:
    """What a batch of findings did: alerts to deliver, and how many were cleared."""

    deliver: list[AlertRow]
    cleared: int = 0
    seen_again: int = 0


class AlertEventPublic(BaseModel):
    action: AlertAction
    actor: str
    at: UtcDateTime
    note: str


class AlertPublic(BaseModel):
    id: int
    rule_id: int
    rule_name: str
    kind: RuleKind
    kind_label: str
    severity: Severity
    severity_label: str
    status: AlertStatus
    status_label: str
    owner: str
    indicator: str | None
    indicator_name: str | None
    unit: str | None
    unit_uid: str | None
    unit_name: str | None
    period: str | None
    title: str
    detail: str
    value: float | None
    occurrences: int
    first_seen_at: UtcDateTime
    last_seen_at: UtcDateTime
    resolved_at: UtcDateTime | None
    history: list[AlertEventPublic] = Field(default_factory=list)


class AlertDecision(BaseModel):
    note: str = Field(default="", max_length=2000, examples=["Đã giao phòng Bưu chính kiểm tra"])


def rule_covers(catalog: Catalog, rule: AlertRuleRow, indicator_id: int | None,
                unit_id: int | None) -> bool:
    """Whether a subject lies inside the rule's unit (and those below) and its sector."""
    if rule.indicator_id is not None and indicator_id != rule.indicator_id:
        return False
    if rule.sector is not None:
        if indicator_id is None:
            return False
        code = catalog.indicator_codes[indicator_id]
        if catalog.indicators[code].sector != rule.sector:
            return False
    if rule.unit_id is None:
        return True
    if unit_id is None:
        return False
    if unit_id == rule.unit_id:
        return True
    return rule.descendants and unit_id in catalog.hierarchy.below_ever(rule.unit_id)


def active_rules(session: Session, kinds: Iterable[RuleKind]) -> list[AlertRuleRow]:
    wanted = [k.value for k in kinds]
    return list(session.scalars(select(AlertRuleRow).where(
        AlertRuleRow.active.is_(True), AlertRuleRow.kind.in_(wanted))
        .order_by(AlertRuleRow.id)))


def record_findings(session: Session, rule: AlertRuleRow, findings: Sequence[Finding],
                    examined: Iterable[str], *, change: int = 0) -> Raised:
    """Raise, reopen, update or clear the rule's alerts (inside the caller's transaction)."""
    now = datetime.now(UTC)
    out = Raised(deliver=[])
    found = {f.subject: f for f in findings}
    keys = {dedup_key(rule.id, s): s for s in set(examined) | set(found)}
    existing = {a.dedup_key: a for a in session.scalars(
        select(AlertRow).where(AlertRow.dedup_key.in_(sorted(keys))))} if keys else {}
    for key, subject in keys.items():
        alert, finding = existing.get(key), found.get(subject)
        if finding is None:
            if alert is not None and alert.status != AlertStatus.RESOLVED.value:
                _move(session, alert, AlertAction.CLEARED, SYSTEM, now,
                      "Điều kiện cảnh báo không còn / The condition no longer holds")
                out.cleared += 1
            continue
        severity = finding.severity or Severity(rule.severity)
        if alert is None:
            alert = AlertRow(rule_id=rule.id, dedup_key=key, kind=rule.kind,
                             severity=severity.value, owner=rule.owner,
                             status=AlertStatus.OPEN.value, occurrences=1, first_seen_at=now,
                             last_seen_at=now, updated_at=now, subject=subject[:80])
            _fill(alert, finding, change)
            session.add(alert)
            session.flush()
            _event(session, alert, AlertAction.RAISED, SYSTEM, now, "")
            out.deliver.append(alert)
            continue
        before = (alert.value, alert.detail_vi)
        _fill(alert, finding, change)
        alert.last_seen_at = now
        if alert.status == AlertStatus.RESOLVED.value:
            alert.occurrences += 1
            _move(session, alert, AlertAction.REOPENED, SYSTEM, now, "")
            alert.severity = severity.value
            out.deliver.append(alert)
        elif severity.rank > Severity(alert.severity).rank:
            alert.severity, alert.updated_at = severity.value, now
            _event(session, alert, AlertAction.ESCALATED, SYSTEM, now, severity.value)
            out.deliver.append(alert)
        elif before != (alert.value, alert.detail_vi):
            alert.occurrences += 1
            alert.updated_at = now
            _event(session, alert, AlertAction.SEEN_AGAIN, SYSTEM, now, "")
            out.seen_again += 1
    session.flush()
    return out


def _fill(alert: AlertRow, f: Finding, change: int) -> None:
    alert.title_vi, alert.title_en = f.title_vi, f.title_en
    alert.detail_vi, alert.detail_en = f.detail_vi, f.detail_en
    alert.indicator_id, alert.unit_id, alert.period = f.indicator_id, f.unit_id, f.period
    alert.value = f.value
    alert.change_id = max(alert.change_id or 0, change)


def _move(session: Session, alert: AlertRow, action: AlertAction, actor: str, now: datetime,
          note: str) -> None:
    status = next_status(AlertStatus(alert.status), action)
    alert.status, alert.updated_at = status.value, now
    alert.resolved_at = now if status is AlertStatus.RESOLVED else None
    _event(session, alert, action, actor, now, note)


def _event(session: Session, alert: AlertRow, action: AlertAction, actor: str, at: datetime,
           note: str) -> None:
    session.add(AlertEventRow(alert_id=alert.id, action=action.value, actor=actor[:100], at=at,
                              note=note))


# -- reading and acting, for people -------------------------------------------------------


def _visible(stmt: Select[AlertRow], scope: Scope) -> Select[AlertRow]:
    """Alerts whose unit and indicator (where they have one) lie inside the scope."""
    conditions: list[ColumnElement[bool]] = []
    if scope.unit_ids is not None:
        conditions.append(AlertRow.unit_id.in_(sorted(scope.unit_ids)))
    if scope.indicator_ids is not None:
        conditions.append(or_(AlertRow.indicator_id.is_(None),
                              AlertRow.indicator_id.in_(sorted(scope.indicator_ids))))
    for c in conditions:
        stmt = stmt.where(c)
    return stmt


def _reader(principal: Principal) -> None:
    require(principal, Permission.READ_DATA)
    if principal.is_anonymous:
        raise Unauthenticated("Sign in to see alerts: POST /api/v1/auth/login, or send an API "
                              "token as 'Authorization: Bearer <token>'")


def list_alerts(*, session: Session, principal: Principal, status: AlertStatus | None = None,
                open_only: bool = False, limit: int = 200, lang: str = "vi") -> list[AlertPublic]:
    """Alerts within the principal's scope: the most severe and newest first."""
    _reader(principal)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
        stmt = select(AlertRow)
        if open_only:
            stmt = stmt.where(AlertRow.status != AlertStatus.RESOLVED.value)
        elif status is not None:
            stmt = stmt.where(AlertRow.status == status.value)
        stmt = _visible(stmt, scope).order_by(AlertRow.last_seen_at.desc(), AlertRow.id.desc())
        rows = list(session.scalars(stmt.limit(limit)))
        rules = _rules(session, rows)
        out = [alert_public(catalog, r, rules[r.rule_id], lang) for r in rows]
    rank = {Severity.CRITICAL: 0, Severity.WARNING: 1, Severity.INFO: 2}
    done = {AlertStatus.OPEN: 0, AlertStatus.ACKNOWLEDGED: 1, AlertStatus.RESOLVED: 2}
    return sorted(out, key=lambda a: (done[a.status], rank[a.severity]))


def get_alert(*, session: Session, principal: Principal, alert_id: int,
              lang: str = "vi") -> AlertPublic:
    _reader(principal)
    with session.begin():
        catalog = load_catalog(session)
        row = _visible_alert(session, catalog, principal, alert_id)
        return _with_history(session, catalog, row, lang)


def act_on_alert(*, session: Session, principal: Principal, alert_id: int,
                 action: AlertAction, decision: AlertDecision,
                 lang: str = "vi") -> AlertPublic:
    """Acknowledge or resolve an alert the principal can see (audited)."""
    _reader(principal)
    if action not in (AlertAction.ACKNOWLEDGED, AlertAction.RESOLVED):
        raise ValueError("people acknowledge or resolve alerts")
    with audited_transaction(session):
        catalog = load_catalog(session)
        row = _visible_alert(session, catalog, principal, alert_id)
        _move(session, row, action, principal.actor, datetime.now(UTC), decision.note)
        session.flush()
        append_events(session, [record_for(principal, f"alert.{action.value}",
                                           target=f"alert:{row.id}",
                                           detail={"note": decision.note[:200]})])
        return _with_history(session, catalog, row, lang)


def _visible_alert(session: Session, catalog: Catalog, principal: Principal,
                   alert_id: int) -> AlertRow:
    scope = data_scope(session, catalog, principal)
    row = session.scalars(_visible(select(AlertRow).where(AlertRow.id == alert_id),
                                   scope)).one_or_none()
    if row is None:
        raise NotFound("No such alert", [FieldError(
            field="alert", value=str(alert_id),
            message="there is no alert with this id among your units and indicators; list "
                    "them at /api/v1/alerts")])
    return row


def _with_history(session: Session, catalog: Catalog, row: AlertRow, lang: str) -> AlertPublic:
    rule = session.get(AlertRuleRow, row.rule_id)
    if rule is None:  # rules are never deleted, only made inactive
        raise NotFound(f"The rule of alert {row.id} is gone")
    out = alert_public(catalog, row, rule, lang)
    events = session.scalars(select(AlertEventRow).where(AlertEventRow.alert_id == row.id)
                             .order_by(AlertEventRow.id))
    out.history = [AlertEventPublic(action=AlertAction(e.action), actor=e.actor, at=e.at,
                                    note=e.note) for e in events]
    return out


def _rules(session: Session, rows: Sequence[AlertRow]) -> dict[int, AlertRuleRow]:
    ids = sorted({r.rule_id for r in rows})
    if not ids:
        return {}
    return {r.id: r for r in session.scalars(select(AlertRuleRow)
                                             .where(AlertRuleRow.id.in_(ids)))}


def alert_public(catalog: Catalog, r: AlertRow, rule: AlertRuleRow,
                 lang: str = "vi") -> AlertPublic:
    code = catalog.indicator_codes[r.indicator_id] if r.indicator_id is not None else None
    unit = catalog.hierarchy.unit(r.unit_id) if r.unit_id is not None else None
    kind, severity, status = RuleKind(r.kind), Severity(r.severity), AlertStatus(r.status)
    en = lang == "en"
    return AlertPublic(
        id=r.id, rule_id=r.rule_id, rule_name=rule.name, kind=kind, kind_label=kind.label(lang),
        severity=severity, severity_label=severity.label(lang), status=status,
        status_label=status.label(lang), owner=r.owner, indicator=code,
        indicator_name=catalog.indicators[code].name(lang) if code else None,
        unit=unit.code if unit else None,
        unit_uid=catalog.unit_uids[unit.id] if unit else None,
        unit_name=unit.name if unit else None, period=r.period,
        title=r.title_en if en else r.title_vi, detail=r.detail_en if en else r.detail_vi,
        value=r.value, occurrences=r.occurrences, first_seen_at=r.first_seen_at,
        last_seen_at=r.last_seen_at, resolved_at=r.resolved_at)
