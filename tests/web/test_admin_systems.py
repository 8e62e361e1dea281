"""Connected systems, connectors and the exchange log: administrators see all, an
integrator only the systems it owns within its reach and the connectors it owns; both register
systems, issue and revoke their keys, disable them, and add, change and pause
connectors from the web, each through the exchange services."""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.services.exchange.connectors import ConnectorCreate, create_connector
from fansipan.services.exchange.outbound import DestinationCreate, allow_destination
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.settings import Settings
from tests.support.accounts import Account
from tests.web.test_admin_people import sign_in

PAGE = "/admin/systems"
BAT_XAT = {"units": ["082"], "units_as_of": "2025-01-01"}
PUSH = {"kind": "push", "agency": "so-tttt", "units": ["082"], "units_as_of": "2024-12-31",
        "indicators": ["VT_TRAM_5G"], "periods": ["2024"], "url": "http://127.0.0.1:9/api",
        "retries": 0}


def test_an_integrator_sees_only_its_own_systems_connectors_and_log(
        web: TestClient, session: Session, settings: Settings,
        make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    integrator = make_account(Role.INTEGRATOR, **BAT_XAT)
    ours = make_account(Role.LEADER, username="he.thong.bat.xat", kind=PrincipalKind.CLIENT,
                        owner=integrator.username, **BAT_XAT)
    theirs = make_account(Role.LEADER, username="he.thong.sa.pa", kind=PrincipalKind.CLIENT,
                          units=["088"], units_as_of="2025-01-01")
    for system, times in ((ours, 2), (theirs, 3)):
        for _ in range(times):
            assert web.get("/api/v1/datavalues", headers=system.headers, params={
                "indicator": "VT_TRAM_5G", "unit": "082"}).status_code in (200, 403)
    allow_destination(session=session, principal=Principal.system("tests"),
                      data=DestinationCreate(entry="127.0.0.1", note="tests"))
    create_connector(session=session, settings=settings, principal=integrator.principal,
                     data=ConnectorCreate.model_validate({**PUSH, "name": "day.len.bo"}))
    create_connector(session=session, settings=settings, principal=admin.principal,
                     data=ConnectorCreate.model_validate({**PUSH, "name": "cua.so.khac",
                                                          "units": ["088"]}))
    mine = web.get(PAGE, headers=integrator.headers)
    assert mine.status_code == 200
    assert "he.thong.bat.xat" in mine.text and "he.thong.sa.pa" not in mine.text
    assert "day.len.bo" in mine.text and "cua.so.khac" not in mine.text
    log = web.get(f"{PAGE}.json", headers=integrator.headers).json()["rows"]
    assert len(log) == 2 and {r["client"] for r in log} == {"client:he.thong.bat.xat"}
    asked = web.get(f"{PAGE}.json", headers=integrator.headers,
                    params={"client": "he.thong.sa.pa"}).json()["rows"]
    assert asked == []
    everything = web.get(f"{PAGE}.json", headers=admin.headers).json()["rows"]
    clients = [r["client"] for r in everything if r["client"].startswith("client:he.thong")]
    assert sorted(clients).count("client:he.thong.sa.pa") == 3 and len(clients) == 5
    page = web.get(f"{PAGE}/connectors/day.len.bo", headers=integrator.headers)
    assert page.status_code == 200 and "Chưa chạy lần nào." in page.text
    twin = web.get(f"{PAGE}/connectors/day.len.bo.json", headers=integrator.headers).json()
    assert twin["connector"]["owner"] == integrator.username and twin["runs"] == []
    hidden = web.get(f"{PAGE}/connectors/cua.so.khac", headers=integrator.headers)
    assert hidden.status_code == 404 and "088" not in hidden.text


def test_only_administrators_and_integrators_open_the_systems_pages(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    for role in (Role.LEADER, Role.OFFICER, Role.APPROVER):
        account = make_account(role)
        assert web.get(PAGE, headers=account.headers).status_code == 403
        assert web.get(f"{PAGE}.csv", headers=account.headers).status_code == 403
    assert web.get(PAGE).status_code == 401


def _beside(html: str, field: str) -> str:
    """The errors shown beside one form field (by its input's id)."""
    return html_text.unescape(" ".join(re.findall(
        rf'<span class="field-error" id="err-{field}">([^<]*)</span>', html)))


def _key(html: str) -> str:
    found = re.search(r'<code class="secret">([^<]+)</code>', html)
    assert found, "no key shown once on the page"
    return found.group(1)


SYSTEM = {"name": "lgsp.kho-bac", "agency": "so-tttt", "contact": "Tổ CNTT, 0214 3840 000",
          "read": "on", "units": "082", "units_as_of": "01/01/2025"}


def test_an_administrator_registers_a_system_whose_key_is_shown_once(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(web, admin.username)
    assert web.post(f"{PAGE}/clients", data=SYSTEM).status_code == 403  # no CSRF token
    assert "lgsp.kho-bac" not in web.get(PAGE).text
    r = web.post(f"{PAGE}/clients", data={**SYSTEM, "csrf_token": csrf})
    assert r.status_code == 200, r.text[:800]
    assert "Đã đăng ký hệ thống kết nối lgsp.kho-bac." in r.text
    key = _key(r.text)
    assert r.headers["cache-control"] == "no-store"
    page = web.get(f"{PAGE}/clients/lgsp.kho-bac")
    assert key not in page.text and "Tổ CNTT" in page.text  # shown once, on the answer only
    caller = TestClient(web.app)
    me = caller.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.json()["name"] == "lgsp.kho-bac"
    basic = caller.get("/dhis2/api/dataValueSets", auth=("lgsp.kho-bac", key), params={
        "dataElement": "VT_TRAM_5G", "orgUnit": "082", "period": "202403", "idScheme": "CODE"})
    assert basic.status_code == 200, basic.text[:300]
    # Its requests are on its page, and in the exchange log searched by its id.
    twin = web.get(f"{PAGE}/clients/lgsp.kho-bac.json").json()
    assert twin["system"]["agency"] == "so-tttt" and twin["system"]["roles"] == ["leader"]
    assert [u["code"] for u in twin["scope"]["units"]] == ["082"]
    assert {e["path"] for e in twin["requests"]} >= {"/api/v1/auth/me",
                                                      "/dhis2/api/dataValueSets"}
    assert "GET /dhis2/api/dataValueSets → 200" in web.get(f"{PAGE}/clients/lgsp.kho-bac").text
    logged = web.get(f"{PAGE}.json", params={"client": "lgsp.kho-bac"}).json()["rows"]
    assert len(logged) == 2

    r = web.post(f"{PAGE}/clients/lgsp.kho-bac", data={
        "action": "issue_token", "token_name": "LGSP 2026", "expires_in_days": "30",
        "csrf_token": csrf})
    assert r.status_code == 200 and "Đã cấp khóa LGSP 2026." in r.text
    second = _key(r.text)
    assert second != key
    tokens = web.get(f"{PAGE}/clients/lgsp.kho-bac.json").json()["tokens"]
    assert [t["name"] for t in tokens] == ["key 1", "LGSP 2026"]
    r = web.post(f"{PAGE}/clients/lgsp.kho-bac", data={
        "action": "revoke_token", "token": str(tokens[0]["id"]), "csrf_token": csrf})
    assert r.status_code == 200 and "Đã thu hồi mã truy cập key 1." in r.text
    assert caller.get("/api/v1/auth/me", headers={
        "Authorization": f"Bearer {key}"}).status_code == 401
    assert caller.get("/api/v1/auth/me", headers={
        "Authorization": f"Bearer {second}"}).status_code == 200
    r = web.post(f"{PAGE}/clients/lgsp.kho-bac", data={"action": "disable", "csrf_token": csrf})
    assert r.status_code == 200 and "Đã khóa hệ thống" in r.text
    assert "Đã khóa" in re.search(r'id="client-status">(.*?)</dd>', r.text).group(1)
    assert caller.get("/api/v1/auth/me", headers={
        "Authorization": f"Bearer {second}"}).status_code == 401
    actions = [e.action for e in search_events(session=session, principal=admin.principal,
                                                query=AuditQuery(target="lgsp.kho-bac"))]
    assert {"user.create", "token.create", "token.revoke", "user.update"} <= set(actions)


def test_a_bad_registration_is_named_beside_its_field_and_nothing_is_made(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(web, admin.username)
    sent = {**SYSTEM, "csrf_token": csrf}
    r = web.post(f"{PAGE}/clients", data={**sent, "agency": "so-khong-co"})
    assert r.status_code == 404 and "không có cơ quan 'so-khong-co'" in _beside(r.text, "c-agency")
    assert 'value="Tổ CNTT, 0214 3840 000"' in r.text  # the form comes back as typed
    r = web.post(f"{PAGE}/clients", data={k: v for k, v in sent.items() if k != "read"})
    assert r.status_code == 422 and "đọc, ghi hoặc gửi phản ánh" in _beside(r.text, "c-read")
    r = web.post(f"{PAGE}/clients", data={**sent, "units": "99999"})
    assert r.status_code == 422 and "99999" in r.text and _beside(r.text, "c-units")
    r = web.post(f"{PAGE}/clients", data={**sent, "name": "He Thong"})
    assert r.status_code == 422 and _beside(r.text, "c-name")
    r = web.post(f"{PAGE}/clients", data={**sent, "name": admin.username})
    assert r.status_code == 409 and "chọn tên đăng nhập khác" in _beside(r.text, "c-name")
    r = web.post(f"{PAGE}/clients", data={**sent, "name": admin.username},
                 params={"lang": "en"})
    assert "choose another username" in _beside(r.text, "c-name")
    assert web.get(f"{PAGE}/clients/lgsp.kho-bac").status_code == 404
    assert web.get(f"{PAGE}/clients/{admin.username}").status_code == 404  # a person


def test_an_integrator_registers_and_manages_systems_within_its_own_units(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    # It gives a system only what it holds itself: here the units of Bát Xát, and reading
    # as the leader it also is.
    integrator = make_account(Role.INTEGRATOR, Role.LEADER, **BAT_XAT)
    make_account(Role.LEADER, username="he.thong.sa.pa", kind=PrincipalKind.CLIENT,
                 units=["088"], units_as_of="2025-01-01")
    csrf = sign_in(web, integrator.username)
    r = web.post(f"{PAGE}/clients", data={**SYSTEM, "units": "088", "csrf_token": csrf})
    assert r.status_code == 403 and "ngoài các đơn vị của bạn" in _beside(r.text, "c-units")
    r = web.post(f"{PAGE}/clients", data={**SYSTEM, "write": "on", "csrf_token": csrf})
    assert r.status_code == 403 and _beside(r.text, "c-read")  # writing is not its own
    refused = search_events(session=session, principal=Principal.system("tests"),
                            query=AuditQuery(action="authz.denied", actor=integrator.username))
    assert refused and refused[0].target == f"POST {PAGE}/clients"
    r = web.post(f"{PAGE}/clients", data={**SYSTEM, "csrf_token": csrf})
    assert r.status_code == 200 and _key(r.text)
    assert "lgsp.kho-bac" in web.get(PAGE).text
    # Another's system, out of its reach, is as absent as an unknown one.
    for path in (f"{PAGE}/clients/he.thong.sa.pa", f"{PAGE}/clients/he.thong.sa.pa.json"):
        assert web.get(path).status_code == 404, path
    r = web.post(f"{PAGE}/clients/he.thong.sa.pa", data={"action": "issue_token",
                                                         "token_name": "x", "csrf_token": csrf})
    assert r.status_code == 404
    leader = make_account(Role.LEADER)
    other = TestClient(web.app)
    token = sign_in(other, leader.username)
    r = other.post(f"{PAGE}/clients", data={**SYSTEM, "name": "lgsp.khac", "csrf_token": token})
    assert r.status_code == 403


def test_connectors_are_added_changed_and_paused_within_their_owners_scope(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    integrator = make_account(Role.INTEGRATOR, **BAT_XAT)
    allow_destination(session=session, principal=Principal.system("tests"),
                      data=DestinationCreate(entry="127.0.0.1", note="tests"))
    csrf = sign_in(web, integrator.username)
    form = {"name": "day.len.tinh", "kind": "push", "agency": "so-tttt",
            "url": "http://127.0.0.1:9/api", "units": "082", "units_as_of": "31/12/2024",
            "indicators": "VT_TRAM_5G", "periods": "2024", "retries": "0", "csrf_token": csrf}
    r = web.post(f"{PAGE}/connectors", data={**form, "url": "http://10.20.30.40/api"})
    assert r.status_code == 422 and "fansipan outbound allow" in _beside(r.text, "k-url")
    assert "Địa chỉ" in r.text
    r = web.post(f"{PAGE}/connectors", data={**form, "units": "088"})
    assert r.status_code == 403 and "ngoài các đơn vị của" in _beside(r.text, "k-units")
    r = web.post(f"{PAGE}/connectors", data={**form, "credential": "khong.co"})
    assert r.status_code == 404 and "không có bí mật" in _beside(r.text, "k-credential")
    r = web.post(f"{PAGE}/connectors", data={**form, "units": "082, 083"})
    assert r.status_code == 422 and "đúng một đơn vị" in _beside(r.text, "k-units")
    assert web.get(f"{PAGE}/connectors/day.len.tinh").status_code == 404  # nothing made
    r = web.post(f"{PAGE}/connectors", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:800]
    assert r.headers["location"] == f"{PAGE}/connectors/day.len.tinh?done=created"
    page = web.get(r.headers["location"])
    assert "Đã thêm kết nối day.len.tinh." in page.text and "VT_TRAM_5G" in page.text
    made = web.get(f"{PAGE}/connectors/day.len.tinh.json").json()["connector"]
    assert (made["owner"], made["config"]["units"], made["retries"]) == (
        integrator.username, ["082"], 0)
    edit = {"url": made["url"], "credential": "", "schedule_minutes": "60", "retries": "2",
            "retry_seconds": "30", "action": "save", "csrf_token": csrf}
    r = web.post(f"{PAGE}/connectors/day.len.tinh", data={**edit, "url": "ftp://x"})
    assert r.status_code == 422 and _beside(r.text, "e-url") and 'value="ftp://x"' in r.text
    r = web.post(f"{PAGE}/connectors/day.len.tinh", data=edit)
    assert r.status_code == 200 and "Đã lưu kết nối." in r.text
    changed = web.get(f"{PAGE}/connectors/day.len.tinh.json").json()["connector"]
    assert (changed["schedule_minutes"], changed["retries"]) == (60, 2)
    r = web.post(f"{PAGE}/connectors/day.len.tinh", data=edit)
    assert "Không có gì thay đổi." in r.text
    r = web.post(f"{PAGE}/connectors/day.len.tinh", data={"action": "disable",
                                                          "csrf_token": csrf})
    assert "Tạm dừng" in re.search(r'id="connector-status">(.*?)</dd>', r.text).group(1)
    assert web.get(f"{PAGE}/connectors/day.len.tinh.json").json()["connector"][
        "active"] is False
    web.post(f"{PAGE}/connectors/day.len.tinh", data={"action": "enable", "csrf_token": csrf})
    assert web.get(f"{PAGE}/connectors/day.len.tinh.json").json()["connector"]["active"]
    actions = [e.action for e in search_events(session=session, principal=Principal.system(
        "tests"), query=AuditQuery(target="day.len.tinh"))]
    assert actions.count("connector.update") == 3 and "connector.create" in actions
