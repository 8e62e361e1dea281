"""Connectors on loopback: a pull source served by a local HTTP server (with failures to
retry), and an upward push from a child instance to a parent instance served by uvicorn."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import uvicorn
from sqlalchemy.orm import Session

from fansipan.api.app import create_app
from fansipan.domain.access import Principal, Role
from fansipan.services.exchange.connector_runs import Runtime, run_connector
from fansipan.services.exchange.connectors import (
    ConnectorCreate,
    create_connector,
    list_runs,
)
from fansipan.services.exchange.outbound import DestinationCreate, allow_destination
from fansipan.services.exchange.scheduler import ConnectorScheduler
from fansipan.services.trust.secrets import SecretCreate, SecretRotate, add_secret, rotate_secret
from fansipan.services.warehouse.datavalues import (
    DataValueWrite,
    ValueQuery,
    list_values,
    write_values,
)
from fansipan.settings import Settings
from fansipan.store.engine import make_engine, make_session_factory
from tests.exchange.conftest import register
from tests.support.accounts import Account

SYSTEM = Principal.system("tests")


class Source(BaseHTTPRequestHandler):
    """Serves `bodies[path]`; the first `failures[path]` requests get a 503."""

    bodies: ClassVar[dict[str, tuple[str, bytes]]] = {}
    failures: ClassVar[dict[str, int]] = {}
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.failures.get(self.path, 0) > 0:
            self.failures[self.path] -= 1
            self.send_response(503)
            self.end_headers()
            return
        kind, body = self.bodies.get(self.path, ("text/plain", b"not here"))
        self.send_response(200 if self.path in self.bodies else 404)
        self.send_header("content-type", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def source() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Source)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def runtime(tmp_path: Path, settings: Settings) -> Runtime:
    return Runtime(spool=tmp_path / "spool", settings=settings, sleep=lambda _s: None)


@pytest.fixture
def loopback(session: Session) -> None:
    """The loopback servers of these tests are on the outbound allow-list."""
    allow_destination(session=session, principal=SYSTEM,
                      data=DestinationCreate(entry="127.0.0.1", note="tests"))


@pytest.mark.usefixtures("loopback")
def test_pull_json_with_mapping_retries_and_history(
        session: Session, settings: Settings, source: str, tmp_path: Path,
        make_account: Callable[..., Account]) -> None:
    make_account(Role.OFFICER, username="nha-mang", units=["080"], units_as_of="2025-01-01")
    Source.bodies["/tram.json"] = ("application/json", json.dumps({"data": {"items": [
        {"kpi": "5G", "xa": "KT", "thang": "2024-03", "so_tram": 3, "ghi_chu": "nhà mạng"},
        {"kpi": "5G", "xa": "KT", "thang": "2024-04", "so_tram": "4"}]}}).encode())
    Source.failures["/tram.json"] = 2
    create_connector(session=session, principal=SYSTEM, data=ConnectorCreate(
        name="nha-mang-5g", kind="pull", url=f"{source}/tram.json", format="json",
        agency="so-tttt", owner="nha-mang",
        retries=3, retry_seconds=0, units=["080"], units_as_of="2025-01-01",
        mapping={"records": "data.items",
                 "fields": {"indicator": "kpi", "unit": "xa", "period": "thang",
                            "value": "so_tram", "comment": "ghi_chu"},
                 "indicators": {"5G": "VT_TRAM_5G"}, "units": {"KT": "02647"}}),
        settings=settings)
    factory = make_session_factory(session.get_bind())  # type: ignore[arg-type]
    run = run_connector(session_factory=factory, principal=SYSTEM, name="nha-mang-5g",
                        runtime=runtime(tmp_path, settings))
    assert run.status == "done", run.message
    assert run.attempts == 3 and run.imported == 2
    stored = list_values(session=session, query=ValueQuery(units=["02647"]))
    assert [(v.period, v.value, v.source) for v in stored] == [
        ("2024-03", 3.0, "connector:nha-mang-5g"), ("2024-04", 4.0, "connector:nha-mang-5g")]
    again = run_connector(session_factory=factory, principal=SYSTEM, name="nha-mang-5g",
                          runtime=runtime(tmp_path, settings))
    assert again.imported == 0 and again.ignored == 2
    history = list_runs(session=session, principal=SYSTEM, name="nha-mang-5g")
    assert [r.id for r in history] == [again.id, run.id]


@pytest.mark.usefixtures("loopback")
def test_pull_csv_out_of_scope_and_failures_are_recorded(
        session: Session, settings: Settings, source: str, tmp_path: Path,
        make_account: Callable[..., Account]) -> None:
    make_account(Role.OFFICER, username="bts.owner", units=["080"], units_as_of="2025-01-01")
    make_account(Role.OFFICER, username="all.owner")
    Source.bodies["/bts.csv"] = ("text/csv", (
        "Mã chỉ tiêu;Mã đơn vị;Kỳ;Giá trị\nVT_TRAM_BTS;02647;2024;12\n"
        "VT_TRAM_BTS;02683;2024;7\n").encode())
    factory = make_session_factory(session.get_bind())  # type: ignore[arg-type]
    create_connector(session=session, principal=SYSTEM, data=ConnectorCreate(
        name="bts", kind="pull", url=f"{source}/bts.csv", format="csv", retries=0,
        agency="so-tttt", owner="bts.owner", units=["080"], units_as_of="2025-01-01"),
        settings=settings)
    run = run_connector(session_factory=factory, principal=SYSTEM, name="bts",
                        runtime=runtime(tmp_path, settings))
    assert run.status == "conflicts" and run.imported == 0 and run.conflicts == 1
    assert "02683" in run.message  # outside the connector's units: nothing saved
    create_connector(session=session, principal=SYSTEM, data=ConnectorCreate(
        name="gone", kind="pull", url=f"{source}/missing.json", retries=2, retry_seconds=0,
        agency="so-tttt", owner="all.owner", schedule_minutes=60), settings=settings)
    scheduler = ConnectorScheduler(factory, runtime(tmp_path, settings))
    assert scheduler.run_due() == 1  # a new scheduled connector is due at once
    [failed] = list_runs(session=session, principal=SYSTEM, name="gone")
    assert failed.status == "failed" and failed.trigger == "schedule"
    assert "HTTP 404" in failed.message and failed.attempts == 1  # a 404 is not retried
    assert scheduler.run_due() == 0  # next run in an hour


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def parent(sqlite_templates: Any, tmp_path: Path) -> Iterator[tuple[str, Settings]]:
    """A second Fansipan instance (the province) served over HTTP on loopback."""
    folder = tmp_path / "parent"
    folder.mkdir()
    url = sqlite_templates.new("reference", folder)
    # Its own foresight refresher would write to the store while the test registers the
    # child on it; the push under test does not need it.
    settings = Settings(data_dir=folder, database_url=url, foresight_worker=False)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}", settings
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.usefixtures("loopback")
def test_push_district_totals_to_a_parent_instance(
        session: Session, settings: Settings, tmp_path: Path, parent: tuple[str, Settings],
        make_account: Callable[..., Account]) -> None:
    base, parent_settings = parent
    engine = make_engine(str(parent_settings.database_url))
    with make_session_factory(engine)() as parent_session:
        child = register(parent_session, parent_settings, "oc-thanh-pho", units=("080",))
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator="CNTT_HO_SO_TIEP_NHAN", unit=u, period=p,
                       value=v)
        for u, p, v in [("02647", "2024-03", 2), ("02644", "2024-03", 3),
                        ("02647", "2024-04", 4)]])
    make_account(Role.LEADER, username="oc.city", units=["080"], units_as_of="2024-12-31")
    add_secret(session=session, settings=settings, principal=SYSTEM, data=SecretCreate(
        name="khoa-tinh", kind="basic", value=f"{child.client_id}:{child.key}", origin=base,
        users=["oc.city"]))
    create_connector(session=session, principal=SYSTEM, settings=settings, data=ConnectorCreate(
        name="len-tinh", kind="push", url=f"{base}/dhis2/api", units=["080"],
        units_as_of="2024-12-31", indicators=["CNTT_HO_SO_TIEP_NHAN"],
        periods=["2024-03", "2024-04"], agency="so-tttt", owner="oc.city",
        credential="khoa-tinh", mapping={"units": {"080": "080"}}))
    factory = make_session_factory(session.get_bind())  # type: ignore[arg-type]
    run = run_connector(session_factory=factory, principal=SYSTEM, name="len-tinh",
                        runtime=runtime(tmp_path, settings))
    assert run.status == "done", run.message
    assert run.values_sent == 2 and run.imported == 2
    with make_session_factory(engine)() as parent_session:
        got = list_values(session=parent_session, query=ValueQuery(units=["080"]))
    assert [(v.period, v.value, v.stored_by) for v in got] == [
        ("2024-03", 5.0, "client:oc-thanh-pho"), ("2024-04", 4.0, "client:oc-thanh-pho")]
    again = run_connector(session_factory=factory, principal=SYSTEM, name="len-tinh",
                          runtime=runtime(tmp_path, settings))
    assert again.imported == 0 and again.ignored == 2
    rotate_secret(session=session, settings=settings, principal=SYSTEM, name="khoa-tinh",
                  data=SecretRotate(value="oc-thanh-pho:fsp_wrong"))
    wrong = run_connector(session_factory=factory, principal=SYSTEM, name="len-tinh",
                          runtime=runtime(tmp_path, settings))
    assert wrong.status == "failed" and "401" in wrong.message
    engine.dispose()
