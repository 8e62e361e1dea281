"""Single sign-on against a real OpenID provider: the flow, and every check refusing.

The platform (Node's oidc-provider, started once per session) signs people in on its
own page; these tests play the browser with Starlette's client on our side and a plain
HTTP client on the platform's. Misbehaviour is asked of the platform itself: its next
token answer carries a broken signature, someone else's audience, another issuer, an
expired token or the ID token of an earlier sign-in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fansipan.api.app import create_app
from fansipan.domain.access import Principal, Role
from fansipan.errors import ConfigurationError, Conflict
from fansipan.services.trust.sso_links import SsoLink, link_account
from fansipan.settings import Settings, parse_role_map
from fansipan.store.security_tables import AuditEventRow, AuthSessionRow, UserRow
from fansipan.store.sso_tables import SsoLinkRow, SsoSignInRow
from tests.exchange.sources import Remote, serve
from tests.support.accounts import Account
from tests.support.oidc import CLIENT_ID, CLIENT_SECRET, LAN, MINH, Platform, sign_in_at_platform


@pytest.fixture
def sso_settings(settings: Settings, platform: Platform) -> Settings:
    return replace(settings, oidc_issuer=platform.issuer, oidc_client_id=CLIENT_ID,
                   oidc_client_secret=CLIENT_SECRET,
                   oidc_scopes="openid profile email groups")


@pytest.fixture
def app_with(sso_settings: Settings) -> Iterator[Callable[..., TestClient]]:
    made: list[TestClient] = []

    def make(**changes: object) -> TestClient:
        app = create_app(replace(sso_settings, **changes))  # type: ignore[arg-type]
        client = TestClient(app, raise_server_exceptions=False)
        client.__enter__()
        made.append(client)
        return client

    yield make
    for client in made:
        client.__exit__(None, None, None)
        client.app.state.engine.dispose()  # type: ignore[attr-defined]


@pytest.fixture
def web(app_with: Callable[..., TestClient]) -> TestClient:
    return app_with()


@pytest.fixture
def lan(session: Session, sso_settings: Settings,
        make_account: Callable[..., Account]) -> Account:
    """A leader whose account an administrator linked to Lan's subject at the platform."""
    account = make_account(Role.LEADER, username="nguyen.thi.lan")
    link_account(session=session, settings=sso_settings, principal=Principal.system("tests"),
                 data=SsoLink(username=account.username, subject=LAN))
    return account


def _start(web: TestClient, next_path: str = "/") -> str:
    answer = web.get("/login/sso", params={"next": next_path}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def _sign_in(web: TestClient, login: str, next_path: str = "/") -> tuple[str, object]:
    back = sign_in_at_platform(_start(web, next_path), login)
    return back, web.get(back.removeprefix("http://testserver"), follow_redirects=False)


def _events(session: Session, action: str = "auth.login") -> list[AuditEventRow]:
    session.rollback()
    return list(session.scalars(select(AuditEventRow).where(
        AuditEventRow.action == action).order_by(AuditEventRow.id)))


def _me(web: TestClient) -> str:
    name: str = web.get("/api/v1/auth/me").json()["name"]
    return name


def _detail(event: AuditEventRow) -> dict[str, object]:
    found: dict[str, object] = json.loads(event.detail)
    return found


def _last_failure(session: Session) -> str:
    failed = [e for e in _events(session) if e.outcome == "failed"]
    assert failed, "no failed sign-in was audited"
    return str(_detail(failed[-1])["reason"])


def test_the_request_carries_pkce_state_and_nonce(web: TestClient, platform: Platform) -> None:
    asked = urlsplit(_start(web))
    query = parse_qs(asked.query)
    assert f"{asked.scheme}://{asked.netloc}" == platform.issuer
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["openid profile email groups"]
    assert query["redirect_uri"] == ["http://testserver/login/sso/callback"]
    assert len(query["state"][0]) >= 40 and len(query["nonce"][0]) >= 40
    assert web.cookies.get("fansipan_sso")


def test_a_linked_person_signs_in_lands_on_the_page_asked_and_signs_out(
        web: TestClient, session: Session, lan: Account, platform: Platform) -> None:
    _, answer = _sign_in(web, LAN, next_path="/indicators?sector=y-te")
    assert answer.status_code == 200, (_last_failure(session), answer.text)  # type: ignore[attr-defined]
    assert 'content="0;url=/indicators?sector=y-te"' in answer.text  # type: ignore[attr-defined]
    page = web.get("/indicators?sector=y-te")
    assert page.status_code == 200 and "nguyen.thi.lan" in page.text
    me = web.get("/api/v1/auth/me").json()
    assert me["name"] == "nguyen.thi.lan" and me["roles"] == ["leader"]
    ok = [e for e in _events(session) if e.outcome == "ok" and e.actor == "nguyen.thi.lan"]
    assert _detail(ok[-1])["via"] == "sso" and _detail(ok[-1])["subject"] == LAN
    assert _detail(ok[-1])["issuer"] == platform.issuer
    link = session.scalars(select(SsoLinkRow)).one()
    assert link.last_sign_in_at is not None

    out = web.post("/logout", data={"csrf_token": web.cookies["fansipan_csrf"]},
                   follow_redirects=False)
    assert out.status_code == 200
    assert "fansipan_session" not in web.cookies
    found = re.search(r'id="platform-logout" href="([^"]+)"', out.text)
    assert found
    logout = urlsplit(unescape(found.group(1)))
    assert f"{logout.scheme}://{logout.netloc}{logout.path}" == f"{platform.issuer}/session/end"
    hint = parse_qs(logout.query)
    assert hint["post_logout_redirect_uri"] == ["http://testserver/"]
    assert hint["id_token_hint"][0].count(".") == 2
    session.rollback()
    assert session.scalars(select(AuthSessionRow.revoked_at).where(
        AuthSessionRow.user_id == link.user_id)).all()[-1] is not None
    assert _me(web) == "anonymous"
    assert _events(session, "auth.logout")[-1].actor == "nguyen.thi.lan"


def test_linking_removes_the_local_password(web: TestClient, lan: Account) -> None:
    refused = web.post("/login", data={"username": lan.username, "password": lan.password})
    assert refused.status_code == 401


def test_an_unlinked_subject_is_refused_with_what_to_ask(
        web: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    # Same name, same e-mail: neither links an account, only the subject does.
    make_account(Role.OFFICER, username="minh.sso")
    session.execute(update(UserRow).where(UserRow.username == "minh.sso")
                    .values(email="minh@laocai.gov.vn"))
    session.commit()
    _, answer = _sign_in(web, MINH)
    assert answer.status_code == 401  # type: ignore[attr-defined]
    assert MINH in answer.text and "quản trị" in answer.text  # type: ignore[attr-defined]
    assert "fansipan_session" not in web.cookies
    assert _last_failure(session) == "not_linked"
    assert _me(web) == "anonymous"


def test_a_first_sign_in_may_create_an_account_with_no_roles(
        app_with: Callable[..., TestClient], session: Session) -> None:
    web = app_with(oidc_new_accounts="create")
    _, answer = _sign_in(web, MINH)
    assert answer.status_code == 200  # type: ignore[attr-defined]
    me = web.get("/api/v1/auth/me").json()
    assert me["name"] == "minh.sso" and me["roles"] == []
    session.rollback()
    user = session.scalars(select(UserRow).where(UserRow.username == "minh.sso")).one()
    assert user.password_hash is None and user.email == "minh@laocai.gov.vn"
    assert user.display_name == "Trần Văn Minh"
    assert [e.target for e in _events(session, "user.sso_link")] == ["minh.sso"]
    assert web.get("/api/v1/datavalues", params={"indicator": "DAN_SO"}).status_code in (
        403, 422)
    # The second time, the same account: found by its subject, not created again.
    again = app_with(oidc_new_accounts="create")
    _sign_in(again, MINH)
    assert _me(again) == "minh.sso"
    session.rollback()
    assert len(session.scalars(select(SsoLinkRow)).all()) == 1


@pytest.mark.parametrize(("mode", "reason"), [
    ("bad-signature", "id_token_bad_signature"),
    ("wrong-audience", "id_token_invalid_claim:aud"),
    ("wrong-issuer", "id_token_invalid_claim:iss"),
    ("expired", "id_token_expired"),
])
def test_an_id_token_that_fails_a_check_is_refused(
        web: TestClient, session: Session, lan: Account, platform: Platform, mode: str,
        reason: str) -> None:
    platform.misbehave_once(mode)
    _, answer = _sign_in(web, LAN)
    assert answer.status_code == 401  # type: ignore[attr-defined]
    assert "fansipan_session" not in web.cookies
    assert _last_failure(session) == reason
    assert _me(web) == "anonymous"


def test_a_replayed_id_token_fails_on_its_nonce(
        web: TestClient, session: Session, lan: Account, platform: Platform) -> None:
    _sign_in(web, LAN)  # an honest sign-in, whose ID token the platform keeps
    fresh = TestClient(web.app, raise_server_exceptions=False)
    platform.misbehave_once("replay-nonce")
    _, answer = _sign_in(fresh, LAN)
    assert answer.status_code == 401  # type: ignore[attr-defined]
    assert _last_failure(session) == "id_token_invalid_claim:nonce"
    assert _me(fresh) == "anonymous"


def test_a_wrong_or_reused_state_is_refused(web: TestClient, session: Session,
                                            lan: Account) -> None:
    back = sign_in_at_platform(_start(web), LAN)
    path = back.removeprefix("http://testserver")
    query = parse_qs(urlsplit(back).query)
    wrong = web.get("/login/sso/callback", params={"code": query["code"][0],
                                                   "state": query["state"][0][:-2] + "xx"})
    assert wrong.status_code == 401 and _last_failure(session) == "unknown_state"
    missing = web.get("/login/sso/callback", params={"code": query["code"][0]})
    assert missing.status_code == 401 and _last_failure(session) == "unknown_state"
    # A callback link opened in another browser (login CSRF) signs nobody in…
    other = TestClient(web.app, raise_server_exceptions=False)
    assert other.get(path).status_code == 401 and _last_failure(session) == "other_browser"
    assert _me(other) == "anonymous"
    # …and the state is spent: not even the right browser may use it now.
    assert web.get(path).status_code == 401
    assert _last_failure(session) == "state_used_again"
    assert _me(web) == "anonymous"


def test_pkce_is_enforced_by_the_code_exchange(web: TestClient, session: Session,
                                               lan: Account) -> None:
    back = sign_in_at_platform(_start(web), LAN)
    session.execute(update(SsoSignInRow).values(code_verifier="x" * 64))
    session.commit()
    assert web.get(back.removeprefix("http://testserver")).status_code == 401
    assert _last_failure(session) == "code_exchange_failed"


def test_the_platform_saying_no_is_refused(web: TestClient, session: Session) -> None:
    state = parse_qs(urlsplit(_start(web)).query)["state"][0]
    answer = web.get("/login/sso/callback", params={"state": state, "error": "access_denied"})
    assert answer.status_code == 401
    assert _last_failure(session) == "platform_error:access_denied"


def test_a_discovery_document_naming_another_issuer_is_refused(
        app_with: Callable[..., TestClient], platform: Platform) -> None:
    """A server answering at the configured issuer's address with another issuer's
    metadata (the real platform's endpoints) is not believed: nobody is sent on."""
    with contextmanager(serve)(Remote()) as impostor:
        impostor.json("/.well-known/openid-configuration", {
            "issuer": platform.issuer, "authorization_endpoint": platform.issuer + "/auth",
            "token_endpoint": platform.issuer + "/token",
            "jwks_uri": platform.issuer + "/jwks"})
        web = app_with(oidc_issuer=impostor.base)
        answer = web.get("/login/sso", follow_redirects=False)
        assert answer.status_code == 503 and "location" not in answer.headers, answer.text
        assert [s.path for s in impostor.seen] == ["/.well-known/openid-configuration"]


def test_the_button_and_routes_exist_only_when_configured(
        client: TestClient, web: TestClient) -> None:
    assert 'id="sso-sign-in"' not in client.get("/login").text
    assert client.get("/login/sso", follow_redirects=False).status_code == 404
    assert client.get("/login/sso/callback?state=x&code=y").status_code == 404
    page = web.get("/login?next=/targets")
    assert 'href="/login/sso?next=/targets"' in page.text
    assert 'id="username"' in page.text  # local accounts keep working beside it


def test_an_administrator_links_by_subject_once(
        session: Session, sso_settings: Settings, lan: Account,
        make_account: Callable[..., Account]) -> None:
    other = make_account(Role.OFFICER, username="someone.else")
    with pytest.raises(Conflict):
        link_account(session=session, settings=sso_settings,
                     principal=Principal.system("tests"),
                     data=SsoLink(username=other.username, subject=LAN))
    events = _events(session, "user.sso_link")
    assert [(e.target, _detail(e)["subject"]) for e in events] == [("nguyen.thi.lan", LAN)]


def test_settings_refuse_half_or_unsafe_sso(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="CLIENT_ID"):
        Settings(data_dir=tmp_path, oidc_issuer="https://sso.laocai.gov.vn")
    with pytest.raises(ConfigurationError, match="https"):
        Settings(data_dir=tmp_path, oidc_issuer="http://sso.laocai.gov.vn", oidc_client_id="x")
    with pytest.raises(ConfigurationError, match="openid"):
        Settings(data_dir=tmp_path, oidc_issuer="https://sso.laocai.gov.vn",
                 oidc_client_id="x", oidc_scopes="profile")
    with pytest.raises(ConfigurationError, match="NEW_ACCOUNTS"):
        Settings(data_dir=tmp_path, oidc_new_accounts="maybe")
    env = {"FANSIPAN_OIDC_ISSUER": "https://sso.laocai.gov.vn/", "FANSIPAN_OIDC_CLIENT_ID": "ioc",
           "FANSIPAN_OIDC_SCOPES": "openid,profile email", "FANSIPAN_OIDC_NEW_ACCOUNTS": "create"}
    read = Settings.from_env({**env, "FANSIPAN_DATA_DIR": str(tmp_path)})
    assert read.oidc_issuer == "https://sso.laocai.gov.vn"
    assert read.oidc_scopes == "openid profile email" and read.oidc_new_accounts == "create"


def test_mapped_claims_set_roles_and_units_at_each_sign_in(
        app_with: Callable[..., TestClient], session: Session, lan: Account) -> None:
    mapped = {"oidc_role_claim": "groups", "oidc_role_map": parse_role_map(
        "lanh-dao=leader@15;so-ke-hoach=officer@15,99999;can-bo=approver@*")}
    web = app_with(**mapped)
    _sign_in(web, LAN)  # Lan is in groups so-ke-hoach and lanh-dao at the platform
    me = web.get("/api/v1/auth/me").json()
    assert me["roles"] == ["leader", "officer"]
    assert not me["account"]["all_units"]
    assert [u["code"] for u in me["account"]["units"]] == ["15"]
    changed = _events(session, "user.sso_roles")[-1]
    assert _detail(changed)["unknown_units"] == ["99999"]
    assert _detail(changed)["before"] == {"roles": "leader", "all_units": True, "units": []}
    # The platform's groups decide again at the next sign-in: lanh-dao no longer maps.
    fewer = app_with(oidc_role_claim="groups", oidc_role_map=parse_role_map(
        "so-ke-hoach=officer@15"))
    _sign_in(fewer, LAN)
    assert fewer.get("/api/v1/auth/me").json()["roles"] == ["officer"]


def test_the_role_map_never_makes_an_administrator(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="leader, officer, approver"):
        parse_role_map("quan-tri=admin@*")
    with pytest.raises(ConfigurationError, match="ROLE_CLAIM"):
        Settings(data_dir=tmp_path, oidc_role_map=parse_role_map("a=leader"))
