"""Health, readiness, metrics, security headers and a graceful stop of the real server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from fastapi.testclient import TestClient

from fansipan.api.app import create_app
from fansipan.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_health_readiness_and_headers(client: TestClient) -> None:
    assert client.get("/readyz").json()["ok"] is True
    r = client.get("/api/v1/units")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in r.headers  # only behind TLS
    closed = client.get("/metrics")  # closed until FANSIPAN_METRICS_NETWORKS opens it
    assert closed.status_code == 403 and "FANSIPAN_METRICS_NETWORKS" in closed.json()["error"]


def test_metrics_count_requests_and_imports(settings: Settings, officer: object) -> None:
    app = create_app(settings.with_overrides(metrics_networks=("127.0.0.0/8",)))
    with TestClient(app, client=("127.0.0.1", 9000)) as c:
        c.get("/api/v1/units/02647")
        c.post("/api/v1/datavalues", headers=officer.headers,  # type: ignore[attr-defined]
               json={"values": [{"indicator": "VT_TRAM_5G", "unit": "02647",
                                 "period": "2024-01", "value": 1}]})
        text = c.get("/metrics").text
    assert 'fansipan_http_requests_total{method="GET",route="/api/v1/units/{ref}",' \
           'status="200"} 1.0' in text
    assert 'fansipan_imports_total{outcome="saved"} 1.0' in text
    assert "fansipan_values_written_total 1.0" in text
    assert "fansipan_http_request_duration_seconds_bucket" in text
    assert "fansipan_http_requests_in_progress" in text
    app.state.engine.dispose()


def test_readiness_fails_clearly_when_the_schema_is_old(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path}/e.db",
                              allowed_hosts=("testserver",)))
    with TestClient(app) as c:
        r = c.get("/readyz")
    assert r.status_code == 503 and "fansipan db upgrade" in r.json()["error"]
    app.state.engine.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_logs_json_and_stops_gracefully_on_sigterm(store_url: str,
                                                         tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "FANSIPAN_DATABASE_URL": store_url, "FANSIPAN_PORT": str(port),
           "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "fansipan.cli", "serve"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # A minute to come up: a loaded machine takes far longer than a quiet one.
        deadline, r = time.monotonic() + 60, None
        while r is None and time.monotonic() < deadline and proc.poll() is None:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1)
            except httpx.TransportError:
                time.sleep(0.1)
        assert r is not None, "the server did not answer within a minute"
        assert r.status_code == 200
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    # Uvicorn finishes the requests in flight and the app's shutdown, then ends by the
    # signal it was sent (exit status -15), as a well-behaved service does.
    assert proc.returncode in (0, -signal.SIGTERM), err
    assert "Application shutdown complete" in err
    assert '"logger": "fansipan.access"' in err and '"route": "/readyz"' in err
