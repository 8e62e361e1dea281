"""Benchmark of the dashboard's pages: on the demo store and on 4M values with a merger.

    python bench/web.py                 # both stores, server side, then the browser
    python bench/web.py --no-browser    # server side only
    python bench/web.py --only demo     # one store: demo or national

Two stores. The demo store (`fansipan demo`'s: Lào Cai's units, the 2025 reform with its
succession links, 79 indicators of which 19 derived, illustrative values). And the
synthetic national store of `bench/analytics.py` (34 provinces, 3,300 communes, 60
months, 20 indicators; its builders are reused) with a reorganisation like 2025's added
by `bench/merger.py`: on 2025-07-01 provinces merge in pairs and communes in threes,
old units report until June and new ones from July, so every 2025 figure and every
comparison with 2024 goes through mapped history and the like-for-like rule. Its
indicators are public and a year of targets is set.

Server side: each page is asked through the whole application in process (middleware,
sign-in resolution, services, templates), anonymously, and the pages of signed-in people
(the tasks page, the overview with its alerts panel) by a leader signed in on the web.
The foresight refresher is not run beside the measured requests: on a freshly built
store it works through the whole change log (every demo value) for minutes, taking a
core, which a server does once; forecasts asked by a page are made and stored on its
first view, as they are when the refresher has not reached them.

"warm" is the median of 20 after a warm-up: the engine keeps answers until one of their
indicators changes, so a page seen again costs no engine query. "no kept answers" is the
median of 5 with the kept answers and probes dropped before each request: the cost of
the first view after every indicator on the page changed. Browser: a real server on
loopback and Debian's chromium; the overview's load time and the indicator page's time
until its chart is drawn. Prints Markdown for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.compute as pc  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import func, select, update  # noqa: E402

from bench.analytics import (  # noqa: E402
    SEED,
    SIZES,
    World,
    build_store,
    generate_facts,
    month_periods,
)
from bench.merger import REFORM_MONTH, add_merger, merged_facts  # noqa: E402
from fansipan.analytics.warehouse import Warehouse  # noqa: E402
from fansipan.api.app import create_app  # noqa: E402
from fansipan.demo.setup import prepare_demo  # noqa: E402
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values  # noqa: E402
from fansipan.services.warehouse.targets import TargetWrite, set_target  # noqa: E402
from fansipan.settings import Settings  # noqa: E402
from fansipan.store.tables import IndicatorRow, UnitRow  # noqa: E402

REPEAT = 20
COLD = 5
WRITTEN = 10_000
YEAR = 2025  # the synthetic data's last full year, and the merger's
NATIONAL_PAGES = {
    "overview `/` (this year: no targets yet)": "/",
    f"overview of {YEAR} (10 targets evaluated)": f"/?year={YEAR}",
    "overview as CSV `/overview.csv`": "/overview.csv",
    "indicator, country → 17 merged provinces": f"/indicators/I000?period={YEAR}",
    "indicator, merged province → its communes": f"/indicators/I000?period={YEAR}&unit=P04",
    "indicator, old province → its communes (2024)": "/indicators/I000?period=2024&unit=P05",
    "indicator table as XLSX": f"/indicators/I000.xlsx?period={YEAR}&unit=P04",
    "unit page (every indicator, ranks)": f"/units/P04?period={YEAR}",
    "sector page": f"/sectors/bench?year={YEAR}",
    "targets page": f"/targets?year={YEAR}",
    "wall screen": f"/wall?year={YEAR}",
    "indicator list": "/indicators",
    "signed in: tasks list": "/tasks",
}
DEMO_PAGES = {
    "overview `/` (running year)": "/",
    "overview of 2025": "/?year=2025",
    "overview as CSV `/overview.csv`": "/overview.csv",
    "overview of Tỉnh Yên Bái, 2024": "/?year=2024&unit=15",
    "wall screen": "/wall",
    "indicator list": "/indicators",
    "indicator page (a rate, last year)": "/indicators/CNTT_TY_LE_HO_SO_TRUC_TUYEN",
    "indicator page (running year, 11 months)": "/indicators/BC_DOANH_THU?period=2026",
    "indicator, old province → its districts (2024)":
        "/indicators/CDS_DAN_SO?period=2024&unit=10",
    "unit page of the province": "/units/15",
    "sector page": "/sectors/postal",
    "targets page": "/targets",
    "signed in: overview with the alerts panel": "/",
    "signed in: tasks list": "/tasks",
    "signed in: tasks board": "/tasks?view=board",
    "signed in: indicator page (a rate, last year)": "/indicators/CNTT_TY_LE_HO_SO_TRUC_TUYEN",
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def prepare_national(work: Path) -> tuple[Settings, Warehouse, int]:
    session, world = build_store(work / "store.sqlite3", SIZES["4m"])
    # Uids of eleven characters, as the store gives every unit: the builder's "P05" would
    # be read as a code, which names no unit in force after the merger.
    with session.begin():
        session.execute(update(UnitRow).values(uid=func.substr(UnitRow.uid + "xxxxxxxxxxx",
                                                               1, 11)))
    merged = add_merger(session, world)
    facts = merged_facts(world, merged, generate_facts(world))
    # Values written through the store (old communes, before the merger), the rest
    # loaded straight into the engine.
    rng = np.random.default_rng(SEED + 1)
    months = month_periods()
    keys = {(int(i), int(c), int(m)) for i, c, m in zip(
        rng.integers(0, len(world.indicator_ids), WRITTEN),
        rng.integers(0, len(world.commune_codes), WRITTEN),
        rng.integers(0, REFORM_MONTH, WRITTEN), strict=True)}
    items = [DataValueWrite(indicator=world.indicator_codes[i], unit=world.commune_codes[c],
                            period=months[m].id, value=round(float(rng.gamma(2.0, 50.0)), 2))
             for i, c, m in sorted(keys)]
    base = _without(facts, world, keys)
    write_values(session=session, items=items, actor="bench", source="bench")
    for code in world.indicator_codes[:10]:
        set_target(session=session, actor="bench", data=TargetWrite(
            indicator=code, unit="VN", period=str(YEAR), planned=1.0, document="bench"))
    with session.begin():
        session.execute(update(IndicatorRow).values(public=True))
    session.close()
    warehouse = Warehouse()
    warehouse.load_facts(base, last_change=0)
    settings = Settings(data_dir=work, database_url=f"sqlite:///{work / 'store.sqlite3'}",
                        allowed_hosts=("testserver",), foresight_worker=False)
    add_leader(settings)
    return settings, warehouse, base.num_rows + len(items)


def _without(facts: pa.Table, world: World, keys: set[tuple[int, int, int]]) -> pa.Table:
    """The facts minus the keys the store will hold (they come in through the change log)."""
    months = month_periods()
    drop = pa.table({
        "ind": pa.array([world.indicator_ids[i] for i, _, _ in keys], pa.int32()),
        "unit": pa.array([int(world.commune_ids[c]) for _, c, _ in keys], pa.int32()),
        "pstart": pa.array([months[m].start for _, _, m in keys], pa.date32()),
        "gone": pa.array([True] * len(keys)),
    })
    joined = facts.join(drop, ["ind", "unit", "pstart"], join_type="left outer")
    kept = joined.filter(pc.is_null(joined.column("gone"))).drop_columns(["gone"])
    return kept.select(facts.column_names)


def prepare_demo_store(work: Path) -> tuple[Settings, Warehouse, int]:
    settings = Settings(data_dir=work, database_url=f"sqlite:///{work / 'demo.sqlite3'}",
                        allowed_hosts=("testserver",), foresight_worker=False)
    ready = prepare_demo(settings)
    add_leader(settings)
    return settings, Warehouse(), ready.demo.values


LEADER, INITIAL, PASSWORD = "bench.leader", "an initial bench passphrase", "a bench passphrase"


def add_leader(settings: Settings) -> None:
    """A leader and officer of every unit, its initial password already changed."""
    from fansipan.domain.access import Principal, PrincipalKind, Role
    from fansipan.services.trust.accounts import UserCreate, create_user
    from fansipan.services.trust.auth import PasswordChange, change_password
    from fansipan.store.engine import make_engine, make_session_factory
    from fansipan.store.security_tables import UserRow

    engine = make_engine(settings.store_url)
    try:
        with make_session_factory(engine)() as session:
            create_user(session=session, settings=settings, principal=Principal.system("bench"),
                        data=UserCreate(username=LEADER, roles=[Role.LEADER, Role.OFFICER],
                                        all_units=True, all_indicators=True, password=INITIAL))
            with session.begin():
                found = session.scalar(select(UserRow.id).where(UserRow.username == LEADER))
            me = Principal(kind=PrincipalKind.USER, name=LEADER, id=found)
            change_password(session=session, settings=settings, principal=me,
                            data=PasswordChange(current_password=INITIAL,
                                                new_password=PASSWORD))
    finally:
        engine.dispose()


def server_side(settings: Settings, warehouse: Warehouse,
                pages: dict[str, str]) -> dict[str, tuple[float, float]]:
    app = create_app(settings)
    app.state.warehouse = warehouse
    out: dict[str, tuple[float, float]] = {}
    with TestClient(app) as anonymous, TestClient(app) as leader:
        signed = leader.post("/login", data={"username": LEADER, "password": PASSWORD},
                             follow_redirects=False)
        if signed.status_code != 303:
            raise SystemExit(f"sign-in: {signed.status_code} {signed.text[:300]}")
        for name, path in pages.items():
            client = leader if name.startswith("signed in") else anonymous
            first = client.get(path)
            if first.status_code != 200:
                raise SystemExit(f"{path}: {first.status_code} {first.text[:300]}")
            warm = _median(lambda p=path, c=client: c.get(p), REPEAT)

            def cold(p: str = path, c: TestClient = client) -> None:
                warehouse.forget_answers()
                c.get(p)

            out[name] = (warm, _median(cold, COLD))
    app.state.engine.dispose()
    return out


def _median(fn: Callable[[], object], times: int) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        fn()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def browser(settings: Settings, warehouse: Warehouse, indicator_page: str) -> dict[str, float]:
    import uvicorn
    from playwright.sync_api import sync_playwright

    app = create_app(settings)
    app.state.warehouse = warehouse
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    out: dict[str, list[float]] = {"overview, load event (cold cache)": [],
                                   "overview, load event (warm cache)": [],
                                   "indicator page, chart drawn (cold cache)": []}
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=CHROMIUM_ARGS)
            for _ in range(5):
                context = chromium.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                for label in ("cold", "warm"):
                    page.goto(url + "/", wait_until="load")
                    nav = page.evaluate("() => performance.getEntriesByType('navigation')[0]"
                                        ".loadEventEnd")
                    out[f"overview, load event ({label} cache)"].append(float(nav))
                context.close()
                context = chromium.new_context(viewport={"width": 1366, "height": 768})
                page = context.new_page()
                started = time.perf_counter()
                page.goto(url + indicator_page)
                page.wait_for_selector("#trend[data-ready]")
                out["indicator page, chart drawn (cold cache)"].append(
                    (time.perf_counter() - started) * 1000)
                context.close()
            chromium.close()
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        app.state.engine.dispose()
    return {k: statistics.median(v) for k, v in out.items()}


def report(title: str, pages: dict[str, tuple[float, float]], goal: int) -> None:
    print(f"\n{title}\n")
    print("| page (server side, in process) | warm median (ms) | no kept answers (ms) "
          "| goal (ms) |")
    print("|---|---:|---:|---:|")
    for name, (warm, cold) in pages.items():
        print(f"| {name} | {warm:.1f} | {cold:.1f} | ≤ {goal} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--only", choices=("demo", "national"))
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    work = Path(tempfile.mkdtemp(prefix="fansipan-bench-web-"))
    print(f"# web benchmark, data in {work}", flush=True)
    print(f"\nMachine: {os.cpu_count()} cores, {platform.system()} "
          f"(Python {platform.python_version()}), {date.today().isoformat()}, load average "
          f"{os.getloadavg()[0]:.1f} at the start.")
    print("Command: `python bench/web.py" + (f" --only {args.only}" if args.only else "")
          + ("` (`--no-browser`)" if args.no_browser else "`"))
    stores: list[tuple[str, Callable[[Path], tuple[Settings, Warehouse, int]],
                       dict[str, str], int, str]] = [
        ("demo", prepare_demo_store, DEMO_PAGES, 50,
         "/indicators/CNTT_TY_LE_HO_SO_TRUC_TUYEN"),
        ("national", prepare_national, NATIONAL_PAGES, 150, f"/indicators/I000?period={YEAR}"),
    ]
    for name, prepare, pages, goal, chart_page in stores:
        if args.only and args.only != name:
            continue
        started = time.perf_counter()
        folder = work / name
        folder.mkdir()
        settings, warehouse, values = prepare(folder)
        print(f"\nprepared the {name} store ({values:,} values) in "
              f"{time.perf_counter() - started:.0f} s", flush=True)
        report(f"### {name} store", server_side(settings, warehouse, pages), goal)
        if not args.no_browser:
            shown = browser(settings, warehouse, chart_page)
            print("\n| in the browser (chromium, loopback) | median (ms) |")
            print("|---|---:|")
            for label, ms in shown.items():
                print(f"| {label} | {ms:.0f} |")
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
