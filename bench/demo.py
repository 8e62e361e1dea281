"""Benchmark of `fansipan demo`'s load: the illustrative dataset into a fresh store.

    python bench/demo.py             # three fresh SQLite stores, one after another
    python bench/demo.py --runs 5

Each run makes a fresh store (schema, reference data) in a temporary folder, then times
the demo load alone (`load_demo_data`: generating the values, writing them through the
ordinary write service, setting the targets and checking 2021's outcome), in wall-clock
and CPU seconds; the store preparation is timed apart. Prints Markdown for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from fansipan.demo.dataset import load_demo_data  # noqa: E402
from fansipan.services.warehouse.reference import load_reference_data  # noqa: E402
from fansipan.store.engine import make_engine, make_session_factory  # noqa: E402
from fansipan.store.migrate import upgrade_store  # noqa: E402


def one_run(folder: Path, today: date) -> dict[str, float]:
    engine = make_engine(f"sqlite:///{folder}/demo.sqlite3")
    try:
        started = time.perf_counter()
        upgrade_store(engine)
        with make_session_factory(engine)() as session:
            load_reference_data(session=session)
            prepared = time.perf_counter() - started
            wall, cpu = time.perf_counter(), time.process_time()
            summary = load_demo_data(session=session, today=today)
            return {"prepare": prepared, "wall": time.perf_counter() - wall,
                    "cpu": time.process_time() - cpu, "values": summary.values,
                    "targets": summary.targets}
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    args = parser.parse_args()
    runs = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            runs.append(one_run(Path(folder), args.today))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}, {date.today():%Y-%m-%d}, load average "
          f"{load:.1f} at the end. Command: `python bench/demo.py --runs {args.runs}` "
          f"(today = {args.today}).\n")
    print("| | median | runs |")
    print("|---|---:|---|")
    for key, label in (("values", "values written"), ("targets", "targets set"),
                       ("prepare", "schema + reference data (s)"),
                       ("wall", "demo load, wall clock (s)"), ("cpu", "demo load, CPU (s)")):
        values = [r[key] for r in runs]
        whole = key in ("values", "targets")
        shown = ", ".join(f"{v:,.0f}" if whole else f"{v:.1f}" for v in values)
        median = statistics.median(values)
        print(f"| {label} | {median:,.0f} | {shown} |" if whole
              else f"| {label} | {median:.1f} | {shown} |")


if __name__ == "__main__":
    main()
