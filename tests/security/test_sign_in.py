"""Signing in: password policy, forced first change, CSRF, lockout, timeouts, TOTP, tokens."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

import pyotp
import pytest
from fastapi import Form
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from fansipan.api.app import create_app
from fansipan.domain.access import Principal, Role
from fansipan.errors import ConfigurationError, ValidationError
from fansipan.http.principals import PrincipalDep
from fansipan.services.trust.accounts import UserCreate, create_user
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.settings import Settings
from fansipan.store.security_tables import AuthSessionRow
from tests.support.accounts import PASSWORD, Account

NEW = "a brand new long passphrase"


def _new_person(session: Session, settings: Settings, name: str = "thu.nguyen") -> str:
    created = create_user(session=session, settings=settings, principal=Principal.system(),
                          data=UserCreate(username=name, roles=[Role.LEADER], all_units=True))
    assert created.initial_password
    return created.initial_password


def _login(client: TestClient, user: str, password: str, **extra: str) -> dict[str, object]:
    r = client.post("/api/v1/auth/login", json={"username": user, "password": password,
                                                **extra})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def test_the_password_policy_names_every_problem(settings: Settings, session: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        create_user(session=session, settings=settings, principal=Principal.system(),
                    data=UserCreate(username="password", password="password",
                                    roles=[Role.LEADER]))
    messages = " ".join(e.message for e in caught.value.errors)
    assert "at least 12 characters" in messages
    assert "most common passwords" in messages
    assert "contains the username" in messages
    strict = Settings(database_url=settings.database_url, password_character_classes=3)
    with pytest.raises(ValidationError, match="policy"):
        create_user(session=session, settings=strict, principal=Principal.system(),
                    data=UserCreate(username="an.officer", password="only lower case words",
                                    roles=[Role.LEADER]))
    long_one = "x" * 20 + " Ngày mai trời lại sáng " * 4  # long passphrases are welcome
    create_user(session=session, settings=settings, principal=Principal.system(),
                data=UserCreate(username="long.pass", password=long_one, roles=[Role.LEADER]))


def test_first_sign_in_forces_a_password_change_behind_csrf(
    client: TestClient, settings: Settings, session: Session
) -> None:
    initial = _new_person(session, settings)
    body = _login(client, "thu.nguyen", initial)
    assert body["must_change_password"] is True
    cookie = client.cookies.get("fansipan_session")
    assert cookie
    raw = client.post("/api/v1/auth/login", json={"username": "thu.nguyen",
                                                   "password": initial}).headers["set-cookie"]
    assert "HttpOnly" in raw and "SameSite=strict" in raw and "Secure" not in raw
    refused = client.get("/api/v1/targets")
    assert refused.status_code == 403 and "Change your initial password" in refused.text
    csrf = str(_login(client, "thu.nguyen", initial)["csrf_token"])
    change = {"current_password": initial, "new_password": NEW}
    no_token = client.post("/api/v1/auth/password", json=change)
    assert no_token.status_code == 403 and "security token" in no_token.text
    ok = client.post("/api/v1/auth/password", json=change, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text
    assert client.get("/api/v1/targets").status_code == 200
    assert _login(client, "thu.nguyen", NEW)["must_change_password"] is False


def test_cookies_are_secure_behind_tls(settings: Settings, session: Session) -> None:
    initial = _new_person(session, settings)
    tls = settings.with_overrides(tls=True)
    app = create_app(tls)
    with TestClient(app, base_url="https://testserver") as c:
        r = c.post("/api/v1/auth/login", json={"username": "thu.nguyen", "password": initial})
        assert r.status_code == 200
        assert r.headers["set-cookie"].startswith("__Host-fansipan_session=")
        assert "Secure" in r.headers["set-cookie"]
        assert r.headers["strict-transport-security"].startswith("max-age=")
    app.state.engine.dispose()


def test_repeated_failures_lock_the_account_and_are_audited(
    client: TestClient, make_account: Callable[..., Account], session: Session
) -> None:
    admin = make_account(Role.ADMIN)
    person = make_account(Role.LEADER, username="lan.tran")
    for _ in range(5):
        r = client.post("/api/v1/auth/login", json={"username": "lan.tran", "password": "no"})
        assert r.status_code == 401
        assert "username or password is wrong" in r.json()["error"]
    locked = client.post("/api/v1/auth/login", json={"username": "lan.tran",
                                                      "password": PASSWORD})
    assert locked.status_code == 401  # the same words: nothing tells an attacker why
    unknown = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x"})
    assert unknown.json()["error"] == locked.json()["error"]
    r = client.post("/api/v1/users/lan.tran/unlock", headers=admin.headers)
    assert r.status_code == 200
    _login(client, person.username, PASSWORD)
    events = search_events(session=session, principal=admin.principal,
                           query=AuditQuery(action="auth.login", limit=50))
    reasons = [e.detail.get("reason") for e in events if e.outcome == "failed"]
    assert "wrong_password, account locked" in reasons and "locked" in reasons
    assert "unknown_user" in reasons
    assert any(e.outcome == "ok" and e.actor == "lan.tran" for e in events)


def test_an_address_with_many_failures_is_throttled(
    settings: Settings, session: Session
) -> None:
    strict = settings.with_overrides(login_ip_max_failures=3)
    app = create_app(strict)
    with TestClient(app) as c:
        for n in range(3):
            c.post("/api/v1/auth/login", json={"username": f"guess{n}", "password": "x"})
        r = c.post("/api/v1/auth/login", json={"username": "guess9", "password": "x"})
        assert r.status_code == 429 and "wait 15 minutes" in r.json()["error"]
    app.state.engine.dispose()


def test_idle_and_ended_sessions_stop_working(
    client: TestClient, make_account: Callable[..., Account], session: Session
) -> None:
    admin = make_account(Role.ADMIN)
    make_account(Role.LEADER, username="minh.le")
    _login(client, "minh.le", PASSWORD)
    assert client.get("/api/v1/auth/me").json()["name"] == "minh.le"
    with session.begin():  # 31 minutes pass without a request
        session.execute(update(AuthSessionRow).values(
            last_seen_at=datetime.now(UTC) - timedelta(minutes=31)))
    r = client.get("/api/v1/auth/me")
    assert r.status_code == 401 and "30 minutes without activity" in r.json()["error"]
    client.cookies.clear()
    _login(client, "minh.le", PASSWORD)
    ended = client.delete("/api/v1/users/minh.le/sessions", headers=admin.headers)
    assert ended.json()["ended"] >= 1
    assert client.get("/api/v1/auth/me").status_code == 401


def test_a_second_factor_is_asked_for_and_codes_are_not_replayed(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    person = make_account(Role.LEADER, username="hoa.pham")
    client.headers.update(person.headers)
    setup = client.post("/api/v1/auth/totp/setup", json={"password": PASSWORD})
    assert setup.status_code == 200, setup.text
    totp = pyotp.TOTP(setup.json()["secret"])
    code = totp.now()
    assert client.post("/api/v1/auth/totp/enable", json={"code": code}).status_code == 200
    client.headers.pop("Authorization")
    need = client.post("/api/v1/auth/login", json={"username": "hoa.pham",
                                                    "password": PASSWORD})
    # The same answer as a wrong password: it must not tell a guesser the password is right.
    assert need.status_code == 401 and "6-digit code" in need.json()["error"]
    replay = client.post("/api/v1/auth/login", json={"username": "hoa.pham",
                                                      "password": PASSWORD, "otp": code})
    assert replay.status_code == 401  # the code that enabled it cannot sign in again
    later = totp.at(datetime.now(UTC) + timedelta(seconds=30))
    _login(client, "hoa.pham", PASSWORD, otp=later)


def test_tokens_are_shown_once_and_revocation_is_immediate(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    person = make_account(Role.LEADER)
    issued = client.post("/api/v1/auth/tokens", json={"name": "laptop",
                                                      "current_password": PASSWORD},
                         headers=person.headers).json()
    token = issued["token"]
    assert token.startswith("fsp_")
    listed = client.get("/api/v1/auth/tokens", headers=person.headers).json()
    assert all("token" not in t for t in listed) and len(listed) == 2
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/auth/me", headers=bearer).json()["name"] == person.username
    client.delete(f"/api/v1/auth/tokens/{issued['info']['id']}", headers=person.headers)
    r = client.get("/api/v1/auth/me", headers=bearer)
    assert r.status_code == 401 and "revoked" in r.json()["error"]
    assert client.get("/api/v1/auth/me", headers={"Authorization": "Basic x"}).status_code == 401


def test_administration_only_from_the_admin_network(
    settings: Settings, make_account: Callable[..., Account]
) -> None:
    admin = make_account(Role.ADMIN)
    fenced = settings.with_overrides(admin_networks=("10.20.0.0/16",))
    app = create_app(fenced)
    with TestClient(app, client=("192.0.2.10", 5000)) as outside:
        r = outside.get("/api/v1/users", headers=admin.headers)
        assert r.status_code == 403 and "administrators' network" in r.json()["error"]
    with TestClient(app, client=("10.20.3.4", 5000)) as inside:
        assert inside.get("/api/v1/users", headers=admin.headers).status_code == 200
    app.state.engine.dispose()


def test_production_refuses_a_missing_or_default_secret() -> None:
    for secret in (None, "short", "changeme-changeme-changeme-changeme", "a" * 40):
        with pytest.raises(ConfigurationError, match="FANSIPAN_SECRET"):
            Settings(environment="production", secret=secret).check_can_serve()
    Settings(environment="production",
             secret="pX3v9Qk2Lw7Zr5Ty1Bn8Mc4Hd6Jf0Ga2Se").check_can_serve()
    with pytest.raises(ConfigurationError, match="FANSIPAN_PASSWORD_MIN_LENGTH"):
        Settings.from_env({"FANSIPAN_PASSWORD_MIN_LENGTH": "4"})


def test_an_html_form_carries_its_csrf_token_in_a_field(
    settings: Settings, make_account: Callable[..., Account]
) -> None:
    make_account(Role.LEADER, username="form.user")
    app = create_app(settings)

    # The shape every web form will have: the session cookie and a csrf_token field.
    @app.post("/form-check")
    def form_check(principal: PrincipalDep, note: Annotated[str, Form()]) -> dict[str, str]:
        return {"by": principal.name, "note": note}

    with TestClient(app) as c:
        csrf = _login(c, "form.user", PASSWORD)["csrf_token"]
        refused = c.post("/form-check", data={"note": "x"})
        assert refused.status_code == 403
        ok = c.post("/form-check", data={"note": "ghi chú", "csrf_token": csrf})
        assert ok.json() == {"by": "form.user", "note": "ghi chú"}
    app.state.engine.dispose()


def test_an_integrator_cannot_borrow_a_wider_reach(
    client: TestClient, make_account: Callable[..., Account]
) -> None:
    from fansipan.domain.access import PrincipalKind

    bat_xat = {"units": ["082"], "units_as_of": "2025-01-01"}
    integrator = make_account(Role.INTEGRATOR, Role.OFFICER, **bat_xat)
    mine = {"kind": PrincipalKind.CLIENT, "owner": integrator.username}
    make_account(Role.OFFICER, username="lgsp.all", **mine)
    make_account(Role.OFFICER, username="lgsp.batxat", **mine, **bat_xat)
    h = integrator.headers
    wide = client.post("/api/v1/clients/lgsp.all/tokens", json={"name": "x"}, headers=h)
    assert wide.status_code == 403 and "only an administrator" in wide.json()["error"]
    own = client.post("/api/v1/clients/lgsp.batxat/tokens", json={"name": "x"}, headers=h)
    assert own.status_code == 200
    assert [c["username"] for c in client.get("/api/v1/clients", headers=h).json()] == [
        "lgsp.batxat"]
    everyone = client.post("/api/v1/clients", headers=h, json={
        "username": "lgsp.new", "roles": ["officer"], "all_units": True})
    assert everyone.status_code == 403
    admin_role = client.post("/api/v1/clients", headers=h, json={
        "username": "lgsp.new", "roles": ["admin"], **bat_xat})
    assert admin_role.status_code == 422
    me = client.get("/api/v1/auth/me", headers=make_account(
        Role.OFFICER, username="lgsp.self", kind=PrincipalKind.CLIENT).headers)
    assert me.status_code == 200 and me.json()["kind"] == "client"
