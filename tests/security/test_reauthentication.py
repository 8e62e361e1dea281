"""Re-authentication is throttled like sign-in, and API tokens end when they should."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.api.app import create_app
from fansipan.domain.access import Role
from fansipan.services.trust.audit import AuditQuery, search_events
from fansipan.settings import Settings
from tests.support.accounts import PASSWORD, Account

WRONG = "not my password at all"
NEW = "a brand new long passphrase"
# (path, body with a wrong password, body with the right one)
REAUTH = {
    "password": ("/api/v1/auth/password",
                 {"current_password": WRONG, "new_password": NEW},
                 {"current_password": PASSWORD, "new_password": NEW}),
    "totp": ("/api/v1/auth/totp/setup", {"password": WRONG}, {"password": PASSWORD}),
    "token": ("/api/v1/auth/tokens", {"name": "x", "current_password": WRONG},
              {"name": "x", "current_password": PASSWORD}),
}


def test_wrong_current_passwords_lock_the_account_like_sign_in(
        settings: Settings, make_account: Callable[..., Account], session: Session) -> None:
    admin = make_account(Role.ADMIN)
    person = make_account(Role.LEADER, username="thu.ha")
    app = create_app(settings.with_overrides(login_max_failures=2))  # Argon2 is slow
    with TestClient(app) as client:
        for kind in sorted(REAUTH):
            path, wrong, right = REAUTH[kind]
            statuses = [client.post(path, json=wrong, headers=person.headers).status_code
                        for _ in range(3)]
            assert statuses == [422, 429, 429], (kind, statuses)
            locked = client.post(path, json=right, headers=person.headers)
            assert locked.status_code == 429 and "locked" in locked.json()["error"], kind
            if kind == "password":  # the same counter as sign-in: it is locked too
                assert client.post("/api/v1/auth/login", json={
                    "username": "thu.ha", "password": PASSWORD}).status_code == 401
            assert client.post("/api/v1/users/thu.ha/unlock",
                               headers=admin.headers).status_code == 200
        # A right answer clears the count, as a successful sign-in does.
        path, wrong, right = REAUTH["token"]
        assert client.post(path, json=wrong, headers=person.headers).status_code == 422
        assert client.post(path, json=right, headers=person.headers).status_code == 200
        assert client.post(path, json=wrong, headers=person.headers).status_code == 422
    app.state.engine.dispose()
    events = search_events(session=session, principal=admin.principal,
                           query=AuditQuery(action="auth.reauth", limit=50))
    reasons = [(e.detail["for"], e.detail["reason"]) for e in events]
    for action in ("password_change", "token_create", "totp_setup"):
        assert (action, "wrong_password, account locked") in reasons
        assert (action, "locked") in reasons
    assert reasons.count(("token_create", "wrong_password")) == 3


def _mint(client: TestClient, bearer: str, days: int | None) -> dict[str, object]:
    r = client.post("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {bearer}"},
                    json={"name": "child", "expires_in_days": days,
                          "current_password": PASSWORD})
    assert r.status_code == 200, r.text
    body: dict[str, object] = r.json()
    return body


def _works(client: TestClient, token: object) -> bool:
    return client.get("/api/v1/auth/me",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_tokens_end_with_their_parent_a_password_change_and_a_disabled_account(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    person = make_account(Role.LEADER, username="tam.nghi")
    r = client.post("/api/v1/auth/tokens", json={"name": "x"}, headers=person.headers)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "current_password"
    # A one-day token cannot mint a token that never expires, nor one that survives it.
    day = _mint(client, person.token, 1)
    parent_ends = datetime.fromisoformat(str(day["info"]["expires_at"]))  # type: ignore[index]
    forever = _mint(client, str(day["token"]), None)  # asks for no expiry at all
    ends = datetime.fromisoformat(str(forever["info"]["expires_at"]))  # type: ignore[index]
    assert ends == parent_ends and "expires with it" in str(forever["note"])
    assert datetime.now(UTC) + timedelta(hours=23) < parent_ends <= datetime.now(
        UTC) + timedelta(days=1)
    grandchild = _mint(client, str(forever["token"]), 3650)
    assert _works(client, grandchild["token"])
    client.delete(f"/api/v1/auth/tokens/{day['info']['id']}",  # type: ignore[index]
                  headers=person.headers)
    assert not _works(client, forever["token"]) and not _works(client, grandchild["token"])
    # A password change revokes every other token; the one that made the change goes on.
    other = _mint(client, person.token, 30)
    r = client.post("/api/v1/auth/password", headers=person.headers,
                    json={"current_password": PASSWORD, "new_password": NEW})
    assert r.status_code == 200, r.text
    assert not _works(client, other["token"]) and _works(client, person.token)
    listed = client.get("/api/v1/auth/tokens", headers=person.headers).json()
    assert [t["revoked"] for t in listed] == [False, True, True, True, True]
    # Disabling the account ends its tokens for good: enabling it brings none back.
    for active in (False, True):
        r = client.patch("/api/v1/users/tam.nghi", json={"active": active},
                         headers=admin.headers)
        assert r.status_code == 200, r.text
    assert not _works(client, person.token)
