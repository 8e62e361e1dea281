"""The DHIS2 side of bench/analytics.py: the same values in a DHIS2-style analytics table
in PostgreSQL, the same five questions asked the way DHIS2's analytics engine asks them,
and every answer checked against ours.

DHIS2 answers /api/analytics from a denormalised table with one row per data value, a
column per level of the hierarchy (uidlevel1..n) and per period type (monthly, quarterly,
yearly, ...), partitioned by year and indexed column by column. Its query planner splits
a request into one SQL query per org unit level, period type and aggregation type (and,
for last-value types, one per period, over the rows whose dates fall inside it), runs
them concurrently, and computes indicators (numerator / denominator) in memory from the
aggregated parts. This module does the same with psycopg 3 on a throwaway PostgreSQL 15.

Deliberate simplifications, none in PostgreSQL's favour beyond what DHIS2 does:
- one category option combo (DHIS2's default) and no attribute combo, approval level,
  org unit group sets or daysxvalue columns: narrower rows than a real DHIS2 table;
- the partitions are declarative (DHIS2 uses inheritance and names the partitions in
  its SQL); `year in (...)` gives the same pruning;
- the server gets settings in line with the PostgreSQL tuning DHIS2's installation
  guide recommends (about a quarter of RAM for shared_buffers, work_mem 24MB,
  maintenance_work_mem 1GB, random_page_cost 1.1, jit off), and nothing beyond it.
"""

from __future__ import annotations

import math
import os
import queue
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from psycopg import sql
from tests.support.pgserver import PgServer, start_server

from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.relative_periods import parse_periods
from fansipan.services.insight.analytics import AnalyticsRequest, AnalyticsResult

if TYPE_CHECKING:
    from bench.analytics import World

TABLE = "analytics"
COUNTRY = "VN"
# DHIS2 puts its default category option combo on every value without disaggregation.
DEFAULT_COMBO = "HllvX50cXC0"
CHUNK_ROWS = 1_000_000  # rows per COPY chunk: ~100 MB of CSV, bounded memory at 40M
REPEAT = 5
REL_TOL = 1e-6
SHOW_MISMATCHES = 5
# The one derived indicator bench/analytics.py defines (formula "100 * I001 / I000"):
# numerator, denominator, factor. DHIS2 evaluates indicators in memory the same way.
DERIVED = {"R_RATIO": ("I001", "I000", 100.0)}
# DHIS2 gives every dimension column of every partition a btree index (its columns are
# indexed unless marked otherwise), and indexes co as (dx, co). These are those of its
# columns this table has; most do nothing for these questions but all cost load time.
INDEXED: tuple[tuple[str, ...], ...] = (
    ("dx",), ("dx", "co"), ("pestartdate",), ("peenddate",), ("year",), ("ou",),
    ("oulevel",), ("uidlevel1",), ("uidlevel2",), ("uidlevel3",), ("monthly",),
    ("quarterly",), ("yearly",),
)
PE_COLUMN = {PeriodType.MONTH: "monthly", PeriodType.QUARTER: "quarterly",
             PeriodType.YEAR: "yearly"}
# World.agg_time → DHIS2 aggregation type. SUM; LAST_IN_PERIOD (each unit's latest value
# inside the period, summed over units: ours; DHIS2's plain LAST would also look back
# up to ten years before the period, which we do not); AVERAGE (DHIS2 takes avg(value)
# over units and months together, equal to our average of per-unit averages here
# because every unit reports every month).
AGGTYPE = {"sum": "SUM", "last": "LAST_IN_PERIOD", "average": "AVERAGE"}
CREATE = f"""
    CREATE TABLE {TABLE} (
        dx text NOT NULL,
        co text NOT NULL DEFAULT '{DEFAULT_COMBO}',
        ou text NOT NULL,
        oulevel integer NOT NULL DEFAULT 3,
        uidlevel1 text NOT NULL DEFAULT '{COUNTRY}',
        uidlevel2 text,
        uidlevel3 text,
        monthly text,
        quarterly text,
        yearly text,
        pestartdate timestamp,
        peenddate timestamp,
        year integer NOT NULL,
        value double precision,
        aggtype text
    ) PARTITION BY LIST (year)
"""
# Sent by COPY; the constant columns (co, oulevel, uidlevel1) are filled by their defaults.
COPIED = ("dx", "ou", "uidlevel2", "uidlevel3", "monthly", "quarterly", "yearly",
          "pestartdate", "peenddate", "year", "value", "aggtype")

Key = tuple[str, str, str]  # (indicator code, unit code, our period id)


def run_dhis2_style(
    world: World,
    facts: pa.Table,
    queries: dict[str, AnalyticsRequest],
    results: dict[str, tuple[float, AnalyticsResult]],
    months: list[Period],
) -> dict[str, float]:
    """Load `facts` into a DHIS2-style table, time the questions, check every answer.

    Returns {question: median ms, "checked": 1.0 if every answer equals ours,
    "load_s": seconds to load, index and analyse the table}.
    """
    print("# DHIS2-style PostgreSQL: starting a server", flush=True)
    server = start_server()
    pool: _Pool | None = None
    try:
        conninfo = f"host=127.0.0.1 port={server.port} user=fansipan dbname=postgres"
        _tune(server, conninfo)
        load_s = _load(conninfo, world, facts, months)
        tree = _Tree.of(world)
        # As many connections as cores: DHIS2 runs a request's queries concurrently.
        pool = live = _Pool(conninfo, os.cpu_count() or 1)
        out: dict[str, float] = {}
        all_equal = True
        for name, request in queries.items():
            plan = _plan(world, tree, request)
            ms, (values, ranks) = _timed(partial(_answer, live, plan))
            out[name] = ms
            cells, ranked = _compare(results[name][1], values, ranks if request.rank else None)
            all_equal = all_equal and not cells and not ranked
            verdict = "values equal to ours" if not cells else f"{len(cells)} VALUES DIFFER"
            if request.rank:
                verdict += ", ranks equal" if not ranked else f", {len(ranked)} RANKS DIFFER"
            print(f"{name}: PostgreSQL {ms:.1f} ms ({len(values)} cells, "
                  f"{len(plan.statements)} SQL queries); {verdict}", flush=True)
            for line in (cells + ranked)[:SHOW_MISMATCHES]:
                print(f"    {line}", flush=True)
        out["checked"] = 1.0 if all_equal else 0.0
        out["load_s"] = load_s
        return out
    finally:
        if pool is not None:
            pool.close()
        server.stop()


# -- the server ------------------------------------------------------------------------


def _tune(server: PgServer, conninfo: str) -> None:
    """Give PostgreSQL the settings a tuned DHIS2 install has (the defaults suit a
    laptop: 128 MB of shared buffers, 4 MB of work memory, JIT on every large aggregate)."""
    ram_mb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    settings = {
        "shared_buffers": f"{min(ram_mb // 4, 8192)}MB",
        "effective_cache_size": f"{ram_mb // 2}MB",
        "work_mem": "24MB",
        "maintenance_work_mem": "1GB",
        "random_page_cost": "1.1",
        "jit": "off",
    }
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for name, value in settings.items():
            conn.execute(sql.SQL("ALTER SYSTEM SET {} = {}").format(
                sql.Identifier(name), sql.Literal(value)))
    # shared_buffers only takes effect on a restart; PgServer has no restart of its own.
    # pg_ctl restart reuses the start options; -l keeps the server off our pipes.
    server._run(str(server.bindir / "pg_ctl"), "-D", str(server.root / "data"),
                "-l", str(server.root / "server.log"), "-w", "-t", "60", "restart")


class _Pool:
    """A few connections shared by worker threads (psycopg waits without the GIL)."""

    def __init__(self, conninfo: str, size: int) -> None:
        self._conns = [psycopg.connect(conninfo, autocommit=True) for _ in range(size)]
        self._free: queue.SimpleQueue[psycopg.Connection[Any]] = queue.SimpleQueue()
        for conn in self._conns:
            self._free.put(conn)
        self._workers = ThreadPoolExecutor(size)

    def _fetch(self, statement: str) -> list[tuple[Any, ...]]:
        conn = self._free.get()
        try:
            return conn.execute(statement).fetchall()
        finally:
            self._free.put(conn)

    def fetch_all(self, statements: Sequence[str]) -> list[tuple[Any, ...]]:
        if len(statements) == 1:  # no thread hop for a single query
            return self._fetch(statements[0])
        rows: list[tuple[Any, ...]] = []
        for part in self._workers.map(self._fetch, statements):
            rows.extend(part)
        return rows

    def close(self) -> None:
        self._workers.shutdown()
        for conn in self._conns:
            conn.close()


# -- loading -----------------------------------------------------------------------------


def _load(conninfo: str, world: World, facts: pa.Table, months: list[Period]) -> float:
    """Create the partitioned table, COPY every value in, index and analyse it, the order
    DHIS2's analytics table job follows. Returns the seconds it all took."""
    start = time.perf_counter()
    years = sorted({p.year for p in months})
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(CREATE)
        for year in years:
            conn.execute(f"CREATE TABLE {TABLE}_{year} PARTITION OF {TABLE} "
                         f"FOR VALUES IN ({year})")
    columns = _Columns.of(world, facts, months)
    by_year = {y: np.flatnonzero(columns.row_year == y) for y in years}
    workers = min(os.cpu_count() or 1, len(years))
    # Partitions are filled concurrently, as DHIS2's table job does; Arrow builds the
    # CSV in C++, so the threads overlap with the server's parsing.
    with ThreadPoolExecutor(workers) as pool:
        copied = sum(pool.map(lambda y: _copy_year(conninfo, y, by_year[y], columns), years))
    copy_s = time.perf_counter() - start
    jobs = [(y, cols) for y in years for cols in INDEXED]
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda job: _index(conninfo, *job), jobs))
    index_s = time.perf_counter() - start - copy_s
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f"ANALYZE {TABLE}")
        size = conn.execute(
            "SELECT sum(pg_table_size(c.oid)), sum(pg_indexes_size(c.oid)) FROM pg_class c "
            "JOIN pg_inherits i ON i.inhrelid = c.oid "
            "WHERE i.inhparent = %s::regclass", (TABLE,)).fetchone()
    total = time.perf_counter() - start
    table_mb, index_mb = ((size[0] or 0) / 2**20, (size[1] or 0) / 2**20) if size else (0, 0)
    print(f"# DHIS2-style table: {copied:,} rows in {len(years)} yearly partitions; "
          f"COPY {copy_s:.1f} s, {len(INDEXED)} indexes × {len(years)} partitions "
          f"{index_s:.1f} s, ANALYZE {total - copy_s - index_s:.1f} s; total {total:.1f} s; "
          f"table {table_mb:,.0f} MB, indexes {index_mb:,.0f} MB", flush=True)
    return total


@dataclass(frozen=True)
class _Columns:
    """Every fact as positions into small lookup arrays, so that a chunk of rows becomes
    text columns by vectorised `take`, never by a Python loop over rows."""

    ind: np.ndarray  # position of each row's indicator in world.indicator_codes
    unit: np.ndarray  # position of each row's commune in world.commune_codes
    month: np.ndarray  # position of each row's month in `months`
    row_year: np.ndarray
    value: np.ndarray
    dx: pa.Array[Any]
    aggtype: pa.Array[Any]
    ou: pa.Array[Any]
    province: pa.Array[Any]  # province code of each commune
    monthly: pa.Array[Any]
    quarterly: pa.Array[Any]
    yearly: pa.Array[Any]
    pestart: pa.Array[Any]
    peend: pa.Array[Any]
    year: np.ndarray

    @classmethod
    def of(cls, world: World, facts: pa.Table, months: list[Period]) -> _Columns:
        month_type = pa.scalar(PeriodType.MONTH.rank, pa.int8())
        if pc.any(pc.not_equal(facts.column("ptype"), month_type)).as_py():
            raise ValueError("the DHIS2-style load expects month values only")
        ind_ids = np.asarray(world.indicator_ids, dtype=np.int64)
        ind_at = np.full(int(ind_ids.max()) + 1, -1, dtype=np.int32)
        ind_at[ind_ids] = np.arange(ind_ids.size, dtype=np.int32)
        unit_ids = np.asarray(world.commune_ids, dtype=np.int64)
        unit_at = np.full(int(unit_ids.max()) + 1, -1, dtype=np.int32)
        unit_at[unit_ids] = np.arange(unit_ids.size, dtype=np.int32)
        epoch = date(1970, 1, 1)
        month_days = np.array([(p.start - epoch).days for p in months], dtype=np.int32)
        pstart = facts.column("pstart").cast(pa.int32()).to_numpy()
        month = np.searchsorted(month_days, pstart).astype(np.int32)
        if month.max() >= len(months) or not np.array_equal(month_days[month], pstart):
            raise ValueError("facts hold months outside `months`")
        ind = ind_at[facts.column("ind").to_numpy()]
        unit = unit_at[facts.column("unit").to_numpy()]
        if (ind < 0).any() or (unit < 0).any():
            raise ValueError("facts hold indicators or units the world does not know")
        year = np.array([p.year for p in months], dtype=np.int32)
        return cls(
            ind=ind, unit=unit, month=month, row_year=year[month],
            value=facts.column("value").to_numpy(),
            dx=pa.array(world.indicator_codes),
            aggtype=pa.array([AGGTYPE[a] for a in world.agg_time]),
            ou=pa.array(world.commune_codes),
            province=pa.array([f"P{int(p):02d}" for p in world.commune_province]),
            monthly=pa.array([_iso(p) for p in months]),
            quarterly=pa.array([f"{p.year}Q{(p.index - 1) // 3 + 1}" for p in months]),
            yearly=pa.array([str(p.year) for p in months]),
            pestart=pa.array([p.start for p in months], pa.date32()),
            peend=pa.array([p.end for p in months], pa.date32()),
            year=year,
        )

    def chunk(self, rows: np.ndarray) -> pa.Table:
        ind, unit, month = (pa.array(a[rows]) for a in (self.ind, self.unit, self.month))
        ou = self.ou.take(unit)
        return pa.table({
            "dx": self.dx.take(ind), "ou": ou, "uidlevel2": self.province.take(unit),
            "uidlevel3": ou, "monthly": self.monthly.take(month),
            "quarterly": self.quarterly.take(month), "yearly": self.yearly.take(month),
            "pestartdate": self.pestart.take(month), "peenddate": self.peend.take(month),
            "year": pa.array(self.year[self.month[rows]]), "value": pa.array(self.value[rows]),
            "aggtype": self.aggtype.take(ind),
        })


def _copy_year(conninfo: str, year: int, rows: np.ndarray, columns: _Columns) -> int:
    """COPY one year's rows straight into its partition, as CSV chunks."""
    target = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(f"{TABLE}_{year}"), sql.SQL(", ").join(map(sql.Identifier, COPIED)))
    options = pacsv.WriteOptions(include_header=False)
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur, cur.copy(target) as copy:
        for first in range(0, rows.size, CHUNK_ROWS):
            sink = pa.BufferOutputStream()
            pacsv.write_csv(columns.chunk(rows[first:first + CHUNK_ROWS]), sink, options)
            copy.write(memoryview(sink.getvalue()))
    return int(rows.size)


def _index(conninfo: str, year: int, cols: tuple[str, ...]) -> None:
    name = f"in_{TABLE}_{year}_{'_'.join(cols)}"
    statement = sql.SQL("CREATE INDEX {} ON {} ({})").format(
        sql.Identifier(name), sql.Identifier(f"{TABLE}_{year}"),
        sql.SQL(", ").join(map(sql.Identifier, cols)))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(statement)


# -- the questions -----------------------------------------------------------------------


@dataclass(frozen=True)
class _Tree:
    """The three levels of the synthetic country, by code."""

    level: dict[str, int]
    parent: dict[str, str]
    children: dict[str, list[str]]
    at_level: dict[int, list[str]]

    @classmethod
    def of(cls, world: World) -> _Tree:
        provinces = [f"P{p:02d}" for p in range(len(world.province_ids))]
        level = {COUNTRY: 1} | dict.fromkeys(provinces, 2)
        parent = dict.fromkeys(provinces, COUNTRY)
        children: dict[str, list[str]] = {COUNTRY: provinces} | {p: [] for p in provinces}
        for code, p in zip(world.commune_codes, world.commune_province.tolist(), strict=True):
            level[code] = 3
            parent[code] = provinces[p]
            children[provinces[p]].append(code)
        at_level = {1: [COUNTRY], 2: provinces, 3: list(world.commune_codes)}
        return cls(level, parent, children, at_level)

    def select(self, spec: str) -> list[str]:
        """The units a selector names (the subset of ours the benchmark uses)."""
        text = spec.strip()
        if text.upper().startswith("LEVEL-"):
            return self.at_level[int(text[6:])]
        ref, _, rest = text.partition("/")
        if ref not in self.level:
            raise ValueError(f"unknown unit {ref}")
        if not rest:
            return [ref]
        if rest.lower() == "children":
            return self.children.get(ref, [])
        raise ValueError(f"unit selector {spec} is not supported here")


@dataclass(frozen=True)
class _Plan:
    """One request as DHIS2 would run it: several SQL queries, then work in memory."""

    statements: list[str]
    period_ids: dict[str, str]  # DHIS2 period id → ours ('202401' → '2024-01')
    asked: set[str]  # indicator codes asked for (parts of a ratio are dropped)
    units: set[str]  # units asked for (siblings fetched only to rank are dropped)
    derived: dict[str, tuple[str, str, float]]


def _iso(p: Period) -> str:
    """DHIS2's period id: yyyyMM for months; quarters and years are written as ours."""
    return f"{p.year:04d}{p.index:02d}" if p.type is PeriodType.MONTH else p.id


def _plan(world: World, tree: _Tree, request: AnalyticsRequest) -> _Plan:
    agg_of = dict(zip(world.indicator_codes, world.agg_time, strict=True))
    derived = {c: DERIVED[c] for c in request.indicators if c in DERIVED}
    base: list[str] = []
    for code in request.indicators:
        for part in (derived[code][:2] if code in derived else (code,)):
            if part not in base:
                base.append(part)
    today = request.today or date.today()
    periods = list(dict.fromkeys(p for spec in request.periods
                                 for p in parse_periods(spec, today)))
    units = list(dict.fromkeys(u for spec in request.units for u in tree.select(spec)))
    # DHIS2's planner: one query per org unit level, period type and aggregation type.
    statements: list[str] = []
    for level in sorted({tree.level[u] for u in units}):
        at_level = [u for u in units if tree.level[u] == level]
        for ptype in sorted({p.type for p in periods}, key=lambda t: t.rank):
            if ptype not in PE_COLUMN:
                raise ValueError(f"{ptype.noun} periods have no column in this table")
            of_type = [p for p in periods if p.type is ptype]
            for agg in AGGTYPE:
                codes = [c for c in base if agg_of[c] == agg]
                if codes:
                    statements += _statements(agg, codes, level, at_level, ptype, of_type,
                                              tree, request.rank)
    return _Plan(statements, {_iso(p): p.id for p in periods}, set(request.indicators),
                 set(units), derived)


def _in(values: Iterable[str]) -> str:
    items = list(values)
    if any("'" in v for v in items):
        raise ValueError("codes with quotes are not expected here")
    return ", ".join(f"'{v}'" for v in items)


def _statements(agg: str, codes: list[str], level: int, units: list[str], ptype: PeriodType,
                periods: list[Period], tree: _Tree, rank: bool) -> list[str]:
    """The SQL DHIS2 would run for one group; each row is (dx, ou, pe, value[, rank])."""
    ou = f"uidlevel{level}"
    parent = f"uidlevel{level - 1}" if level > 1 else None
    if rank and parent:
        # A rank needs every sibling, asked for or not: select by the parents instead.
        where_ou = f"ax.{parent} IN ({_in(dict.fromkeys(tree.parent[u] for u in units))})"
    else:
        where_ou = f"ax.{ou} IN ({_in(units)})"
    keep_parent = f", ax.{parent}" if rank and parent else ""
    parent_col = (f", ax.{parent} AS parent" if parent else ", '' AS parent") if rank else ""
    out: list[str] = []
    if agg == "last":
        # DHIS2's last-value subquery: every org unit's latest value among the rows
        # dated inside the period (row_number over the composite key), then summed; its
        # planner makes one such query per period. The dx filter reaches the subquery
        # (dx is a window partition column); the org unit level filter cannot.
        for p in periods:
            years = ", ".join(str(y) for y in range(p.start.year, p.end.year + 1))
            out.append(f"""
                SELECT ax.dx, ax.{ou} AS ou, '{_iso(p)}' AS pe, sum(ax.value) AS value
                       {parent_col}
                FROM (SELECT dx, co, ou, uidlevel1, uidlevel2, uidlevel3, value,
                             row_number() OVER (PARTITION BY dx, co, ou
                                                ORDER BY peenddate DESC, pestartdate DESC)
                                 AS pe_rank
                      FROM {TABLE}
                      WHERE year IN ({years}) AND pestartdate >= '{p.start}'
                        AND peenddate <= '{p.end}' AND value IS NOT NULL) AS ax
                WHERE ax.dx IN ({_in(codes)}) AND {where_ou} AND ax.pe_rank = 1
                GROUP BY ax.dx, ax.{ou}{keep_parent}""")
    else:
        col = PE_COLUMN[ptype]
        fn = "avg" if agg == "average" else "sum"
        years = ", ".join(str(y) for y in sorted(
            {y for p in periods for y in range(p.start.year, p.end.year + 1)}))
        out.append(f"""
            SELECT ax.dx, ax.{ou} AS ou, ax.{col} AS pe, {fn}(ax.value) AS value{parent_col}
            FROM {TABLE} AS ax
            WHERE ax.dx IN ({_in(codes)}) AND {where_ou}
              AND ax.{col} IN ({_in(_iso(p) for p in periods)}) AND ax.year IN ({years})
            GROUP BY ax.dx, ax.{ou}, ax.{col}{keep_parent}""")
    if rank:
        # Not a DHIS2 feature: ranked with a window over the aggregated rows, best first,
        # on values rounded as Fansipan shows them (6 places), so float noise in a sum
        # does not split a tie.
        out = [f"""
            SELECT dx, ou, pe, value,
                   rank() OVER (PARTITION BY dx, parent, pe
                                ORDER BY round(value::numeric, 6) DESC) AS rank
            FROM ({s}) AS r""" for s in out]
    return out


def _answer(pool: _Pool, plan: _Plan) -> tuple[dict[Key, float], dict[Key, int]]:
    """Run a plan's queries, then do in memory what DHIS2 does there: indicators from
    their parts, period ids in the answer's vocabulary."""
    values: dict[Key, float] = {}
    ranks: dict[Key, int] = {}
    for row in pool.fetch_all(plan.statements):
        dx, ou, pe, value = row[:4]
        if ou not in plan.units or value is None:
            continue
        key = (dx, ou, plan.period_ids[pe])
        values[key] = float(value)
        if len(row) > 4:
            ranks[key] = int(row[4])
    for code, (num, den, factor) in plan.derived.items():
        for (dx, ou, pid), top in list(values.items()):
            below = values.get((den, ou, pid)) if dx == num else None
            if below:  # None (missing) or 0: no ratio, as our formulas give
                values[(code, ou, pid)] = factor * top / below
    return {k: v for k, v in values.items() if k[0] in plan.asked}, ranks


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Median wall time in ms over REPEAT runs after one warm-up (as bench/analytics.py)."""
    fn()
    times: list[float] = []
    result: Any = None
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, result


def _compare(ours: AnalyticsResult, values: dict[Key, float],
             ranks: dict[Key, int] | None) -> tuple[list[str], list[str]]:
    """The cells, then the ranks (when asked), that differ: a readable line each."""
    mine = {k: v for k, v in ours.values().items() if v is not None}
    cells: list[str] = []
    for key in sorted(mine.keys() | values.keys()):
        a, b = mine.get(key), values.get(key)
        if a is None or b is None or not math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9):
            cells.append(f"{key}: Fansipan {a}, PostgreSQL {b}")
    ranked: list[str] = []
    if ranks is not None:
        for rec in ours.records():
            key = (str(rec["indicator"]), str(rec["unit"]), str(rec["period"]))
            if rec["rank"] != ranks.get(key):
                ranked.append(f"{key} rank: Fansipan {rec['rank']} (value {rec['value']}), "
                              f"PostgreSQL {ranks.get(key)}")
    return cells, ranked
