"""Every statement the engine runs, in SQL that DuckDB and Spark SQL both accept.

Stored tables:
  facts(ind, unit, ptype, pstart, pend, value, n, chg)  append-only: an update adds a
      retraction row (value = -old, n = -1) and an insertion row (value = new, n = +1),
      so the current value of a key is SUM(value) where SUM(n) > 0
  cube(ind, anc, mstart, s, c)  append-only month rollups for additive indicators:
      s = sum of values below `anc`, c = how many values (shares for mapped history)
  roll_<name>(anc, src, share)  which unit's data counts at which unit (analytics.trees)
  above(anc, src)  anc was once a proper ancestor of src
Per-query inputs:
  req(pid, rstart, rend, rtype)  the periods asked for
  tgt(anc)  the units asked for
  inds(ind, agg_time, agg_units)  the base indicators asked for, with their rules
"""

from __future__ import annotations

def create_facts() -> str:
    return (
        "CREATE TABLE IF NOT EXISTS facts (ind INTEGER, unit INTEGER, ptype TINYINT, "
        "pstart DATE, pend DATE, value DOUBLE, n TINYINT, chg BIGINT)"
    )


def create_cube() -> str:
    return (
        "CREATE TABLE IF NOT EXISTS cube (ind INTEGER, anc INTEGER, mstart DATE, "
        "s DOUBLE, c DOUBLE)"
    )


def cube_from(source: str, roll: str, month_type: int) -> str:
    """Month rollups of `source` rows (all facts, or just-absorbed ones) at every
    unit in `cube_ancs` that the rows count towards."""
    return f"""
        SELECT f.ind, r.anc, f.pstart AS mstart,
               SUM(f.value * r.share) AS s, SUM(f.n * r.share) AS c
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
        SELECT ind, anc, mstart, SUM(s) AS s, SUM(c) AS c FROM cube
        GROUP BY ind, anc, mstart HAVING ABS(SUM(c)) > 1e-9
    """


def compact_facts() -> str:
    """Fold retractions into the rows they cancel; sorted so scans skip row groups."""
    return """
        CREATE OR REPLACE TABLE facts AS
        SELECT ind, unit, ptype, pstart, pend, SUM(value) AS value,
               CAST(1 AS TINYINT) AS n, MAX(chg) AS chg
        FROM facts GROUP BY ind, unit, ptype, pstart, pend HAVING SUM(n) > 0
        ORDER BY ind, pstart, unit
    """


def cells_by_scan(roll: str) -> str:
    """The exact answer for every (indicator, unit, period) asked for.

    Per source unit, values inside the period are combined over time by the
    indicator's rule, using the stored value of exactly that period if there is one,
    else the finest kind present. Then sources are combined over units by the unit
    rule, where a unit's own value shadows those of the units below it.
    """
    return f"""
    WITH scope AS (
        SELECT r.anc, r.src, r.share FROM {roll} r JOIN tgt t ON t.anc = r.anc
    ),
    cur AS (
        SELECT f.ind, f.unit, f.ptype, f.pstart, f.pend, SUM(f.value) AS value
        FROM facts f
        WHERE f.ind IN (SELECT ind FROM inds)
          AND f.pstart >= (SELECT MIN(rstart) FROM req)
          AND f.pend <= (SELECT MAX(rend) FROM req)
          AND f.unit IN (SELECT src FROM scope)
        GROUP BY f.ind, f.unit, f.ptype, f.pstart, f.pend
        HAVING SUM(f.n) > 0
    ),
    inp AS (
        SELECT c.ind, c.unit, c.pstart, c.value, r.pid,
               CASE WHEN c.ptype = r.rtype THEN -1 ELSE c.ptype END AS grain
        FROM cur c JOIN req r ON c.pstart >= r.rstart AND c.pend <= r.rend
    ),
    best AS (
        SELECT ind, unit, pid, MIN(grain) AS grain FROM inp GROUP BY ind, unit, pid
    ),
    timed AS (
        SELECT i.ind, i.unit, i.pid,
            CASE d.agg_time
                WHEN 'sum' THEN SUM(i.value)
                WHEN 'average' THEN AVG(i.value)
                WHEN 'last' THEN arg_max(i.value, i.pstart)
                WHEN 'min' THEN MIN(i.value)
                WHEN 'max' THEN MAX(i.value)
                ELSE MAX(CASE WHEN i.grain = -1 THEN i.value END)
            END AS value
        FROM inp i
        JOIN best b ON b.ind = i.ind AND b.unit = i.unit AND b.pid = i.pid
                   AND b.grain = i.grain
        JOIN inds d ON d.ind = i.ind
        GROUP BY i.ind, i.unit, i.pid, d.agg_time
    ),
    placed AS (
        SELECT s.anc, t.ind, t.pid, t.unit, t.value, s.share
        FROM timed t JOIN scope s ON s.src = t.unit
        WHERE t.value IS NOT NULL
    ),
    frontier AS (
        SELECT p.* FROM placed p
        WHERE NOT EXISTS (
            SELECT 1 FROM placed q JOIN above a ON a.anc = q.unit AND a.src = p.unit
            WHERE q.anc = p.anc AND q.ind = p.ind AND q.pid = p.pid
        )
    )
    SELECT f.ind, f.anc AS unit, f.pid,
        CASE d.agg_units
            WHEN 'sum' THEN SUM(f.value * f.share)
            WHEN 'average' THEN SUM(f.value * f.share) / SUM(f.share)
            WHEN 'min' THEN MIN(f.value)
            WHEN 'max' THEN MAX(f.value)
            ELSE MAX(CASE WHEN f.unit = f.anc THEN f.value END)
        END AS value,
        COUNT(*) AS sources
    FROM frontier f JOIN inds d ON d.ind = f.ind
    GROUP BY f.ind, f.anc, f.pid, d.agg_units
    """


def cells_by_cube() -> str:
    """Answers from the month rollups, for additive indicators at units with children.

    `req` here lists, for each period asked for, the months it is made of.
    """
    return """
    WITH m AS (
        SELECT c.ind, c.anc, r.pid, c.mstart, SUM(c.s) AS s, SUM(c.c) AS c
        FROM cube c
        JOIN req r ON c.mstart >= r.rstart AND c.mstart <= r.rend
        WHERE c.ind IN (SELECT ind FROM inds) AND c.anc IN (SELECT anc FROM tgt)
        GROUP BY c.ind, c.anc, r.pid, c.mstart
        HAVING SUM(c.c) > 1e-9
    )
    SELECT m.ind, m.anc AS unit, m.pid,
        CASE d.agg_units WHEN 'sum' THEN SUM(m.s) ELSE SUM(m.s) / SUM(m.c) END AS value,
        CAST(MAX(m.c) AS BIGINT) AS sources
    FROM m JOIN inds d ON d.ind = m.ind
    GROUP BY m.ind, m.anc, m.pid, d.agg_units
    """


def layered_indicators() -> str:
    """Indicators with values at a unit and at a unit below it (the cube cannot serve
    them: the upper value shadows the lower ones)."""
    return """
        SELECT DISTINCT f.ind FROM
            (SELECT DISTINCT ind, unit FROM facts) f
            JOIN above a ON a.src = f.unit
            JOIN (SELECT DISTINCT ind, unit FROM facts) g ON g.ind = f.ind AND g.unit = a.anc
    """


def non_month_indicators(month_type: int) -> str:
    return f"SELECT DISTINCT ind FROM facts WHERE ptype <> {month_type}"
