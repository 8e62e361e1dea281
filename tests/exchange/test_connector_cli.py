"""The commands for connectors, secrets and the allow-list, against a real loopback remote."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from typer.testing import CliRunner

from fansipan.cli import app
from tests.exchange.conftest import SECRET
from tests.exchange.sources import Remote


def run(store_url: str, *args: str, stdin: str | None = None, code: int = 0) -> str:
    result = CliRunner().invoke(app, list(args), input=stdin, env={
        "FANSIPAN_DATABASE_URL": store_url, "FANSIPAN_SECRET": SECRET, "COLUMNS": "250"})
    assert result.exit_code == code, result.output
    return result.output


def test_secrets_allow_list_and_connectors_from_the_command_line(
        store_url: str, tmp_path: Path, remote: Remote) -> None:
    run(store_url, "users", "create", "oc.batxat", "--role", "leader", "--unit", "082",
        "--as-of", "2025-01-01")
    spec = tmp_path / "push.json"
    spec.write_text(json.dumps({
        "name": "len-tinh", "kind": "push", "agency": "so-tttt", "url": remote.base + "/api",
        "units": ["082"], "units_as_of": "2024-12-31", "indicators": ["VT_TRAM_BTS"],
        "periods": ["2024"], "retries": 0}), encoding="utf-8")
    refused = run(store_url, "connectors", "add", str(spec), "--owner", "oc.batxat", code=1)
    assert "allow-list" in refused
    assert "127.0.0.1" in run(store_url, "outbound", "allow", "127.0.0.1", "--note", "tests")
    assert "oc.batxat" in run(store_url, "connectors", "add", str(spec), "--owner", "oc.batxat")
    value = "oc-bat-xat:fsp_key-from-the-province"
    stored = run(store_url, "secrets", "add", "khoa-tinh", "--origin", remote.base, "--for",
                 "oc.batxat", stdin=value + "\n")
    assert "khoa-tinh" in stored and value not in stored
    listed = run(store_url, "secrets", "list")
    assert "khoa-tinh" in listed and "fsp_" not in listed
    run(store_url, "connectors", "set", "len-tinh", "--credential", "khoa-tinh")
    run(store_url, "import", str(_values(tmp_path)))
    assert "done" in run(store_url, "connectors", "run", "len-tinh")
    sent = remote.seen[-1].headers["authorization"]
    assert sent == "Basic " + base64.b64encode(value.encode()).decode()
    assert "in use" in run(store_url, "secrets", "delete", "khoa-tinh", code=1)
    assert "rotated" in run(store_url, "secrets", "rotate", "khoa-tinh",
                            stdin="oc-bat-xat:fsp_new\n").lower()
    assert "Revoked 127.0.0.1" in run(store_url, "outbound", "revoke", "127.0.0.1")
    failed = run(store_url, "connectors", "run", "len-tinh", code=1)
    assert "allow-list" in failed
    assert "len-tinh" in run(store_url, "connectors", "list")


def _values(tmp_path: Path) -> Path:
    data = tmp_path / "values.csv"
    data.write_text("indicator;unit;period;value\nVT_TRAM_BTS;02683;2024;6\n",
                    encoding="utf-8-sig")
    return data
