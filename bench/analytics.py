"""Benchmark of the analytics engine at national scale, against a DHIS2-style table.

    python bench/analytics.py --size 4m          # ~4M values (20 indicators)
    python bench/analytics.py --size 40m         # ~40M values (200 indicators)
    python bench/analytics.py --size 4m --no-postgres

The dataset is synthetic with a fixed seed: 34 provinces, 3,300 communes, 60 months
(2021-01 … 2025-12). Unit and indicator metadata live in a real SQLite store; the
values are loaded straight into the engine (the store would take hours to fill at
40M), and 10,000 of them are written through the service afterwards to measure
freshness and the cost of absorbing changes. Every query goes through
`services.analytics.run_analytics`, as the API's does. The same queries run on a
DHIS2-style PostgreSQL analytics table (one row per value, a column per hierarchy
level and per period type, partitioned by year, indexed) and the answers are
checked equal. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from sqlalchemy import insert  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from fansipan.analytics.engines import make_analytics_engine  # noqa: E402
from fansipan.analytics.warehouse import FACT_SCHEMA, Warehouse  # noqa: E402
from fansipan.domain.periods import Period, PeriodType  # noqa: E402
from fansipan.services.insight.analytics import (  # noqa: E402
    AnalyticsRequest,
    AnalyticsResult,
    run_analytics,
)
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values  # noqa: E402
from fansipan.store.engine import make_engine, make_session_factory  # noqa: E402
from fansipan.store.migrate import upgrade_store  # noqa: E402
from fansipan.store.tables import (  # noqa: E402
    IndicatorRow,
    SectorRow,
    UnitParentRow,
    UnitRow,
)

SEED = 2022
PROVINCES = 34
COMMUNES = 3300
MONTHS = 60
FIRST_YEAR = 2021
SIZES = {"4m": 20, "40m": 200}  # indicators; values = 3,300 × 60 × indicators
REPEAT = 5
CHANGES = 10_000


@dataclass
class World:
    """The synthetic country: ids as stored, codes as asked."""

    country_id: int
    province_ids: list[int]
    commune_ids: np.ndarray  # int32, grouped by province
    commune_province: np.ndarray  # province index of each commune
    commune_codes: list[str]
    indicator_ids: list[int]
    indicator_codes: list[str]
    agg_time: list[str]


def build_store(path: Path, n_ind: int) -> tuple[Session, World]:
    engine = make_engine(f"sqlite:///{path}")
    upgrade_store(engine)
    session = make_session_factory(engine)()
    rng = np.random.default_rng(SEED)
    with session.begin():
        session.add(SectorRow(code="bench", name_vi="Thử nghiệm", name_en="Benchmark", sort=0))
        session.execute(insert(UnitRow), [{"id": 1, "uid": "VN", "code": "VN",
                                           "name_vi": "Việt Nam", "name_en": "Viet Nam",
                                           "level": "country"}])
        provinces = [{"id": 2 + p, "uid": f"P{p:02d}", "code": f"P{p:02d}",
                      "name_vi": f"Tỉnh {p:02d}", "name_en": None, "level": "province"}
                     for p in range(PROVINCES)]
        session.execute(insert(UnitRow), provinces)
        # Communes are spread unevenly, as in life (25 to 170 a province).
        weights = rng.uniform(0.3, 2.0, PROVINCES)
        counts = np.maximum(1, np.round(weights / weights.sum() * COMMUNES)).astype(int)
        counts[-1] += COMMUNES - counts.sum()
        commune_province = np.repeat(np.arange(PROVINCES), counts)
        communes = [{"id": 100 + i, "uid": f"C{i:05d}", "code": f"C{i:05d}",
                     "name_vi": f"Xã {i:05d}", "name_en": None, "level": "commune"}
                    for i in range(COMMUNES)]
        session.execute(insert(UnitRow), communes)
        links = [{"child_id": 2 + p, "parent_id": 1} for p in range(PROVINCES)]
        links += [{"child_id": 100 + i, "parent_id": 2 + int(commune_province[i])}
                  for i in range(COMMUNES)]
        session.execute(insert(UnitParentRow), links)
        agg_time = ["sum" if i % 10 < 6 else "last" if i % 10 < 9 else "average"
                    for i in range(n_ind)]
        indicators = [{
            "id": 1 + i, "uid": f"I{i:03d}xxxxxxx", "code": f"I{i:03d}",
            "name_vi": f"Chỉ tiêu {i:03d}", "name_en": f"Indicator {i:03d}", "sector": "bench",
            "value_type": "number", "kind": "amount",
            "agg_units": "average" if agg_time[i] == "average" else "sum",
            "agg_time": agg_time[i], "direction": "up", "decimals": 2, "periodicity": "month",
            "levels": "commune", "formula": None,
        } for i in range(n_ind)]
        # The ratio needs two base indicators; a one-indicator store has none.
        indicators += [{
            "id": 1 + n_ind, "uid": "RATIOxxxxxx", "code": "R_RATIO", "name_vi": "Tỷ lệ",
            "name_en": "Ratio", "sector": "bench", "value_type": "percent", "kind": "rate",
            "agg_units": "none",
            "agg_time": "none", "direction": "up", "decimals": 2, "periodicity": "month",
            "levels": "commune", "formula": "100 * I001 / I000",
        }] if n_ind >= 2 else []
        session.execute(insert(IndicatorRow), indicators)
    world = World(
        country_id=1, province_ids=[2 + p for p in range(PROVINCES)],
        commune_ids=np.arange(100, 100 + COMMUNES, dtype=np.int32),
        commune_province=commune_province, commune_codes=[c["code"] for c in communes],
        indicator_ids=list(range(1, n_ind + 1)), indicator_codes=[f"I{i:03d}" for i in
                                                                   range(n_ind)],
        agg_time=agg_time,
    )
    return session, world


def month_periods() -> list[Period]:
    return [Period.month_of(FIRST_YEAR + m // 12, m % 12 + 1) for m in range(MONTHS)]


def generate_facts(world: World) -> pa.Table:
    rng = np.random.default_rng(SEED)
    months = month_periods()
    n_ind, n_com = len(world.indicator_ids), COMMUNES
    ind = np.repeat(np.array(world.indicator_ids, dtype=np.int32), n_com * MONTHS)
    unit = np.tile(np.repeat(world.commune_ids, MONTHS), n_ind)
    month_idx = np.tile(np.arange(MONTHS), n_ind * n_com)
    starts = np.array([np.datetime64(p.start) for p in months], dtype="datetime64[D]")
    ends = np.array([np.datetime64(p.end) for p in months], dtype="datetime64[D]")
    value = np.round(rng.gamma(2.0, 50.0, ind.size), 2)
    return pa.table({
        "ind": ind, "unit": unit,
        "ptype": np.full(ind.size, PeriodType.MONTH.rank, dtype=np.int8),
        "pstart": starts[month_idx], "pend": ends[month_idx], "value": value,
        "n": np.ones(ind.size, dtype=np.int8), "chg": np.zeros(ind.size, dtype=np.int64),
        "est": np.zeros(ind.size, dtype=np.int8),
    }, schema=FACT_SCHEMA)


def queries(world: World) -> dict[str, AnalyticsRequest]:
    ten = world.indicator_codes[:10]
    months_2024 = [f"2024-{m:02d}" for m in range(1, 13)]
    return {
        "Q1 drill-down: 10 indicators × communes of a province × 12 months + year":
            AnalyticsRequest(indicators=ten, units=["P07/children"],
                             periods=[*months_2024, "2024"], today=date(2026, 1, 1)),
        "Q2 rank all communes by one indicator for a quarter":
            AnalyticsRequest(indicators=[world.indicator_codes[1]], units=["LEVEL-3"],
                             periods=["2024Q2"], rank=True, today=date(2026, 1, 1)),
        "Q3 36-month series for one province":
            AnalyticsRequest(indicators=[world.indicator_codes[0]], units=["P07"],
                             periods=["2023-01..2025-12"], today=date(2026, 1, 1)),
        "Q4 derived ratio for every province and month":
            AnalyticsRequest(indicators=["R_RATIO"], units=["LEVEL-2"],
                             periods=["2021-01..2025-12"], today=date(2026, 1, 1)),
        "Q5 full national roll-up: every indicator, every month and year":
            AnalyticsRequest(indicators=world.indicator_codes, units=["VN"],
                             periods=["2021-01..2025-12", "2021..2025"],
                             today=date(2026, 1, 1)),
    }


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> tuple[float, object]:
    fn()  # warm-up
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return float("nan")


def cells(result: AnalyticsResult) -> dict[tuple[str, str, str], float]:
    return {k: float(v or 0.0) for k, v in result.values().items()}


def changed_keys(world: World) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED + 1)
    return (rng.integers(0, len(world.indicator_ids), CHANGES),
            rng.integers(0, COMMUNES, CHANGES), rng.integers(0, MONTHS, CHANGES))


def drop_keys(facts: pa.Table, world: World, keys: tuple[np.ndarray, ...]) -> pa.Table:
    """The synthetic values minus the ones the store will hold (written later)."""
    ind, com, mon = keys
    flat = (ind * COMMUNES + com) * MONTHS + mon
    mask = np.ones(facts.num_rows, dtype=bool)
    mask[np.unique(flat)] = False
    return facts.filter(pa.array(mask))


def where_time_goes(fn: Callable[[], object]) -> None:
    """One run under cProfile: the functions that took the most time of their own."""
    profiler = cProfile.Profile()
    profiler.runcall(fn)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    print("\n".join(line for line in out.getvalue().splitlines()[5:] if line.strip()))


def measure(kind: str, warehouse: Warehouse, session: Session, world: World,
            base: pa.Table, items: list[DataValueWrite], rows: dict[str, str],
            bump: float = 1.0, profile: bool = False, phases_too: bool = False,
            ) -> tuple[dict[str, tuple[float, AnalyticsResult]], float]:
    """Load, time Q1–Q5 through the service, then freshness and absorbing changes."""
    start = time.perf_counter()
    warehouse.load_facts(base, last_change=0)
    warehouse.sync(session)  # absorbs the values written through the store
    load_s = time.perf_counter() - start
    rows[f"{kind}: load into the engine (s)"] = f"{load_s:.1f}"
    first = run_analytics(session=session, warehouse=warehouse,
                          request=queries(world)["Q3 36-month series for one province"])
    del first
    results: dict[str, tuple[float, AnalyticsResult]] = {}
    for name, request in queries(world).items():
        def first(r: AnalyticsRequest = request) -> AnalyticsResult:
            # Cells kept from an earlier answer are dropped: the engine works each out.
            warehouse.forget_answers()
            return run_analytics(session=session, warehouse=warehouse, request=r)

        ms, result = timed(first)
        again, _ = timed(lambda r=request: run_analytics(session=session,
                                                         warehouse=warehouse, request=r))
        assert isinstance(result, AnalyticsResult)
        results[name] = (ms, result)
        rows[f"{kind}: {name[:2]} asked again, cells kept (ms)"] = f"{again:.1f}"
        print(f"{kind} {name}: {ms:.1f} ms first, {again:.1f} ms again "
              f"({len(result.rows)} rows)", flush=True)
        if profile:
            where_time_goes(first)
        if phases_too:
            from bench.phases import phases

            for label, depth, part in phases(warehouse, first):
                print(f"    {'  ' * depth}{label}: {part:.1f} ms", flush=True)

    # Raw scan baseline: Q1 as one plain GROUP BY over the same table in DuckDB.
    communes = ", ".join(str(int(c)) for c in world.commune_ids[world.commune_province == 7])
    table = "facts" if kind == "duckdb" else warehouse.sql.all_facts
    raw_sql = f"""
        SELECT ind, unit, pstart, SUM(value) AS value FROM {table} f
        WHERE ind <= 10 AND pstart >= CAST('2024-01-01' AS DATE)
          AND pend <= CAST('2024-12-31' AS DATE) AND unit IN ({communes})
        GROUP BY ind, unit, pstart"""
    raw_ms, _ = timed(lambda: warehouse.engine.query(raw_sql))
    # What any query with three small inputs (as every answer's query has) costs before
    # it reads a fact.
    small = {name: pa.table({"x": pa.array(range(20), pa.int32())})
             for name in ("req", "tgt", "inds")}
    fixed_ms, _ = timed(lambda: warehouse.engine.query(
        "SELECT COUNT(*) AS n FROM req, tgt, inds", small), repeat=21)
    rows[f"{kind}: a query with three small inputs and no facts (ms)"] = f"{fixed_ms:.1f}"

    # Freshness: one value committed through the service, then the next answer.
    q3 = queries(world)["Q3 36-month series for one province"]
    # A value the store holds (one of the changed keys), so that the change retracts its
    # old value on every engine; a value held only by the engine would be added to.
    p07 = {world.commune_codes[int(i)] for i in np.flatnonzero(world.commune_province == 7)}
    held = next(it for it in items if it.indicator == world.indicator_codes[0]
                and it.unit in p07 and "2023-01" <= it.period <= "2025-12")
    before = cells(run_analytics(session=session, warehouse=warehouse, request=q3))
    start = time.perf_counter()
    write_values(session=session, actor="bench", source="bench", items=[held.model_copy(
        update={"value": 123456.0 + bump})])
    committed = time.perf_counter()
    after = cells(run_analytics(session=session, warehouse=warehouse, request=q3))
    visible = time.perf_counter()
    key = (world.indicator_codes[0], "P07", held.period)
    fresh_ok = after[key] != before[key]

    # Absorbing 10,000 changed values (updates of values the store holds).
    updates = [it.model_copy(update={"value": float(it.value or 0) + bump}) for it in items]
    write_values(session=session, items=updates, actor="bench", source="bench")
    start_abs = time.perf_counter()
    absorbed = warehouse.sync(session)
    absorb_ms = (time.perf_counter() - start_abs) * 1000
    rows[f"{kind}: freshness: commit → in the next answer"] = (
        f"{'yes' if fresh_ok else 'NO'} ({(visible - committed) * 1000:.0f} ms for the next "
        f"Q3, write itself {(committed - start) * 1000:.0f} ms)")
    rows[f"{kind}: absorb {absorbed:,} changed values (ms)"] = f"{absorb_ms:.0f}"
    rows[f"{kind}: engine memory (MB)"] = f"{warehouse.engine.memory_bytes() / 2**20:.0f}"
    return results, raw_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="4m")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="print where each query's time goes (cProfile, one run each)")
    parser.add_argument("--phases", action="store_true",
                        help="print each first answer's time by phase (clocks, median of 9)")
    parser.add_argument("--engine", choices=["duckdb", "clickhouse", "both"], default="duckdb",
                        help="both: ClickHouse (chDB in process) beside DuckDB, answers compared")
    args = parser.parse_args()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    n_ind = SIZES[args.size]
    work = Path(tempfile.mkdtemp(prefix="fansipan-bench-"))
    print(f"# analytics benchmark, size {args.size}, data in {work}", flush=True)
    session, world = build_store(work / "store.sqlite3", n_ind)
    facts = generate_facts(world)
    keys = changed_keys(world)
    base = drop_keys(facts, world, keys)
    months = month_periods()
    # The changed keys are written to the store first, as ordinary values.
    ind, com, mon = keys
    seen: set[tuple[int, int, int]] = set()
    items = []
    for i, c, m in zip(ind.tolist(), com.tolist(), mon.tolist(), strict=True):
        if (i, c, m) in seen:
            continue
        seen.add((i, c, m))
        flat = (i * COMMUNES + c) * MONTHS + m
        items.append(DataValueWrite(indicator=world.indicator_codes[i],
                                    unit=world.commune_codes[c], period=months[m].id,
                                    value=float(facts.column("value")[flat].as_py())))
    write_values(session=session, items=items, actor="bench", source="bench")
    rows = {"values": f"{facts.num_rows:,}"}
    if args.no_postgres:
        del facts  # the engine holds its own copy; keep the resident size honest
    rss_before = rss_mb()
    engines = ["duckdb", "clickhouse"] if args.engine == "both" else [args.engine]

    warehouses: dict[str, Warehouse] = {}
    measured: dict[str, tuple[dict[str, tuple[float, AnalyticsResult]], float]] = {}
    for kind in engines:
        warehouse = Warehouse(make_analytics_engine(kind=kind))
        warehouses[kind] = warehouse
        measured[kind] = measure(kind, warehouse, session, world, base, items, rows,
                                 bump=1.0 + len(measured), profile=args.profile,
                                 phases_too=args.phases)
    del base
    results = measured[engines[0]][0]
    rows["process resident (MB)"] = f"{rss_mb():.0f} (before load: {rss_before:.0f})"
    rows["peak resident (MB)"] = f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
    if len(engines) > 1:
        # Both engines now hold the same values: every query must agree value by value.
        same = all(
            cells(run_analytics(session=session, warehouse=warehouses[engines[0]], request=r))
            == cells(run_analytics(session=session, warehouse=warehouses[engines[1]],
                                   request=r))
            for r in queries(world).values())
        rows["answers equal on DuckDB and ClickHouse"] = "yes" if same else "NO"

    pg: dict[str, float] = {}
    if not args.no_postgres:
        from bench.dhis2_table import run_dhis2_style

        pg = run_dhis2_style(world, facts, queries(world), results, months)

    print()
    print(f"Machine: {platform.node()}, {os.cpu_count()} cores, "
          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
          f"Python {platform.python_version()}; {datetime.now(UTC):%Y-%m-%d}; "
          f"command: python bench/analytics.py --size {args.size}"
          f"{' --no-postgres' if args.no_postgres else ''}")
    print()
    print("| query | " + " | ".join(f"Fansipan on {k} median (ms)" for k in engines)
          + " | DHIS2-style PostgreSQL median (ms) |")
    print("|---|" + "---:|" * (len(engines) + 1))
    for name in results:
        other = f"{pg[name]:.1f}" if name in pg else "–"
        ours = " | ".join(f"{measured[k][0][name][0]:.1f}" for k in engines)
        print(f"| {name} | {ours} | {other} |")
    raws = " | ".join(f"{measured[k][1]:.1f}" for k in engines)
    print(f"| raw scan of the same table in the same engine, Q1 shape | {raws} | |")
    print()
    print("| measure | value |")
    print("|---|---|")
    for k, v in rows.items():
        print(f"| {k} | {v} |")
    if "checked" in pg:
        print(f"| answers equal to PostgreSQL's | {'yes' if pg['checked'] else 'NO'} |")
    if "load_s" in pg:
        print(f"| load into the DHIS2-style table, indexed and analysed (s) | {pg['load_s']:.1f} |")
    subprocess.run(["rm", "-rf", str(work)], check=False)


if __name__ == "__main__":
    main()
