"""Absorbing changed values into the analytics engine: `Warehouse.sync` alone.

    python bench/absorb.py [--size 4m|40m] [--rounds 3]

Builds the national dataset of `bench/analytics.py`, loads it, asks Q1–Q5 once (so the
engine keeps cells and month rollups, as a running server does), then writes 9,990
updated values through the ordinary service and times how long the engine takes to
absorb them, `--rounds` times. Prints each round and the median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from bench.analytics import (  # noqa: E402
    COMMUNES,
    MONTHS,
    SIZES,
    build_store,
    changed_keys,
    drop_keys,
    generate_facts,
    month_periods,
    queries,
)
from fansipan.analytics.engines import make_analytics_engine  # noqa: E402
from fansipan.analytics.warehouse import Warehouse  # noqa: E402
from fansipan.services.insight.analytics import run_analytics  # noqa: E402
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="4m")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    work = Path(tempfile.mkdtemp(prefix="fansipan-absorb-"))
    session, world = build_store(work / "store.sqlite3", SIZES[args.size])
    facts = generate_facts(world)
    keys = changed_keys(world)
    months = month_periods()
    seen: set[tuple[int, int, int]] = set()
    items = []
    for i, c, m in zip(*(k.tolist() for k in keys), strict=True):
        if (i, c, m) not in seen:
            seen.add((i, c, m))
            value = float(facts.column("value")[(i * COMMUNES + c) * MONTHS + m].as_py())
            items.append(DataValueWrite(indicator=world.indicator_codes[i],
                                        unit=world.commune_codes[c], period=months[m].id,
                                        value=value))
    write_values(session=session, items=items, actor="bench", source="bench")
    warehouse = Warehouse(make_analytics_engine(kind="duckdb"))
    warehouse.load_facts(drop_keys(facts, world, keys), last_change=0)
    warehouse.sync(session)
    for request in queries(world).values():
        run_analytics(session=session, warehouse=warehouse, request=request)
    times = []
    for round_ in range(1, args.rounds + 1):
        write_values(session=session, actor="bench", source="bench", items=[
            it.model_copy(update={"value": float(it.value or 0) + round_}) for it in items])
        start = time.perf_counter()
        absorbed = warehouse.sync(session)
        times.append((time.perf_counter() - start) * 1000)
        print(f"round {round_}: absorbed {absorbed:,} changed values in {times[-1]:.0f} ms",
              flush=True)
    print(f"median: {statistics.median(times):.0f} ms (goal ≤ 100 ms), {facts.num_rows:,} "
          f"values, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
