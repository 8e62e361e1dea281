"""Server-side request forgery: a connector reaches only addresses an administrator listed.

The allow-list of these tests names 127.0.0.1 (the loopback servers they start); every
other loopback, private, link-local or unlisted address is refused before a byte is sent,
whatever spelling the URL uses, wherever a redirect points.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from fansipan.domain.access import Role
from tests.exchange.sources import Remote
from tests.exchange.test_connector_scope import BAT_XAT, CSV_HEAD, pull
from tests.support.accounts import Account

# Spellings of addresses that are not 127.0.0.1 itself, or not listed, or not public.
UNLISTED = ["http://127.0.0.2:{port}/bts.csv", "http://[::1]:{port}/bts.csv",
            "http://[::ffff:127.0.0.1]:{port}/bts.csv", "http://0.0.0.0:{port}/bts.csv",
            "http://2130706433:{port}/bts.csv", "http://0x7f000001:{port}/bts.csv",
            "http://127.1:{port}/bts.csv", "http://169.254.169.254/latest/meta-data/",
            "http://10.0.0.1/bts.csv", "http://[fe80::1]/bts.csv",
            "http://[::ffff:a9fe:a9fe]/latest", "http://metadata.google.internal/x",
            "http://8.8.8.8/bts.csv"]


@pytest.fixture
def writer(make_account: Callable[..., Account]) -> dict[str, str]:
    return make_account(Role.INTEGRATOR, Role.OFFICER, username="int.ssrf", **BAT_XAT).headers


def test_unlisted_and_non_public_addresses_are_refused(
        hub: TestClient, writer: dict[str, str], remote: Remote) -> None:
    remote.csv("/bts.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;4\n")
    for n, template in enumerate(UNLISTED):
        url = template.format(port=remote.port)
        r = hub.post("/api/v1/connectors", headers=writer,
                     json=pull(f"ssrf-{n}", url, units=["082"]))
        assert r.status_code == 422, (url, r.text)
        assert "allow-list" in r.json()["error"] or any(
            "allow-list" in e["message"] for e in r.json()["errors"]), (url, r.text)
    assert remote.seen == []  # nothing was ever fetched
    listed = hub.post("/api/v1/connectors", headers=writer,
                      json=pull("listed", remote.base + "/bts.csv", units=["082"]))
    assert listed.status_code == 201, listed.text


def test_the_list_is_checked_again_when_the_connector_runs(
        hub: TestClient, writer: dict[str, str], remote: Remote,
        make_account: Callable[..., Account]) -> None:
    admin = make_account(Role.ADMIN).headers
    url = remote.csv("/bts.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;4\n")
    assert hub.post("/api/v1/connectors", headers=writer,
                    json=pull("later", url, units=["082"])).status_code == 201
    [entry] = hub.get("/api/v1/outbound", headers=admin).json()
    assert entry["entry"] == "127.0.0.1"
    assert hub.delete(f"/api/v1/outbound/{entry['id']}", headers=admin).status_code == 200
    run = hub.post("/api/v1/connectors/later/run", headers=writer).json()
    assert run["status"] == "failed" and "127.0.0.1" in run["message"], run
    assert run["attempts"] == 1 and remote.seen == []  # refused at once, never retried
    assert hub.post("/api/v1/outbound", headers=admin,
                    json={"entry": "127.0.0.1/32", "note": "tests"}).status_code == 201
    assert hub.post("/api/v1/connectors/later/run", headers=writer).json()["status"] == "done"


def test_redirects_to_unlisted_addresses_are_not_followed(
        hub: TestClient, writer: dict[str, str], remote: Remote) -> None:
    remote.csv("/real.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;4\n")
    remote.redirects["/moved.csv"] = "/real.csv"
    remote.redirects["/away.csv"] = f"http://127.0.0.2:{remote.port}/real.csv"
    remote.redirects["/meta.csv"] = "http://169.254.169.254/latest/meta-data/"
    for name, path, status in [("moved", "/moved.csv", "done"), ("away", "/away.csv", "failed"),
                               ("meta", "/meta.csv", "failed")]:
        made = hub.post("/api/v1/connectors", headers=writer,
                        json=pull(name, remote.base + path, units=["082"]))
        assert made.status_code == 201, made.text
        run = hub.post(f"/api/v1/connectors/{name}/run", headers=writer).json()
        assert run["status"] == status, (name, run)
        if status == "failed":
            assert "allow-list" in run["message"], run
    assert sorted(s.path for s in remote.seen) == [
        "/away.csv", "/meta.csv", "/moved.csv", "/real.csv"]


def test_answers_are_bounded_in_size_and_time(
        hub: TestClient, writer: dict[str, str], remote: Remote,
        settings: Any) -> None:
    big = CSV_HEAD + "VT_TRAM_BTS;02683;2024;4\n" * 60_000  # about 1.5 MB
    url = remote.csv("/big.csv", big)
    made = hub.post("/api/v1/connectors", headers=writer, json=pull("big", url, units=["082"]))
    assert made.status_code == 201
    app_settings = hub.app.state.settings  # type: ignore[attr-defined]
    hub.app.state.settings = app_settings.with_overrides(  # type: ignore[attr-defined]
        outbound_max_mb=1, outbound_timeout=1)
    run = hub.post("/api/v1/connectors/big/run", headers=writer).json()
    assert run["status"] == "failed" and "1.048.576 bytes" in run["message"], run
    url = remote.csv("/slow.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;4\n" * 10)
    remote.trickle["/slow.csv"] = 0.05  # about 14 s for the whole answer
    assert hub.post("/api/v1/connectors", headers=writer,
                    json=pull("slow", url, units=["082"])).status_code == 201
    slow = hub.post("/api/v1/connectors/slow/run", headers=writer).json()
    assert slow["status"] == "failed" and "1 s" in slow["message"], slow
