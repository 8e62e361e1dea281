"""Estimates and official figures (ước thực hiện / số chính thức) through the one write
path, the audit chain, the analytics engine and the target evaluation, on both stores."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.estimates import ValueStatus
from fansipan.domain.rows import WriteStrategy
from fansipan.domain.targets import TargetStatus
from fansipan.errors import ValidationError
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.insight.evaluation import evaluate_targets
from fansipan.services.trust.audit import verify_chain
from fansipan.services.warehouse.datavalues import (
    DataValueWrite,
    get_value,
    list_changes,
    write_values,
)
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.store.tables import ChangeRow

EST, OFF = ValueStatus.ESTIMATE, ValueStatus.OFFICIAL
BAT_XAT = ("02683", "02686")  # two communes of Bát Xát (082) before the 2025 reform


def put(session: Session, *items: DataValueWrite) -> None:
    write_values(session=session, items=list(items), actor="tests", source="tests")


def v(unit: str, period: str, value: float, status: ValueStatus | None = None,
      indicator: str = "VT_TRAM_5G") -> DataValueWrite:
    return DataValueWrite(indicator=indicator, unit=unit, period=period, value=value,
                          status=status)


def test_an_estimate_is_replaced_by_the_official_figure_and_both_are_kept(
        session: Session) -> None:
    put(session, v("02683", "2024-12", 7, EST))
    stored = get_value(session=session, indicator="VT_TRAM_5G", unit="02683", period="2024-12")
    assert (stored.value, stored.status, stored.estimate) == (7, EST, None)

    put(session, v("02683", "2024-12", 6))  # the official figure arrives
    stored = get_value(session=session, indicator="VT_TRAM_5G", unit="02683", period="2024-12")
    assert (stored.value, stored.status, stored.estimate) == (6, OFF, 7)

    feed = list_changes(session=session)
    assert [(c.operation, c.old_value, c.old_status, c.new_value, c.new_status)
            for c in feed] == [("create", None, None, 7, EST), ("update", 7, EST, 6, OFF)]
    # The chain covers the statuses: it verifies, and breaks if one is altered.
    assert verify_chain(session=session).ok
    with session.begin():
        row = session.scalars(select(ChangeRow).order_by(ChangeRow.id.desc())).first()
        assert row is not None
        row.old_status = None
    report = verify_chain(session=session)
    assert not report.ok and "altered" in report.problems[0]


def test_the_same_number_as_official_is_still_a_change(session: Session) -> None:
    put(session, v("02683", "2024-11", 5, EST))
    summary = write_values(session=session, items=[v("02683", "2024-11", 5)], actor="tests",
                           source="tests")
    assert (summary.updated, summary.unchanged) == (1, 0)
    again = write_values(session=session, items=[v("02683", "2024-11", 5)], actor="tests",
                         source="tests")
    assert (again.updated, again.unchanged) == (0, 1)
    stored = get_value(session=session, indicator="VT_TRAM_5G", unit="02683", period="2024-11")
    assert (stored.status, stored.estimate) == (OFF, 5)


def test_an_estimate_never_replaces_an_official_figure(session: Session) -> None:
    put(session, v("02683", "2024-10", 4))
    with pytest.raises(ValidationError) as refused:
        put(session, v("02686", "2024-10", 1, EST), v("02683", "2024-10", 9, EST))
    error = refused.value.errors[0]
    assert (error.row, error.field) == (2, "status")
    assert "official" in error.message
    # All or nothing: the other row of the batch was not written either.
    stored = get_value(session=session, indicator="VT_TRAM_5G", unit="02683", period="2024-10")
    assert (stored.value, stored.status) == (4, OFF)
    assert len(list_changes(session=session)) == 1


def test_an_estimate_can_be_revised_and_deleted(session: Session) -> None:
    put(session, v("02683", "2024-09", 3, EST))
    put(session, v("02683", "2024-09", 4, EST))
    write_values(session=session, items=[v("02683", "2024-09", 4)], actor="tests",
                 source="tests", strategy=WriteStrategy.DELETE)
    feed = list_changes(session=session)
    assert [(c.operation, c.old_status, c.new_status) for c in feed] == [
        ("create", None, EST), ("update", EST, EST), ("delete", EST, None)]
    assert verify_chain(session=session).ok


def _answer(session: Session, warehouse: Warehouse, periods: list[str],
            units: list[str]) -> dict[tuple[str, str], tuple[float | None, bool]]:
    result = run_analytics(session=session, warehouse=warehouse, request=AnalyticsRequest(
        indicators=["VT_TRAM_5G"], units=units, periods=periods, as_of=date(2024, 12, 31)))
    values, estimates = result.values(), result.estimates()
    return {(k[1], k[2]): (val, estimates[k]) for k, val in values.items()}


def test_an_aggregate_that_includes_an_estimate_is_an_estimate(session: Session) -> None:
    warehouse = Warehouse()
    put(session, *(v(u, f"2024-{m:02d}", 2) for u in BAT_XAT for m in range(1, 12)))
    put(session, v("02683", "2024-12", 3), v("02686", "2024-12", 5, EST))
    got = _answer(session, warehouse, ["2024-11", "2024-12", "2024Q4", "2024"],
                  ["02683", "02686", "082"])
    assert got[("02683", "2024-12")] == (3, False)
    assert got[("02686", "2024-12")] == (5, True)
    assert got[("082", "2024-11")] == (4, False)  # every part official
    assert got[("082", "2024-12")] == (8, True)  # a total over units including one
    assert got[("082", "2024Q4")] == (8, True)  # the last month of a quarter is one
    assert got[("082", "2024")] == (8, True)
    # The official figure comes: the very next answer says so, through the delta.
    put(session, v("02686", "2024-12", 4))
    got = _answer(session, warehouse, ["2024-12", "2024"], ["082"])
    assert got[("082", "2024-12")] == (7, False) and got[("082", "2024")] == (7, False)
    # And a fresh engine that loads the store in one go agrees.
    assert _answer(session, Warehouse(), ["2024-12", "2024"], ["082"]) == got


def test_a_derived_indicator_of_an_estimate_is_an_estimate(session: Session) -> None:
    warehouse = Warehouse()
    put(session,
        v("02683", "2024", 10, indicator="VT_THON_TONG"),
        v("02683", "2024", 1, EST, indicator="VT_THON_VUNG_LOM"))
    result = run_analytics(session=session, warehouse=warehouse, request=AnalyticsRequest(
        indicators=["VT_TY_LE_THON_CO_SONG", "VT_THON_TONG"], units=["02683"],
        periods=["2024"], as_of=date(2024, 12, 31)))
    assert result.values()[("VT_TY_LE_THON_CO_SONG", "02683", "2024")] == pytest.approx(90)
    assert result.estimates() == {("VT_TY_LE_THON_CO_SONG", "02683", "2024"): True,
                                  ("VT_THON_TONG", "02683", "2024"): False}


def test_the_evaluation_says_which_actuals_are_estimates_and_the_share_of_plan(
        session: Session) -> None:
    warehouse = Warehouse()
    put(session, v("02683", "2024", 100, indicator="VT_THON_TONG"),
        v("02683", "2024", 4, EST, indicator="VT_THON_VUNG_LOM"))
    for code, planned in (("VT_THON_TONG", 80), ("VT_THON_VUNG_LOM", 5)):
        set_target(session=session, actor="tests", data=TargetWrite(
            indicator=code, unit="02683", period="2024", planned=planned))
    report = evaluate_targets(session=session, warehouse=warehouse, year=2024,
                              as_of=date(2025, 1, 10), principal=Principal.system())
    items = {i.indicator: i for i in report.items}
    total, dead = items["VT_THON_TONG"], items["VT_THON_VUNG_LOM"]
    assert total.status is TargetStatus.NOT_APPLICABLE  # a context figure, not judged
    assert (total.estimate, total.plan_percent, total.plan_text) == (False, None, "—")
    # Lower is better: 4 villages in dead zones against a ceiling of 5 is 125 % of plan.
    assert dead.status is TargetStatus.EXCEEDED
    assert dead.plan_percent == pytest.approx(125.0)
    assert (dead.plan_text, dead.estimate, dead.figure_label) == (
        "Đạt 125,0 % kế hoạch", True, "Ước thực hiện")
    assert report.estimates == 1
