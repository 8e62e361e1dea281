"""History mapped through a merger and a split: combining each old unit's months first and
moving the totals (sql.cells_by_moved_totals) must give exactly what moving every month
and combining after gives, and what the month rollups give, whatever the data.
"""

from __future__ import annotations

import random
from datetime import date

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from fansipan.analytics.clickhouse import ClickHouseEngine
from fansipan.analytics.warehouse import FACT_SCHEMA, IndicatorRule, Span, Warehouse
from fansipan.domain.indicators import Aggregation
from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.units import Hierarchy, ParentLink, Succession, Unit, UnitLevel

TODAY = date(2025, 3, 1)
REFORM = date(2024, 7, 1)
BEFORE = date(2024, 6, 30)
RULES = [
    IndicatorRule(1, Aggregation.SUM, Aggregation.SUM, PeriodType.MONTH),
    IndicatorRule(2, Aggregation.LAST, Aggregation.SUM, PeriodType.MONTH),
    IndicatorRule(3, Aggregation.LAST, Aggregation.AVERAGE, PeriodType.MONTH),
    IndicatorRule(4, Aggregation.SUM, Aggregation.AVERAGE, PeriodType.MONTH),
    IndicatorRule(5, Aggregation.AVERAGE, Aggregation.SUM, PeriodType.MONTH),
]
OLD, NEW = [10, 11, 12], [30, 31, 32]
MONTHS = [Period.month_of(2024, m) for m in range(1, 13)]
SPANS = ([Span.of(p) for p in MONTHS]
         + [Span.of(Period.quarter_of(2024, q)) for q in (1, 2, 3, 4)]
         + [Span.of(Period.six_month_of(2024, h)) for h in (1, 2)]
         + [Span.of(Period.year_of(2024)),
            Span("2024-09:ytd", date(2024, 1, 1), date(2024, 9, 30), -2)])


def tree() -> Hierarchy:
    """Province 1; communes 10 and 11 merge into 30, commune 12 splits 60/40 into 31, 32."""
    units = [Unit(1, "P", "province", UnitLevel.PROVINCE)]
    units += [Unit(c, f"C{c}", f"old {c}", UnitLevel.COMMUNE, None, BEFORE) for c in OLD]
    units += [Unit(c, f"C{c}", f"new {c}", UnitLevel.COMMUNE, REFORM, None) for c in NEW]
    links = [ParentLink(c, 1, None, BEFORE) for c in OLD]
    links += [ParentLink(c, 1, REFORM, None) for c in NEW]
    successions = [Succession(10, 30, REFORM), Succession(11, 30, REFORM),
                   Succession(12, 31, REFORM, "split", 0.6),
                   Succession(12, 32, REFORM, "split", 0.4)]
    return Hierarchy(units, links, successions)


def facts(rows: list[tuple[int, int, int, float, int]] | list[Row]
          ) -> pa.Table:
    """Month facts (indicator, unit, month, value, n[, est]): est 1 marks an estimate."""
    return pa.table({
        "ind": [r[0] for r in rows], "unit": [r[1] for r in rows],
        "ptype": [PeriodType.MONTH.rank] * len(rows),
        "pstart": [MONTHS[r[2]].start for r in rows], "pend": [MONTHS[r[2]].end for r in rows],
        "value": [r[3] for r in rows], "n": [r[4] for r in rows], "chg": [1] * len(rows),
        "est": [r[5] if len(r) > 5 else 0 for r in rows],
    }, schema=FACT_SCHEMA)


def answers(w: Warehouse, h: Hierarchy) -> dict[tuple[int, int, str],
                                                tuple[float | None, bool]]:
    cells = w.cells(hierarchy=h, fingerprint=(1,), rules=RULES, all_rules=RULES,
                    unit_ids=[1, *NEW], periods=SPANS, mapped=True, on=None, today=TODAY)
    return {(c.ind, c.unit, c.pid): (None if c.value is None else round(c.value, 6),
                                     c.estimate) for c in cells}


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), density=st.sampled_from([0.4, 0.8, 1.0]))
def test_moved_totals_agree_with_the_scan_and_the_cube(seed: int, density: float) -> None:
    base, later = _case(seed, density)
    results = [_run(Warehouse(use_cube=use_cube, move_totals=move), base, later)
               for use_cube, move in ((False, True), (False, False), (True, True))]
    assert results[0] == results[1]
    assert results[2] == results[1]


Row = tuple[int, int, int, float, int, int]  # indicator, unit, month, value, n, est


def _case(seed: int, density: float) -> tuple[list[Row], list[Row]]:
    rng = random.Random(seed)
    # Some values are estimates (ước thực hiện): the moved totals must say so as the scan does.
    base = [(r.id, c, m, float(rng.randint(0, 50)), 1, int(rng.random() < 0.3))
            for r in RULES for c in OLD for m in range(6) if rng.random() < density]
    base += [(r.id, c, m, float(rng.randint(0, 50)), 1, int(rng.random() < 0.3))
             for r in RULES for c in NEW for m in range(6, 12) if rng.random() < density]
    later = []
    for ind, c, m, v, _, est in rng.sample(base, k=min(8, len(base))):
        later.append((ind, c, m, -v, -1, -est))
        if rng.random() < 0.5:
            later.append((ind, c, m, float(rng.randint(0, 50)), 1, int(rng.random() < 0.3)))
    return base, later


def _run(w: Warehouse, base: list[Row], later: list[Row],
         ) -> dict[tuple[int, int, str], tuple[float | None, bool]]:
    h = tree()
    w.load_facts(facts(base), last_change=1)
    answers(w, h)
    w.append_facts(facts(later), last_change=2)
    w.forget_answers()
    return answers(w, h)


# Few examples: each builds two ClickHouse warehouses (a second or two in chDB).
@settings(max_examples=2, deadline=None)
@given(seed=st.integers(0, 10_000), density=st.sampled_from([0.4, 0.8, 1.0]))
def test_clickhouse_moves_history_as_duckdb_does(seed: int, density: float) -> None:
    base, later = _case(seed, density)
    duck = _run(Warehouse(use_cube=False, move_totals=False), base, later)
    for use_cube in (True, False):
        engine = ClickHouseEngine.in_process()
        try:
            assert _run(Warehouse(engine, use_cube=use_cube), base, later) == duck
        finally:
            engine.close()


def test_a_split_units_last_value_follows_its_share() -> None:
    # Commune 12 reported 100 in June; its successors 31 and 32 report nothing after:
    # their last values are its June value in shares, 60 and 40.
    w = Warehouse(use_cube=False)
    w.load_facts(facts([(2, 12, 5, 100.0, 1), (2, 10, 5, 5.0, 1), (2, 30, 8, 7.0, 1)]),
                 last_change=1)
    got = {k: v for k, (v, _) in answers(w, tree()).items()}
    assert got[(2, 31, "2024")] == 60 and got[(2, 32, "2024")] == 40
    assert got[(2, 30, "2024")] == 7  # its own September, not June's 5 beside it
    assert got[(2, 1, "2024")] == 107
