"""Where a bulk CSV import and `audit verify` spend their time (the standard library's
profiler, so it runs wherever the suite runs).

    python bench/profile_import.py --values 120000            # staged: more than one chunk
    python bench/profile_import.py --values 200000 --steps    # CPU time of each step

Builds the synthetic store of `bench/exchange.py`, writes its CSV, imports it through the
one write path, verifies the audit chain, and prints the functions with the most
cumulative time. Profiling slows pure-Python parts more than the database's own work:
read the shares, not the rates. `--steps` profiles nothing: it times the import's steps
by the CPU time of the thread that runs them (checking runs on a helper thread beside
staging), so the shares hold on a machine that others share too.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.analytics import COMMUNES  # noqa: E402
from bench.exchange import csv_import, store, write_csv  # noqa: E402
from fansipan.services.trust.audit import verify_chain  # noqa: E402
from fansipan.store.engine import make_engine, make_session_factory  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=120_000)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--steps", action="store_true",
                        help="CPU time of each step of the import, no profiler")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        folder = Path(tmp)
        n_ind = -(-args.values // (COMMUNES * 60))
        url = store(folder, n_ind)
        path = folder / "values.csv"
        write_csv(path, args.values, n_ind)
        if args.steps:
            steps(url, path)
            return
        for name, work in (("import", lambda: csv_import(url, path, verify=False)),
                           ("audit verify", lambda: _verify(url))):
            profile = cProfile.Profile()
            started, cpu = time.perf_counter(), time.process_time()
            profile.runcall(work)
            print(f"== {name}: {time.perf_counter() - started:.1f} s wall, "
                  f"{time.process_time() - cpu:.1f} s CPU")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


# The steps timed by --steps: (owner, function, what it does). Nested steps are inside
# the ones above them; the rest of the import's CPU time is reading the CSV (on the
# helper thread, between its checks), the stage loop and bookkeeping.
def _step_list() -> list[tuple[Any, str, str]]:
    from fansipan.services.warehouse import staging, writes
    from fansipan.store import bulk, stage

    return [
        (writes.ValueWriter, "__enter__", "loading the catalogue and scope"),
        (writes.ValueWriter, "check", "checking the rows (RowChecker)"),
        (staging.StagedWrite, "_stage", "staging (all)"),
        (writes.ValueWriter, "unlocked", "  staging: locked periods"),
        (bulk, "find_existing", "  staging: comparing with the store"),
        (stage, "add_rows", "  staging: inserting into the stage"),
        (staging.StagedWrite, "_finish", "applying (all, with the commit)"),
        (stage, "apply_creates", "  applying: numbering and inserting the values"),
        (bulk, "insert_created_changes", "  applying: their change rows"),
        (staging.StagedWrite, "_audit", "  applying: audit digests and events"),
        (stage, "change_rows", "    audit: change rows read back"),
    ]


def steps(url: str, path: Path) -> None:
    cpu: defaultdict[str, float] = defaultdict(float)

    def timed(fn: Callable[..., Any], label: str) -> Callable[..., Any]:
        @functools.wraps(fn)
        def inner(*a: Any, **k: Any) -> Any:
            started = time.thread_time()
            try:
                return fn(*a, **k)
            finally:
                cpu[label] += time.thread_time() - started
        return inner

    for owner, name, label in _step_list():
        setattr(owner, name, timed(getattr(owner, name), label))
    used = time.process_time()
    elapsed, imported, _ok = csv_import(url, path, verify=False)
    total = time.process_time() - used
    print(f"== import of {imported:,} values: {elapsed:.2f} s wall "
          f"({imported / elapsed:,.0f} values/s), {total:.2f} s CPU; load average "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("| step | CPU s | share of the import's CPU |")
    print("|---|---:|---:|")
    for _owner, _name, label in _step_list():
        print(f"| {label.strip()} | {cpu[label]:.2f} | {cpu[label] / total:.0%} |")


def _verify(url: str) -> None:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        assert verify_chain(session=session).ok
    engine.dispose()


if __name__ == "__main__":
    main()
