"""Dossiers pulled from the one-stop shop with the exchange hub's connector machinery: a
local HTTP source in the shop's own field names and codes."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.exchange.mapping import FieldMapping
from fansipan.services.citizens.dossier_pull import PULL_TARGETS
from fansipan.services.exchange.connector_runs import Runtime, run_connector
from fansipan.services.exchange.connectors import ConnectorCreate, create_connector
from fansipan.services.exchange.outbound import DestinationCreate, allow_destination
from fansipan.settings import Settings
from fansipan.store.engine import make_engine, make_session_factory
from tests.citizens.conftest import figures
from tests.support.accounts import Account

SYSTEM = Principal.system("tests")
FEED = {"ketQua": {"danhSach": [
    {"soHoSo": "MC-1", "maTTHC": "1.0001", "coQuan": "STP", "diaBan": "03006",
     "ngayNhan": "2026-03-02T08:00:00+07:00", "ngayHen": "2026-03-04T17:00:00+07:00",
     "ngayXong": "2026-03-03T09:00:00+07:00", "nop_truc_tuyen": 1, "muc_do_dvc": "full"},
    {"soHoSo": "MC-2", "maTTHC": "1.0001", "coQuan": "STP", "diaBan": "03006",
     "ngayNhan": "2026-03-02T09:00:00+07:00", "ngayHen": "2026-03-04T17:00:00+07:00",
     "ngayXong": "2026-03-06T09:00:00+07:00"},
]}}


class Shop(BaseHTTPRequestHandler):
    body: ClassVar[bytes] = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def shop() -> Iterator[str]:
    Shop.body = json.dumps(FEED).encode()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/hoso"
    finally:
        server.shutdown()
        server.server_close()


def test_a_pull_connector_imports_dossiers_and_a_second_run_changes_nothing(
        categories: Session, settings: Settings, shop: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, make_account: Callable[..., Account]) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    allow_destination(session=categories, principal=SYSTEM,
                      data=DestinationCreate(entry="127.0.0.1", note="tests"))
    # The connector runs as its owner: an officer of the Department of Justice.
    make_account(Role.OFFICER, username="mot-cua-stp", units=["so-tu-phap"],
                 units_as_of="2026-01-01")
    create_connector(session=categories, settings=settings, principal=SYSTEM,
                     data=ConnectorCreate(
        name="mot-cua", kind="pull", url=shop, format="json", target="dossiers",
        agency="so-tu-phap", owner="mot-cua-stp",
        units=["so-tu-phap"], units_as_of="2026-01-01",
        mapping=FieldMapping(records="ketQua.danhSach", units={"STP": "so-tu-phap"}, fields={
            "number": "soHoSo", "procedure_code": "maTTHC", "agency": "coQuan",
            "unit": "diaBan", "received_at": "ngayNhan", "due_at": "ngayHen",
            "completed_at": "ngayXong"})))
    engine = make_engine(settings.store_url)
    factory = make_session_factory(engine)
    runtime = Runtime(spool=tmp_path, settings=settings, pull_targets=PULL_TARGETS,
                      sleep=lambda s: None)
    try:
        run = run_connector(session_factory=factory, principal=SYSTEM, name="mot-cua",
                            runtime=runtime)
        assert (run.status, run.values_sent, run.imported) == ("done", 2, 2), run.message
        counted = figures(categories, ["DVC_TRUOC_HAN", "DVC_QUA_HAN", "DVC_NOP_TRUC_TUYEN"],
                          "so-tu-phap", "2026-03")
        assert counted == {"DVC_TRUOC_HAN": 1, "DVC_QUA_HAN": 1, "DVC_NOP_TRUC_TUYEN": 1}
        again = run_connector(session_factory=factory, principal=SYSTEM, name="mot-cua",
                              runtime=runtime)
        assert (again.imported, again.updated, again.ignored) == (0, 0, 2)
        Shop.body = json.dumps({"ketQua": {"danhSach": [
            {**FEED["ketQua"]["danhSach"][0], "coQuan": "SXD"}]}}).encode()
        refused = run_connector(session_factory=factory, principal=SYSTEM, name="mot-cua",
                                runtime=runtime)
        assert refused.status == "conflicts" and "SXD" in refused.message
        missing = run_connector(session_factory=factory, principal=SYSTEM, name="mot-cua",
                                runtime=Runtime(spool=tmp_path, settings=settings,
                                                sleep=lambda s: None))
        assert missing.status == "failed" and "dossiers" in missing.message
    finally:
        engine.dispose()
