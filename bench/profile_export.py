"""Where the CSV export's time goes, part by part, on a store kept by `bench/exchange.py`.

    python bench/exchange.py --export-only --store /tmp/x.sqlite3   # builds the store once
    python bench/profile_export.py --store /tmp/x.sqlite3 [--values N] [--repeat 3]

Times, best of `--repeat`, the wall and CPU time of: reading the stored columns as Arrow
batches alone (`store.export_arrow`); making the CSV bytes of batches already read
(`exchange.csv_columns`), to a sink that keeps nothing, then into a temporary file; the
whole export through `export_to` (checks, both steps overlapping, the audit event); and
the first export in a fresh process, which also pays for importing DuckDB and the ADBC
driver. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from fansipan.domain.access import Principal  # noqa: E402
from fansipan.services.exchange.exports import ExportFormat, ExportQuery, export_to  # noqa: E402
from fansipan.store.engine import make_engine, make_session_factory  # noqa: E402
from fansipan.store.export_sql import Filters  # noqa: E402


class Sink:
    """An output that counts the bytes and keeps none."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: Any) -> int:
        self.size += len(memoryview(data))
        return len(memoryview(data))


def best(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """The best wall time of `repeat` runs, with that run's CPU time (every thread)."""
    timed = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        timed.append((time.perf_counter() - wall, time.process_time() - cpu))
    return min(timed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--first", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = f"sqlite:///{args.store.resolve()}"
    engine = make_engine(url)
    session = make_session_factory(engine)()

    def export(out: IO[bytes] | Sink) -> int:
        return export_to(session=session, principal=Principal.system("bench"),
                         query=ExportQuery(limit=args.values), fmt=ExportFormat.CSV,
                         out=out)  # type: ignore[arg-type]

    if args.first:  # in a process of its own: the first export pays for the imports
        wall, cpu = best(1, lambda: export(Sink()))
        print(f"{wall:.3f} {cpu:.3f}")
        return
    from fansipan.exchange.csv_columns import write_csv_columns
    from fansipan.store.export_arrow import stored_rows

    export(Sink())  # the imports, once
    filters = Filters(limit=args.values)
    kept: list[Any] = []

    def read() -> None:
        with stored_rows(args.store.resolve(), filters) as stored:
            kept[:] = [stored.indicators, stored.units, list(stored.batches)]

    print(f"Load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    parts: list[tuple[str, tuple[float, float]]] = [("reading the stored columns (Arrow)",
                                                     best(args.repeat, read))]
    indicators, units, batches = kept
    parts.append(("making the CSV bytes of batches read, to a sink that keeps nothing",
                  best(args.repeat, lambda: write_csv_columns(batches, indicators, units,
                                                              Sink()))))

    def into_file() -> None:
        with tempfile.TemporaryFile() as out:
            write_csv_columns(batches, indicators, units, out)

    parts.append(("the same, into a temporary file", best(args.repeat, into_file)))
    parts.append(("the whole export (`export_to`), to a sink",
                  best(args.repeat, lambda: export(Sink()))))

    def into_file_whole() -> None:
        with tempfile.TemporaryFile() as out:
            export(out)

    parts.append(("the whole export, into a temporary file", best(args.repeat, into_file_whole)))
    first = subprocess.run([sys.executable, __file__, "--store", str(args.store), "--values",
                            str(args.values), "--first"], capture_output=True, text=True,
                           check=True).stdout.split()
    parts.append(("the first export of a fresh process, to a sink (imports included)",
                  (float(first[0]), float(first[1]))))
    session.close()
    engine.dispose()
    print(f"Load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print()
    print(f"| part ({args.values:,} values, best of {args.repeat}) | wall | CPU |")
    print("|---|---:|---:|")
    for name, (wall, cpu) in parts:
        print(f"| {name} | {wall:.2f} s | {cpu:.2f} s |")


if __name__ == "__main__":
    main()
