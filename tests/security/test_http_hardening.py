"""What every request meets before a route: the Host it names, who sent it through which
proxy, NUL characters, deep JSON, and the answers that must never be cached."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from fansipan.api.app import create_app
from fansipan.api.guards import _JsonNul
from fansipan.domain.access import Role
from fansipan.settings import Settings
from tests.support.accounts import PASSWORD, Account

HTML = {"accept": "text/html,application/xhtml+xml"}


def test_a_request_for_another_host_name_is_refused(settings: Settings) -> None:
    app = create_app(settings.with_overrides(host="ioc.laocai.gov.vn",
                                             allowed_hosts=("*.laocai.gov.vn", "testserver")))
    with TestClient(app) as c:
        for host in ("ioc.laocai.gov.vn", "IOC.LAOCAI.GOV.VN:8443", "so-tttt.laocai.gov.vn",
                     "localhost:8000", "127.0.0.1", "[::1]:8000", "testserver"):
            assert c.get("/healthz", headers={"host": host}).status_code == 200, host
        for host in ("evil.example", "laocai.gov.vn.evil.example", "10.0.0.1", "[::2]"):
            r = c.get("/api/v1/units", headers={"host": host})
            assert r.status_code == 400, host
            assert r.json()["ok"] is False and "FANSIPAN_ALLOWED_HOSTS" in r.json()["error"]
            assert r.headers["x-frame-options"] == "DENY"  # still our security headers
        page = c.get("/indicators", headers={"host": "evil.example", **HTML})
        assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    app.state.engine.dispose()


def test_the_default_hosts_are_the_configured_one_and_loopback() -> None:
    assert Settings().hosts == {"127.0.0.1", "localhost", "::1"}
    assert "ioc.laocai.gov.vn" in Settings.from_env({
        "FANSIPAN_ALLOWED_HOSTS": "ioc.laocai.gov.vn, 10.1.2.3"}).hosts
    from fansipan.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="FANSIPAN_ALLOWED_HOSTS"):
        Settings(allowed_hosts=("https://ioc.laocai.gov.vn",))


def _admin_from(settings: Settings, admin: Account, cases: list[tuple[str, str]]) -> list[int]:
    """The status of an administration request from each (peer, X-Forwarded-For)."""
    app = create_app(settings)
    statuses = []
    for peer, forwarded in cases:
        with TestClient(app, client=(peer, 5000)) as c:
            statuses.append(c.get("/api/v1/users", headers={
                **admin.headers, "x-forwarded-for": forwarded}).status_code)
    app.state.engine.dispose()
    return statuses


def test_forwarded_for_is_believed_only_from_the_listed_proxies(
        settings: Settings, make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN)
    fenced = settings.with_overrides(admin_networks=("10.20.0.0/16",))
    # By default no proxy is trusted, not even loopback: the header changes nothing.
    assert _admin_from(fenced, admin, [("127.0.0.1", "10.20.3.4")]) == [403]
    behind = fenced.with_overrides(trusted_proxies=("127.0.0.1", "192.168.7.0/24"))
    assert _admin_from(behind, admin, [
        ("127.0.0.1", "10.20.3.4"), ("127.0.0.1", "10.20.3.4, 192.168.7.9"),
        # What a client wrote itself (left of the address our proxy saw) is not believed,
        ("127.0.0.1", "10.20.3.4, 198.51.100.7"),
        ("198.51.100.9", "10.20.3.4"),  # nor a header from someone who is not our proxy,
        ("127.0.0.1", "10.20.3.4, garbage")]) == [200, 200, 403, 403, 403]  # nor garbage


def test_metrics_are_closed_until_a_network_is_named(settings: Settings) -> None:
    assert Settings.from_env({}).metrics_networks == Settings().metrics_networks == ()
    assert Settings.from_env({}).trusted_proxies == ()
    for networks, peer, status in ((None, "127.0.0.1", 403), ((), "127.0.0.1", 403),
                                   (("10.5.0.0/16",), "127.0.0.1", 403),
                                   (("10.5.0.0/16",), "10.5.1.2", 200)):
        app = create_app(settings.with_overrides(metrics_networks=networks))
        with TestClient(app, client=(peer, 9000)) as c:
            r = c.get("/metrics")
            assert r.status_code == status, (networks, peer, r.text)
        app.state.engine.dispose()


def test_data_answers_are_never_cached(client: TestClient, officer: Account) -> None:
    client.put("/api/v1/datavalues/VT_TRAM_5G/02647/2024-03", json={"value": 3},
               headers=officer.headers)
    for path, params in (("/dhis2/api/dataValues", {"de": "VT_TRAM_5G", "ou": "02647",
                                                    "pe": "202403"}),
                         ("/dhis2/api/dataValueSets", {"dataElement": "VT_TRAM_5G",
                                                       "orgUnit": "02647", "period": "202403",
                                                       "idScheme": "CODE"}),
                         ("/dhis2/api/system/info", {}), ("/indicators", {}), ("/healthz", {})):
        r = client.get(path, params=params, headers=officer.headers)
        assert r.status_code == 200, (path, r.text)
        assert r.headers["cache-control"] == "no-store", path
    page = client.get("/").text
    asset = page.split('href="/static/', 1)[1].split('"', 1)[0]
    assert "immutable" in client.get(f"/static/{asset}").headers["cache-control"]


def test_a_nul_character_is_refused_and_nothing_is_stored(client: TestClient,
                                                          officer: Account) -> None:
    value = "/api/v1/datavalues/VT_TRAM_5G/02647/2024-03"
    body = '{"value": 3, "comment": "tr\\u0000m"}'
    r = client.put(value, content=body, headers={**officer.headers,
                                                 "content-type": "application/json"})
    assert r.status_code == 422 and "NUL" in r.json()["error"], r.text
    assert client.get(value, headers=officer.headers).status_code == 404
    r = client.get("/api/v1/units/026%0047")
    assert r.status_code == 400 and "NUL" in r.json()["error"]
    r = client.get("/api/v1/datavalues", params={"unit": "02\x0047"}, headers=officer.headers)
    assert r.status_code == 400
    r = client.post("/login", content="username=a%00b&password=x",
                    headers={"content-type": "application/x-www-form-urlencoded"})
    assert r.status_code == 422 and "NUL" in r.text
    # An escaped backslash before "u0000" is ordinary text, not a NUL.
    text = '{"value": 3, "comment": "C:\\\\u0000 là đường dẫn"}'
    r = client.put(value, content=text, headers={**officer.headers,
                                                 "content-type": "application/json"})
    assert r.status_code == 200 and r.json()["comment"] == "C:\\u0000 là đường dẫn", r.text


def test_a_nul_in_a_file_is_named_by_row(client: TestClient, officer: Account) -> None:
    csv_text = ("indicator,unit,period,value,comment\n"
                "VT_TRAM_5G,02647,2024-03,3,ổn\n"
                "VT_TRAM_5G,02647,2024-04,4,tr\x00m\n"
                "VT_TRAM_5G,02647,2024-05,5,bell\x07\n")
    r = client.post("/api/v1/imports", content=csv_text.encode(),
                    headers={**officer.headers, "content-type": "text/csv"})
    assert r.status_code == 409, r.text
    found = {(c["row"], c["field"], c["code"]) for c in r.json()["conflicts"]}
    assert found == {(3, "comment", "bad_text"), (4, "comment", "bad_text")}
    messages = " ".join(c["message"] for c in r.json()["conflicts"])
    assert "NUL character at position 3" in messages and "U+0007" in messages
    assert r.json()["committed"] is False


@given(st.lists(st.sampled_from(['\\', 'u', '0', '"', "a", "\\u0000", "\\\\", "é"]),
                max_size=30), st.integers(0, 2**32))
def test_the_nul_scan_agrees_with_the_json_parser(parts: list[str], seed: int) -> None:
    doc = '{"c": "' + "".join(parts) + '"}'
    try:
        text = json.loads(doc)["c"]
    except json.JSONDecodeError:
        return
    raw = doc.encode()
    cuts = sorted(random.Random(seed).sample(range(len(raw) + 1), min(4, len(raw) + 1)))
    scan = _JsonNul()
    pieces = [raw[a:b] for a, b in zip([0, *cuts], [*cuts, len(raw)], strict=True)]
    assert any(scan.feed(p) for p in pieces) == ("\x00" in text)


DEEP = b"[" * 100_000 + b"]" * 100_000


def test_a_100000_deep_json_body_is_a_clear_4xx(client: TestClient, officer: Account) -> None:
    for method, path in (("POST", "/api/v1/datavalues"), ("POST", "/api/v1/imports"),
                         ("POST", "/dhis2/api/dataValueSets"), ("POST", "/api/v1/auth/login"),
                         ("PUT", "/api/v1/targets")):
        r = client.request(method, path, content=DEEP,
                           headers={**officer.headers, "content-type": "application/json"})
        assert 400 <= r.status_code < 500, (path, r.text)
        assert "nested too deeply" in r.text, (path, r.text[:300])


def test_a_line_without_end_is_a_clear_4xx(client: TestClient, officer: Account) -> None:
    for body in (b"indicator,unit,period,value" + b"x" * (10 * 2**20),
                 b"indicator,unit,period,value\n" + b"7" * (10 * 2**20)):
        r = client.post("/api/v1/imports", content=body,
                        headers={**officer.headers, "content-type": "text/csv"})
        assert r.status_code == 409, r.text[:300]
        [problem] = r.json()["conflicts"]
        assert problem["field"] == "file" and "longer than" in problem["message"]


def _asgi_post(app: Any, headers: list[tuple[bytes, bytes]], chunks: int) -> tuple[int, int]:
    """POST a multipart body of `chunks` MiB straight into the app; (status, chunks read)."""
    read = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        if read > chunks:
            return {"type": "http.disconnect"}
        part = b"--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.csv\"\r\n\r\n"
        return {"type": "http.request", "body": (part if read == 1 else b"") + b"9" * 2**20,
                "more_body": read < chunks}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/imports", "raw_path": b"/imports",
             "query_string": b"", "root_path": "", "client": ("127.0.0.1", 5000),
             "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"),
                         (b"content-type", b"multipart/form-data; boundary=b"), *headers]}
    asyncio.run(app(scope, receive, send))
    return status, read


def test_a_bad_session_cookie_is_refused_before_the_upload_is_read(
        client: TestClient, settings: Settings) -> None:
    status, read = _asgi_post(client.app, [(b"cookie", b"fansipan_session=made-up")], 64)
    assert status == 401
    assert read <= 1, f"{read} MiB of the upload were read before the 401"


def test_a_correct_password_without_the_code_reads_like_a_wrong_one(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    import pyotp

    person = make_account(Role.LEADER, username="hai.buoc")
    setup = client.post("/api/v1/auth/totp/setup", json={"password": PASSWORD},
                        headers=person.headers).json()
    client.post("/api/v1/auth/totp/enable", json={"code": pyotp.TOTP(setup["secret"]).now()},
                headers=person.headers)
    right = client.post("/api/v1/auth/login", json={"username": "hai.buoc",
                                                     "password": PASSWORD})
    wrong = client.post("/api/v1/auth/login", json={"username": "hai.buoc",
                                                     "password": "not the password"})
    assert right.status_code == wrong.status_code == 401
    assert right.json() == wrong.json()
    assert "code" in right.json()["error"]  # the one message says the code may be needed


def test_a_page_form_sent_from_another_site_is_refused(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    make_account(Role.LEADER, username="dang.nhap")
    form = {"username": "dang.nhap", "password": PASSWORD}
    forged = client.post("/login", data=form, headers={"origin": "https://evil.example"},
                         follow_redirects=False)
    assert forged.status_code == 403 and "another site" in forged.text
    assert "fansipan_session" not in forged.headers.get("set-cookie", "")
    for origin in ("null", "http://testserver.evil.example"):
        assert client.post("/login", data=form, headers={"origin": origin},
                           follow_redirects=False).status_code == 403
    same = client.post("/login", data=form, headers={"origin": "http://testserver"},
                       follow_redirects=False)
    assert same.status_code == 303
    # API clients are not pages: their own credentials, no ambient cookie to forge.
    api = client.post("/api/v1/auth/login", json=form, headers={"origin": "https://x.example"})
    assert api.status_code == 200


def test_a_request_without_a_host_header_is_served() -> None:
    app = create_app(Settings(database_url="sqlite://"))
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.0",
             "method": "GET", "scheme": "http", "path": "/healthz", "raw_path": b"/healthz",
             "query_string": b"", "root_path": "", "client": ("10.0.0.9", 5000),
             "server": ("10.0.0.1", 8000), "headers": []}
    asyncio.run(app(scope, receive, send))
    assert status == 200
    app.state.engine.dispose()


def test_numbers_too_long_for_a_float_are_refused_not_a_crash(
        client: TestClient, officer: Account) -> None:
    huge, endless = "1" + "0" * 400, "7" * 5000
    value = "/api/v1/datavalues/BC_DOANH_THU/10/2024-03"
    for body in (f'{{"value": {huge}}}', f'{{"value": -{huge}}}', '{"value": 1e400}',
                 f'{{"value": {endless}}}'):
        r = client.put(value, content=body, headers={**officer.headers,
                                                     "content-type": "application/json"})
        assert 400 <= r.status_code < 500, (body[:20], r.text)
    for number in (huge, endless):
        doc = (f'{{"values": [{{"indicator": "BC_DOANH_THU", "unit": "10", '
               f'"period": "2024-03", "value": {number}}}]}}')
        r = client.post("/api/v1/imports", content=doc.encode(),
                        headers={**officer.headers, "content-type": "application/json"})
        assert r.status_code == 409, r.text[:300]
    r = client.put("/api/v1/targets", headers={**officer.headers,
                                               "content-type": "application/json"},
                   content=('{"indicator": "BC_DOANH_THU", "unit": "10", "period": "2024", '
                            f'"planned": {huge}}}').encode())
    assert r.status_code == 422 and "too large" in r.text, r.text


def test_two_framings_at_once_are_refused_and_the_connection_closed(
        client: TestClient) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"0\r\n\r\n", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/api/v1/auth/login",
             "raw_path": b"/api/v1/auth/login", "query_string": b"", "root_path": "",
             "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"), (b"content-length", b"5"),
                         (b"transfer-encoding", b"chunked")]}
    asyncio.run(client.app(scope, receive, send))
    start = sent[0]
    assert start["status"] == 400
    assert (b"connection", b"close") in start["headers"]
