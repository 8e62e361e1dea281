"""Alerts delivered: e-mail to a local SMTP server, a daily digest, and webhooks whose
signatures the Standard Webhooks reference library verifies."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.alerts import Operator, RuleKind
from fansipan.errors import ValidationError
from fansipan.services.exchange.outbound import DestinationCreate, allow_destination
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.foresight.rules import AlertRuleWrite, create_rule
from fansipan.settings import Settings
from fansipan.store.engine import SessionFactory
from fansipan.store.foresight_tables import DeliveryRow
from tests.services.foresight.conftest import COMMUNE, INDICATOR, TODAY, put

SYSTEM = Principal.system("tests")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object,  # noqa: N802 - aiosmtpd's
                          envelope: object) -> str:
        content: bytes = envelope.content  # type: ignore[attr-defined]
        self.messages.append((list(envelope.rcpt_tos),  # type: ignore[attr-defined]
                              message_from_bytes(content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        Hook.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/alerts"
    finally:
        server.shutdown()
        server.server_close()


def _refresher(factory: SessionFactory, store_url: str, tmp_path: Path, port: int,
               **more: object) -> Refresher:
    settings = Settings(data_dir=tmp_path, database_url=store_url, foresight_worker=False,
                        smtp_host="127.0.0.1", smtp_port=port,
                        public_url="https://ioc.laocai.gov.vn", **more)  # type: ignore[arg-type]
    return Refresher(factory, Warehouse(), settings)


def test_an_alert_is_mailed_to_its_owner_and_listed_addresses(
        session: Session, factory: SessionFactory, store_url: str, tmp_path: Path,
        smtp: tuple[Inbox, int], history: dict[str, float]) -> None:
    inbox, port = smtp
    refresher = _refresher(factory, store_url, tmp_path, port)
    create_rule(session=session, principal=SYSTEM, data=AlertRuleWrite(
        name="Hồ sơ tăng đột biến", kind=RuleKind.THRESHOLD, indicator=INDICATOR,
        unit=COMMUNE, operator=Operator.GT, threshold=2000,
        emails=["vanphong@laocai.gov.vn", "VanPhong@laocai.gov.vn"]))
    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    report = refresher.run(today=TODAY)
    assert report.alerts_raised == 1 and report.deliveries == 1  # one address, once
    assert refresher.send() == 1
    [(to, mail)] = inbox.messages
    assert to == ["vanphong@laocai.gov.vn"]
    assert mail["Subject"].startswith("[Fansipan] Cảnh báo: ")
    body = mail.get_content()
    assert "2.500" in body and "2,500" in body  # Vietnamese first, English after
    assert "https://ioc.laocai.gov.vn/alerts/" in body
    assert refresher.send() == 0  # sent once, recorded
    with session.begin():
        row = session.scalars(select(DeliveryRow)).one()
        assert row.status == "sent" and row.attempts == 1 and row.sent_at is not None


def test_a_failed_delivery_is_retried_then_given_up(
        session: Session, factory: SessionFactory, store_url: str, tmp_path: Path,
        history: dict[str, float]) -> None:
    refresher = _refresher(factory, store_url, tmp_path, 9)  # nothing listens on port 9
    create_rule(session=session, principal=SYSTEM, data=AlertRuleWrite(
        name="x", kind=RuleKind.THRESHOLD, indicator=INDICATOR, unit=COMMUNE,
        operator=Operator.GT, threshold=2000, emails=["a@laocai.gov.vn"]))
    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    refresher.run(today=TODAY)
    assert refresher.send() == 0
    with session.begin():
        row = session.scalars(select(DeliveryRow)).one()
        assert row.status == "pending" and row.attempts == 1 and row.last_error
        first_retry = row.next_attempt_at
    assert first_retry is not None
    for _ in range(6):
        refresher.send(now=datetime(2100, 1, 1, tzinfo=UTC))
    session.expire_all()  # the refresher wrote through sessions of its own
    with session.begin():
        row = session.scalars(select(DeliveryRow)).one()
        assert row.status == "failed" and row.attempts == 5


def test_the_daily_digest_gathers_open_alerts_once_a_day(
        session: Session, factory: SessionFactory, store_url: str, tmp_path: Path,
        smtp: tuple[Inbox, int], history: dict[str, float]) -> None:
    inbox, port = smtp
    refresher = _refresher(factory, store_url, tmp_path, port, alert_digest_hour=7)
    create_rule(session=session, principal=SYSTEM, data=AlertRuleWrite(
        name="Tổng hợp", kind=RuleKind.THRESHOLD, indicator=INDICATOR, unit=COMMUNE,
        operator=Operator.GT, threshold=2000, emails=["lanhdao@laocai.gov.vn"], digest=True))
    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    refresher.run(today=TODAY)
    early = datetime(2026, 1, 20, 23, 0, tzinfo=UTC)  # 06:00 in Vietnam: not yet
    assert refresher.send(now=early) == 0 and inbox.messages == []
    seven = datetime(2026, 1, 21, 0, 30, tzinfo=UTC)  # 07:30 in Vietnam
    assert refresher.send(now=seven) == 1
    assert refresher.send(now=seven) == 0  # once a day
    [(to, mail)] = inbox.messages
    assert to == ["lanhdao@laocai.gov.vn"]
    assert "Tổng hợp cảnh báo ngày 21/01/2026" in mail["Subject"]


def test_webhooks_are_signed_by_standard_webhooks(
        session: Session, factory: SessionFactory, store_url: str, tmp_path: Path,
        receiver: str, history: dict[str, float]) -> None:
    refresher = _refresher(factory, store_url, tmp_path, 9)
    rule = AlertRuleWrite(name="Sang LGSP", kind=RuleKind.THRESHOLD, indicator=INDICATOR,
                          unit=COMMUNE, operator=Operator.GT, threshold=2000,
                          webhook_url=receiver)
    with pytest.raises(ValidationError) as refused:  # not on the outbound allow-list yet
        create_rule(session=session, principal=SYSTEM, data=rule)
    assert refused.value.errors[0].field == "webhook_url"
    allow_destination(session=session, principal=SYSTEM,
                      data=DestinationCreate(entry="127.0.0.1", note="the test's receiver"))
    made = create_rule(session=session, principal=SYSTEM, data=rule)
    secret = made.webhook_secret
    assert secret is not None and secret.startswith("whsec_")
    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    refresher.run(today=TODAY)
    assert refresher.send() == 1
    [(headers, body)] = Hook.received
    payload = Webhook(secret).verify(body, headers)
    assert payload["type"] == "alert.raised"
    assert payload["data"]["value"] == 2500 and payload["data"]["unit"] == COMMUNE
    assert json.loads(body) == payload
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"2500", b"2400"), headers)
    other = "whsec_" + "A" * 32
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(body, headers)
