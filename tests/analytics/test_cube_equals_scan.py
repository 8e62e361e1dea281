"""The month rollups must give exactly what a full scan gives, whatever the data.

Random values (with gaps, updates and deletions, some of them estimates) over a small
tree; every indicator rule; months, quarters, halves, years and year-to-date stretches.
Both paths must also agree on which answers include an estimate.
"""

from __future__ import annotations

import random
from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fansipan.analytics.clickhouse import ClickHouseEngine
from fansipan.analytics.warehouse import FACT_SCHEMA, IndicatorRule, Span, Warehouse
from fansipan.domain.indicators import Aggregation
from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.units import Hierarchy, ParentLink, Unit, UnitLevel

TODAY = date(2026, 1, 1)
RULES = [
    IndicatorRule(1, Aggregation.SUM, Aggregation.SUM, PeriodType.MONTH),
    IndicatorRule(2, Aggregation.LAST, Aggregation.SUM, PeriodType.MONTH),
    IndicatorRule(3, Aggregation.AVERAGE, Aggregation.AVERAGE, PeriodType.MONTH),
    IndicatorRule(4, Aggregation.LAST, Aggregation.AVERAGE, PeriodType.MONTH),
    IndicatorRule(5, Aggregation.MAX, Aggregation.SUM, PeriodType.MONTH),
]
COMMUNES = [10, 11, 12, 20, 21]


def tree() -> Hierarchy:
    units = [Unit(1, "P", "province", UnitLevel.PROVINCE),
             Unit(2, "D1", "district 1", UnitLevel.DISTRICT),
             Unit(3, "D2", "district 2", UnitLevel.DISTRICT)]
    units += [Unit(c, f"C{c}", f"commune {c}", UnitLevel.COMMUNE) for c in COMMUNES]
    links = [ParentLink(2, 1), ParentLink(3, 1)]
    links += [ParentLink(c, 2 if c < 20 else 3) for c in COMMUNES]
    return Hierarchy(units, links)


MONTHS = [Period.month_of(2024, m) for m in range(1, 13)]
SPANS = ([Span.of(p) for p in MONTHS]
         + [Span.of(Period.quarter_of(2024, q)) for q in (1, 2, 3, 4)]
         + [Span.of(Period.six_month_of(2024, 1)), Span.of(Period.year_of(2024))]
         + [Span("2024-05:ytd", date(2024, 1, 1), date(2024, 5, 31), -2)])


Row = tuple[int, int, int, float, int, int]  # indicator, commune, month, value, n, est


def facts(rows: list[Row]) -> pa.Table:
    return pa.table({
        "ind": [r[0] for r in rows], "unit": [r[1] for r in rows],
        "ptype": [PeriodType.MONTH.rank] * len(rows),
        "pstart": [MONTHS[r[2]].start for r in rows], "pend": [MONTHS[r[2]].end for r in rows],
        "value": [r[3] for r in rows], "n": [r[4] for r in rows], "chg": [1] * len(rows),
        "est": [r[5] for r in rows],
    }, schema=FACT_SCHEMA)


def answers(w: Warehouse, h: Hierarchy, units: list[int] | None = None
            ) -> dict[tuple[int, int, str], float | None]:
    cells = w.cells(hierarchy=h, fingerprint=(1,), rules=RULES, all_rules=RULES,
                    unit_ids=units or [1, 2, 3, *COMMUNES], periods=SPANS, mapped=False,
                    on=None, today=TODAY)
    return {(c.ind, c.unit, c.pid): None if c.value is None else round(c.value, 6)
            for c in cells}


def estimates(w: Warehouse, h: Hierarchy, units: list[int] | None = None
              ) -> dict[tuple[int, int, str], bool]:
    cells = w.cells(hierarchy=h, fingerprint=(1,), rules=RULES, all_rules=RULES,
                    unit_ids=units or [1, 2, 3, *COMMUNES], periods=SPANS, mapped=False,
                    on=None, today=TODAY)
    return {(c.ind, c.unit, c.pid): c.estimate for c in cells if c.value is not None}


def _case(seed: int, full: bool) -> tuple[list[Row], list[Row]]:
    rng = random.Random(seed)
    base: list[Row] = [(r.id, c, m, float(rng.randint(0, 50)), 1, int(rng.random() < 0.1))
                       for r in RULES for c in COMMUNES for m in range(12)
                       if full or rng.random() < 0.7]
    # Later changes: some updated (retract, insert), some deleted (retract); an update
    # may turn an estimate into the official figure or the other way round.
    later: list[Row] = []
    for ind, c, m, v, _, est in rng.sample(base, k=min(10, len(base))):
        later.append((ind, c, m, -v, -1, -est))
        if rng.random() < 0.6:
            later.append((ind, c, m, float(rng.randint(0, 50)), 1, int(rng.random() < 0.3)))
    return base, later


Result = tuple[dict[tuple[int, int, str], float | None], dict[tuple[int, int, str], bool]]


def _run(w: Warehouse, base: list[Row], later: list[Row],
         units: list[int] | None = None) -> Result:
    h = tree()
    w.load_facts(facts(base), last_change=1)
    answers(w, h)  # builds the cube before the changes arrive, as in service
    w.append_facts(facts(later), last_change=2)
    return answers(w, h, units), estimates(w, h, units)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), full=st.booleans())
def test_cube_and_scan_agree(seed: int, full: bool) -> None:
    base, later = _case(seed, full)
    results = [_run(Warehouse(use_cube=use_cube), base, later) for use_cube in (True, False)]
    assert results[0] == results[1]


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), full=st.booleans())
def test_units_with_nothing_below_them_agree_with_the_scan(seed: int, full: bool) -> None:
    """Asked for communes alone, the answer that skips combining over units is the
    scan's, on DuckDB and on ClickHouse."""
    base, later = _case(seed, full)
    results = [_run(Warehouse(use_cube=False, leaf_scans=leaf), base, later, COMMUNES)
               for leaf in (True, False)]
    assert results[0] == results[1]
    assert results[0][0]  # the communes have answers to compare
    engine = ClickHouseEngine.in_process()
    try:
        assert _run(Warehouse(engine, use_cube=False), base, later, COMMUNES) == results[1]
    finally:
        engine.close()


# Few examples: each builds two ClickHouse warehouses (a second or two in chDB).
@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 10_000), full=st.booleans())
def test_clickhouse_agrees_with_duckdb_value_by_value(seed: int, full: bool) -> None:
    """ClickHouse's cube and its scan both give DuckDB's exact answers."""
    base, later = _case(seed, full)
    duck = _run(Warehouse(use_cube=False), base, later)
    for use_cube in (True, False):
        engine = ClickHouseEngine.in_process()
        try:
            assert _run(Warehouse(engine, use_cube=use_cube), base, later) == duck
        finally:
            engine.close()


def test_complete_data_is_served_by_the_cube() -> None:
    """With every commune reporting every month, longer periods come from the cube."""
    rows: list[Row] = [(r.id, c, m, float(c + m), 1, 0)
                       for r in RULES for c in COMMUNES for m in range(12)]
    w = Warehouse()
    w.load_facts(facts(rows), last_change=1)
    got = answers(w, tree())
    year = "2024"
    assert got[(2, 1, year)] == pytest.approx(sum(c + 11 for c in COMMUNES))  # last: December
    assert got[(3, 1, year)] == pytest.approx(sum(c + 5.5 for c in COMMUNES) / 5)
    assert got[(4, 2, year)] == pytest.approx((10 + 11 + 12 + 3 * 11) / 3)
