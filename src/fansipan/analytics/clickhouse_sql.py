"""The warehouse's statements as ClickHouse spells them.

The same tables and the same steps as `analytics.sql`, with three differences:
  - `facts` is a ReplacingMergeTree keyed (and sorted) by ind, pstart, unit, ptype and
    versioned by change number, with a `deleted` flag: a change is one more row for
    its key, and `FINAL` reads the newest row of each key. There is no `delta`.
  - ClickHouse has no correlated subqueries: "no value above it" is an anti join, and
    a period's values are matched by a filtered cross join with the few periods asked.
  - `argMax` for `arg_max`, and `GLOBAL IN` so that the facts may be a Distributed
    table over shards (the small per-query tables live on the node asked).
The client runs every statement with `prefer_column_name_to_alias` (so `SUM(value) AS
value` reads the column inside the sum) and `join_use_nulls` (a missing match is NULL,
as in standard SQL).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from fansipan.analytics import sql
from fansipan.analytics.cells import IndicatorRule, Span

FACT_COLUMNS = "ind, unit, ptype, pstart, pend, value, n, chg, est"
ALL_FACTS = f"(SELECT {FACT_COLUMNS} FROM facts FINAL WHERE deleted = 0)"
FACT_TYPES = (
    "ind Int32, unit Int32, ptype Int8, pstart Date32, pend Date32, value Float64, n Int8, "
    "chg UInt64, est Int8, deleted UInt8"
)
SORT_KEY = "(ind, pstart, unit, ptype)"
SETTINGS = {"prefer_column_name_to_alias": 1, "join_use_nulls": 1}


def create_facts(name: str, cluster: str | None = None) -> str:
    """The facts table; on a cluster, replicated shards under a Distributed table.

    Rows of one key always go to one shard (sharded by indicator and unit), so `FINAL`
    on each shard still sees every version of a key.
    """
    database, _, table = name.rpartition(".")
    database = database or "currentDatabase()"
    if cluster is None:
        return (f"CREATE TABLE IF NOT EXISTS {name} ({FACT_TYPES}) "
                f"ENGINE = ReplacingMergeTree(chg, deleted) ORDER BY {SORT_KEY}")
    return (
        f"CREATE TABLE IF NOT EXISTS {name}_local ON CLUSTER {cluster} ({FACT_TYPES}) "
        f"ENGINE = ReplicatedReplacingMergeTree(chg, deleted) ORDER BY {SORT_KEY};\n"
        f"CREATE TABLE IF NOT EXISTS {name} ON CLUSTER {cluster} AS {name}_local "
        f"ENGINE = Distributed({cluster}, {database}, {table}_local, cityHash64(ind, unit))"
    )


def create_cube() -> str:
    return (
        "CREATE TABLE IF NOT EXISTS cube (ind Int32, anc Int32, mstart Date32, "
        "s Float64, c Float64, e Float64) ENGINE = MergeTree ORDER BY (ind, anc, mstart)"
    )


def compact_cube() -> str:
    return """
        CREATE OR REPLACE TABLE cube ENGINE = MergeTree ORDER BY (ind, anc, mstart) AS
        SELECT ind, anc, mstart, SUM(s) AS s, SUM(c) AS c, SUM(e) AS e FROM cube
        GROUP BY ind, anc, mstart HAVING ABS(SUM(c)) > 1e-9
    """


def absorb(source: str) -> str:
    """Changed facts as versioned rows: per key and change, the inserted value, or a
    deletion when the change only retracted one."""
    return f"""
        SELECT ind, unit, ptype, pstart, any(pend) AS pend,
               COALESCE(sumIf(value, n > 0), 0) AS value, CAST(1 AS Int8) AS n,
               CAST(chg AS UInt64) AS chg, CAST(COALESCE(sumIf(est, n > 0), 0) AS Int8) AS est,
               CAST(countIf(n > 0) = 0 AS UInt8) AS deleted
        FROM {source}
        GROUP BY ind, unit, ptype, pstart, chg
    """


FROM_INPUTS = """ind GLOBAL IN (SELECT ind FROM inds)
          AND pstart >= (SELECT MIN(rstart) FROM req)
          AND pend <= (SELECT MAX(rend) FROM req)"""


def _current(sources: str = "SELECT src FROM scope", bounds: str = FROM_INPUTS) -> str:
    return f"""
        SELECT ind, unit, ptype, pstart, pend, value, est FROM facts FINAL
        WHERE deleted = 0
          AND {bounds}
          AND unit GLOBAL IN ({sources})"""


def cells_by_scan(roll: str, rules: Sequence[IndicatorRule], *, with_delta: bool,
                  shadow: bool, one_grain: bool = False, succ: str | None = None,
                  bounds: str = FROM_INPUTS) -> str:
    """`sql.cells_by_scan` in ClickHouse: the same steps, the same answer."""
    del with_delta  # the facts are always current
    if succ is None:
        current = _current(bounds=bounds)
    else:
        sources = f"SELECT m.src AS src FROM {succ} m JOIN scope s ON s.src = m.succ"
        current = f"""
        SELECT c.ind AS ind, m.succ AS unit, c.ptype AS ptype, c.pstart AS pstart,
               c.pend AS pend, SUM(c.value * m.share) AS value, MAX(c.est) AS est
        FROM ({_current(sources, bounds)}) c
        JOIN {succ} m ON m.src = c.unit
        GROUP BY c.ind, m.succ, c.ptype, c.pstart, c.pend"""
    frontier = """
    covered AS (
        SELECT q.anc AS anc, q.ind AS ind, q.pid AS pid, a.src AS src
        FROM placed q JOIN above a ON a.anc = q.unit
    ),
    frontier AS (
        SELECT p.* FROM placed p
        LEFT ANTI JOIN covered q
            ON q.anc = p.anc AND q.ind = p.ind AND q.pid = p.pid AND q.src = p.unit
    )""" if shadow else """
    frontier AS (SELECT * FROM placed)"""
    return f"""
    WITH scope AS (
        SELECT r.anc AS anc, r.src AS src, r.share AS share
        FROM {roll} r JOIN tgt t ON t.anc = r.anc
    ),
    cur AS ({current}),
    {_over_time(rules, one_grain)},
    {_over_units(rules, frontier)}"""


def cells_of_leaves(rules: Sequence[IndicatorRule], *, with_delta: bool,
                    one_grain: bool, bounds: str = FROM_INPUTS) -> str:
    """`sql.cells_of_leaves` in ClickHouse."""
    del with_delta  # the facts are always current
    return f"""
    WITH cur AS ({_current("SELECT anc FROM tgt", bounds)}),
    {_over_time(rules, one_grain)}
    SELECT ind, unit, pid, value, toInt64(1) AS sources, est > 0 AS est
    FROM timed WHERE value IS NOT NULL
    """


def _over_time(rules: Sequence[IndicatorRule], one_grain: bool) -> str:
    """`sql._over_time` in ClickHouse."""
    value, est = sql.rule_exprs(rules, sql.time_exprs("argMax"), "i.ind", over_units=False)
    return f"""inp AS (
        SELECT c.ind AS ind, c.unit AS unit, c.pstart AS pstart, c.value AS value,
               c.est AS est, r.pid AS pid,
               CASE WHEN c.ptype = r.rtype THEN -1 ELSE c.ptype END AS grain
        FROM cur c CROSS JOIN req r WHERE c.pstart >= r.rstart AND c.pend <= r.rend
    ),{sql.chosen(one_grain)}
    timed AS (
        SELECT i.ind AS ind, i.unit AS unit, i.pid AS pid, {value} AS value, {est} AS est
        FROM chosen i
        GROUP BY i.ind, i.unit, i.pid
    )"""


def _over_units(rules: Sequence[IndicatorRule], frontier: str) -> str:
    """`sql._over_units` in ClickHouse."""
    value, est = sql.rule_exprs(rules, sql.UNIT_EXPRS, "f.ind", over_units=True)
    return f"""placed AS (
        SELECT s.anc AS anc, t.ind AS ind, t.pid AS pid, t.unit AS unit, t.value AS value,
               t.est AS est, s.share AS share
        FROM timed t JOIN scope s ON s.src = t.unit
        WHERE t.value IS NOT NULL
    ),{frontier}
    SELECT f.ind AS ind, f.anc AS unit, f.pid AS pid, {value} AS value,
        COUNT(*) AS sources, {est} > 0 AS est
    FROM frontier f
    GROUP BY f.ind, f.anc, f.pid
    """


_NO_SHADOW = """
    frontier AS (SELECT * FROM placed)"""


def cells_by_moved_totals(roll: str, succ: str, rules: Sequence[IndicatorRule], *,
                          with_delta: bool, bounds: str = FROM_INPUTS) -> str:
    """`sql.cells_by_moved_totals` in ClickHouse: the same steps, the same answer."""
    del with_delta  # the facts are always current
    value, est = sql.moved_exprs(rules)
    sources = f"SELECT m.src AS src FROM {succ} m JOIN scope s ON s.src = m.succ"
    return f"""
    WITH scope AS (
        SELECT r.anc AS anc, r.src AS src, r.share AS share
        FROM {roll} r JOIN tgt t ON t.anc = r.anc
    ),
    cur AS ({_current(sources, bounds)}),
    own AS (
        SELECT c.ind AS ind, c.unit AS unit, r.pid AS pid, SUM(c.value) AS total,
               MAX(c.pstart) AS latest, argMax(c.value, c.pstart) AS last_value,
               MAX(c.est) AS any_est, argMax(c.est, c.pstart) AS last_est
        FROM cur c CROSS JOIN req r WHERE c.pstart >= r.rstart AND c.pend <= r.rend
        GROUP BY c.ind, c.unit, r.pid
    ),
    moved AS (
        SELECT o.ind AS ind, m.succ AS unit, o.pid AS pid, o.total * m.share AS total,
               o.latest AS latest, o.last_value * m.share AS last_value,
               o.any_est AS any_est, o.last_est AS last_est
        FROM own o JOIN {succ} m ON m.src = o.unit
        JOIN (SELECT DISTINCT src FROM scope) s ON s.src = m.succ
    ),
    latest AS (SELECT ind, unit, pid, MAX(latest) AS latest FROM moved
               GROUP BY ind, unit, pid),
    timed AS (
        SELECT m.ind AS ind, m.unit AS unit, m.pid AS pid, {value} AS value, {est} AS est
        FROM moved m
        JOIN latest l ON l.ind = m.ind AND l.unit = m.unit AND l.pid = m.pid
        GROUP BY m.ind, m.unit, m.pid
    ),
    {_over_units(rules, _NO_SHADOW)}"""


def data_present(*, with_delta: bool) -> str:
    """`sql.data_present` in ClickHouse."""
    del with_delta
    return f"""
    WITH below AS (
        SELECT a.anc AS anc, a.src AS src FROM above a
        WHERE a.anc IN (SELECT unit FROM probes)
        UNION ALL SELECT DISTINCT unit AS anc, unit AS src FROM probes
    ),
    f AS ({_current("SELECT src FROM below")})
    SELECT DISTINCT p.key AS key FROM probes p
    JOIN below r ON r.anc = p.unit
    JOIN f ON f.unit = r.src AND f.ind = p.ind
    WHERE f.pend >= p.a AND f.pend <= p.b AND f.pstart >= p.s
    """


def cells_by_cube(rules: Sequence[IndicatorRule], *, months_only: bool = False) -> str:
    """`sql.cells_by_cube` in ClickHouse."""
    if months_only:
        value = sql.by_rule("cb.ind", [(r.id, "SUM(cb.s)" if r.agg_units.value == "sum"
                                        else "SUM(cb.s) / SUM(cb.c)") for r in rules])
        return f"""
        SELECT cb.ind AS ind, cb.anc AS unit, r.pid AS pid, {value} AS value,
               CAST(ROUND(SUM(cb.c)) AS Int64) AS sources, TRUE AS ok,
               SUM(cb.e) > 1e-9 AS est
        FROM cube cb
        CROSS JOIN req r
        WHERE cb.mstart >= r.rstart AND cb.mstart <= r.rend
          AND cb.ind IN (SELECT ind FROM inds) AND cb.anc IN (SELECT anc FROM tgt)
        GROUP BY cb.ind, cb.anc, r.pid
        HAVING SUM(cb.c) > 1e-9
        """
    value, ok, est, needs_sources = sql.cube_exprs(rules)
    sources = ("LEFT JOIN cube_src n ON n.ind = a.ind AND n.anc = a.anc"
               if needs_sources else "")
    return f"""
    WITH m AS (
        SELECT cb.ind AS ind, cb.anc AS anc, r.pid AS pid, cb.mstart AS mstart,
               SUM(cb.s) AS s, SUM(cb.c) AS c, SUM(cb.e) AS e
        FROM cube cb
        CROSS JOIN req r
        WHERE cb.mstart >= r.rstart AND cb.mstart <= r.rend
          AND cb.ind IN (SELECT ind FROM inds) AND cb.anc IN (SELECT anc FROM tgt)
        GROUP BY cb.ind, cb.anc, r.pid, cb.mstart
        HAVING SUM(cb.c) > 1e-9
    ),
    a AS (
        SELECT ind, anc, pid, SUM(s) AS s_all, argMax(s, mstart) AS s_last,
               COUNT(*) AS k, MIN(c) AS cmin, MAX(c) AS cmax,
               SUM(e) AS e_all, argMax(e, mstart) AS e_last
        FROM m GROUP BY ind, anc, pid
    )
    SELECT a.ind AS ind, a.anc AS unit, a.pid AS pid, {value} AS value,
        CAST(ROUND(a.cmax) AS Int64) AS sources, {ok} AS ok, {est} > 1e-9 AS est
    FROM a {sources}
    """


def cube_from(source: str, roll: str, month_type: int) -> str:
    return f"""
        SELECT f.ind AS ind, r.anc AS anc, f.pstart AS mstart,
               SUM(f.value * r.share) AS s, SUM(f.n * r.share) AS c,
               SUM(f.est * r.share) AS e
        FROM {source} f
        JOIN {roll} r ON r.src = f.unit
        JOIN cube_ancs a ON a.anc = r.anc
        JOIN cube_inds ci ON ci.ind = f.ind
        WHERE f.ptype = {month_type}
        GROUP BY f.ind, r.anc, f.pstart
    """


def cube_sources(roll: str, month_type: int) -> str:
    return f"""
        SELECT p.ind AS ind, r.anc AS anc, SUM(r.share) AS n
        FROM (SELECT DISTINCT ind, unit FROM {ALL_FACTS} x WHERE ptype = {month_type}) p
        JOIN {roll} r ON r.src = p.unit
        JOIN cube_ancs a ON a.anc = r.anc
        JOIN cube_inds ci ON ci.ind = p.ind
        GROUP BY p.ind, r.anc
    """


def layered_indicators() -> str:
    return f"""
        WITH placed AS (SELECT DISTINCT ind, unit FROM {ALL_FACTS} x)
        SELECT DISTINCT f.ind AS ind FROM placed f
            JOIN above a ON a.src = f.unit
            JOIN placed g ON g.ind = f.ind AND g.unit = a.anc
    """


class ClickHouseStatements(sql.Statements):
    """The warehouse's statements in ClickHouse's dialect.

    `facts` names the facts table, which may be in another database than the working
    tables (every process keeps its own working tables; the facts can be shared).
    Every read of the facts in this module is spelled `facts FINAL`.
    """

    compact_cube = staticmethod(compact_cube)

    def __init__(self, facts: str = "facts", cluster: str | None = None) -> None:
        self.facts = facts
        self.cluster = cluster
        self.all_facts = self._q(ALL_FACTS)

    def _q(self, text: str) -> str:
        return re.sub(r"(?<![.\w])facts FINAL", f"{self.facts} FINAL", text)

    def create_facts(self, name: str) -> str:
        return create_facts(self.facts if name == "facts" else name, self.cluster)

    def create_cube(self) -> str:
        return create_cube()

    def cube_from(self, source: str, roll: str, month_type: int) -> str:
        return self._q(cube_from(source, roll, month_type))

    def cube_sources(self, roll: str, month_type: int) -> str:
        return self._q(cube_sources(roll, month_type))

    def layered_indicators(self) -> str:
        return self._q(layered_indicators())

    def non_month_indicators(self, month_type: int) -> str:
        return self._q(sql.non_month_indicators(month_type).replace(sql.ALL_FACTS, ALL_FACTS))

    def cells_by_scan(self, roll: str, rules: Sequence[IndicatorRule], *, with_delta: bool,
                      shadow: bool, one_grain: bool = False, succ: str | None = None,
                      bounds: str = FROM_INPUTS) -> str:
        return self._q(cells_by_scan(roll, rules, with_delta=with_delta, shadow=shadow,
                                     one_grain=one_grain, succ=succ, bounds=bounds))

    def cells_of_leaves(self, rules: Sequence[IndicatorRule], *, with_delta: bool,
                        one_grain: bool, bounds: str = FROM_INPUTS) -> str:
        return self._q(cells_of_leaves(rules, with_delta=with_delta, one_grain=one_grain,
                                       bounds=bounds))

    @staticmethod
    def asked(rules: Sequence[IndicatorRule], periods: Sequence[Span], *,
              day: str = "toDate32('{}')", among: str = "GLOBAL IN") -> str:
        return sql.asked(rules, periods, day=day, among=among)

    def cells_by_cube(self, rules: Sequence[IndicatorRule], *,
                      months_only: bool = False) -> str:
        return cells_by_cube(rules, months_only=months_only)

    def cells_by_moved_totals(self, roll: str, succ: str, rules: Sequence[IndicatorRule], *,
                              with_delta: bool, bounds: str = FROM_INPUTS) -> str:
        return self._q(cells_by_moved_totals(roll, succ, rules, with_delta=with_delta,
                                             bounds=bounds))

    def latest_ends(self, where: str = "") -> str:
        return self._q(sql.latest_ends(where).replace(sql.ALL_FACTS, ALL_FACTS))

    def latest_ends_compacted(self) -> str:
        # A ClickHouse facts table holds old versions until merged: never "compacted".
        return self.latest_ends()

    def data_present(self, *, with_delta: bool) -> str:
        return self._q(data_present(with_delta=with_delta))

    @staticmethod
    def clear(table: str) -> str:
        return f"TRUNCATE TABLE {table}"
