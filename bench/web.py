"""Benchmark of the dashboard's pages on the 4M-value national dataset.

    python bench/web.py                 # server-side render times, then the browser
    python bench/web.py --no-browser    # server-side only

Builds the synthetic national store of `bench/analytics.py` (34 provinces, 3,300
communes, 60 months, 20 indicators ≈ 4M values; its builders are reused), marks the
indicators public and sets a year of targets. Server side: each page is asked through
the whole application (middleware, sign-in resolution, services, templates) in
process, median of 20 after a warm-up. Browser: a real server on loopback and Debian's
chromium; the overview's load time (navigation start to the load event, every asset
fetched from an empty cache) and the indicator page's time until its chart is drawn.
Prints Markdown for docs/benchmarks.md.
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
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import update  # noqa: E402

from bench.analytics import (  # noqa: E402
    COMMUNES,
    MONTHS,
    SIZES,
    build_store,
    changed_keys,
    drop_keys,
    generate_facts,
    month_periods,
)
from fansipan.analytics.warehouse import Warehouse  # noqa: E402
from fansipan.api.app import create_app  # noqa: E402
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values  # noqa: E402
from fansipan.services.warehouse.targets import TargetWrite, set_target  # noqa: E402
from fansipan.settings import Settings  # noqa: E402
from fansipan.store.tables import IndicatorRow  # noqa: E402

REPEAT = 20
YEAR = 2025  # the synthetic data's last full year
PAGES = {
    "overview `/` (this year: no targets yet)": "/",
    f"overview of {YEAR} (10 targets evaluated)": f"/?year={YEAR}",
    "overview as CSV `/overview.csv`": "/overview.csv",
    "indicator, country → 34 provinces": f"/indicators/I000?period={YEAR}",
    "indicator, province → its communes": f"/indicators/I000?period={YEAR}&unit=P05",
    "indicator table as XLSX": f"/indicators/I000.xlsx?period={YEAR}&unit=P05",
    "unit page (every indicator, ranks)": f"/units/P05?period={YEAR}",
    "sector page": f"/sectors/bench?year={YEAR}",
    "targets page": f"/targets?year={YEAR}",
    "wall screen": f"/wall?year={YEAR}",
}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def prepare(work: Path) -> tuple[Settings, Warehouse, int]:
    session, world = build_store(work / "store.sqlite3", SIZES["4m"])
    facts = generate_facts(world)
    keys = changed_keys(world)
    base = drop_keys(facts, world, keys)
    months = month_periods()
    ind, com, mon = keys
    seen: set[tuple[int, int, int]] = set()
    items = []
    for i, c, m in zip(ind.tolist(), com.tolist(), mon.tolist(), strict=True):
        if (i, c, m) not in seen:
            seen.add((i, c, m))
            flat = (i * COMMUNES + c) * MONTHS + m
            items.append(DataValueWrite(indicator=world.indicator_codes[i],
                                        unit=world.commune_codes[c], period=months[m].id,
                                        value=float(facts.column("value")[flat].as_py())))
    write_values(session=session, items=items, actor="bench", source="bench")
    values = facts.num_rows
    del facts
    for code in world.indicator_codes[:10]:
        set_target(session=session, actor="bench", data=TargetWrite(
            indicator=code, unit="VN", period=str(YEAR), planned=1.0, document="bench"))
    with session.begin():
        session.execute(update(IndicatorRow).values(public=True))
    session.close()
    warehouse = Warehouse()
    warehouse.load_facts(base, last_change=0)
    settings = Settings(data_dir=work, database_url=f"sqlite:///{work / 'store.sqlite3'}")
    return settings, warehouse, values


def server_side(settings: Settings, warehouse: Warehouse) -> dict[str, float]:
    app = create_app(settings)
    app.state.warehouse = warehouse
    out: dict[str, float] = {}
    with TestClient(app) as client:
        for name, path in PAGES.items():
            first = client.get(path)
            assert first.status_code == 200, (path, first.text[:300])
            times = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                r = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
                assert r.status_code == 200
            out[name] = statistics.median(times)
    app.state.engine.dispose()
    return out


def browser(settings: Settings, warehouse: Warehouse) -> dict[str, float]:
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
                page.goto(f"{url}/indicators/I000?period={YEAR}")
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    work = Path(tempfile.mkdtemp(prefix="fansipan-bench-web-"))
    print(f"# web benchmark, data in {work}", flush=True)
    started = time.perf_counter()
    settings, warehouse, values = prepare(work)
    print(f"prepared {values:,} values in {time.perf_counter() - started:.0f} s", flush=True)
    pages = server_side(settings, warehouse)
    print(f"\nMachine: {os.cpu_count()} cores, {platform.system()} "
          f"(Python {platform.python_version()}), {date.today().isoformat()}.")
    print("Command: `python bench/web.py`\n")
    print("| page (server side, in process) | median (ms) | goal (ms) |")
    print("|---|---:|---:|")
    for name, ms in pages.items():
        print(f"| {name} | {ms:.1f} | ≤ 150 |")
    if not args.no_browser:
        shown = browser(settings, warehouse)
        print("\n| in the browser (chromium, loopback) | median (ms) | goal (ms) |")
        print("|---|---:|---:|")
        for name, ms in shown.items():
            goal = "≤ 1,500" if name.startswith("overview") else ""
            print(f"| {name} | {ms:.0f} | {goal} |")


if __name__ == "__main__":
    main()
