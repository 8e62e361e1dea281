"""Alert rules (quy tắc cảnh báo), set by administrators.

A rule says what to watch (its kind and parameters), where (a unit and, unless told
otherwise, the units below it; one sector or one indicator), how serious it is, who owns
what it raises, and where it is sent: e-mail to its owner and listed addresses, at once
or in a daily digest, and a webhook signed with the rule's own secret (Standard
Webhooks), to an address the outbound allow-list permits. The secret is shown once,
when made or rotated.

An administrator may only route what it can read: the rule's unit and indicator must lie
inside the administrator's scope, and the owner's too, so an alert never tells its
owner about figures the owner could not open.
"""

from __future__ import annotations

import base64
import re
import secrets
from datetime import UTC, datetime
from typing import Final

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.alerts import Operator, RuleKind, Severity, check_rule_shape
from fansipan.domain.bilingual import invalid
from fansipan.errors import FieldError, NotFound
from fansipan.exchange.http import FetchFailed, check_url
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.foresight.delivery import webhook_outbound
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import Scope, data_scope, require
from fansipan.services.trust.accounts import principal_of
from fansipan.services.trust.audit import record_for
from fansipan.settings import Settings
from fansipan.store.audit import append_events, audited_transaction
from fansipan.store.foresight_tables import AlertRuleRow
from fansipan.store.security_tables import UserRow

_EMAIL: Final = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
MAX_EMAILS: Final = 20


class AlertRuleWrite(BaseModel):
    name: str = Field(min_length=1, max_length=200,
                      examples=["Tỷ lệ báo cáo đúng hạn dưới 80 %"])
    kind: RuleKind
    severity: Severity = Severity.WARNING
    indicator: str | None = Field(default=None, max_length=60)
    sector: str | None = Field(default=None, max_length=40)
    unit: str | None = Field(default=None, max_length=40,
                             description="A unit code or uid; default: every unit")
    descendants: bool = Field(default=True, description="Include the units below `unit`")
    operator: Operator | None = None
    threshold: float | None = None
    outlook: str | None = Field(default=None, description="target rules: at_risk (default: "
                                "at risk or off track) or off_track")
    owner: str = Field(default="", max_length=64, description="The username who answers")
    emails: list[str] = Field(default_factory=list, max_length=MAX_EMAILS)
    webhook_url: str = Field(default="", max_length=500)
    digest: bool = Field(default=False, description="E-mail once a day instead of at once")
    active: bool = True


class AlertRulePublic(BaseModel):
    id: int
    name: str
    kind: RuleKind
    kind_label: str
    severity: Severity
    indicator: str | None
    sector: str | None
    unit: str | None
    unit_name: str | None
    descendants: bool
    operator: Operator | None
    threshold: float | None
    outlook: str | None
    owner: str
    emails: list[str]
    webhook_url: str
    webhook_secret: str | None = Field(default=None, description="Shown once, when made "
                                       "or rotated; keep it in the receiving system")
    digest: bool
    active: bool
    created_by: str
    created_at: UtcDateTime
    updated_at: UtcDateTime


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def create_rule(*, session: Session, principal: Principal, data: AlertRuleWrite,
                settings: Settings | None = None) -> AlertRulePublic:
    require(principal, Permission.MANAGE_ALERTS)
    with audited_transaction(session):
        catalog = load_catalog(session)
        row = AlertRuleRow(created_by=principal.actor, created_at=datetime.now(UTC))
        secret = _apply(session, catalog, principal, row, data, None, settings or Settings())
        session.add(row)
        session.flush()
        append_events(session, [record_for(principal, "alert_rule.create",
                                           target=f"alert_rule:{row.id}",
                                           detail=_audit_detail(data))])
        return rule_public(catalog, row, secret=secret)


def update_rule(*, session: Session, principal: Principal, rule_id: int, data: AlertRuleWrite,
                rotate_secret: bool = False,
                settings: Settings | None = None) -> AlertRulePublic:
    require(principal, Permission.MANAGE_ALERTS)
    with audited_transaction(session):
        catalog = load_catalog(session)
        row = _rule(session, rule_id)
        secret = _apply(session, catalog, principal, row, data,
                        None if rotate_secret else row.webhook_secret, settings or Settings())
        session.flush()
        append_events(session, [record_for(principal, "alert_rule.update",
                                           target=f"alert_rule:{row.id}",
                                           detail={**_audit_detail(data),
                                                   "rotated": rotate_secret})])
        return rule_public(catalog, row, secret=secret)


def list_rules(*, session: Session, principal: Principal) -> list[AlertRulePublic]:
    require(principal, Permission.MANAGE_ALERTS)
    with session.begin():
        catalog = load_catalog(session)
        rows = session.scalars(select(AlertRuleRow).order_by(AlertRuleRow.id)).all()
        return [rule_public(catalog, r) for r in rows]


def get_rule(*, session: Session, principal: Principal, rule_id: int) -> AlertRulePublic:
    require(principal, Permission.MANAGE_ALERTS)
    with session.begin():
        return rule_public(load_catalog(session), _rule(session, rule_id))


def _rule(session: Session, rule_id: int) -> AlertRuleRow:
    row = session.get(AlertRuleRow, rule_id)
    if row is None:
        raise NotFound("No such alert rule", [FieldError(
            field="rule", value=str(rule_id),
            message="there is no alert rule with this id; list them at /api/v1/alert-rules")])
    return row


def _apply(session: Session, catalog: Catalog, principal: Principal, row: AlertRuleRow,
           data: AlertRuleWrite, kept_secret: str | None, settings: Settings) -> str | None:
    """Check `data` and copy it onto `row`; returns a new webhook secret, if one was made."""
    check_rule_shape(kind=data.kind, indicator=data.indicator, operator=data.operator,
                     threshold=data.threshold, outlook=data.outlook)
    scope = data_scope(session, catalog, principal)
    indicator_id = None
    if data.indicator:
        ind = catalog.indicator(data.indicator, field="indicator")
        indicator_id = catalog.indicator_ids[ind.code]
        scope.check_indicator(catalog, indicator_id)
    if data.sector and data.sector not in catalog.sectors:
        raise invalid("sector", f"Không có lĩnh vực {data.sector!r}; dùng một trong "
                      f"{', '.join(catalog.sectors)}", f"There is no sector {data.sector!r}; "
                      f"use one of {', '.join(catalog.sectors)}", value=data.sector)
    unit_id = None
    if data.unit:
        unit = catalog.unit(data.unit, datetime.now(UTC).date(), field="unit")
        unit_id = unit.id
        scope.check_unit(catalog, unit_id)
    elif scope.unit_ids is not None:
        raise invalid("unit", "Tài khoản của bạn không bao quát mọi đơn vị: ghi đơn vị cho "
                      "quy tắc", "Your account does not reach every unit: give the rule a "
                      "unit")
    emails = _emails(data.emails)
    if data.owner:
        _check_owner(session, catalog, data.owner, indicator_id, unit_id, data.sector)
    url = data.webhook_url.strip()
    if url:
        _check_webhook(session, settings, url)
    row.name, row.kind, row.severity = data.name.strip(), data.kind.value, data.severity.value
    row.indicator_id, row.sector, row.unit_id = indicator_id, data.sector or None, unit_id
    row.descendants = data.descendants
    row.operator = data.operator.value if data.operator else None
    row.threshold, row.outlook = data.threshold, data.outlook
    row.owner, row.emails, row.digest, row.active = (data.owner, ",".join(emails), data.digest,
                                                     data.active)
    row.webhook_url = url
    row.updated_at = datetime.now(UTC)
    if not url:
        row.webhook_secret = ""
        return None
    if kept_secret:
        row.webhook_secret = kept_secret
        return None
    row.webhook_secret = new_webhook_secret()
    return row.webhook_secret


def _check_webhook(session: Session, settings: Settings, url: str) -> None:
    """A webhook goes only where the outbound allow-list lets connectors go."""
    try:
        check_url(url, webhook_outbound(session, settings))
    except FetchFailed as exc:
        raise invalid("webhook_url", f"Không gửi được tới địa chỉ này: {exc.message}. Quản trị "
                      "viên thêm máy nhận vào danh sách được phép (fansipan outbound allow)",
                      f"Webhooks cannot go there: {exc.message}. An administrator adds the "
                      "receiving host to the outbound allow-list (fansipan outbound allow)",
                      value=url[:80]) from None


def _emails(given: list[str]) -> list[str]:
    out: list[str] = []
    for n, text in enumerate(given):
        address = text.strip()
        if not _EMAIL.match(address) or len(address) > 200:
            raise invalid("emails", f"{address!r} không phải địa chỉ thư điện tử",
                          f"{address!r} is not an e-mail address", value=address[:80], row=n)
        if address.lower() not in (a.lower() for a in out):
            out.append(address)
    return out


def _check_owner(session: Session, catalog: Catalog, username: str, indicator_id: int | None,
                 unit_id: int | None, sector: str | None) -> None:
    user = session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
    if user is None or not user.active:
        raise invalid("owner", f"Không có tài khoản đang hoạt động tên {username!r}",
                      f"There is no active account named {username!r}", value=username)
    owner_scope: Scope = data_scope(session, catalog, principal_of(session, user))
    if unit_id is not None and not owner_scope.allows_unit(unit_id):
        raise invalid("owner", f"{username} không được xem số liệu của đơn vị này",
                      f"{username} may not read this unit's figures", value=username)
    if unit_id is None and owner_scope.unit_ids is not None:
        raise invalid("owner", f"{username} không được xem số liệu mọi đơn vị; ghi đơn vị",
                      f"{username} may not read every unit's figures; give the rule a unit",
                      value=username)
    if indicator_id is not None and not owner_scope.allows_indicator(indicator_id):
        raise invalid("owner", f"{username} không được xem chỉ tiêu này",
                      f"{username} may not read this indicator", value=username)
    if sector and owner_scope.indicator_ids is not None and not any(
            owner_scope.allows_indicator(catalog.indicator_ids[c])
            for c, i in catalog.indicators.items() if i.sector == sector):
        raise invalid("owner", f"{username} không được xem chỉ tiêu nào của lĩnh vực này",
                      f"{username} may not read this sector's indicators", value=username)


def _audit_detail(data: AlertRuleWrite) -> dict[str, object]:
    detail = data.model_dump(mode="json", exclude={"emails"})
    detail["emails"] = len(data.emails)
    return detail


def rule_public(catalog: Catalog, r: AlertRuleRow, *, secret: str | None = None,
                lang: str = "vi") -> AlertRulePublic:
    unit = catalog.hierarchy.unit(r.unit_id) if r.unit_id is not None else None
    kind = RuleKind(r.kind)
    return AlertRulePublic(
        id=r.id, name=r.name, kind=kind, kind_label=kind.label(lang),
        severity=Severity(r.severity),
        indicator=catalog.indicator_codes[r.indicator_id] if r.indicator_id else None,
        sector=r.sector, unit=unit.code if unit else None, unit_name=unit.name if unit else None,
        descendants=r.descendants, operator=Operator(r.operator) if r.operator else None,
        threshold=r.threshold, outlook=r.outlook, owner=r.owner,
        emails=[e for e in r.emails.split(",") if e], webhook_url=r.webhook_url,
        webhook_secret=secret, digest=r.digest, active=r.active, created_by=r.created_by,
        created_at=r.created_at, updated_at=r.updated_at)
