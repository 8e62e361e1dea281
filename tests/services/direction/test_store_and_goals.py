"""The direction migration both ways, and multi-year goals judged year by year."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.targets import TargetStatus
from fansipan.errors import NotFound, ValidationError
from fansipan.services.insight.evaluation import evaluate_targets
from fansipan.services.insight.horizons import evaluate_horizons
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.targets import TargetWrite, list_targets, set_target
from fansipan.store.engine import make_engine
from fansipan.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade_store,
)

DIRECTION_TABLES = {"directives", "tasks", "task_units", "task_indicators", "task_events",
                    "attachment_blobs", "task_attachments", "report_issuers",
                    "report_numbers", "report_files"}


def test_the_migration_goes_down_and_up_again(empty_store_url: str) -> None:
    engine = make_engine(empty_store_url)
    try:
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) >= DIRECTION_TABLES
        command.downgrade(alembic_config(engine), "0004")
        found = inspect(engine)
        assert not DIRECTION_TABLES & set(found.get_table_names())
        assert "status" not in {c["name"] for c in found.get_columns("data_values")}
        upgrade_store(engine)
        found = inspect(engine)
        assert set(found.get_table_names()) >= DIRECTION_TABLES
        assert {"old_status", "new_status"} <= {c["name"] for c in found.get_columns("changes")}
        keys = {tuple(u["column_names"]) for u in found.get_unique_constraints("targets")}
        assert ("indicator_id", "unit_id", "period", "horizon") in keys
    finally:
        engine.dispose()


def _goal(session: Session, code: str, unit: str, period: str, horizon: str,
          planned: float) -> None:
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator=code, unit=unit, period=period, planned=planned, horizon=horizon,
        document="Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XVI (thử)"))


def test_a_five_year_goal_beside_the_years_own_plan(session: Session) -> None:
    communes = ("02683", "02686")
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator=code, unit=u, period=year, value=value)
        for u in communes for year, households, online in (("2022", 100, 40), ("2023", 100, 60))
        for code, value in (("CDS_TONG_HO_GD", households), ("CDS_HO_CO_INTERNET", online))])
    # Bát Xát's goal for the end of its plan 2021–2024 (the district ended in 2025).
    _goal(session, "CDS_TY_LE_HO_INTERNET", "082", "2024", "2021-2024", 80)
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator="CDS_TY_LE_HO_INTERNET", unit="082", period="2024", planned=70))
    assert sorted((t.horizon, t.planned) for t in list_targets(session=session)) == [
        ("", 70.0), ("2021-2024", 80.0)]
    goals = evaluate_horizons(session=session, warehouse=Warehouse(), year=2022,
                              as_of=date(2023, 2, 1))
    assert len(goals) == 1
    g = goals[0]
    # A rate is judged at its level: 40 % against 80 % is at risk, 50 % of the goal.
    assert (g.actual, g.status, g.goal_year) == (40.0, TargetStatus.AT_RISK, 2024)
    assert g.plan_text == "Đạt 50,0 % mục tiêu năm 2024"
    assert g.horizon_label == "Giai đoạn 2021–2024"
    assert evaluate_horizons(session=session, warehouse=Warehouse(), year=2025) == []
    # The yearly evaluation of 2024 judges the year's own plan, not the plan's goal.
    with pytest.raises(NotFound):
        evaluate_targets(session=session, warehouse=Warehouse(), year=2023)
    report = evaluate_targets(session=session, warehouse=Warehouse(), year=2024,
                              as_of=date(2025, 1, 10))
    assert [i.planned for i in report.items] == [70.0]


def test_a_flow_goal_adds_up_the_years_of_the_plan(session: Session) -> None:
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator="BC_DOANH_THU", unit="10", period=f"{y}-{m:02d}", value=5)
        for y in (2021, 2022) for m in range(1, 13)])
    _goal(session, "BC_DOANH_THU", "10", "2022", "2021-2022", 100)
    first = evaluate_horizons(session=session, warehouse=Warehouse(), year=2021,
                              as_of=date(2022, 6, 1))[0]
    assert (first.actual, first.status) == (60.0, TargetStatus.ON_TRACK)  # half the time
    last = evaluate_horizons(session=session, warehouse=Warehouse(), year=2022,
                             as_of=date(2023, 1, 5))[0]
    assert (last.actual, last.status) == (120.0, TargetStatus.EXCEEDED)
    assert last.plan_text == "Đạt 120,0 % mục tiêu năm 2022"


def test_a_goal_is_set_for_the_last_year_of_its_plan(session: Session) -> None:
    with pytest.raises(ValidationError) as refused:
        _goal(session, "CDS_TY_LE_HO_INTERNET", "082", "2024", "2021-2025", 80)
    assert refused.value.errors[0].field == "horizon"
