"""The demo's plans: round figures first, each year's outcome designed, never an actual."""

from __future__ import annotations

import pytest

from fansipan.demo.plans import (
    CEILINGS,
    PLAN_PATHS,
    PLAN_YEAR,
    PLAN_YEAR_OUTCOMES,
    TOLERANCE,
    aim_of,
    plan_document,
    planned_value,
)
from fansipan.domain.targets import Direction, TargetStatus, evaluate_target

YEARS = range(2021, 2031)


def test_the_plan_year_reads_ten_met_five_exceeded() -> None:
    assert set(PLAN_YEAR_OUTCOMES) == set(PLAN_PATHS)
    outcomes = [aim_of(code, PLAN_YEAR).outcome for code in PLAN_PATHS]
    assert len(outcomes) == 10
    assert outcomes.count(TargetStatus.EXCEEDED) == 5
    assert outcomes.count(TargetStatus.MET) == 5


@pytest.mark.parametrize("code", sorted(PLAN_PATHS))
def test_aims_evaluate_as_designed_and_never_sit_on_the_plan(code: str) -> None:
    for year in YEARS:
        aim = aim_of(code, year)
        assert aim.planned == planned_value(code, year)
        status = evaluate_target(actual=aim.actual, planned=aim.planned, direction=Direction.UP,
                                 tolerance=TOLERANCE)
        assert status is aim.outcome, (year, aim)
        if aim.actual == aim.planned:  # only a full 100 % reached in full
            assert aim.planned == CEILINGS[code] and status is TargetStatus.MET
        if aim.outcome is TargetStatus.MET and aim.planned != CEILINGS.get(code):
            # Landed a little above the plan, and far enough to be seen at 0,1.
            assert aim.planned * 1.003 < aim.actual < aim.planned * (1 + TOLERANCE)


@pytest.mark.parametrize("code", sorted(PLAN_PATHS))
def test_plans_are_round_and_go_on_past_the_table(code: str) -> None:
    values = [planned_value(code, y) for y in YEARS]
    assert all(v == round(v) for v in values)
    assert all(v <= CEILINGS.get(code, v) for v in values)
    # The merged province plans more than old Lào Cai did for figures that add up.
    assert values[4] >= values[3]


def test_the_published_2022_figure_is_used() -> None:
    assert planned_value("BC_TY_LE_XA_CO_DIEM", 2022) == 100


def test_documents_are_marked_illustrative() -> None:
    assert plan_document(2021) == "Kế hoạch số 15/KH-UBND ngày 20/01/2021 (minh họa)"
    assert "/07/2025" in plan_document(2025)  # the merged province planned after 1 July
    assert all(plan_document(y).endswith("(minh họa)") for y in YEARS)
