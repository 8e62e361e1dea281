"""The audit chain detects tampering; approval locks a unit's period until reopened."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fansipan.cli import app as cli
from fansipan.domain.access import Role
from fansipan.errors import Conflict
from fansipan.services.trust.audit import AuditQuery, search_events, verify_chain
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.store.security_tables import AuditEventRow, AuditHeadRow
from fansipan.store.tables import ChangeRow
from tests.support.accounts import Account


def _write(session: Session, period: str, value: float, unit: str = "02683") -> None:
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator="VT_TRAM_5G", unit=unit, period=period, value=value)])


def test_every_write_is_chained_and_tampering_is_found(session: Session,
                                                       store_url: str) -> None:
    events_before = verify_chain(session=session).events  # the reference data's load
    for n, period in enumerate(("2024-01", "2024-02", "2024-01")):
        _write(session, period, n + 1)
    report = verify_chain(session=session)
    assert report.ok and report.changes_covered == 3 and report.events == events_before + 3
    runner = CliRunner()
    env = {"FANSIPAN_DATABASE_URL": store_url}
    assert runner.invoke(cli, ["audit", "verify"], env=env).exit_code == 0

    with session.begin():  # someone edits a stored value behind Fansipan's back
        session.execute(update(ChangeRow).where(ChangeRow.id == 2).values(new_value=99))
    found = verify_chain(session=session)
    assert not found.ok and any("changes 2–2" in p for p in found.problems)
    result = runner.invoke(cli, ["audit", "verify"], env=env)
    assert result.exit_code == 1 and "bị sửa đổi" in result.output
    assert "đã bị sửa hoặc xóa" in result.output  # the problem itself, in Vietnamese too
    first = events_before + 1  # the first write's event
    with session.begin():
        session.execute(update(ChangeRow).where(ChangeRow.id == 2).values(new_value=2))
        session.execute(update(AuditEventRow).where(AuditEventRow.id == first)
                        .values(actor="someone else"))
    assert any(f"event {first} " in p and "altered" in p
               for p in verify_chain(session=session).problems)
    with session.begin():
        session.execute(update(AuditEventRow).where(AuditEventRow.id == first)
                        .values(actor="tests"))
        last = session.scalar(select(func.max(AuditEventRow.id)))
        session.execute(delete(AuditEventRow).where(AuditEventRow.id == last))
    problems = verify_chain(session=session).problems
    assert any("newest events were removed" in p for p in problems)
    with session.begin():
        head = session.get(AuditHeadRow, 1)
        assert head is not None


def test_an_approved_period_is_locked_until_an_approver_reopens_it(
    client: TestClient, make_account: Callable[..., Account], session: Session
) -> None:
    bat_xat = {"units": ["082"], "units_as_of": "2025-01-01"}
    officer = make_account(Role.OFFICER, **bat_xat)
    approver = make_account(Role.APPROVER, **bat_xat)
    admin = make_account(Role.ADMIN)
    path = "/api/v1/datavalues/VT_TRAM_5G/02683/2024-03"
    assert client.put(path, json={"value": 3}, headers=officer.headers).status_code == 200
    step = "/api/v1/approvals/082/2024Q1/{}"
    early = client.post(step.format("approve"), headers=approver.headers)
    assert early.status_code == 409 and "submit it first" in early.json()["error"]
    assert client.post(step.format("submit"), headers=officer.headers).json()["state"] == (
        "submitted")
    assert client.post(step.format("approve"), headers=approver.headers,
                       json={"comment": "Đã kiểm tra"}).json()["state"] == "approved"

    locked = client.put(path, json={"value": 4}, headers=officer.headers)
    assert locked.status_code == 409  # a commune of Bát Xát, a month inside the quarter
    assert "approved and locked; ask an approver to reopen it" in locked.text
    with pytest.raises(Conflict):  # the CLI and imports meet the same lock
        _write(session, "2024-02", 7)
    _write(session, "2024-04", 7)  # outside the approved quarter

    unsaid = client.post(step.format("reopen"), headers=approver.headers)
    assert unsaid.status_code == 422 and unsaid.json()["errors"][0]["field"] == "comment"
    assert client.post(step.format("reopen"), headers=approver.headers,
                       json={"comment": "Sai số liệu xã Bát Xát"}).json()["state"] == "open"
    assert client.put(path, json={"value": 4}, headers=officer.headers).status_code == 200
    trail = [e.action for e in search_events(session=session, principal=admin.principal,
                                             query=AuditQuery(action="approval.", limit=10))]
    assert trail == ["approval.reopen", "approval.approve", "approval.submit"]
    states = client.get("/api/v1/approvals", headers=officer.headers).json()
    assert [(s["unit"], s["period"], s["state"]) for s in states] == [("082", "2024Q1", "open")]
