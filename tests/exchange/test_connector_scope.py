"""A connector is its owner's: it names only what the owner reaches and runs with exactly
the owner's scope, checked again at every run; integrators see only their own.

Everything here goes through the HTTP API with real accounts and a real loopback source.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from fansipan.domain.access import PrincipalKind, Role
from tests.exchange.sources import Remote
from tests.support.accounts import Account

BAT_XAT_TOWN = {"units": ["02683"], "units_as_of": "2025-01-01"}  # a commune of Bát Xát
BAT_XAT = {"units": ["082"], "units_as_of": "2025-01-01"}
CSV_HEAD = "Mã chỉ tiêu;Mã đơn vị;Kỳ;Giá trị\n"


def pull(name: str, url: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "pull", "agency": "so-tttt", "url": url, "format": "csv",
            "retries": 0, "units_as_of": "2025-01-01", **extra}


def push(name: str, url: str, units: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "kind": "push", "agency": "so-tttt", "url": url,
            "units": units, "units_as_of": "2024-12-31", "indicators": ["VT_TRAM_BTS"],
            "periods": ["2024"], "retries": 0, **extra}


def test_a_pull_connector_writes_only_where_its_creator_may_write(
        hub: TestClient, make_account: Callable[..., Account], remote: Remote) -> None:
    url = remote.csv("/bts.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;12\n")
    # An integrator of one commune with no right to write data may not pull at all.
    reader = make_account(Role.INTEGRATOR, **BAT_XAT_TOWN).headers
    for units in ([], ["10"], ["02683"]):
        r = hub.post("/api/v1/connectors", headers=reader,
                     json=pull(f"no-write-{len(units)}", url, units=units))
        assert r.status_code == 403, r.text
        assert "write" in r.json()["error"]
    # One who may write there may pull there, and nowhere else.
    writer = make_account(Role.INTEGRATOR, Role.OFFICER, username="int.batxat",
                          **BAT_XAT_TOWN).headers
    everything = hub.post("/api/v1/connectors", headers=writer, json=pull("all", url))
    assert everything.status_code == 403 and "every unit" in everything.json()["error"]
    province = hub.post("/api/v1/connectors", headers=writer,
                        json=pull("tinh", url, units=["10"]))
    assert province.status_code == 403
    assert province.json()["errors"][0]["value"] == "10"
    made = hub.post("/api/v1/connectors", headers=writer,
                    json=pull("thi-tran", url, units=["02683"]))
    assert made.status_code == 201, made.text
    assert made.json()["owner"] == "int.batxat" and made.json()["agency"] == "so-tttt"
    run = hub.post("/api/v1/connectors/thi-tran/run", headers=writer).json()
    assert run["status"] == "done" and run["imported"] == 1, run
    stored = hub.get("/api/v1/datavalues", headers=writer,
                     params={"unit": "02683", "indicator": "VT_TRAM_BTS"}).json()
    assert [(v["period"], v["value"], v["stored_by"]) for v in stored] == [
        ("2024", 12.0, "int.batxat")]
    # A row for another commune makes the whole run write nothing.
    remote.csv("/bts.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;13\nVT_TRAM_BTS;02647;2024;7\n")
    refused = hub.post("/api/v1/connectors/thi-tran/run", headers=writer).json()
    assert refused["status"] == "conflicts" and refused["imported"] == 0
    assert refused["updated"] == 0 and "02647" in refused["message"]


def test_a_push_connector_reads_only_what_its_creator_may_read(
        hub: TestClient, make_account: Callable[..., Account], remote: Remote) -> None:
    officer = make_account(Role.OFFICER, all_units=True).headers
    hub.post("/api/v1/datavalues", headers=officer, json={"values": [
        {"indicator": "VT_TRAM_BTS", "unit": u, "period": "2024", "value": v}
        for u, v in [("02683", 5), ("02647", 7)]]})
    integrator = make_account(Role.INTEGRATOR, username="int.commune", **BAT_XAT_TOWN).headers
    province = hub.post("/api/v1/connectors", headers=integrator,
                        json=push("tinh-len", remote.base + "/api", ["10"]))
    assert province.status_code == 403, province.text
    narrow = make_account(Role.INTEGRATOR, username="int.5g", indicators=["VT_TRAM_5G"],
                          **BAT_XAT).headers
    private = hub.post("/api/v1/connectors", headers=narrow,
                       json=push("bts-len", remote.base + "/api", ["082"]))
    assert private.status_code == 403
    assert private.json()["errors"][0]["value"] == "VT_TRAM_BTS"
    mine = hub.post("/api/v1/connectors", headers=integrator,
                    json=push("xa-len", remote.base + "/api", ["02683"]))
    assert mine.status_code == 201, mine.text
    run = hub.post("/api/v1/connectors/xa-len/run", headers=integrator).json()
    assert run["status"] == "done" and run["values_sent"] == 1, run
    [sent] = [s for s in remote.seen if s.method == "POST"]
    assert b'"orgUnit": "02683"' in sent.body and b'"value": "5"' in sent.body


def test_runs_follow_the_owner_account_at_run_time(
        hub: TestClient, make_account: Callable[..., Account], remote: Remote) -> None:
    admin = make_account(Role.ADMIN).headers
    owner = make_account(Role.INTEGRATOR, Role.OFFICER, username="int.owner", **BAT_XAT)
    url = remote.csv("/bts.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;4\n")
    assert hub.post("/api/v1/connectors", headers=owner.headers,
                    json=pull("owned", url, units=["082"])).status_code == 201
    assert hub.patch("/api/v1/users/int.owner", headers=admin,
                     json={"active": False}).status_code == 200
    stopped = hub.post("/api/v1/connectors/owned/run", headers=admin).json()
    assert stopped["status"] == "failed" and "int.owner" in stopped["message"]
    assert "disabled" in stopped["message"] and remote.seen == []
    # Re-enabled, but with a narrower scope: the connector's units are no longer its own.
    assert hub.patch("/api/v1/users/int.owner", headers=admin, json={
        "active": True, "scope": {"units": ["02683"], "units_as_of": "2025-01-01",
                                  "all_indicators": True}}).status_code == 200
    narrowed = hub.post("/api/v1/connectors/owned/run", headers=admin).json()
    assert narrowed["status"] == "failed" and "082" in narrowed["message"], narrowed
    assert remote.seen == []
    # Without the officer role it may not write at all.
    assert hub.patch("/api/v1/users/int.owner", headers=admin, json={
        "roles": ["integrator"], "scope": {**BAT_XAT, "all_indicators": True}}
    ).status_code == 200
    reader = hub.post("/api/v1/connectors/owned/run", headers=admin).json()
    assert reader["status"] == "failed" and "write" in reader["message"]
    assert remote.seen == []
    assert hub.patch("/api/v1/users/int.owner", headers=admin,
                     json={"roles": ["integrator", "officer"]}).status_code == 200
    back = hub.post("/api/v1/connectors/owned/run", headers=admin).json()
    assert back["status"] == "done" and back["imported"] == 1, back


def test_integrators_see_and_run_only_their_own_connectors(
        hub: TestClient, make_account: Callable[..., Account], remote: Remote) -> None:
    admin = make_account(Role.ADMIN).headers
    one = make_account(Role.INTEGRATOR, Role.OFFICER, username="int.one", **BAT_XAT).headers
    other = make_account(Role.INTEGRATOR, Role.OFFICER, username="int.other",
                         **BAT_XAT).headers
    url = remote.csv("/bts.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;4\n")
    assert hub.post("/api/v1/connectors", headers=one,
                    json=pull("of-one", url, units=["082"])).status_code == 201
    assert [c["name"] for c in hub.get("/api/v1/connectors", headers=other).json()] == []
    assert [c["name"] for c in hub.get("/api/v1/connectors", headers=one).json()] == [
        "of-one"]
    assert [c["name"] for c in hub.get("/api/v1/connectors", headers=admin).json()] == [
        "of-one"]
    for method, path in [("POST", "/api/v1/connectors/of-one/run"),
                         ("GET", "/api/v1/connectors/of-one/runs"),
                         ("GET", "/api/v1/connectors/of-one"),
                         ("PATCH", "/api/v1/connectors/of-one")]:
        r = hub.request(method, path, headers=other, json={"active": False}
                        if method == "PATCH" else None)
        assert r.status_code == 404, (method, path, r.text)  # as if it did not exist
    assert remote.seen == []
    assert hub.post("/api/v1/connectors/of-one/run", headers=one).json()["status"] == "done"


def test_integrators_see_only_the_connected_systems_within_their_reach(
        hub: TestClient, make_account: Callable[..., Account]) -> None:
    integrator = make_account(Role.INTEGRATOR, Role.OFFICER, username="int.batxat",
                              **BAT_XAT).headers
    make_account(Role.OFFICER, username="lgsp.tinh", kind=PrincipalKind.CLIENT)
    make_account(Role.OFFICER, username="lgsp.sapa", kind=PrincipalKind.CLIENT,
                 units=["088"], units_as_of="2025-01-01")
    mine = hub.post("/api/v1/exchange/clients", headers=integrator, json={
        "name": "lgsp.batxat", "agency": "so-tttt", **BAT_XAT, "read": False, "write": True})
    assert mine.status_code == 201, mine.text
    seen = hub.get("/api/v1/exchange/clients", headers=integrator).json()
    assert [c["client_id"] for c in seen] == ["lgsp.batxat"]
    admin = make_account(Role.ADMIN).headers
    assert [c["client_id"] for c in hub.get("/api/v1/exchange/clients", headers=admin).json()
            ] == ["lgsp.batxat", "lgsp.sapa", "lgsp.tinh"]
    # Owning a system is not enough: one that reaches beyond the owner's units stays the
    # administrators' (its token would borrow that reach).
    handed = hub.patch("/api/v1/users/lgsp.sapa", headers=admin, json={"owner": "int.batxat"})
    assert handed.status_code == 200 and handed.json()["owner"] == "int.batxat", handed.text
    seen = hub.get("/api/v1/exchange/clients", headers=integrator).json()
    assert [c["client_id"] for c in seen] == ["lgsp.batxat"]
    r = hub.post("/api/v1/clients/lgsp.sapa/tokens", headers=integrator, json={"name": "k"})
    assert r.status_code == 403 and "outside yours" in r.json()["error"], r.text


def test_integrators_see_and_run_only_the_connected_systems_they_own(
        hub: TestClient, make_account: Callable[..., Account]) -> None:
    """Two integrators of the same district: neither finds the other's system anywhere."""
    one = make_account(Role.INTEGRATOR, Role.OFFICER, username="int.mot", **BAT_XAT).headers
    other = make_account(Role.INTEGRATOR, Role.OFFICER, username="int.hai",
                         **BAT_XAT).headers
    made = hub.post("/api/v1/exchange/clients", headers=one, json={
        "name": "lgsp.cua-mot", "agency": "so-tttt", **BAT_XAT, "read": False,
        "write": True})
    assert made.status_code == 201, made.text
    key_id = made.json()["key_id"]
    theirs = hub.post("/api/v1/clients", headers=other, json={
        "username": "lgsp.cua-hai", "roles": ["officer"], **BAT_XAT})
    assert theirs.status_code == 201, theirs.text
    assert theirs.json()["user"]["owner"] == "int.hai"
    for headers, own in [(one, "lgsp.cua-mot"), (other, "lgsp.cua-hai")]:
        assert [c["client_id"] for c in hub.get("/api/v1/exchange/clients",
                                                headers=headers).json()] == [own]
        assert [c["username"] for c in hub.get("/api/v1/clients",
                                               headers=headers).json()] == [own]
        page = hub.get("/admin/systems", headers=headers)
        assert page.status_code == 200 and own in page.text
        assert ({"lgsp.cua-mot", "lgsp.cua-hai"} - {own}).pop() not in page.text
    # Every route that names the first one's system answers the second as if it did not
    # exist, exactly as for a name nobody holds.
    routes = [("GET", "/api/v1/users/{name}", None),
              ("PATCH", "/api/v1/users/{name}", {"display_name": "của tôi"}),
              ("PATCH", "/api/v1/users/{name}", {"active": False}),
              ("PATCH", "/api/v1/users/{name}", {"scope": BAT_XAT | {"all_indicators": True}}),
              ("GET", "/api/v1/clients/{name}/tokens", None),
              ("POST", "/api/v1/clients/{name}/tokens", {"name": "muon"}),
              ("DELETE", f"/api/v1/clients/{{name}}/tokens/{key_id}", None)]
    for method, path, body in routes:
        foreign = hub.request(method, path.format(name="lgsp.cua-mot"), headers=other,
                              json=body)
        nobody = hub.request(method, path.format(name="lgsp.khong-co"), headers=other,
                             json=body)
        assert foreign.status_code == nobody.status_code == 404, (method, path, foreign.text)
        assert foreign.json()["error"] == nobody.json()["error"]
    # Nothing of it changed: the owner still finds it whole, its first key alive.
    shown = hub.get("/api/v1/users/lgsp.cua-mot", headers=one).json()
    assert shown["active"] and shown["display_name"] == "lgsp.cua-mot"
    assert shown["owner"] == "int.mot"
    keys = hub.get("/api/v1/clients/lgsp.cua-mot/tokens", headers=one).json()
    assert [(k["id"], k["revoked"]) for k in keys] == [(key_id, False)]
    # Its owner runs it: a new key, a change, the old key revoked.
    assert hub.post("/api/v1/clients/lgsp.cua-mot/tokens", headers=one,
                    json={"name": "key 2"}).status_code == 200
    assert hub.patch("/api/v1/users/lgsp.cua-mot", headers=one,
                     json={"display_name": "LGSP"}).status_code == 200
    assert hub.delete(f"/api/v1/clients/lgsp.cua-mot/tokens/{key_id}",
                      headers=one).status_code == 200
    # Administrators see and run both, and may hand one over.
    admin = make_account(Role.ADMIN).headers
    assert [c["client_id"] for c in hub.get("/api/v1/exchange/clients", headers=admin).json()
            ] == ["lgsp.cua-hai", "lgsp.cua-mot"]
    assert hub.post("/api/v1/clients/lgsp.cua-mot/tokens", headers=admin,
                    json={"name": "key 3"}).status_code == 200
    given = hub.patch("/api/v1/users/lgsp.cua-mot", headers=admin, json={"owner": "int.hai"})
    assert given.status_code == 200 and given.json()["owner"] == "int.hai", given.text
    assert [c["client_id"] for c in hub.get("/api/v1/exchange/clients", headers=other).json()
            ] == ["lgsp.cua-hai", "lgsp.cua-mot"]
    assert hub.get("/api/v1/exchange/clients", headers=one).json() == []
    # Only an administrator hands a system over, and only to a person.
    assert hub.patch("/api/v1/users/lgsp.cua-hai", headers=other,
                     json={"owner": "int.mot"}).status_code == 403
    to_system = hub.patch("/api/v1/users/lgsp.cua-hai", headers=admin,
                          json={"owner": "lgsp.cua-mot"})
    assert to_system.status_code == 422, to_system.text
