"""Several server workers over one store: real `fansipan serve` processes, each with its
own memory, answering for each other.

Two servers on two ports over the same store are two workers with nothing shared but
the store, so a request can be sent to the one we choose: a value written through one is
in the very next answer of the other, a job started on one is followed on the other,
and sessions, lockouts and throttles hold on both. `serve --workers 2` then runs two
worker processes behind one port, with one connector schedule between them.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from fansipan.domain.access import Role
from fansipan.services.exchange.leases import CONNECTOR_SCHEDULE, FORESIGHT, lease_holder
from fansipan.services.exchange.workers import parse_tag
from fansipan.settings import Settings
from tests.support import servers
from tests.support.accounts import PASSWORD, make_account

ASK = {"indicators": ["CNTT_HO_SO_TIEP_NHAN"], "units": ["082"], "periods": ["2024-03"]}


def _value(answer: httpx.Response) -> float | None:
    assert answer.status_code == 200, answer.text
    body = answer.json()
    if not body["rows"]:
        return None
    return float(body["rows"][0][body["columns"].index("value")])


@pytest.fixture
def pair(store_url: str, tmp_path: Path) -> Iterator[tuple[servers.Server, servers.Server]]:
    first = servers.start(store_url, tmp_path / "a")
    try:
        second = servers.start(store_url, tmp_path / "b")
    except BaseException:
        first.stop()
        raise
    try:
        yield first, second
    finally:
        second.stop()
        first.stop()


def test_two_workers_answer_for_each_other(
        pair: tuple[servers.Server, servers.Server], session: Session,
        settings: Settings) -> None:
    a, b = pair
    officer = make_account(session, settings, Role.OFFICER, Role.LEADER, username="officer")
    make_account(session, settings, Role.LEADER, username="lan.tran")
    auth = officer.headers
    path = "/api/v1/datavalues/CNTT_HO_SO_TIEP_NHAN/02683/2024-03"
    with httpx.Client(base_url=a.url, timeout=60) as on_a, \
            httpx.Client(base_url=b.url, timeout=60) as on_b:
        # Read your writes: B's engine has answered once (and loaded), A writes, B's very
        # next answer has the value; then the other way round.
        assert _value(on_b.post("/api/v1/analytics", json=ASK, headers=auth)) is None
        assert on_a.put(path, json={"value": 12}, headers=auth).status_code == 200
        assert _value(on_b.post("/api/v1/analytics", json=ASK, headers=auth)) == 12
        assert on_b.put(path, json={"value": 15}, headers=auth).status_code == 200
        assert _value(on_a.post("/api/v1/analytics", json=ASK, headers=auth)) == 15
        assert on_a.get(path, headers=auth).json()["value"] == 15

        # A job started on A is followed on B, to its summary.
        lines = ["indicator,unit,period,value"] + [
            f"VT_TRAM_5G,02647,{2000 + m // 12}-{m % 12 + 1:02d},{m}" for m in range(240)]
        started = on_a.post("/api/v1/imports", content="\n".join(lines) + "\n",
                            params={"async": "true"},
                            headers={**auth, "Content-Type": "text/csv"})
        assert started.status_code == 202, started.text
        job = started.json()["id"]
        state: dict[str, object] = {}
        for _ in range(600):
            state = on_b.get(f"/api/v1/jobs/{job}", headers=auth).json()
            if state["status"] != "queued" and state["status"] != "running":
                break
            time.sleep(0.05)
        assert state["status"] == "done", state
        assert state["summary"]["import_count"]["imported"] == 240  # type: ignore[index]
        assert job in {j["id"] for j in on_b.get("/api/v1/jobs", headers=auth).json()}

        # A session opened on A works on B, and ends on both when signed out on B.
        signed = on_a.post("/api/v1/auth/login",
                           json={"username": "lan.tran", "password": PASSWORD})
        assert signed.status_code == 200, signed.text
        cookie = {"Cookie": f"fansipan_session={signed.cookies['fansipan_session']}"}
        on_a.cookies.clear()
        csrf = {"X-CSRF-Token": signed.json()["csrf_token"]}
        assert on_b.get("/api/v1/auth/me", headers=cookie).json()["name"] == "lan.tran"
        assert on_b.post("/api/v1/auth/logout", headers=cookie | csrf).status_code == 200
        assert on_a.get("/api/v1/auth/me", headers=cookie).status_code == 401

        # Wrong passwords count on one counter whichever worker hears them: five, split
        # between the two, lock the account on both.
        for n in range(5):
            client = on_a if n % 2 else on_b
            assert client.post("/api/v1/auth/login", json={
                "username": "lan.tran", "password": "wrong"}).status_code == 401
        for client in (on_a, on_b):
            assert client.post("/api/v1/auth/login", json={
                "username": "lan.tran", "password": PASSWORD}).status_code == 401


def test_an_address_is_throttled_across_workers(store_url: str, tmp_path: Path) -> None:
    strict = {"FANSIPAN_LOGIN_IP_MAX_FAILURES": "4"}
    a = servers.start(store_url, tmp_path / "a", env=strict)
    try:
        b = servers.start(store_url, tmp_path / "b", env=strict)
        try:
            for n in range(4):
                server = a if n % 2 else b
                assert httpx.post(f"{server.url}/api/v1/auth/login", json={
                    "username": f"guess{n}", "password": "x"}, timeout=60).status_code == 401
            for server in (a, b):
                r = httpx.post(f"{server.url}/api/v1/auth/login",
                               json={"username": "guess9", "password": "x"}, timeout=60)
                assert r.status_code == 429, r.text
        finally:
            b.stop()
    finally:
        a.stop()


def test_serve_runs_the_workers_asked_for_with_one_schedule_and_one_refresher(
        tmp_path: Path, sqlite_templates: object) -> None:
    url = sqlite_templates.new("reference", tmp_path)  # type: ignore[attr-defined]
    from fansipan.store.engine import make_engine, make_session_factory

    engine = make_engine(url)
    factory = make_session_factory(engine)
    server = servers.start(url, tmp_path / "data", workers=2)
    try:
        workers = [pid for pid in servers.children(server.process.pid)
                   if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        assert len(workers) == 2, workers
        # Sixteen keep-alive connections opened at once are spread over both workers
        # (each listens on a socket of its own): on one shared socket, the first worker
        # to wake took nearly all of them and kept them.
        held = _connections_by_process(server.port, workers, 16)
        assert all(held[pid] >= 2 for pid in workers), held
        for _ in range(40):
            assert httpx.get(f"{server.url}/readyz", timeout=30).status_code == 200
        holders: dict[str, str] = {}
        for name in (CONNECTOR_SCHEDULE, FORESIGHT):  # the refresher, too, runs once
            for _ in range(200):
                with factory() as session:
                    holders[name] = lease_holder(session=session, name=name) or ""
                if holders[name]:
                    break
                time.sleep(0.05)
            worker = parse_tag(holders[name])
            assert worker is not None and worker.pid in workers, (name, holders, workers)
        time.sleep(1.0)  # the other worker has tried by now, and holds nothing
        with factory() as session:
            for name, holder in holders.items():
                assert lease_holder(session=session, name=name) == holder
    finally:
        server.stop()
    assert server.process.returncode in (0, -15)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
    with factory() as session:  # a worker that stops gives its leases up at once
        assert lease_holder(session=session, name=CONNECTOR_SCHEDULE) is None
        assert lease_holder(session=session, name=FORESIGHT) is None
    engine.dispose()


def _connections_by_process(port: int, pids: list[int], count: int) -> dict[int, int]:
    """Open `count` connections at once, answer one request on each, and count how many
    each process holds (its socket descriptors among the port's established ones)."""
    deadline = time.monotonic() + 300  # until every worker listens (one may still import)
    while len(_sockets(port, "0A")) < len(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    opened = [socket.create_connection(("127.0.0.1", port), timeout=60) for _ in range(count)]
    try:
        for sock in opened:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        for sock in opened:
            answer = b""
            while b"\r\n\r\n" not in answer:
                answer += sock.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200"), answer[:100]
        inodes = _sockets(port, "01")
        held = {}
        for pid in pids:
            held[pid] = sum(1 for fd in Path(f"/proc/{pid}/fd").iterdir()
                            if _link(fd) in inodes)
        return held
    finally:
        for sock in opened:
            sock.close()


def _link(path: Path) -> str:
    try:
        return str(path.readlink())
    except OSError:
        return ""


def _sockets(port: int, state: str) -> set[str]:
    """The sockets on local `port` in a state of /proc/net/tcp (01 established, 0A listening)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rpartition(":")[2], 16) == port and fields[3] == state:
                found.add(f"socket:[{fields[9]}]")
    return found


def test_each_worker_gets_its_own_socket_and_no_second_server_joins_the_address() -> None:
    from multiprocessing.reduction import ForkingPickler

    from fansipan.api.workers import shared_port

    port = servers.free_port()
    held, guard = shared_port("127.0.0.1", port)
    worker = None
    try:
        # What a worker process receives: a socket of its own on the same address.
        worker = ForkingPickler.loads(ForkingPickler.dumps(held))
        assert type(worker) is socket.socket and worker.fileno() != held.fileno()
        assert worker.getsockname() == ("127.0.0.1", port)
        worker.listen()
        with pytest.raises(OSError, match="another fansipan serve"):  # a second `serve --workers`
            shared_port("127.0.0.1", port)
        plain = socket.socket()
        plain.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with plain, pytest.raises(OSError, match="in use"):  # a one-worker `serve`, or any other
            plain.bind(("127.0.0.1", port))
    finally:
        if worker is not None:
            worker.close()
        held.close()
        guard.close()
    again, guard = shared_port("127.0.0.1", port)  # free again once the first has gone
    again.close()
    guard.close()
