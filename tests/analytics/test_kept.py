"""Cells worked out once are not worked out again until their indicator changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from fansipan.analytics.engine import DuckDBEngine
from fansipan.analytics.warehouse import Warehouse
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values

RECEIVED, ONLINE = "CNTT_HO_SO_TIEP_NHAN", "CNTT_HO_SO_TRUC_TUYEN"
A, B = "02683", "02686"


class CountingEngine(DuckDBEngine):
    """The real engine, noting the indicators each answering query was asked about."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[set[int]] = []

    def query(self, sql: str, inputs: Mapping[str, pa.Table] | None = None) -> pa.Table:
        if inputs and "inds" in inputs:
            self.asked.append(set(inputs["inds"].column("ind").to_pylist()))
        return super().query(sql, inputs)


def put(session: Session, *rows: tuple[str, str, str, float]) -> None:
    write_values(session=session, actor="tester", source="test", items=[
        DataValueWrite(indicator=i, unit=u, period=p, value=v) for i, u, p, v in rows])


def ask(session: Session, warehouse: Warehouse, **kw: Any) -> dict[Any, Any]:
    return run_analytics(session=session, warehouse=warehouse,
                         request=AnalyticsRequest(**kw)).values()


def test_a_question_asked_again_costs_no_query_until_its_data_changes(session: Session) -> None:
    put(session, (RECEIVED, A, "2024-01", 10), (RECEIVED, B, "2024-01", 5),
        (ONLINE, A, "2024-01", 4))
    engine = CountingEngine()
    warehouse = Warehouse(engine)
    question = {"indicators": [RECEIVED, ONLINE], "units": ["082", A],
                "periods": ["2024-01", "2024Q1"]}
    first = ask(session, warehouse, **question)
    assert first[(RECEIVED, "082", "2024Q1")] == 15 and engine.asked
    engine.asked.clear()
    assert ask(session, warehouse, **question) == first
    assert engine.asked == []
    # Part of the same cells, asked another way: still nothing to work out.
    assert ask(session, warehouse, indicators=[ONLINE], units=[A],
               periods=["2024Q1"]) == {(ONLINE, A, "2024Q1"): 4}
    assert engine.asked == []
    # A new value of one indicator: only that indicator is worked out again.
    put(session, (RECEIVED, B, "2024-02", 7))
    again = ask(session, warehouse, **question)
    assert again[(RECEIVED, "082", "2024Q1")] == 22
    assert again[(ONLINE, A, "2024Q1")] == 4
    ids = {i for asked in engine.asked for i in asked}
    assert len(ids) == 1  # RECEIVED's id alone
    engine.asked.clear()
    assert ask(session, warehouse, **question) == again and engine.asked == []
