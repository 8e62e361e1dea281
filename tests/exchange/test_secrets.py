"""Credentials of remote systems: a secret store administrators keep, never the server's
own settings; encrypted at rest, never shown back, sent only to the origin it is for."""

from __future__ import annotations

import base64
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from tests.exchange.conftest import SECRET
from tests.exchange.sources import Remote
from tests.exchange.test_connector_scope import BAT_XAT, CSV_HEAD, pull, push
from tests.support.accounts import Account


def basic(pair: str) -> str:
    return "Basic " + base64.b64encode(pair.encode()).decode()


def test_an_environment_variable_can_no_longer_be_named(
        hub: TestClient, make_account: Callable[..., Account], remote: Remote) -> None:
    writer = make_account(Role.INTEGRATOR, Role.OFFICER, **BAT_XAT).headers
    url = remote.csv("/bts.csv", CSV_HEAD + "VT_TRAM_BTS;02683;2024;4\n")
    r = hub.post("/api/v1/connectors", headers=writer, json=pull(
        "leak", url, units=["082"], credential_env="FANSIPAN_SECRET"))
    assert r.status_code == 422, r.text
    [problem] = r.json()["errors"]
    assert problem["field"] == "credential_env" and "fansipan secrets add" in problem["message"]
    assert remote.seen == []
    assert SECRET not in r.text


def test_secrets_are_encrypted_never_shown_and_sent_only_to_their_origin(
        hub: TestClient, session: Session, make_account: Callable[..., Account],
        remote: Remote) -> None:
    admin = make_account(Role.ADMIN, username="quan.tri").headers
    owner = make_account(Role.INTEGRATOR, username="int.push", **BAT_XAT)
    hub.post("/api/v1/datavalues", headers=make_account(Role.OFFICER, **BAT_XAT).headers,
             json={"values": [{"indicator": "VT_TRAM_BTS", "unit": "02683", "period": "2024",
                               "value": 5}]})
    value = "oc-bat-xat:fsp_the-parents-key-for-bat-xat"
    made = hub.post("/api/v1/secrets", headers=admin, json={
        "name": "khoa-tinh", "kind": "basic", "value": value, "origin": remote.base,
        "users": ["int.push"]})
    assert made.status_code == 201, made.text
    assert value not in made.text and "fsp_" not in made.text
    [listed] = hub.get("/api/v1/secrets", headers=admin).json()
    assert listed["name"] == "khoa-tinh" and listed["created_by"] == "quan.tri"
    assert listed["last_used_at"] is None and "value" not in listed
    with session.begin():
        stored = session.execute(text("SELECT * FROM secrets")).mappings().one()
    assert value.encode() not in repr(dict(stored)).encode() and "fsp_" not in repr(dict(stored))
    # Integrators neither keep secrets nor read them.
    h = owner.headers
    assert hub.get("/api/v1/secrets", headers=h).status_code == 403
    assert hub.post("/api/v1/secrets", headers=h, json={
        "name": "khoa-khac", "kind": "bearer", "value": "y", "origin": remote.base,
        "users": ["int.push"]}).status_code == 403
    # A connector names it, and the run sends it to the origin it was made for.
    assert hub.post("/api/v1/connectors", headers=h, json=push(
        "len-tinh", remote.base + "/api", ["082"], credential="khoa-tinh")).status_code == 201
    run = hub.post("/api/v1/connectors/len-tinh/run", headers=h).json()
    assert run["status"] == "done", run
    assert remote.seen[-1].headers["authorization"] == basic(value)
    [used] = hub.get("/api/v1/secrets", headers=admin).json()
    assert used["last_used_by"] == "len-tinh" and used["last_used_at"] is not None
    # Anywhere else, or for an account it was not given to, it is refused.
    other = hub.post("/api/v1/connectors", headers=h, json=push(
        "elsewhere", f"http://127.0.0.1:{remote.port + 1}/api", ["082"],
        credential="khoa-tinh"))
    assert other.status_code == 422 and "origin" in other.text
    stranger = make_account(Role.INTEGRATOR, **BAT_XAT).headers
    borrowed = hub.post("/api/v1/connectors", headers=stranger, json=push(
        "borrowed", remote.base + "/api", ["082"], credential="khoa-tinh"))
    assert borrowed.status_code == 403
    # Rotated: the next run sends the new value; the old one is gone.
    rotated = hub.put("/api/v1/secrets/khoa-tinh", headers=admin,
                      json={"value": "oc-bat-xat:fsp_a-new-key"})
    assert rotated.status_code == 200 and rotated.json()["rotated_by"] == "quan.tri"
    hub.post("/api/v1/connectors/len-tinh/run", headers=h)
    assert remote.seen[-1].headers["authorization"] == basic("oc-bat-xat:fsp_a-new-key")
    # In use, it cannot be deleted; once the connector lets go, it can.
    assert hub.delete("/api/v1/secrets/khoa-tinh", headers=admin).status_code == 409
    assert hub.patch("/api/v1/connectors/len-tinh", headers=h,
                     json={"credential": ""}).status_code == 200
    assert hub.delete("/api/v1/secrets/khoa-tinh", headers=admin).status_code == 200
    assert hub.get("/api/v1/secrets", headers=admin).json() == []
    events = hub.get("/api/v1/audit", headers=admin, params={"action": "secret."}).json()
    assert [e["action"] for e in events] == ["secret.delete", "secret.rotate", "secret.create"]
    assert all("fsp_" not in str(e) for e in events)
