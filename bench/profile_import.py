"""Where a bulk CSV import and `audit verify` spend their time (the standard library's
profiler, so it runs wherever the suite runs).

    python bench/profile_import.py --values 120000       # staged: more than one chunk

Builds the synthetic store of `bench/exchange.py`, writes its CSV, imports it through the
one write path, verifies the audit chain, and prints the functions with the most
cumulative time. Profiling slows pure-Python parts more than the database's own work:
read the shares, not the rates.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        folder = Path(tmp)
        n_ind = -(-args.values // (COMMUNES * 60))
        url = store(folder, n_ind)
        path = folder / "values.csv"
        write_csv(path, args.values, n_ind)
        for name, work in (("import", lambda: csv_import(url, path, verify=False)),
                           ("audit verify", lambda: _verify(url))):
            profile = cProfile.Profile()
            started, cpu = time.perf_counter(), time.process_time()
            profile.runcall(work)
            print(f"== {name}: {time.perf_counter() - started:.1f} s wall, "
                  f"{time.process_time() - cpu:.1f} s CPU")
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)


def _verify(url: str) -> None:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        assert verify_chain(session=session).ok
    engine.dispose()


if __name__ == "__main__":
    main()
