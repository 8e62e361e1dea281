"""Benchmark: one new value → its series' forecasts, odds and alerts, through the service.

    python bench/foresight_refresh.py [--repeat 10]

A fresh SQLite store with the reference data, five years of monthly dossiers for twenty
communes of the new province, a 2026 target on one of them and three alert rules
(threshold, target at risk, outlier). Then, `--repeat` times, one new value for that
commune is written through the write path and `Refresher.run` is timed: the outlier check
of the value, the forecasts of every series holding it (the commune and the province, and
the derived online share), the odds of the target, the rules' watchers and the queued
messages. Prints the wall-clock times and the process's CPU time (which the other work on
a shared machine inflates far less) for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.alerts import Operator, RuleKind
from fansipan.services.catalog import load_catalog
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.foresight.rules import AlertRuleWrite, create_rule
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.reference import load_reference_data
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.settings import Settings
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.migrate import upgrade_store

INDICATOR = "CNTT_HO_SO_TRUC_TUYEN"
TODAY = date(2026, 1, 20)


def series(rng: random.Random, n: int) -> list[float]:
    level = rng.uniform(50, 400)
    return [round((level + m) * (1 + 0.2 * math.sin(2 * math.pi * m / 12))
                  * (1 + rng.gauss(0, 0.05))) for m in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade_store(engine)
    factory = make_session_factory(engine)
    system = Principal.system("bench")
    with factory() as s:
        load_reference_data(session=s)
    with factory() as s, s.begin():
        catalog = load_catalog(s)
        province = catalog.hierarchy.find("15", TODAY)
        communes = [u for u in catalog.hierarchy.descendants(province.id, TODAY)
                    if u.level.value == "commune"][:20]
    rng = random.Random(7)
    months = [f"{2021 + m // 12}-{m % 12 + 1:02d}" for m in range(60)]
    with factory() as s:
        # Xã Bát Xát (02683) has five years: the code named the old town until June 2025.
        # The other communes add their months since the merger to the province's series.
        write_values(session=s, actor="bench", source="bench", items=[
            DataValueWrite(indicator=INDICATOR, unit="02683", period=p, value=v)
            for p, v in zip(months, series(rng, 60), strict=True)])
        for u in communes:
            if u.code == "02683":
                continue
            write_values(session=s, actor="bench", source="bench", items=[
                DataValueWrite(indicator=INDICATOR, unit=u.code, period=p, value=v)
                for p, v in zip(months, series(rng, 60), strict=True) if p >= "2025-07"])
    chosen = catalog.hierarchy.find("02683", TODAY)
    with factory() as s:
        set_target(session=s, actor="bench", data=TargetWrite(
            indicator=INDICATOR, unit=chosen.code, period="2026", planned=2000))
        for data in (
            AlertRuleWrite(name="ngưỡng", kind=RuleKind.THRESHOLD, indicator=INDICATOR,
                           operator=Operator.GT, threshold=10_000),
            AlertRuleWrite(name="kế hoạch", kind=RuleKind.TARGET_AT_RISK),
            AlertRuleWrite(name="bất thường", kind=RuleKind.OUTLIER),
        ):
            create_rule(session=s, principal=system, data=data)
    refresher = Refresher(factory, Warehouse(), Settings(data_dir=folder, database_url=url,
                                                         foresight_worker=False))
    started = time.perf_counter()
    first = refresher.run(today=TODAY)
    warm = time.perf_counter() - started
    times, cpu = [], []
    for n in range(args.repeat):
        with factory() as s:
            write_values(session=s, actor="bench", source="bench", items=[DataValueWrite(
                indicator=INDICATOR, unit=chosen.code, period="2026-01", value=150 + n)])
        started, cpu_started = time.perf_counter(), time.process_time()
        report = refresher.run(today=TODAY)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    engine.dispose()
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; other work was running (load "
          f"{os.getloadavg()[0]:.1f}).")
    print(f"First refresh of the loaded history ({first.changes} changes, {first.series} "
          f"series): {warm:.2f} s")
    print(f"One new value, {args.repeat} times: median {statistics.median(times):.3f} s, "
          f"max {max(times):.3f} s; last run: {report.series} series, {report.forecasts} "
          f"forecasts, {report.odds} odds, {report.values_checked} value checked")
    # CPU time of this process: what the other work on the machine does not inflate much
    # (SQLite runs in the process; one BLAS thread).
    print(f"CPU time of one new value: median {statistics.median(cpu):.3f} s, "
          f"max {max(cpu):.3f} s")


if __name__ == "__main__":
    main()
