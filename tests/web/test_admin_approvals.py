"""The approvals page: what awaits approval, approve and lock, reopen with a reason; only
approvers of the unit act, and each reader sees the units of their own scope."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.services.trust.audit import AuditQuery, search_events
from tests.support.accounts import Account
from tests.web.test_admin_people import sign_in

PAGE = "/admin/approvals"
BAT_XAT = {"units": ["082"], "units_as_of": "2025-01-01"}
VALUE = "/api/v1/datavalues/VT_TRAM_5G/02683/2024-03"


def test_an_approver_approves_locks_and_reopens_with_a_reason(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER, **BAT_XAT)
    approver = make_account(Role.APPROVER, **BAT_XAT)
    sa_pa = make_account(Role.APPROVER, units=["088"], units_as_of="2025-01-01")
    admin = make_account(Role.ADMIN)
    assert web.put(VALUE, json={"value": 3}, headers=officer.headers).status_code == 200
    assert web.post("/api/v1/approvals/082/2024Q1/submit",
                    headers=officer.headers).status_code == 200
    assert web.get(f"{PAGE}.json", headers=sa_pa.headers).json()["rows"] == []
    csrf = sign_in(web, approver.username)
    page = web.get(PAGE)
    assert "1 kỳ của đơn vị đang chờ phê duyệt" in page.text
    assert 'value="approve"' in page.text
    rows = web.get(f"{PAGE}.json").json()["rows"]
    assert [(r["unit"], r["period"], r["state"], r["submitted_by"]) for r in rows] == [
        ("082", "2024Q1", "đã gửi, chờ phê duyệt", officer.username)]
    form = {"unit": "082", "period": "2024Q1", "csrf_token": csrf}
    r = web.post(PAGE, data={**form, "action": "approve", "comment": "Đã kiểm tra"})
    assert r.status_code == 200 and "Đã phê duyệt và khóa" in r.text
    locked = web.put(VALUE, json={"value": 4}, headers=officer.headers)
    assert locked.status_code == 409
    r = web.post(PAGE, data={**form, "action": "reopen", "state": "approved"})
    assert r.status_code == 422 and "lý do" in r.text
    assert web.get(f"{PAGE}.json", params={"state": "approved"}).json()["rows"][0]["unit"] == "082"
    r = web.post(PAGE, data={**form, "action": "reopen", "comment": "Sai số trạm xã Bát Xát"})
    assert r.status_code == 200 and "Đã mở lại" in r.text
    assert web.put(VALUE, json={"value": 4}, headers=officer.headers).status_code == 200
    [event] = search_events(session=session, principal=admin.principal,
                            query=AuditQuery(action="approval.reopen"))
    assert event.actor == approver.username and event.target == "082/2024Q1"
    assert event.detail["comment"] == "Sai số trạm xã Bát Xát"
    assert (event.detail["from"], event.detail["to"]) == ("approved", "open")


def test_officers_read_the_list_but_only_approvers_of_the_unit_act(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER, **BAT_XAT)
    sa_pa = make_account(Role.APPROVER, units=["088"], units_as_of="2025-01-01")
    web.post("/api/v1/approvals/082/2024-06/submit", headers=officer.headers)
    page = web.get(PAGE, headers=officer.headers)
    assert page.status_code == 200 and "Tháng 6/2024" in page.text
    assert 'value="approve"' not in page.text
    form = {"unit": "082", "period": "2024-06", "action": "approve"}
    assert web.post(PAGE, data=form, headers=officer.headers).status_code == 403
    assert web.post(PAGE, data=form, headers=sa_pa.headers).status_code == 403
    rows = web.get(f"{PAGE}.json", headers=officer.headers).json()["rows"]
    assert [r["state"] for r in rows] == ["đã gửi, chờ phê duyệt"]
    assert web.get(PAGE).status_code == 401
