"""Delivering alerts: e-mail (SMTP, at once or in a daily digest) and signed webhooks.

Deliveries are queued in the transaction that raises the alert, so an alert is never
sent without being stored, nor stored without its messages; they are sent after commit
by `send_pending`, each attempt recorded (webhooks only to addresses on the outbound
allow-list, the one connectors use), with waits of 1, 5, 25 and 125 minutes between
failures before a delivery is given up as failed. E-mail goes to the rule's owner (the
address on the account) and its listed addresses; rules with `digest` send one message
a day per address instead, from FANSIPAN_ALERT_DIGEST_HOUR (Vietnam time).
"""

from __future__ import annotations

import json
import logging
import smtplib
import ssl
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.alerts import AlertStatus, Severity
from fansipan.domain.regimes import VIETNAM_TIME
from fansipan.exchange.http import FetchFailed, Outbound, post
from fansipan.services.catalog import Catalog
from fansipan.services.exchange.outbound import read_outbound
from fansipan.services.foresight.signing import signed_headers
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory
from fansipan.store.foresight_tables import AlertRow, AlertRuleRow, DeliveryRow, ForesightStateRow
from fansipan.store.security_tables import UserRow

log = logging.getLogger("fansipan.alerts")

MAX_ATTEMPTS = 5
BACKOFF_MINUTES = (1, 5, 25, 125)


def _addresses(session: Session, rule: AlertRuleRow) -> list[str]:
    found = [e for e in rule.emails.split(",") if e]
    if rule.owner:
        email = session.scalars(select(UserRow.email).where(
            UserRow.username == rule.owner, UserRow.active.is_(True))).one_or_none()
        if email and email.lower() not in (a.lower() for a in found):
            found.append(email)
    return found


def _link(settings: Settings, alert: AlertRow) -> str:
    return f"{settings.public_url}/alerts/{alert.id}" if settings.public_url else ""


def alert_payload(catalog: Catalog, alert: AlertRow, rule: AlertRuleRow, event: str,
                  settings: Settings) -> dict[str, object]:
    """What a webhook receives: the alert in both languages, nothing its rule's scope
    does not already cover."""
    unit = catalog.hierarchy.unit(alert.unit_id) if alert.unit_id is not None else None
    code = catalog.indicator_codes[alert.indicator_id] if alert.indicator_id else None
    return {
        "type": f"alert.{event}",
        "timestamp": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {
            "id": alert.id, "rule": {"id": rule.id, "name": rule.name, "kind": rule.kind},
            "severity": alert.severity, "status": alert.status, "owner": alert.owner,
            "indicator": code, "unit": unit.code if unit else None,
            "unit_name": unit.name if unit else None, "period": alert.period,
            "value": alert.value, "title_vi": alert.title_vi, "title_en": alert.title_en,
            "detail_vi": alert.detail_vi, "detail_en": alert.detail_en,
            "occurrences": alert.occurrences,
            "first_seen_at": alert.first_seen_at.isoformat(timespec="seconds"),
            "last_seen_at": alert.last_seen_at.isoformat(timespec="seconds"),
            "url": _link(settings, alert) or None,
        },
    }


def _mail_text(alert: AlertRow, settings: Settings) -> tuple[str, str]:
    severity = Severity(alert.severity)
    subject = f"[Fansipan] {severity.label('vi')}: {alert.title_vi}"
    link = _link(settings, alert)
    body = "\n".join(x for x in (
        alert.title_vi, alert.detail_vi, f"Mức độ: {severity.label('vi')}",
        f"Xem và xử lý: {link}" if link else "", "", "—", "",
        alert.title_en, alert.detail_en, f"Severity: {severity.label('en')}",
        f"See and handle it: {link}" if link else "") if x is not None)
    return subject[:250], body


def queue_deliveries(session: Session, catalog: Catalog, alerts: Sequence[AlertRow],
                     settings: Settings, event: str = "raised") -> int:
    """Queue the messages of alerts just raised or reopened (inside their transaction)."""
    now = datetime.now(UTC)
    n = 0
    rules: dict[int, AlertRuleRow] = {}
    for alert in alerts:
        rule = rules.get(alert.rule_id) or session.get(AlertRuleRow, alert.rule_id)
        if rule is None:
            continue
        rules[rule.id] = rule
        if not rule.digest:
            subject, body = _mail_text(alert, settings)
            for address in _addresses(session, rule):
                session.add(DeliveryRow(
                    alert_id=alert.id, rule_id=rule.id, channel="email", kind="alert",
                    target=address, message_id=make_msgid(domain="fansipan")[1:-1][:64],
                    status="pending", payload=json.dumps({"subject": subject, "body": body},
                                                         ensure_ascii=False),
                    created_at=now, next_attempt_at=now))
                n += 1
        if rule.webhook_url:
            payload = alert_payload(catalog, alert, rule, event, settings)
            session.add(DeliveryRow(
                alert_id=alert.id, rule_id=rule.id, channel="webhook", kind="alert",
                target=rule.webhook_url, message_id=f"msg_{uuid.uuid4().hex}",
                status="pending", payload=json.dumps(payload, ensure_ascii=False),
                created_at=now, next_attempt_at=now))
            n += 1
    session.flush()
    return n


def queue_digests(session: Session, settings: Settings, now: datetime) -> int:
    """Queue today's digest, once a day from the digest hour (inside the caller's
    transaction); one message per address, listing every alert of its rules still open."""
    local = now.astimezone(VIETNAM_TIME)
    state = session.get(ForesightStateRow, 1)
    if state is None or local.hour < settings.alert_digest_hour or (
            state.digest_sent_on == local.date()):
        return 0
    state.digest_sent_on = local.date()
    by_address: dict[str, list[AlertRow]] = {}
    for rule in session.scalars(select(AlertRuleRow).where(AlertRuleRow.digest.is_(True),
                                                           AlertRuleRow.active.is_(True))):
        alerts = list(session.scalars(select(AlertRow).where(
            AlertRow.rule_id == rule.id, AlertRow.status != AlertStatus.RESOLVED.value)
            .order_by(AlertRow.id)))
        if not alerts:
            continue
        for address in _addresses(session, rule):
            by_address.setdefault(address.lower(), []).extend(alerts)
    for address, alerts in by_address.items():
        subject, body = _digest_text(alerts, local.date(), settings)
        session.add(DeliveryRow(
            channel="email", kind="digest", target=address,
            message_id=make_msgid(domain="fansipan")[1:-1][:64], status="pending",
            payload=json.dumps({"subject": subject, "body": body}, ensure_ascii=False),
            created_at=now, next_attempt_at=now))
    session.flush()
    return len(by_address)


def _digest_text(alerts: list[AlertRow], day: date, settings: Settings) -> tuple[str, str]:
    shown = f"{day.day:02d}/{day.month:02d}/{day.year}"
    subject = f"[Fansipan] Tổng hợp cảnh báo ngày {shown}: {len(alerts)} cảnh báo đang mở"
    lines = [f"Các cảnh báo đang mở ngày {shown} / Open alerts on {shown}:", ""]
    for a in sorted({a.id: a for a in alerts}.values(),
                    key=lambda a: -Severity(a.severity).rank):
        severity = Severity(a.severity)
        link = _link(settings, a)
        lines += [f"- [{severity.label('vi')}] {a.title_vi}", f"  {a.title_en}"]
        if link:
            lines.append(f"  {link}")
    return subject, "\n".join(lines)


def send_pending(session_factory: SessionFactory, settings: Settings,
                 now: datetime | None = None, limit: int = 100) -> int:
    """Send the deliveries that are due; returns how many were sent."""
    now = now or datetime.now(UTC)
    with session_factory() as session, session.begin():
        due = [(d.id, d.channel, d.target, d.payload, d.message_id, d.rule_id)
               for d in session.scalars(select(DeliveryRow).where(
                   DeliveryRow.status == "pending", DeliveryRow.next_attempt_at <= now)
                   .order_by(DeliveryRow.id).limit(limit))]
        secrets = {r.id: r.webhook_secret for r in session.scalars(select(AlertRuleRow).where(
            AlertRuleRow.id.in_(sorted({d[5] for d in due if d[5] is not None}))))}
        outbound = webhook_outbound(session, settings)
    sent = 0
    for delivery_id, channel, target, payload, message_id, rule_id in due:
        error = ""
        try:
            if channel == "email":
                _send_mail(settings, target, json.loads(payload), message_id)
            else:
                _post_webhook(outbound, target, payload.encode(), message_id,
                              secrets.get(rule_id or 0, ""))
        except (OSError, smtplib.SMTPException, ValueError, FetchFailed) as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("delivery %s to %s failed: %s", delivery_id, target, error)
        with session_factory() as session, session.begin():
            row = session.get(DeliveryRow, delivery_id)
            if row is None:
                continue
            row.attempts += 1
            if not error:
                row.status, row.sent_at, row.last_error = "sent", datetime.now(UTC), ""
                sent += 1
            elif row.attempts >= MAX_ATTEMPTS:
                row.status, row.last_error = "failed", error
            else:
                wait = BACKOFF_MINUTES[min(row.attempts - 1, len(BACKOFF_MINUTES) - 1)]
                row.last_error = error
                row.next_attempt_at = datetime.now(UTC) + timedelta(minutes=wait)
    return sent


def _send_mail(settings: Settings, to: str, message: dict[str, str], message_id: str) -> None:
    if not settings.smtp_host:
        raise ValueError("no SMTP server is set (FANSIPAN_SMTP_HOST)")
    mail = EmailMessage()
    mail["From"] = settings.smtp_from
    mail["To"] = to
    mail["Subject"] = message["subject"]
    mail["Message-ID"] = f"<{message_id}>"
    mail.set_content(message["body"])
    timeout = settings.webhook_timeout
    if settings.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port,
                                              timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(mail)


def webhook_outbound(session: Session, settings: Settings) -> Outbound:
    """Where webhooks may go: the outbound allow-list connectors use, with the webhook
    timeout (inside the caller's transaction)."""
    found = read_outbound(session, settings)
    return Outbound(allow=found.allow, max_bytes=1 << 20,
                    timeout=float(settings.webhook_timeout), resolve=found.resolve)


def _post_webhook(outbound: Outbound, url: str, body: bytes, message_id: str,
                  secret: str) -> None:
    if not secret:
        raise ValueError("the rule has no webhook secret; rotate it to make one")
    headers = signed_headers(secret, message_id, int(time.time()), body)
    answer = post(url, body, headers, outbound)
    if not 200 <= answer.status < 300:
        raise ValueError(f"{url} answered HTTP {answer.status}")
