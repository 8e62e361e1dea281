"""A bounded load test on loopback: mixed reads and writes against a real server.

    python bench/load.py [--requests 3000] [--concurrency 50] [--store sqlite|postgresql URL]

Prepares a store (reference data, a year of values for old Lào Cai's communes, an
officer with an API token), starts `fansipan serve` on a free loopback port, sends the
requests (about 80 % reads, 20 % writes, each with the officer's token) from
`concurrency` clients at once, stops the server and prints throughput and latency.
Exits 1 if any request failed. Traffic goes to 127.0.0.1 only, and the run is bounded
by the request count and a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
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

import httpx

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT = 600.0  # seconds: the run stops by itself whatever happens


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the server did not become ready within 60 s")


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


async def run_load(base_url: str, fx: Fixture, *, requests: int, concurrency: int,
                   seed: int = 1) -> LoadResult:
    result = LoadResult()
    rng = random.Random(seed)
    plan = [_request(rng, fx) for _ in range(requests)]
    queue: asyncio.Queue[tuple[str, str, str, dict[str, object] | None]] = asyncio.Queue()
    for item in plan:
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
                result.latencies.setdefault(kind, []).append(time.perf_counter() - t0)
                result.requests += 1
                if not ok:
                    result.errors += 1
                    if len(result.failures) < 10:
                        result.failures.append(f"{method} {path}: {detail}")

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--store", default="sqlite",
                        help="sqlite (a fresh file) or a postgresql:// URL of an empty database")
    parser.add_argument("--workers", type=int, default=1,
                        help="server worker processes (fansipan serve --workers N)")
    args = parser.parse_args()
    (ROOT / "bench" / ".data").mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="load-", dir=ROOT / "bench" / ".data"))
    url = (f"sqlite:///{folder}/load.sqlite3" if args.store == "sqlite" else args.store)
    fx = prepare(url)
    port = _free_port()
    server = start_server(url, port, args.workers)
    try:
        result = asyncio.run(run_load(f"http://127.0.0.1:{port}", fx, requests=args.requests,
                                      concurrency=args.concurrency))
    finally:
        stop_server(server)
    print(f"{args.workers} worker process(es)")
    print(report(result, "SQLite" if args.store == "sqlite" else "PostgreSQL",
                 args.concurrency))
    for failure in result.failures:
        print("failed:", failure, file=sys.stderr)
    return 1 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
