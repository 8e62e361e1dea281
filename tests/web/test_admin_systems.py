"""Connected systems, connectors and the exchange log: administrators see all, an
integrator only the systems it owns within its reach and the connectors it owns."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.services.exchange.connectors import ConnectorCreate, create_connector
from fansipan.services.exchange.outbound import DestinationCreate, allow_destination
from fansipan.settings import Settings
from tests.support.accounts import Account

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
