"""The end of each indicator's latest period follows appended rows: an insertion past
the known end moves it on, the retraction of the latest value moves it back, and an
update of the latest value leaves it where it is."""

from __future__ import annotations

from datetime import date

from fansipan.analytics.engine import DuckDBEngine
from fansipan.analytics.facts import FactRows
from fansipan.analytics.warehouse import Warehouse


def rows(*facts: tuple[int, str, float, int]) -> FactRows:
    out = FactRows()
    for chg, (ind, period, value, n) in enumerate(facts, start=1):
        out.add(ind, 7, period, value, n, chg)
    return out


def test_the_latest_end_moves_on_back_and_stays_with_the_rows_appended() -> None:
    warehouse = Warehouse(DuckDBEngine())
    warehouse.load_facts(rows((1, "2025-01", 1, 1), (1, "2025-02", 2, 1), (1, "2025-03", 3, 1),
                              (2, "2025-01", 5, 1)).table(), last_change=4)
    assert warehouse.latest() == {1: date(2025, 3, 31), 2: date(2025, 1, 31)}

    # An update of the latest value: its retraction and its new value in one batch.
    warehouse.append_facts(rows((1, "2025-03", -3, -1), (1, "2025-03", 4, 1)).table(),
                           last_change=6)
    assert warehouse.latest() == {1: date(2025, 3, 31), 2: date(2025, 1, 31)}

    # The latest value deleted: the end goes back to the month before.
    warehouse.append_facts(rows((1, "2025-03", -4, -1)).table(), last_change=7)
    assert warehouse.latest() == {1: date(2025, 2, 28), 2: date(2025, 1, 31)}

    # A later value and the retraction of the only earlier one, in one batch.
    warehouse.append_facts(rows((2, "2025-06", 9, 1), (2, "2025-01", -5, -1)).table(),
                           last_change=9)
    assert warehouse.latest() == {1: date(2025, 2, 28), 2: date(2025, 6, 30)}

    # Every value of an indicator retracted: it has no latest period any more.
    warehouse.append_facts(rows((2, "2025-06", -9, -1)).table(), last_change=10)
    assert warehouse.latest() == {1: date(2025, 2, 28)}
