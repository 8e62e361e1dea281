"""Every statement the engine runs, in SQL that DuckDB and Spark SQL both accept
(ClickHouse's spelling of the same statements is in `analytics.clickhouse_sql`).

Stored tables:
  facts(ind, unit, ptype, pstart, pend, value, n, chg, est)  one row per key, as last
      compacted; est is 1 for an estimate (ước thực hiện), 0 for an official figure
  delta(same columns)  appended since: an update adds a retraction row (value = -old,
      n = -1, est = -old est) and an insertion row (value = new, n = +1, est = new est),
      so the current value of a key is SUM(value) over facts and delta where SUM(n) > 0,
      and SUM(est) says whether it is an estimate
  cube(ind, anc, mstart, s, c, e)  append-only month rollups for additive indicators:
      s = sum of values below `anc`, c = how many values (shares for mapped history),
      e = how many of them are estimates
  roll_<name>(anc, src, share)  which unit's data counts at which unit (analytics.trees)
  above(anc, src)  anc was once a proper ancestor of src
Per-query inputs:
  req(pid, rstart, rend, rtype)  the periods asked for
  tgt(anc)  the units asked for
  inds(ind, agg_time, agg_units)  the base indicators asked for, with their rules
  probes(key, ind, unit, a, b, s)  is there data of `ind` at `unit` or a unit ever below
      it, for a period ending from `a` to `b` and starting on or after `s`?
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fansipan.analytics.cells import IndicatorRule, Span

Exprs = Mapping[str, tuple[str, str]]  # rule → (value, estimate) expressions


def time_exprs(last: str = "arg_max") -> dict[str, tuple[str, str]]:
    """One source unit's values over a period (`i` rows of `chosen`), by `agg_time`.
    `none` takes only a value stored for exactly that period (grain -1)."""
    return {
        "sum": ("SUM(i.value)", "MAX(i.est)"),
        "average": ("AVG(i.value)", "MAX(i.est)"),
        "last": (f"{last}(i.value, i.pstart)", f"{last}(i.est, i.pstart)"),
        "min": ("MIN(i.value)", "MAX(i.est)"),
        "max": ("MAX(i.value)", "MAX(i.est)"),
        "none": ("MAX(CASE WHEN i.grain = -1 THEN i.value END)",
                 "MAX(CASE WHEN i.grain = -1 THEN i.est END)"),
    }


# Sources combined into a unit (`f` rows of `frontier`), by `agg_units`; `none` takes
# only the unit's own value.
UNIT_EXPRS: dict[str, tuple[str, str]] = {
    "sum": ("SUM(f.value * f.share)", "MAX(f.est)"),
    "average": ("SUM(f.value * f.share) / SUM(f.share)", "MAX(f.est)"),
    "min": ("MIN(f.value)", "MAX(f.est)"),
    "max": ("MAX(f.value)", "MAX(f.est)"),
    "none": ("MAX(CASE WHEN f.unit = f.anc THEN f.value END)",
             "MAX(CASE WHEN f.unit = f.anc THEN f.est END)"),
}


def by_rule(key: str, named: Sequence[tuple[int, str]]) -> str:
    """One expression per indicator, as a CASE on the indicator's id only where the
    indicators asked need different ones. Written out for the indicators of the query
    (rather than joined from `inds`), so that the engine works out only the aggregates
    those indicators use."""
    groups: dict[str, list[int]] = {}
    for ind, expr in named:
        groups.setdefault(expr, []).append(ind)
    if len(groups) == 1:
        return next(iter(groups))
    whens = " ".join(f"WHEN {key} IN ({', '.join(str(i) for i in sorted(ids))}) THEN {expr}"
                     for expr, ids in groups.items())
    return f"CASE {whens} END"


def rule_exprs(rules: Sequence[IndicatorRule], exprs: Exprs, key: str, *,
               over_units: bool) -> tuple[str, str]:
    """The value and estimate expressions for `rules`, by time or by units."""
    def rule(r: IndicatorRule) -> str:
        name = (r.agg_units if over_units else r.agg_time).value
        return name if name in exprs else "none"
    return (by_rule(key, [(r.id, exprs[rule(r)][0]) for r in rules]),
            by_rule(key, [(r.id, exprs[rule(r)][1]) for r in rules]))


def create_facts(name: str) -> str:
    return (
        f"CREATE TABLE IF NOT EXISTS {name} (ind INTEGER, unit INTEGER, ptype TINYINT, "
        "pstart DATE, pend DATE, value DOUBLE, n TINYINT, chg BIGINT, est TINYINT)"
    )


ALL_FACTS = "(SELECT * FROM facts UNION ALL SELECT * FROM delta)"


def create_cube() -> str:
    return (
        "CREATE TABLE IF NOT EXISTS cube (ind INTEGER, anc INTEGER, mstart DATE, "
        "s DOUBLE, c DOUBLE, e DOUBLE)"
    )


def cube_from(source: str, roll: str, month_type: int) -> str:
    """Month rollups of `source` rows (all facts, or just-absorbed ones) at every
    unit in `cube_ancs` that the rows count towards."""
    return f"""
        SELECT f.ind, r.anc, f.pstart AS mstart,
               SUM(f.value * r.share) AS s, SUM(f.n * r.share) AS c,
               SUM(f.est * r.share) AS e
        FROM {source} f
        JOIN {roll} r ON r.src = f.unit
        JOIN cube_ancs a ON a.anc = r.anc
        JOIN cube_inds ci ON ci.ind = f.ind
        WHERE f.ptype = {month_type}
        GROUP BY f.ind, r.anc, f.pstart
    """


def compact_cube() -> str:
    return """
        CREATE OR REPLACE TABLE cube AS
        SELECT ind, anc, mstart, SUM(s) AS s, SUM(c) AS c, SUM(e) AS e FROM cube
        GROUP BY ind, anc, mstart HAVING ABS(SUM(c)) > 1e-9
    """


def compact_facts() -> str:
    """Fold the delta into facts; sorted so that scans skip whole row groups."""
    return f"""
        CREATE OR REPLACE TABLE facts AS
        SELECT ind, unit, ptype, pstart, pend, SUM(value) AS value,
               CAST(1 AS TINYINT) AS n, MAX(chg) AS chg, CAST(SUM(est) AS TINYINT) AS est
        FROM {ALL_FACTS} GROUP BY ind, unit, ptype, pstart, pend HAVING SUM(n) > 0
        ORDER BY ind, pstart, unit
    """


# The facts a query may need, bounded by its inputs (`asked` gives them as literals).
FROM_INPUTS = """ind IN (SELECT ind FROM inds)
          AND pstart >= (SELECT MIN(rstart) FROM req)
          AND pend <= (SELECT MAX(rend) FROM req)"""


def asked(rules: Sequence[IndicatorRule], periods: Sequence[Span], *,
          day: str = "DATE '{}'", among: str = "IN") -> str:
    """`FROM_INPUTS` written out: the indicators and the first and last days asked as
    literals, so that the engine skips whole blocks of facts (sorted by indicator, then
    period) before it reads a row, where a join on the inputs would read them."""
    inds = ", ".join(str(i) for i in sorted({r.id for r in rules}))
    first = day.format(min(p.start for p in periods).isoformat())
    last = day.format(max(p.end for p in periods).isoformat())
    return f"ind {among} ({inds}) AND pstart >= {first} AND pend <= {last}"


def _current(with_delta: bool, sources: str = "SELECT src FROM scope",
             bounds: str = FROM_INPUTS) -> str:
    """The current value of each key inside the asked ranges, retractions netted out.

    Only keys touched since the last compaction are grouped; the rest of `facts` is
    read as it is, which keeps the common case a plain filtered scan.
    """
    where = f"""{bounds}
          AND unit IN ({sources})"""
    if not with_delta:
        return f"SELECT ind, unit, ptype, pstart, pend, value, est FROM facts WHERE {where}"
    return f"""
        SELECT f.ind, f.unit, f.ptype, f.pstart, f.pend, f.value, f.est FROM facts f
        WHERE {where}
          AND NOT EXISTS (SELECT 1 FROM delta d WHERE d.ind = f.ind AND d.unit = f.unit
                          AND d.ptype = f.ptype AND d.pstart = f.pstart)
        UNION ALL
        SELECT ind, unit, ptype, pstart, pend, SUM(value) AS value, SUM(est) AS est FROM (
            SELECT f.* FROM facts f
            WHERE EXISTS (SELECT 1 FROM delta d WHERE d.ind = f.ind AND d.unit = f.unit
                          AND d.ptype = f.ptype AND d.pstart = f.pstart)
            UNION ALL SELECT * FROM delta
        ) t
        WHERE {where}
        GROUP BY ind, unit, ptype, pstart, pend
        HAVING SUM(n) > 0
    """


def cells_by_scan(roll: str, rules: Sequence[IndicatorRule], *, with_delta: bool,
                  shadow: bool, one_grain: bool = False, succ: str | None = None,
                  bounds: str = FROM_INPUTS) -> str:
    """The exact answer for every (indicator, unit, period) asked for.

    Per source unit, values inside the period are combined over time by the
    indicator's rule, using the stored value of exactly that period if there is one,
    else the finest kind present. Then sources are combined over units by the unit
    rule, where a unit's own value shadows those of the units below it (`shadow`:
    only needed when some indicator asked has values at two levels of one branch).
    `one_grain`: every value of the indicators asked is of one period type, so there
    is no finer-or-exact choice to make. `succ` (history mapped into today's units):
    values are first moved onto the units that succeeded theirs, then combined.
    `rules` are the indicators of `inds`, whose rules the statement is written for;
    `bounds` (see `asked`) limits the facts read to what the inputs can need.
    """
    if succ is None:
        current = _current(with_delta, bounds=bounds)
    else:
        sources = f"SELECT m.src FROM {succ} m JOIN scope s ON s.src = m.succ"
        current = f"""
        SELECT c.ind, m.succ AS unit, c.ptype, c.pstart, c.pend,
               SUM(c.value * m.share) AS value, MAX(c.est) AS est
        FROM ({_current(with_delta, sources, bounds)}) c
        JOIN {succ} m ON m.src = c.unit
        GROUP BY c.ind, m.succ, c.ptype, c.pstart, c.pend"""
    frontier = """
    frontier AS (
        SELECT p.* FROM placed p
        WHERE NOT EXISTS (
            SELECT 1 FROM placed q JOIN above a ON a.anc = q.unit AND a.src = p.unit
            WHERE q.anc = p.anc AND q.ind = p.ind AND q.pid = p.pid
        )
    )""" if shadow else _NO_SHADOW
    return f"""
    WITH scope AS (
        SELECT r.anc, r.src, r.share FROM {roll} r JOIN tgt t ON t.anc = r.anc
    ),
    cur AS ({current}),
    {_over_time(rules, one_grain)},
    {_over_units(rules, frontier)}"""


def cells_of_leaves(rules: Sequence[IndicatorRule], *, with_delta: bool,
                    one_grain: bool, bounds: str = FROM_INPUTS) -> str:
    """`cells_by_scan` where every unit asked has no unit below it in the tree of the
    periods asked: each is its own only source, so combining over units changes
    nothing and the answer is the values combined over time."""
    return f"""
    WITH cur AS ({_current(with_delta, "SELECT anc FROM tgt", bounds)}),
    {_over_time(rules, one_grain)}
    SELECT ind, unit, pid, value, CAST(1 AS BIGINT) AS sources, est > 0 AS est
    FROM timed WHERE value IS NOT NULL
    """


def chosen(one_grain: bool) -> str:
    """`chosen`: the rows of `inp` that count, the stored value of exactly the period
    asked where there is one, else those of the finest kind present (any one kind, when
    all values are of one period type). The same in every dialect."""
    return """
    chosen AS (SELECT * FROM inp),""" if one_grain else """
    best AS (
        SELECT ind, unit, pid, MIN(grain) AS grain FROM inp GROUP BY ind, unit, pid
    ),
    chosen AS (
        SELECT i.* FROM inp i
        JOIN best b ON b.ind = i.ind AND b.unit = i.unit AND b.pid = i.pid
                   AND b.grain = i.grain
    ),"""


def _over_time(rules: Sequence[IndicatorRule], one_grain: bool) -> str:
    """From `cur` to `timed`: one value per indicator, source unit and period asked."""
    value, est = rule_exprs(rules, time_exprs(), "i.ind", over_units=False)
    return f"""inp AS (
        SELECT c.ind, c.unit, c.pstart, c.value, c.est, r.pid,
               CASE WHEN c.ptype = r.rtype THEN -1 ELSE c.ptype END AS grain
        FROM cur c JOIN req r ON c.pstart >= r.rstart AND c.pend <= r.rend
    ),{chosen(one_grain)}
    timed AS (
        SELECT i.ind, i.unit, i.pid, {value} AS value, {est} AS est
        FROM chosen i
        GROUP BY i.ind, i.unit, i.pid
    )"""


def _over_units(rules: Sequence[IndicatorRule], frontier: str) -> str:
    """From `timed` (one value per indicator, source unit and period) to the answer:
    sources combined over units by the unit rule, after `frontier` (shadowing)."""
    value, est = rule_exprs(rules, UNIT_EXPRS, "f.ind", over_units=True)
    return f"""placed AS (
        SELECT s.anc, t.ind, t.pid, t.unit, t.value, t.est, s.share
        FROM timed t JOIN scope s ON s.src = t.unit
        WHERE t.value IS NOT NULL
    ),{frontier}
    SELECT f.ind, f.anc AS unit, f.pid, {value} AS value, COUNT(*) AS sources,
        {est} > 0 AS est
    FROM frontier f
    GROUP BY f.ind, f.anc, f.pid
    """


_NO_SHADOW = """
    frontier AS (SELECT * FROM placed)"""


def moved_exprs(rules: Sequence[IndicatorRule]) -> tuple[str, str]:
    """Over time, for totals moved onto successors: a sum of the parts' sums, or the
    parts' last values in the successor's latest month."""
    exprs = {"sum": ("SUM(m.total)", "MAX(m.any_est)"),
             "last": ("SUM(CASE WHEN m.latest = l.latest THEN m.last_value END)",
                      "MAX(CASE WHEN m.latest = l.latest THEN m.last_est END)")}
    named = [(r.id, exprs["sum" if r.agg_time.value == "sum" else "last"]) for r in rules]
    return (by_rule("m.ind", [(i, v) for i, (v, _) in named]),
            by_rule("m.ind", [(i, e) for i, (_, e) in named]))


def cells_by_moved_totals(roll: str, succ: str, rules: Sequence[IndicatorRule], *,
                          with_delta: bool, bounds: str = FROM_INPUTS) -> str:
    """`cells_by_scan` for history mapped into today's units, for indicators that add up
    or keep their last value over time, whose values are all of one period type and
    never at two levels of one branch.

    Such figures can be combined over time at each original unit first and moved onto
    its successor after: a sum is the sum of the parts' sums (each scaled by its share);
    a last value is the successor's latest month, and only the parts whose own latest
    month it is had a value then. So a national scan groups each unit's months once
    instead of moving every monthly value onto its successor and grouping them again.
    """
    sources = f"SELECT m.src FROM {succ} m JOIN scope s ON s.src = m.succ"
    value, est = moved_exprs(rules)
    return f"""
    WITH scope AS (
        SELECT r.anc, r.src, r.share FROM {roll} r JOIN tgt t ON t.anc = r.anc
    ),
    cur AS ({_current(with_delta, sources, bounds)}),
    own AS (
        SELECT c.ind, c.unit, r.pid, SUM(c.value) AS total, MAX(c.pstart) AS latest,
               arg_max(c.value, c.pstart) AS last_value, MAX(c.est) AS any_est,
               arg_max(c.est, c.pstart) AS last_est
        FROM cur c JOIN req r ON c.pstart >= r.rstart AND c.pend <= r.rend
        GROUP BY c.ind, c.unit, r.pid
    ),
    moved AS (
        SELECT o.ind, m.succ AS unit, o.pid, o.total * m.share AS total, o.latest,
               o.last_value * m.share AS last_value, o.any_est, o.last_est
        FROM own o JOIN {succ} m ON m.src = o.unit
        JOIN (SELECT DISTINCT src FROM scope) s ON s.src = m.succ
    ),
    latest AS (SELECT ind, unit, pid, MAX(latest) AS latest FROM moved
               GROUP BY ind, unit, pid),
    timed AS (
        SELECT m.ind, m.unit, m.pid, {value} AS value, {est} AS est
        FROM moved m
        JOIN latest l ON l.ind = m.ind AND l.unit = m.unit AND l.pid = m.pid
        GROUP BY m.ind, m.unit, m.pid
    ),
    {_over_units(rules, _NO_SHADOW)}"""


def cube_sources(roll: str, month_type: int) -> str:
    """How many sources (share-weighted) have ever had month values below each unit."""
    return f"""
        SELECT p.ind, r.anc, SUM(r.share) AS n
        FROM (SELECT DISTINCT ind, unit FROM {ALL_FACTS} x WHERE ptype = {month_type}) p
        JOIN {roll} r ON r.src = p.unit
        JOIN cube_ancs a ON a.anc = r.anc
        JOIN cube_inds ci ON ci.ind = p.ind
        GROUP BY p.ind, r.anc
    """


def cube_exprs(rules: Sequence[IndicatorRule]) -> tuple[str, str, str, bool]:
    """Value, sureness and estimate of a period read from its months (`a` rows of
    `cells_by_cube`), by rule; and whether sureness needs `cube_src`."""
    values, oks, ests = [], [], []
    for r in rules:
        total = {"last": "a.s_last", "average": "(a.s_all / a.k)"}.get(r.agg_time.value,
                                                                       "a.s_all")
        values.append((r.id, total if r.agg_units.value == "sum" else f"{total} / a.cmax"))
        oks.append((r.id, "TRUE" if r.agg_time.value == r.agg_units.value == "sum" else
                    "(a.cmax - a.cmin < 1e-9 AND ABS(a.cmax - COALESCE(n.n, -1)) < 1e-9)"))
        ests.append((r.id, "a.e_last" if r.agg_time.value == "last" else "a.e_all"))
    ok = by_rule("a.ind", oks)
    return (by_rule("a.ind", values), "TRUE" if ok == "TRUE" else f"(a.k = 1 OR {ok})",
            by_rule("a.ind", ests), ok != "TRUE")


def cells_by_cube(rules: Sequence[IndicatorRule], *, months_only: bool = False) -> str:
    """Answers from the month rollups, for additive indicators at units with children.

    A month is read as it is. A longer period is a sum of its months when values add
    up over time; for a last value or an average over time it can be read from the
    months only when every source that has ever reported reported in each month that
    has data (`ok`); other cells are left to an exact scan. `months_only`: every period
    asked holds one month's start at most, which is then read as it is.
    """
    if months_only:
        value = by_rule("c.ind", [(r.id, "SUM(c.s)" if r.agg_units.value == "sum"
                                   else "SUM(c.s) / SUM(c.c)") for r in rules])
        return f"""
        SELECT c.ind, c.anc AS unit, r.pid, {value} AS value,
               CAST(ROUND(SUM(c.c)) AS BIGINT) AS sources, TRUE AS ok, SUM(c.e) > 1e-9 AS est
        FROM cube c
        JOIN req r ON c.mstart >= r.rstart AND c.mstart <= r.rend
        WHERE c.ind IN (SELECT ind FROM inds) AND c.anc IN (SELECT anc FROM tgt)
        GROUP BY c.ind, c.anc, r.pid
        HAVING SUM(c.c) > 1e-9
        """
    value, ok, est, needs_sources = cube_exprs(rules)
    sources = ("LEFT JOIN cube_src n ON n.ind = a.ind AND n.anc = a.anc"
               if needs_sources else "")
    return f"""
    WITH m AS (
        SELECT c.ind, c.anc, r.pid, c.mstart, SUM(c.s) AS s, SUM(c.c) AS c, SUM(c.e) AS e
        FROM cube c
        JOIN req r ON c.mstart >= r.rstart AND c.mstart <= r.rend
        WHERE c.ind IN (SELECT ind FROM inds) AND c.anc IN (SELECT anc FROM tgt)
        GROUP BY c.ind, c.anc, r.pid, c.mstart
        HAVING SUM(c.c) > 1e-9
    ),
    a AS (
        SELECT ind, anc, pid, SUM(s) AS s_all, arg_max(s, mstart) AS s_last,
               COUNT(*) AS k, MIN(c) AS cmin, MAX(c) AS cmax,
               SUM(e) AS e_all, arg_max(e, mstart) AS e_last
        FROM m GROUP BY ind, anc, pid
    )
    SELECT a.ind, a.anc AS unit, a.pid, {value} AS value,
        CAST(ROUND(a.cmax) AS BIGINT) AS sources, {ok} AS ok, {est} > 1e-9 AS est
    FROM a {sources}
    """


def layered_indicators() -> str:
    """Indicators with values at a unit and at a unit below it (the cube cannot serve
    them, and scans must let the upper value shadow the lower ones)."""
    return f"""
        WITH placed AS (SELECT DISTINCT ind, unit FROM {ALL_FACTS} x)
        SELECT DISTINCT f.ind FROM placed f
            JOIN above a ON a.src = f.unit
            JOIN placed g ON g.ind = f.ind AND g.unit = a.anc
    """


def non_month_indicators(month_type: int) -> str:
    return f"SELECT DISTINCT ind FROM {ALL_FACTS} x WHERE ptype <> {month_type}"


def latest_ends(where: str = "") -> str:
    """The end of the latest period with a current value, per indicator."""
    return f"""
        SELECT ind, MAX(pend) AS pend FROM (
            SELECT ind, pend FROM {ALL_FACTS} x {where}
            GROUP BY ind, unit, ptype, pstart, pend HAVING SUM(n) > 0
        ) t GROUP BY ind
    """


def latest_ends_compacted() -> str:
    """The same over `facts` alone, right after a compaction (every row is current)."""
    return "SELECT ind, MAX(pend) AS pend FROM facts GROUP BY ind"


def data_present(*, with_delta: bool) -> str:
    """The probes that find a current value at their unit or a unit ever below it.

    Only the facts of the probed indicators, units and dates are read (`inds` and `req`
    bound them), and retractions are netted only for keys touched since compaction.
    """
    current = _current(with_delta, "SELECT src FROM below")
    return f"""
    WITH below AS (
        SELECT a.anc, a.src FROM above a WHERE a.anc IN (SELECT unit FROM probes)
        UNION ALL SELECT DISTINCT unit AS anc, unit AS src FROM probes
    ),
    f AS ({current})
    SELECT DISTINCT p.key FROM probes p
    JOIN below r ON r.anc = p.unit
    JOIN f ON f.unit = r.src AND f.ind = p.ind AND f.pend >= p.a AND f.pend <= p.b
          AND f.pstart >= p.s
    """


class Statements:
    """The statements of one SQL dialect, as the warehouse asks for them.

    This class is DuckDB's (and Spark SQL's); `analytics.clickhouse_sql` overrides
    what ClickHouse spells differently.
    """

    all_facts = ALL_FACTS
    create_facts = staticmethod(create_facts)
    create_cube = staticmethod(create_cube)
    cube_from = staticmethod(cube_from)
    compact_cube = staticmethod(compact_cube)
    cells_by_scan = staticmethod(cells_by_scan)
    cube_sources = staticmethod(cube_sources)
    cells_by_cube = staticmethod(cells_by_cube)
    layered_indicators = staticmethod(layered_indicators)
    non_month_indicators = staticmethod(non_month_indicators)
    cells_by_moved_totals = staticmethod(cells_by_moved_totals)
    cells_of_leaves = staticmethod(cells_of_leaves)
    asked = staticmethod(asked)
    latest_ends = staticmethod(latest_ends)
    latest_ends_compacted = staticmethod(latest_ends_compacted)
    data_present = staticmethod(data_present)

    @staticmethod
    def clear(table: str) -> str:
        return f"DELETE FROM {table}"
