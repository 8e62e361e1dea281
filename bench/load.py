"""A bounded load test on loopback: mixed reads and writes against a real server.

    python bench/load.py [--requests 3000] [--concurrency 50] [--workers N]
                         [--store sqlite|postgresql|URL] [--client lean|httpx]

Prepares a store (reference data, a year of values for old Lào Cai's communes, an
officer with an API token), starts `fansipan serve` on a free loopback port, waits until
every worker has started, sends the requests (about 80 % reads, 20 % writes, each with
the officer's token) from `concurrency` clients at once, stops the server and prints
throughput, latency and where the machine's CPU went while the requests ran: the load
client's own process, each server process, PostgreSQL's processes, and everything else
on the machine (from /proc). `--store postgresql` starts a throwaway PostgreSQL server
as the test suite does; a postgresql:// URL uses an empty database of yours.

The default client is a lean one: one keep-alive HTTP/1.1 connection per concurrent
client, requests written and answers read straight on asyncio's streams, so it leaves
the cores to the server; `--client httpx` sends the same requests through httpx.
Exits 1 if any request failed. Traffic goes to 127.0.0.1 only, and the run is bounded
by the request count and a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT = 600.0  # seconds: the run stops by itself whatever happens
TICK = os.sysconf("SC_CLK_TCK")  # /proc counts CPU time in these ticks


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def record(self, kind: str, seconds: float, ok: bool, failure: str) -> None:
        self.latencies.setdefault(kind, []).append(seconds)
        self.requests += 1
        if not ok:
            self.errors += 1
            if len(self.failures) < 10:
                self.failures.append(failure)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float, kind: str | None = None) -> float:
        values = sorted(v for k, vs in self.latencies.items() if kind in (None, k) for v in vs)
        if not values:
            return 0.0
        return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


@dataclass(frozen=True)
class Fixture:
    token: str
    communes: list[str]
    months: list[str]


def prepare(url: str) -> Fixture:
    """Schema, reference data, a year of values and an officer with a token."""
    sys.path.insert(0, str(ROOT / "src"))
    from fansipan.domain.access import Principal, PrincipalKind, Role
    from fansipan.domain.units import UnitLevel
    from fansipan.services.catalog import load_catalog
    from fansipan.services.trust.accounts import UserCreate, create_user
    from fansipan.services.trust.tokens import TokenCreate, issue_token
    from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
    from fansipan.services.warehouse.reference import load_reference_data
    from fansipan.settings import Settings
    from fansipan.store.engine import make_engine, make_session_factory
    from fansipan.store.migrate import upgrade_store

    engine = make_engine(url)
    upgrade_store(engine)
    settings = Settings(database_url=url)
    system = Principal.system("bench")
    with make_session_factory(engine)() as session:
        load_reference_data(session=session)
        with session.begin():
            catalog = load_catalog(session)
        on = date(2024, 12, 31)
        province = catalog.hierarchy.find("10", on)
        communes = [u.code for u in catalog.hierarchy.descendants(province.id, on)
                    if u.level is UnitLevel.COMMUNE]
        months = [f"2024-{m:02d}" for m in range(1, 13)]
        write_values(session=session, actor="bench", source="bench", items=[
            DataValueWrite(indicator="VT_TRAM_5G", unit=c, period=m, value=n % 7)
            for n, (c, m) in enumerate((c, m) for c in communes for m in months)])
        create_user(session=session, settings=settings, principal=system, kind=PrincipalKind.CLIENT,
                    data=UserCreate(username="bench.client", roles=[Role.OFFICER],
                                    all_units=True))
        issued = issue_token(session=session, settings=settings, principal=system,
                             data=TokenCreate(name="load test"), owner="bench.client")
    engine.dispose()
    return Fixture(token=issued.token, communes=communes, months=months)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str, port: int, workers: int = 1) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FANSIPAN_DATABASE_URL": url, "FANSIPAN_PORT": str(port),
           "FANSIPAN_HOST": "127.0.0.1", "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen([sys.executable, "-m", "fansipan.cli", "serve", "--workers",
                             str(workers)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                _wait_until_started(proc.pid, workers, deadline)
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not become ready within 120 s")


def _wait_until_started(pid: int, workers: int, deadline: float) -> None:
    """Until every worker is up and the server's processes are idle.

    /readyz is answered by the first worker that listens; another may still be importing
    the app, and would take the cores the first one needs when the load begins.
    """
    quiet = 0
    before = _tree_ticks(pid)
    while time.monotonic() < deadline and quiet < 3:
        time.sleep(0.3)
        now = _tree_ticks(pid)
        workers_seen = len(_descendants(pid)) >= workers if workers > 1 else True
        quiet = quiet + 1 if workers_seen and now - before <= 0.02 * TICK else 0
        before = now


# -- where the CPU goes ----------------------------------------------------------------


def _stat(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the command name (field 3 onwards)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text.rpartition(")")[2].split()


def _ticks(pid: int, *, children: bool = False) -> int:
    """CPU ticks (user + system) of a process, with its waited-for children's if asked."""
    try:
        fields = _stat(pid)
    except OSError:
        return 0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks


def _descendants(pid: int) -> list[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat(int(entry.name))[1])
            except (OSError, IndexError, ValueError):
                continue
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        frontier += kids
    return found


def _tree_ticks(pid: int) -> int:
    """A process and all its descendants, including those that have exited and been
    waited for (a PostgreSQL backend that ended, for instance)."""
    return _ticks(pid, children=True) + sum(_ticks(p) for p in _descendants(pid))


def _machine_busy() -> int:
    """Ticks every core of the machine spent busy (not idle, not waiting for a disk)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    return sum(fields) - fields[3] - fields[4]


@dataclass
class CpuSnapshot:
    at: float
    client: float
    server: dict[int, int]
    postgres: int
    machine: int


def cpu_snapshot(server: int, postgres: int | None) -> CpuSnapshot:
    times = os.times()
    return CpuSnapshot(
        at=time.perf_counter(), client=times.user + times.system,
        server={p: _ticks(p) for p in [server, *_descendants(server)]},
        postgres=_tree_ticks(postgres) if postgres else 0, machine=_machine_busy())


def cpu_split(before: CpuSnapshot, after: CpuSnapshot) -> str:
    """Where the machine's CPU went between two snapshots, in core-seconds."""
    wall = after.at - before.at
    cores = os.cpu_count() or 1
    client = after.client - before.client
    per_process = {p: (t - before.server.get(p, 0)) / TICK for p, t in after.server.items()}
    server = sum(per_process.values())
    postgres = (after.postgres - before.postgres) / TICK
    machine = (after.machine - before.machine) / TICK
    others = max(0.0, machine - client - server - postgres)
    processes = ", ".join(f"{v:.1f}" for v in sorted(per_process.values(), reverse=True))

    def share(v: float) -> str:
        return f"{v:.1f} s ({v / wall:.2f} cores)"

    line = (f"- CPU over {wall:.1f} s on {cores} cores ({cores * wall:.1f} core-s): load client "
            f"{share(client)}; server {share(server)} (by process: {processes})")
    if before.postgres:
        line += f"; PostgreSQL {share(postgres)}"
    return line + f"; everything else on the machine {share(others)}; idle " \
        f"{max(0.0, cores * wall - machine):.1f} core-s"


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _request(rng: random.Random, fx: Fixture) -> tuple[str, str, str, dict[str, object] | None]:
    """(kind, method, path, json) drawn from the mix."""
    draw = rng.random()
    commune, month = rng.choice(fx.communes), rng.choice(fx.months)
    if draw < 0.35:
        return "list", "GET", f"/api/v1/datavalues?unit={commune}&limit=100", None
    if draw < 0.60:
        return "read", "GET", f"/api/v1/datavalues/VT_TRAM_5G/{commune}/{month}", None
    if draw < 0.70:
        return "catalogue", "GET", "/api/v1/indicators", None
    if draw < 0.80:
        return "changes", "GET", f"/api/v1/changes?after={rng.randint(0, 1500)}&limit=50", None
    return "write", "PUT", f"/api/v1/datavalues/VT_TRAM_5G/{commune}/{month}", {
        "value": rng.randint(0, 30), "comment": "load test"}


class LeanConnection:
    """One keep-alive HTTP/1.1 connection: requests written, answers read by hand.

    Enough HTTP for our own server's answers (a Content-Length or chunked body); what
    httpx does besides (URL objects, header models, cookies, decoders) is what it costs.
    """

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port = host, port
        self.head = (f"Host: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
                     "Accept: */*\r\n").encode()
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def close(self) -> None:
        if self.streams is not None:
            writer = self.streams[1]
            self.streams = None
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    async def request(self, method: str, path: str,
                      body: dict[str, object] | None) -> tuple[int, bytes]:
        content = json.dumps(body).encode() if body is not None else b""
        message = f"{method} {path} HTTP/1.1\r\n".encode() + self.head
        if body is not None:
            message += (b"Content-Type: application/json\r\nContent-Length: "
                        + str(len(content)).encode() + b"\r\n")
        message += b"\r\n" + content
        reused = self.streams is not None
        try:
            return await self._exchange(message)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()
            if not reused:
                raise
            # The server closed an idle connection as we reused it: once more, afresh.
            return await self._exchange(message)

    async def _exchange(self, message: bytes) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        writer.write(message)
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip().lower()
        if "content-length" in fields:
            content = await reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            parts = []
            while size := int((await reader.readline()).split(b";")[0], 16):
                parts.append(await reader.readexactly(size))
                await reader.readexactly(2)
            await reader.readuntil(b"\r\n")
            content = b"".join(parts)
        else:
            content = await reader.read()
            fields["connection"] = "close"
        if fields.get("connection") == "close":
            await self.close()
        return status, content


async def run_load(base_url: str, fx: Fixture, *, requests: int, concurrency: int,
                   seed: int = 1, client: str = "lean") -> LoadResult:
    plan = _plan(fx, requests, seed)
    if client == "httpx":
        return await _run_httpx(base_url, fx, plan, concurrency)
    result = LoadResult()
    host, _, port = base_url.removeprefix("http://").partition(":")
    started = time.perf_counter()

    async def worker(connection: LeanConnection) -> None:
        try:
            while plan and time.perf_counter() - started < TIME_LIMIT:
                kind, method, path, body = plan.pop()
                t0 = time.perf_counter()
                try:
                    status, content = await asyncio.wait_for(
                        connection.request(method, path, body), 60)
                    ok = status == 200
                    detail = f"{status} {content[:200].decode(errors='replace')}"
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                        TimeoutError, ValueError) as exc:
                    await connection.close()
                    ok, detail = False, repr(exc)
                result.record(kind, time.perf_counter() - t0, ok, f"{method} {path}: {detail}")
        finally:
            await connection.close()

    await asyncio.gather(*(worker(LeanConnection(host, int(port), fx.token))
                           for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


Planned = tuple[str, str, str, dict[str, object] | None]


def _plan(fx: Fixture, requests: int, seed: int) -> list[Planned]:
    """The requests in the order they are sent (popped from the end)."""
    rng = random.Random(seed)
    return [_request(rng, fx) for _ in range(requests)][::-1]


async def _run_httpx(base_url: str, fx: Fixture, plan: list[Planned],
                     concurrency: int) -> LoadResult:
    result = LoadResult()
    queue: asyncio.Queue[Planned] = asyncio.Queue()
    for item in reversed(plan):
        queue.put_nowait(item)
    headers = {"Authorization": f"Bearer {fx.token}"}
    # Idle connections are dropped before the server's 5 s keep-alive ends: at equal
    # timeouts a request can go out on a connection the server is closing.
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency,
                          keepalive_expiry=2.0)
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, headers=headers, limits=limits,
                                 timeout=60) as client:

        async def worker() -> None:
            while not queue.empty() and time.perf_counter() - started < TIME_LIMIT:
                kind, method, path, body = queue.get_nowait()
                t0 = time.perf_counter()
                try:
                    r = await client.request(method, path, json=body)
                    ok = r.status_code == 200
                    detail = f"{r.status_code} {r.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, detail = False, repr(exc)
                result.record(kind, time.perf_counter() - t0, ok, f"{method} {path}: {detail}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def report(result: LoadResult, store: str, concurrency: int) -> str:
    kinds = sorted(result.latencies)
    lines = [
        f"- {datetime.now(UTC):%Y-%m-%d}, {platform.node() or 'this machine'}: "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, store {store}",
        f"- {result.requests} requests, concurrency {concurrency}, {result.errors} errors, "
        f"{result.seconds:.1f} s: **{result.throughput:.0f} requests/s**, p50 "
        f"{result.percentile(50) * 1000:.0f} ms, **p95 {result.percentile(95) * 1000:.0f} ms**, "
        f"p99 {result.percentile(99) * 1000:.0f} ms",
        "",
        "| kind | requests | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for kind in kinds:
        lines.append(f"| {kind} | {len(result.latencies[kind])} | "
                     f"{statistics.median(result.latencies[kind]) * 1000:.0f} | "
                     f"{result.percentile(95, kind) * 1000:.0f} |")
    return "\n".join(lines)


def _throwaway_postgres() -> tuple[Any, str]:
    """A PostgreSQL server of our own (as the test suite starts one) and a database in it."""
    sys.path.insert(0, str(ROOT))
    import psycopg
    from tests.support.pgserver import start_server as start_postgres

    server = start_postgres()
    with psycopg.connect(f"host=127.0.0.1 port={server.port} user=fansipan dbname=postgres",
                         autocommit=True) as conn:
        conn.execute("CREATE DATABASE load")
    return server, f"{server.base_url}/load"


def _postmaster(server: Any) -> int | None:
    try:
        return int((server.root / "data" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--store", default="sqlite",
                        help="sqlite (a fresh file), postgresql (a throwaway server of our own) "
                             "or a postgresql:// URL of an empty database")
    parser.add_argument("--workers", type=int, default=1,
                        help="server worker processes (fansipan serve --workers N)")
    parser.add_argument("--client", choices=["lean", "httpx"], default="lean",
                        help="the load client: lean keep-alive HTTP/1.1 (default) or httpx")
    args = parser.parse_args()
    load_before = os.getloadavg()
    (ROOT / "bench" / ".data").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="load-", dir=ROOT / "bench" / ".data"))
    postgres = None
    if args.store == "sqlite":
        url = f"sqlite:///{folder}/load.sqlite3"
    elif args.store == "postgresql":
        postgres, url = _throwaway_postgres()
    else:
        url = args.store
    try:
        fx = prepare(url)
        port = _free_port()
        server = start_server(url, port, args.workers)
        postmaster = _postmaster(postgres) if postgres is not None else None
        try:
            before = cpu_snapshot(server.pid, postmaster)
            result = asyncio.run(run_load(f"http://127.0.0.1:{port}", fx,
                                          requests=args.requests,
                                          concurrency=args.concurrency, client=args.client))
            after = cpu_snapshot(server.pid, postmaster)
        finally:
            stop_server(server)
    finally:
        if postgres is not None:
            postgres.stop()
    print(f"{args.workers} worker process(es), {args.client} client, load average "
          f"{' '.join(f'{v:.2f}' for v in load_before)} before, "
          f"{' '.join(f'{v:.2f}' for v in os.getloadavg())} after")
    print(report(result, "SQLite" if args.store == "sqlite" else "PostgreSQL",
                 args.concurrency))
    print(cpu_split(before, after))
    for failure in result.failures:
        print("failed:", failure, file=sys.stderr)
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
