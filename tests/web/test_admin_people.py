"""The people pages: an administrator creates, disables, resets, unlocks, re-scopes an
account and ends its sessions and tokens from the web, each through the trust services."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from fansipan.domain.access import Role
from fansipan.services.trust.audit import AuditQuery, search_events
from tests.support.accounts import PASSWORD, Account

PEOPLE = "/admin/people"


def sign_in(web: TestClient, username: str, password: str = PASSWORD) -> str:
    r = web.post("/login", data={"username": username, "password": password},
                 follow_redirects=False)
    assert r.status_code == 303, r.text[:300]
    token = web.cookies.get("fansipan_csrf")
    assert token
    return token


def _secret(html: str) -> str:
    found = re.search(r'<code class="secret">([^<]+)</code>', html)
    assert found, "no password shown once on the page"
    return found.group(1)


def test_an_administrator_creates_an_account_whose_first_password_works_once(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(web, admin.username)
    form = {"username": "tran.thi.b", "display_name": "Trần Thị B", "email": "b@laocai.gov.vn",
            "roles": ["officer", "approver"], "units": "082", "units_as_of": "2025-01-01"}
    refused = web.post(PEOPLE, data=form)  # no CSRF token: nothing is created
    assert refused.status_code == 403
    assert "tran.thi.b" not in web.get(PEOPLE).text
    r = web.post(PEOPLE, data={**form, "csrf_token": csrf})
    assert r.status_code == 200, r.text[:500]
    assert "Đã tạo tài khoản tran.thi.b." in r.text
    password = _secret(r.text)
    assert r.headers["cache-control"] == "no-store"
    assert password not in web.get(PEOPLE).text  # shown once, on the answer only
    person = web.get(f"{PEOPLE}/tran.thi.b.json").json()
    assert person["account"]["roles"] == ["approver", "officer"]
    assert [u["code"] for u in person["account"]["units"]] == ["082"]
    assert person["account"]["all_units"] is False and person["account"]["totp_enabled"] is False
    listed = web.get(f"{PEOPLE}.json").json()
    assert {row["username"] for row in listed["rows"]} == {admin.username, "tran.thi.b"}
    other = TestClient(web.app)
    r = other.post("/login", data={"username": "tran.thi.b", "password": password},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/password"


def test_a_bad_account_names_its_field_and_changes_nothing(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    csrf = sign_in(web, admin.username)
    r = web.post(PEOPLE, data={"username": "X", "roles": ["leader"], "csrf_token": csrf})
    assert r.status_code == 422 and "username" in r.text
    r = web.post(PEOPLE, data={"username": "le.van.c", "units": "99999",
                               "roles": ["officer"], "csrf_token": csrf})
    assert r.status_code == 422 and "units.0" in r.text and "99999" in r.text
    r = web.post(PEOPLE, data={"username": admin.username, "all_units": "on",
                               "roles": ["leader"], "csrf_token": csrf}, params={"lang": "en"})
    assert r.status_code == 409 and "choose another username" in r.text
    # "bao.json" would share its page's address with the download of an account "bao".
    r = web.post(PEOPLE, data={"username": "bao.json", "roles": ["leader"],
                               "csrf_token": csrf})
    assert r.status_code == 422 and "không được kết thúc bằng .json" in r.text
    names = {row["username"] for row in web.get(f"{PEOPLE}.json").json()["rows"]}
    assert names == {admin.username}


def test_disabling_ends_sessions_and_tokens_and_enabling_brings_none_back(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    person = make_account(Role.LEADER)
    browser = TestClient(web.app)
    sign_in(browser, person.username)
    assert browser.get("/api/v1/auth/me").json()["name"] == person.username
    assert web.get("/api/v1/auth/me", headers=person.headers).status_code == 200
    csrf = sign_in(web, admin.username)
    r = web.post(f"{PEOPLE}/{person.username}", data={"action": "disable", "csrf_token": csrf})
    assert r.status_code == 200 and "Đã khóa tài khoản" in r.text
    assert web.get("/api/v1/auth/me", headers=person.headers).status_code == 401
    assert browser.get("/api/v1/auth/me").status_code == 401
    r = web.post(f"{PEOPLE}/{person.username}", data={"action": "enable", "csrf_token": csrf})
    shown = web.get(f"{PEOPLE}/{person.username}.json").json()
    assert shown["account"]["active"] is True
    assert shown["sessions"] == [] and all(t["revoked"] for t in shown["tokens"])
    r = web.post(f"{PEOPLE}/{admin.username}", data={"action": "disable", "csrf_token": csrf})
    assert r.status_code == 409  # never oneself
    assert web.get(f"{PEOPLE}/{admin.username}.json").json()["account"]["active"] is True


def test_a_reset_password_replaces_the_old_one_and_unlocks(
        web: TestClient, make_account: Callable[..., Account], settings: object) -> None:
    admin = make_account(Role.ADMIN)
    person = make_account(Role.OFFICER)
    other = TestClient(web.app)
    for _ in range(5):  # FANSIPAN_LOGIN_MAX_FAILURES wrong passwords lock the account
        other.post("/login", data={"username": person.username, "password": "wrong one"})
    csrf = sign_in(web, admin.username)
    page = web.get(f"{PEOPLE}/{person.username}").text
    assert "Khóa đến" in page and 'value="unlock"' in page
    r = web.post(f"{PEOPLE}/{person.username}", data={"action": "unlock", "csrf_token": csrf})
    assert "Đã mở khóa tài khoản." in r.text and 'value="unlock"' not in r.text
    assert other.post("/login", data={"username": person.username, "password": PASSWORD},
                      follow_redirects=False).status_code == 303
    r = web.post(f"{PEOPLE}/{person.username}",
                 data={"action": "reset_password", "csrf_token": csrf})
    fresh = _secret(r.text)
    assert other.get("/api/v1/auth/me").status_code == 401  # its session ended
    third = TestClient(web.app)
    assert third.post("/login", data={"username": person.username, "password": PASSWORD},
                      follow_redirects=False).status_code == 401
    r = third.post("/login", data={"username": person.username, "password": fresh},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/password"


def test_roles_and_units_are_saved_and_a_wrong_unit_changes_nothing(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    person = make_account(Role.LEADER)
    csrf = sign_in(web, admin.username)
    url = f"{PEOPLE}/{person.username}"
    r = web.post(url, data={"action": "access", "roles": ["officer"], "units": "02683",
                            "indicators": "VT_TRAM_5G", "csrf_token": csrf})
    assert r.status_code == 200 and "Đã lưu vai trò và đơn vị." in r.text
    shown = web.get(f"{url}.json").json()["account"]
    assert shown["roles"] == ["officer"] and [u["code"] for u in shown["units"]] == ["02683"]
    assert shown["indicators"] == ["VT_TRAM_5G"] and shown["all_indicators"] is False
    r = web.post(url, data={"action": "access", "roles": ["leader"], "units": "02683, 00000",
                            "csrf_token": csrf})
    assert r.status_code == 422 and "00000" in r.text
    assert web.get(f"{url}.json").json()["account"]["roles"] == ["officer"]
    # The person's own requests now carry the new scope.
    me = web.get("/api/v1/auth/me", headers=person.headers).json()
    assert me["roles"] == ["officer"]


def test_one_session_and_one_token_are_ended_and_audited(
        web: TestClient, make_account: Callable[..., Account], session: object) -> None:
    admin = make_account(Role.ADMIN)
    person = make_account(Role.LEADER)
    first, second = TestClient(web.app), TestClient(web.app)
    sign_in(first, person.username)
    sign_in(second, person.username)
    csrf = sign_in(web, admin.username)
    url = f"{PEOPLE}/{person.username}"
    shown = web.get(f"{url}.json").json()
    assert len(shown["sessions"]) == 2 and len(shown["tokens"]) == 1
    newest = shown["sessions"][0]["ref"]
    r = web.post(url, data={"action": "end_session", "session": newest, "csrf_token": csrf})
    assert "Phiên đăng nhập đã kết thúc." in r.text
    alive = [c.get("/api/v1/auth/me").status_code for c in (first, second)]
    assert sorted(alive) == [200, 401]
    again = web.post(url, data={"action": "end_session", "session": newest,
                                "csrf_token": csrf})
    assert again.status_code == 404
    token_id = shown["tokens"][0]["id"]
    r = web.post(url, data={"action": "revoke_token", "token": str(token_id),
                            "csrf_token": csrf})
    assert r.status_code == 200
    assert web.get("/api/v1/auth/me", headers=person.headers).status_code == 401
    r = web.post(url, data={"action": "end_sessions", "csrf_token": csrf})
    assert "1 phiên" in r.text
    assert [c.get("/api/v1/auth/me").status_code for c in (first, second)] == [401, 401]
    events = search_events(session=session, principal=admin.principal,  # type: ignore[arg-type]
                           query=AuditQuery(target=person.username))
    actions = [e.action for e in events if e.actor == admin.username]
    assert actions[:3] == ["user.end_sessions", "token.revoke", "user.end_session"]


def test_only_administrators_reach_the_people_pages(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN, username="quan.tri.so")
    for role in (Role.LEADER, Role.OFFICER, Role.APPROVER, Role.INTEGRATOR):
        account = make_account(role)
        r = web.get(PEOPLE, headers=account.headers)
        assert r.status_code == 403 and "<html" in r.text, role
        assert admin.username not in r.text
        r = web.get(f"{PEOPLE}/{admin.username}", headers=account.headers)
        assert r.status_code == 403 and "person-facts" not in r.text
        r = web.get(f"{PEOPLE}.json", headers=account.headers)
        assert r.status_code == 403 and "rows" not in r.text
    assert web.get(PEOPLE).status_code == 401
    assert web.post(f"{PEOPLE}/nobody", data={"action": "unlock"}).status_code == 401
