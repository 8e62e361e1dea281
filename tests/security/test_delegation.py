"""A connected system gets from a non-administrator no more than that person holds.

Its key acts with the system's roles and scope, and the integrator who registers the
system or mints the key holds it: units, indicators, sectors and permissions beyond the
integrator's own would be the integrator's through the key (services/trust/delegation.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from fansipan.domain.access import PrincipalKind, Role
from tests.support.accounts import Account

BAT_XAT = {"units": ["082"], "units_as_of": "2025-01-01"}


def system(name: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "agency": "so-tttt", **BAT_XAT, **extra}


def test_an_integrator_gives_a_connected_system_no_more_than_it_holds(
        client: TestClient, make_account: Callable[..., Account]) -> None:
    # An integrator alone may not write data, read the change feed, citizens' records or
    # assign tasks: a key it registers may not either.
    alone = make_account(Role.INTEGRATOR, username="int.alone", **BAT_XAT).headers
    for flags in ({"write": True, "read": False}, {"read": True}):
        r = client.post("/api/v1/exchange/clients", headers=alone, json=system("he.thong", **flags))
        assert r.status_code == 403, (flags, r.text)
        assert "only what you may do yourself" in r.json()["error"]
    for roles in (["officer"], ["leader"]):
        r = client.post("/api/v1/clients", headers=alone, json={
            "username": "he.thong", "roles": roles, **BAT_XAT})
        assert r.status_code == 403, (roles, r.text)
    # Posting citizens' reports is anyone's: a reporting app it may register.
    app = client.post("/api/v1/exchange/clients", headers=alone,
                      json=system("app.phan.anh", read=False, report=True))
    assert app.status_code == 201, app.text
    raised = client.patch("/api/v1/users/app.phan.anh", headers=alone, json={"roles": ["officer"]})
    assert raised.status_code == 403
    assert client.get("/api/v1/clients", headers=alone).json()[0]["roles"] == ["reporter"]
    # A key for a system of its own to which an administrator gave more than the
    # integrator holds: no.
    make_account(Role.OFFICER, username="lgsp.batxat", kind=PrincipalKind.CLIENT,
                 owner="int.alone", **BAT_XAT)
    minted = client.post("/api/v1/clients/lgsp.batxat/tokens", headers=alone, json={"name": "k"})
    assert minted.status_code == 403, minted.text

    # Indicators: one who reads only VT_TRAM_BTS gives no other, nor every indicator.
    narrow = make_account(Role.INTEGRATOR, Role.OFFICER, Role.LEADER, username="int.bts",
                          indicators=["VT_TRAM_BTS"], **BAT_XAT)
    h = narrow.headers
    for indicators in ([], ["VT_TRAM_5G"], ["VT_TRAM_BTS", "VT_TRAM_5G"]):
        r = client.post("/api/v1/exchange/clients", headers=h, json=system(
            "lgsp.bts", write=True, indicators=indicators))
        assert r.status_code == 403, (indicators, r.text)
    made = client.post("/api/v1/exchange/clients", headers=h, json=system(
        "lgsp.bts", write=True, indicators=["VT_TRAM_BTS"]))
    assert made.status_code == 201, made.text
    key = {"Authorization": f"Bearer {made.json()['key']}"}
    wrote = client.put("/api/v1/datavalues/VT_TRAM_BTS/02683/2024", headers=key,
                       json={"value": 3})
    assert wrote.status_code == 200, wrote.text
    other = client.put("/api/v1/datavalues/VT_TRAM_5G/02683/2024-01", headers=key,
                       json={"value": 3})
    assert other.status_code == 403
    widened = client.patch("/api/v1/users/lgsp.bts", headers=h, json={"scope": {
        **BAT_XAT, "all_indicators": True}})
    assert widened.status_code == 403
    me = client.get("/api/v1/auth/me", headers=key).json()["account"]
    assert me["all_indicators"] is False and me["indicators"] == ["VT_TRAM_BTS"]

    # An administrator is not bounded so.
    admin = make_account(Role.ADMIN).headers
    assert client.post("/api/v1/exchange/clients", headers=admin, json=system(
        "lgsp.admin", write=True)).status_code == 201
