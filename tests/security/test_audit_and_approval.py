"""The audit chain detects tampering; approval locks a unit's period until reopened."""

from __future__ import annotations

import json
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


def test_tampering_on_a_later_page_of_events_is_found(session: Session,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """`verify_chain` reads events two at a time and change rows two at a time: what was
    altered or removed far from the first page is found all the same."""
    from fansipan.services.trust import audit

    monkeypatch.setattr(audit, "_PAGE", 2)
    monkeypatch.setattr(audit, "_CHANGES_PAGE", 2)
    before = verify_chain(session=session)
    assert before.ok, before.problems
    for n in range(7):  # seven events of three changes each, after the reference data's
        write_values(session=session, actor="tests", source="tests", items=[
            DataValueWrite(indicator="VT_TRAM_5G", unit=unit, period=f"2023-{n + 1:02d}",
                           value=n + 1) for unit in ("02683", "02647", "02686")])
    report = verify_chain(session=session)
    assert report.ok, report.problems
    assert report.events == before.events + 7 and report.changes_covered == 21
    last = report.last_id
    writes = list(range(last - 6, last + 1))  # the seven write events, on the last pages
    with session.begin():
        detail = session.scalar(select(AuditEventRow.detail).where(
            AuditEventRow.id == writes[5]))
    assert detail is not None and '"changes_digest"' in detail
    first_change = int(json.loads(detail)["first_change"])

    # A change row of the sixth write, its event on a later page, its rows in two parts.
    with session.begin():
        session.execute(update(ChangeRow).where(ChangeRow.id == first_change + 2)
                        .values(new_value=99))
    problems = verify_chain(session=session).problems
    assert problems == [f"changes {first_change}–{first_change + 2} of event {writes[5]} "
                        "were altered or removed"], problems
    with session.begin():
        session.execute(update(ChangeRow).where(ChangeRow.id == first_change + 2)
                        .values(new_value=6))
    assert verify_chain(session=session).ok

    # An event of the last page altered.
    with session.begin():
        session.execute(update(AuditEventRow).where(AuditEventRow.id == last)
                        .values(actor="someone else"))
    problems = verify_chain(session=session).problems
    assert len(problems) == 1 and f"event {last} " in problems[0] and "altered" in problems[0]
    with session.begin():
        session.execute(update(AuditEventRow).where(AuditEventRow.id == last)
                        .values(actor="tests"))
    assert verify_chain(session=session).ok

    # An event removed where a page begins (pages begin at odd ids): the gap and the
    # broken link are both found, the events after it still read.
    gone = next(i for i in writes[1:-1] if i % 2 == 1)
    with session.begin():
        session.execute(delete(AuditEventRow).where(AuditEventRow.id == gone))
    found = verify_chain(session=session)
    assert not found.ok and found.events == report.events - 1 and found.last_id == last
    assert f"events {gone}–{gone} are missing" in found.problems
    assert any(f"event {gone + 1} does not follow" in p for p in found.problems)
    # Its three change rows are no longer covered by any event.
    assert found.changes_covered == 18
    assert sum("is in no audit event" in p for p in found.problems) == 3


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
