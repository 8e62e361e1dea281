"""Foresight over HTTP: forecasts, alert rules and alerts, the recomputation job, the CLI."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fansipan.cli import app as cli
from fansipan.domain.access import Principal, Role
from fansipan.domain.alerts import Operator, RuleKind
from fansipan.services.foresight.alerts import list_alerts
from fansipan.services.foresight.rules import AlertRuleWrite, create_rule
from tests.services.foresight.conftest import COMMUNE, INDICATOR, months, put, seasonal
from tests.support.accounts import Account


def _history(session: Session) -> None:
    put(session, INDICATOR, COMMUNE, dict(zip(months(2021, 60), seasonal(60), strict=True)))


def test_a_forecast_over_http_names_its_model_and_refuses_bad_input(
        client: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    _history(session)
    leader = make_account(Role.LEADER)
    r = client.get("/api/v1/forecasts", headers=leader.headers, params={
        "indicator": INDICATOR, "unit": COMMUNE, "horizon": 6, "lang": "en"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit_name"] == "Xã Bát Xát" and len(body["points"]) == 6
    assert body["model"] in {c["model"] for c in body["candidates"]}
    assert body["observations"] == 60 and body["history"][0]["period"] == "2021-01"
    bad = client.get("/api/v1/forecasts", headers=leader.headers,
                     params={"indicator": INDICATOR, "unit": COMMUNE, "horizon": 0})
    assert bad.status_code == 422 and bad.json()["ok"] is False
    unknown = client.get("/api/v1/forecasts", headers=leader.headers,
                         params={"indicator": "NO_SUCH", "unit": COMMUNE})
    assert unknown.status_code == 404
    assert "did you mean" in unknown.text or "NO_SUCH" in unknown.text
    assert client.get("/api/v1/forecasts", params={"indicator": INDICATOR,
                                                   "unit": COMMUNE}).status_code == 401


def test_rules_alerts_and_their_lifecycle_over_http(
        client: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    _history(session)
    admin = make_account(Role.ADMIN)
    officer = make_account(Role.OFFICER, units=[COMMUNE], units_as_of="2026-01-01")
    rule: dict[str, Any] = {"name": "Hồ sơ tăng đột biến", "kind": "threshold",
                            "indicator": INDICATOR, "unit": COMMUNE, "operator": ">",
                            "threshold": 2000, "severity": "critical",
                            "owner": officer.username}
    made = client.post("/api/v1/alert-rules", headers=admin.headers, json=rule)
    assert made.status_code == 201, made.text
    assert made.json()["webhook_secret"] is None and made.json()["owner"] == officer.username
    assert client.post("/api/v1/alert-rules", headers=officer.headers,
                       json=rule).status_code == 403
    webhook = client.post("/api/v1/alert-rules", headers=admin.headers,
                          json={**rule, "webhook_url": "http://10.1.2.3/hook"})
    assert webhook.status_code == 422
    assert webhook.json()["errors"][0]["field"] == "webhook_url"
    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    client.app.state.foresight.run()  # type: ignore[attr-defined]
    listed = client.get("/api/v1/alerts", headers=officer.headers, params={"open": True})
    assert listed.status_code == 200
    [alert] = listed.json()
    assert alert["severity"] == "critical" and alert["owner"] == officer.username
    done = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=officer.headers,
                       json={"note": "Đang kiểm tra"})
    assert done.status_code == 200 and done.json()["status"] == "acknowledged"
    again = client.post(f"/api/v1/alerts/{alert['id']}/acknowledge", headers=officer.headers,
                        json={})
    assert again.status_code == 422  # already acknowledged; nothing changed
    shown = client.get(f"/api/v1/alerts/{alert['id']}", headers=officer.headers).json()
    assert [e["action"] for e in shown["history"]] == ["raised", "acknowledged"]
    page = client.get("/alerts", headers=officer.headers)
    assert page.status_code == 200 and f'id="row-alert-{alert["id"]}"' in page.text
    assert "Nghiêm trọng" in page.text and "2.500" in page.text
    assert "Đăng nhập để xem cảnh báo" in client.get("/alerts").text
    status = client.get("/api/v1/forecasts/status", headers=officer.headers).json()
    assert status["backlog"] == 0 and status["last_run"]["alerts_raised"] == 1


def test_the_recomputation_is_a_job_with_progress(
        client: TestClient, session: Session, make_account: Callable[..., Account]) -> None:
    _history(session)
    admin = make_account(Role.ADMIN)
    r = client.post("/api/v1/forecasts/recompute", headers=admin.headers)
    assert r.status_code == 202
    job = r.json()["job"]
    deadline = time.monotonic() + 300
    state: dict[str, Any] = {}
    while time.monotonic() < deadline:
        state = client.get(f"/api/v1/jobs/{job}", headers=admin.headers).json()
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert state["status"] == "done", state
    assert state["total_bytes"] == state["done_bytes"] > 0  # series done of series asked
    f = client.get("/api/v1/forecasts", headers=admin.headers,
                   params={"indicator": INDICATOR, "unit": COMMUNE}).json()
    assert f["observations"] == 60


def test_the_cli_prints_a_forecast_and_the_alerts(session: Session, store_url: str) -> None:
    _history(session)
    env = {"FANSIPAN_DATABASE_URL": store_url}
    out = CliRunner().invoke(cli, ["forecast", INDICATOR, "--unit", COMMUNE, "--horizon", "3"],
                             env=env)
    assert out.exit_code == 0, out.output
    assert "Mô hình:" in out.output and "2026-03" in out.output and "80 %" in out.output
    assert "Số liệu: 60 (2021-01 … 2025-12)" in out.output
    bad = CliRunner().invoke(cli, ["forecast", "NO_SUCH", "--unit", COMMUNE], env=env)
    assert bad.exit_code == 1 and "lỗi:" in bad.output and "NO_SUCH" in bad.output
    listed = CliRunner().invoke(cli, ["alerts", "list", "--open"], env=env)
    assert listed.exit_code == 0 and "Không có cảnh báo." in listed.output


def test_the_cli_lists_only_the_open_alerts_when_asked(session: Session, store_url: str,
                                                       tmp_path: Path) -> None:
    _history(session)
    system = Principal.system("tests")
    for name, operator, limit in (("Hồ sơ tăng đột biến", Operator.GT, 2000),
                                  ("Hồ sơ giảm bất thường", Operator.LT, 10)):
        create_rule(session=session, principal=system, data=AlertRuleWrite(
            name=name, kind=RuleKind.THRESHOLD, indicator=INDICATOR, unit=COMMUNE,
            operator=operator, threshold=limit))
    env = {"FANSIPAN_DATABASE_URL": store_url, "FANSIPAN_DATA_DIR": str(tmp_path)}

    def cli_says(*args: str) -> str:
        done = CliRunner().invoke(cli, list(args), env=env)
        assert done.exit_code == 0, done.output
        return done.output

    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    cli_says("alerts", "refresh")
    put(session, INDICATOR, COMMUNE, {"2026-01": 5})  # the rise was a typo: it clears …
    cli_says("alerts", "refresh")  # … and the value now falls below the other rule's limit
    alerts = {a.status.value: a for a in list_alerts(session=session, principal=system)}
    assert set(alerts) == {"open", "resolved"}
    rise, fall = alerts["resolved"], alerts["open"]
    assert "2.500" in rise.title and "2.500" not in fall.title

    listed = cli_says("alerts", "list", "--open")
    assert fall.title in listed and fall.status_label in listed
    assert rise.title not in listed and rise.status_label not in listed
    everything = cli_says("alerts", "list")
    assert fall.title in everything and rise.title in everything
