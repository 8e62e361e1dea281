"""Benchmark of the exchange hub: bulk imports, the JSON API, memory on a 5M-value file,
CSV export.

    python bench/exchange.py                  # 1M-value CSV import, export, JSON API, 5M file
    python bench/exchange.py --values 200000 --big 1000000   # a quicker run
    python bench/exchange.py --big-only       # the 5M file: import and audit verify memory
    python bench/exchange.py --export-only --store /tmp/x.sqlite3   # the CSV export alone

With `--store PATH` the 1M store is kept there, and a later run with the same path skips
building and importing it. `--export-only` times the CSV export alone (best of
`--repeat`), through the export's own path and through the row-by-row path it falls
back to, on the same store in the same run.

Synthetic national dataset with a fixed seed (the one of bench/analytics.py: 34 provinces,
3,300 communes, months from 2021-01), in a real SQLite store migrated by Alembic. Every
import goes through the one write path (`services.imports.run_import` → `ValueWriter`):
every row checked against the catalogue, numbered changes, one audit event per chunk
with the digest of its changes, committed with `synchronous=FULL`. The audit chain is
verified after the 1M import. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench.analytics import COMMUNES, build_store  # noqa: E402
from fansipan.domain.access import Principal, Role  # noqa: E402
from fansipan.services.exchange.exports import (  # noqa: E402
    ExportFormat,
    ExportQuery,
    export_batches,
    export_to,
    prepare_export,
    write_export,
)
from fansipan.services.exchange.imports import ImportOptions, run_import  # noqa: E402
from fansipan.services.trust.audit import verify_chain  # noqa: E402
from fansipan.store.engine import make_engine, make_session_factory  # noqa: E402
from fansipan.store.migrate import upgrade_store  # noqa: E402

FIRST_YEAR = 2021


def months(n: int) -> list[str]:
    return [f"{FIRST_YEAR + m // 12}-{m % 12 + 1:02d}" for m in range(n)]


def write_csv(path: Path, values: int, n_ind: int) -> int:
    """indicator;unit;period;value lines (semicolons, Vietnamese headers, a BOM)."""
    per_indicator = -(-values // n_ind)
    n_months = -(-per_indicator // COMMUNES)
    periods = months(n_months)
    written = 0
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("Mã chỉ tiêu;Mã đơn vị;Kỳ;Giá trị\n")
        for i in range(n_ind):
            code = f"I{i:03d}"
            lines = []
            for p in periods:
                for c in range(COMMUNES):
                    if written >= values:
                        break
                    lines.append(f"{code};C{c:05d};{p};{(written * 7919) % 100000 / 100}\n")
                    written += 1
            f.write("".join(lines))
    return written


def store(folder: Path, n_ind: int) -> str:
    path = folder / "bench.sqlite3"
    session, _world = build_store(path, n_ind)
    session.close()
    session.get_bind().dispose()  # type: ignore[union-attr]
    return f"sqlite:///{path}"


def csv_import(url: str, path: Path, verify: bool = True) -> tuple[float, int, bool]:
    engine = make_engine(url)
    factory = make_session_factory(engine)
    with factory() as session:
        started = time.perf_counter()
        summary = run_import(session=session, path=path, options=ImportOptions(),
                             actor="bench")
        elapsed = time.perf_counter() - started
        assert summary.status.value == "SUCCESS", summary.conflicts[:3]
        # Verifying walks every change of the store: done for the 1M run, not inside the
        # process whose peak memory measures the 5M import.
        ok = verify_chain(session=session).ok if verify else False
    engine.dispose()
    return elapsed, summary.import_count.imported, ok


def csv_export(url: str, values: int, *, rows_only: bool = False) -> tuple[float, int]:
    """One CSV export of `values` values; `rows_only` takes the row-by-row path (the
    driver's cursor and `csv.writer`) the export falls back to."""
    elapsed, _cpu, rows = timed_export(url, values, rows_only=rows_only)
    return elapsed, rows


def timed_export(url: str, values: int, *, rows_only: bool = False
                 ) -> tuple[float, float, int]:
    """Wall time, this process's CPU time (every thread) and rows of one CSV export."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session, tempfile.TemporaryFile() as out:
        started, cpu = time.perf_counter(), time.process_time()
        if rows_only:
            filters = prepare_export(session=session, principal=Principal.system("bench"),
                                     query=ExportQuery(limit=values))
            rows = write_export(ExportFormat.CSV,
                                export_batches(session=session, filters=filters), out)
        else:
            rows = export_to(session=session, principal=Principal.system("bench"),
                             query=ExportQuery(limit=values), fmt=ExportFormat.CSV, out=out)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    return elapsed, cpu, rows


def kept_store(path: Path, values: int) -> str:
    """A store of `values` imported values at `path`, built and imported only once (and
    migrated to the code's schema when it is reused)."""
    url = f"sqlite:///{path}"
    if path.exists():
        with sqlite3.connect(path) as db:
            (count,) = db.execute("SELECT count(*) FROM data_values").fetchone()
        if count >= values:
            engine = make_engine(url)
            upgrade_store(engine)
            engine.dispose()
            return url
        raise SystemExit(f"{path} holds {count:,} values, fewer than {values:,}: remove it")
    n_ind = -(-values // (COMMUNES * 60))
    path.parent.mkdir(parents=True, exist_ok=True)
    url = store(path.parent, n_ind)
    if Path(url.removeprefix("sqlite:///")) != path:
        Path(url.removeprefix("sqlite:///")).rename(path)
        url = f"sqlite:///{path}"
    csv_path = path.with_suffix(".csv")
    write_csv(csv_path, values, n_ind)
    csv_import(url, csv_path, verify=False)
    csv_path.unlink()
    return url


def export_only(url: str, values: int, repeat: int) -> list[tuple[str, str, str]]:
    """The CSV export through its own path and row by row, taking turns, `repeat` times
    each; the best wall time of each, and the CPU time it took (on a shared machine the
    CPU time says more about the code than the wall time does)."""
    timed: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    exported = 0
    for _ in range(repeat):
        for rows_only in (False, True):
            elapsed, cpu, exported = timed_export(url, values, rows_only=rows_only)
            timed[rows_only].append((elapsed, cpu))
            print(f"{'row by row' if rows_only else 'the export'}: {elapsed:.2f} s wall, "
                  f"{cpu:.2f} s CPU, load average {os.getloadavg()[0]:.2f}", flush=True)
    rows: list[tuple[str, str, str]] = []
    for label, rows_only in (("the export's path", False), ("row by row", True)):
        wall, cpu = min(timed[rows_only])
        rows.append((f"CSV export, {exported:,} values ({label}, best of {repeat})",
                     f"{exported / wall:,.0f} values/s ({wall:.2f} s wall, {cpu:.2f} s CPU; "
                     f"all: {', '.join(f'{w:.2f}' for w, _c in timed[rows_only])} s)",
                     "≥ 1,000,000 values/s"))
    return rows


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def json_api(url: str, folder: Path, values: int, batch: int) -> tuple[float, int]:
    """POST /api/v1/imports with JSON bodies to a real server on loopback."""
    import uvicorn
    from tests.support.accounts import make_account

    from fansipan.api.app import create_app
    from fansipan.settings import Settings

    settings = Settings(data_dir=folder, database_url=url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        account = make_account(session, settings, Role.OFFICER, username="bench")
    engine.dispose()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    periods = months(-(-values // COMMUNES))
    items = [{"indicator": "I000", "unit": f"C{c:05d}", "period": p, "value": (n % 1000) / 10}
             for n, (p, c) in enumerate((p, c) for p in periods for c in range(COMMUNES))]
    items = items[:values]
    bodies = [json.dumps({"values": items[s:s + batch]}).encode()
              for s in range(0, len(items), batch)]
    started = time.perf_counter()
    imported = 0
    for body in bodies:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/imports", data=body, method="POST",
            headers={**account.headers, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as answer:  # noqa: S310 - loopback
            imported += json.loads(answer.read())["import_count"]["imported"]
    elapsed = time.perf_counter() - started
    server.should_exit = True
    thread.join(timeout=10)
    return elapsed, imported


def peak_resident_mb() -> float:
    """This process's own peak resident size. Not `ru_maxrss`: a child started by
    `subprocess` (vfork, then exec) inherits its parent's high-water mark there, so a
    child of a big parent would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_import(url: str, path: str) -> None:
    """Run in a subprocess, so its peak resident size is the import's alone."""
    elapsed, imported, _ok = csv_import(url, Path(path), verify=False)
    print(json.dumps({"elapsed": elapsed, "imported": imported,
                      "peak_mb": peak_resident_mb()}))


def child_verify(url: str) -> None:
    """Run in a subprocess: `fansipan audit verify` of the whole store, its peak memory."""
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        started = time.perf_counter()
        report = verify_chain(session=session)
        elapsed = time.perf_counter() - started
    engine.dispose()
    print(json.dumps({"elapsed": elapsed, "ok": report.ok, "changes": report.changes_covered,
                      "peak_mb": peak_resident_mb()}))


def big_import(folder: Path, values: int) -> dict[str, float]:
    n_ind = -(-values // (COMMUNES * 60))
    url = store(folder, n_ind)
    path = folder / "big.csv"
    write_csv(path, values, n_ind)
    size = path.stat().st_size
    done = subprocess.run([sys.executable, __file__, "--child", url, str(path)],
                          capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    result["file_mb"] = size / 2**20
    checked = subprocess.run([sys.executable, __file__, "--child-verify", url],
                             capture_output=True, text=True, check=True)
    verified = json.loads(checked.stdout.strip().splitlines()[-1])
    assert verified["ok"] and verified["changes"] == result["imported"], verified
    result["verify_mb"], result["verify_s"] = verified["peak_mb"], verified["elapsed"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=5_000_000)
    parser.add_argument("--api-values", type=int, default=200_000)
    parser.add_argument("--api-batch", type=int, default=50_000)
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--child-verify")
    parser.add_argument("--big-only", action="store_true", help="Only the 5M-value file")
    parser.add_argument("--store", type=Path, help="Keep the 1M store here (and reuse it)")
    parser.add_argument("--export-only", action="store_true", help="Only the CSV export")
    parser.add_argument("--repeat", type=int, default=3, help="Exports timed (--export-only)")
    args = parser.parse_args()
    if args.child:
        child_import(*args.child)
        return
    if args.child_verify:
        child_verify(args.child_verify)
        return
    print(f"Machine: {os.cpu_count()} cores, {platform.platform()}, Python "
          f"{platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}", flush=True)
    print(f"Load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    rows: list[tuple[str, str, str]] = []
    if args.export_only:
        if args.store is None:
            raise SystemExit("--export-only needs --store PATH (built there on first use)")
        rows = export_only(kept_store(args.store.resolve(), args.values), args.values,
                           args.repeat)
        print()
        print("| measure | result | goal |")
        print("|---|---|---|")
        for measure, result, goal in rows:
            print(f"| {measure} | {result} | {goal} |")
        return
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        folder = Path(tmp)
        if args.big_only:
            big = big_import(folder, args.big)
            rate = big["imported"] / big["elapsed"]
            print(f"| CSV import of {args.big:,} values ({big['file_mb']:.0f} MB file), peak "
                  f"resident memory | {big['peak_mb']:,.0f} MB ({rate:,.0f} values/s) "
                  "| < 400 MB |")
            print(f"| `audit verify` of those {args.big:,} values, peak resident memory | "
                  f"{big['verify_mb']:,.0f} MB ({big['verify_s']:.1f} s) | < 300 MB |")
            return
        n_ind = -(-args.values // (COMMUNES * 60))
        url = store(folder, n_ind)
        path = folder / "values.csv"
        written = write_csv(path, args.values, n_ind)
        elapsed, imported, audit_ok = csv_import(url, path)
        rate = imported / elapsed
        rows.append((f"CSV import into SQLite, {written:,} values, validated and audited "
                     f"(chain verified: {audit_ok})", f"{rate:,.0f} values/s ({elapsed:.1f} s)",
                     "≥ 150,000 values/s"))
        print(rows[-1], flush=True)
        elapsed, exported = csv_export(url, args.values)
        rows.append((f"CSV export, {exported:,} values", f"{exported / elapsed:,.0f} values/s "
                     f"({elapsed:.2f} s)", "≥ 1,000,000 values/s"))
        print(rows[-1], flush=True)
        api_folder = folder / "api"
        api_folder.mkdir()
        api_url = store(api_folder, 1)
        elapsed, imported = json_api(api_url, api_folder, args.api_values, args.api_batch)
        rows.append((f"JSON API import over HTTP (POST /api/v1/imports, {args.api_batch:,} "
                     f"values a request), {imported:,} values",
                     f"{imported / elapsed:,.0f} values/s ({elapsed:.1f} s)",
                     "≥ 30,000 values/s"))
        print(rows[-1], flush=True)
        big_folder = folder / "big"
        big_folder.mkdir()
        big = big_import(big_folder, args.big)
        rows.append((f"CSV import of {args.big:,} values ({big['file_mb']:.0f} MB file), "
                     "peak resident memory of the importing process",
                     f"{big['peak_mb']:,.0f} MB ({big['imported'] / big['elapsed']:,.0f} "
                     f"values/s)", "< 400 MB"))
        rows.append((f"`audit verify` of those {args.big:,} values, peak resident memory",
                     f"{big['verify_mb']:,.0f} MB ({big['verify_s']:.1f} s)", "< 300 MB"))
        print(rows[-2:], flush=True)
    print()
    print("| measure | result | goal |")
    print("|---|---|---|")
    for measure, result, goal in rows:
        print(f"| {measure} | {result} | {goal} |")


if __name__ == "__main__":
    main()
