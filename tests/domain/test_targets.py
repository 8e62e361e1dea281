from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fansipan.domain.targets import (
    Direction,
    TargetStatus,
    TargetSummary,
    elapsed_fraction,
    evaluate_progress,
    evaluate_target,
    summarize_statuses,
)

UP, DOWN, NONE = Direction.UP, Direction.DOWN, Direction.NONE
EXCEEDED, MET, MISSED = TargetStatus.EXCEEDED, TargetStatus.MET, TargetStatus.MISSED
ON_TRACK, AT_RISK = TargetStatus.ON_TRACK, TargetStatus.AT_RISK
NO_DATA, NOT_APPLICABLE = TargetStatus.NO_DATA, TargetStatus.NOT_APPLICABLE


@pytest.mark.parametrize(
    ("actual", "planned", "direction", "tolerance", "expected"),
    [
        # Higher is better (e.g. revenue, planned 100).
        (110, 100, UP, 0.0, EXCEEDED),
        (100, 100, UP, 0.0, MET),
        (99.9, 100, UP, 0.0, MISSED),
        (102, 100, UP, 0.02, MET),  # on the upper edge of the 2 % band: not yet exceeded
        (102.5, 100, UP, 0.02, EXCEEDED),
        (98, 100, UP, 0.02, MET),  # on the lower edge: still met
        (97.9, 100, UP, 0.02, MISSED),
        # A 100 % target reached at exactly 100 % is met, not exceeded.
        (100.0, 100.0, UP, 0.0, MET),
        (100 * 0.07 / 0.07, 100.0, UP, 0.0, MET),
        (0.1 + 0.2, 0.3, UP, 0.0, MET),  # float noise does not count as exceeding
        # Lower is better (e.g. poverty rate, planned 2 %).
        (1.5, 2.0, DOWN, 0.0, EXCEEDED),
        (2.0, 2.0, DOWN, 0.0, MET),
        (2.1, 2.0, DOWN, 0.0, MISSED),
        (2.04, 2.0, DOWN, 0.02, MET),
        (2.05, 2.0, DOWN, 0.02, MISSED),
        (1.96, 2.0, DOWN, 0.02, MET),
        (1.95, 2.0, DOWN, 0.02, EXCEEDED),
        # Planned 0: the tolerance is relative, so it has no effect.
        (0, 0, UP, 0.05, MET),
        (1, 0, UP, 0.05, EXCEEDED),
        (-1, 0, UP, 0.05, MISSED),
        (0, 0, DOWN, 0.5, MET),  # "no forest fires" with no fires
        (3, 0, DOWN, 0.5, MISSED),
        # A negative plan (e.g. a trade balance): the band is 10 % of |-10| = 1.
        (-9.5, -10, UP, 0.1, MET),
        (-8.5, -10, UP, 0.1, EXCEEDED),
        (-11.5, -10, UP, 0.1, MISSED),
        # No figure, or no judgement wanted.
        (None, 100, UP, 0.0, NO_DATA),
        (math.nan, 100, DOWN, 0.0, NO_DATA),
        (50, 100, NONE, 0.0, NOT_APPLICABLE),
        (None, 100, NONE, 0.0, NOT_APPLICABLE),
    ],
)
def test_evaluate_target(
    actual: float | None,
    planned: float,
    direction: Direction,
    tolerance: float,
    expected: TargetStatus,
) -> None:
    status = evaluate_target(
        actual=actual, planned=planned, direction=direction, tolerance=tolerance
    )
    assert status is expected


@given(
    st.floats(-1e9, 1e9),
    st.floats(-1e9, 1e9),
    st.floats(0, 0.5),
)
def test_down_mirrors_up(actual: float, planned: float, tolerance: float) -> None:
    up = evaluate_target(actual=actual, planned=planned, direction=UP, tolerance=tolerance)
    down = evaluate_target(actual=-actual, planned=-planned, direction=DOWN, tolerance=tolerance)
    assert up is down


def test_evaluate_target_refuses_nonsense_inputs() -> None:
    with pytest.raises(ValueError, match="tolerance"):
        evaluate_target(actual=1, planned=1, direction=UP, tolerance=-0.1)
    with pytest.raises(ValueError, match="planned"):
        evaluate_target(actual=1, planned=math.inf, direction=UP)


@pytest.mark.parametrize(
    ("actual", "planned", "direction", "elapsed", "accumulates", "tolerance", "expected"),
    [
        # Revenue adds up over the year: by mid-year half the plan is expected.
        (520, 1000, UP, 0.5, True, 0.0, ON_TRACK),
        (500, 1000, UP, 0.5, True, 0.0, ON_TRACK),
        (480, 1000, UP, 0.5, True, 0.0, AT_RISK),
        (490, 1000, UP, 0.5, True, 0.02, ON_TRACK),  # 2 % of the 500 expected
        (489, 1000, UP, 0.5, True, 0.02, AT_RISK),
        (1200, 1000, UP, 0.5, True, 0.0, ON_TRACK),  # past the plan, but the year runs on
        (0, 1000, UP, 0.0, True, 0.0, ON_TRACK),  # nothing is expected on day one
        # A level or rate is expected at the plan already: 60 of 95 % is at risk,
        # while the same 60 of a sum planned at 95 would be ahead at mid-year.
        (60, 95, UP, 0.5, False, 0.0, AT_RISK),
        (60, 95, UP, 0.5, True, 0.0, ON_TRACK),
        (96, 95, UP, 0.5, False, 0.0, ON_TRACK),
        # Lower is better, accumulating: at most 100 accidents a year.
        (20, 100, DOWN, 0.25, True, 0.0, ON_TRACK),
        (30, 100, DOWN, 0.25, True, 0.0, AT_RISK),
        (26.5, 100, DOWN, 0.25, True, 0.05, AT_RISK),  # 5 % of the 25 expected is 1.25
        (26, 100, DOWN, 0.25, True, 0.05, ON_TRACK),
        (150, 100, DOWN, 0.25, True, 0.0, AT_RISK),  # nothing is final before the end
        # Lower is better, a level: poverty rate 2 %.
        (2.5, 2.0, DOWN, 0.5, False, 0.0, AT_RISK),
        (1.8, 2.0, DOWN, 0.5, False, 0.0, ON_TRACK),
        # At the end of the period the ordinary judgement applies.
        (1200, 1000, UP, 1.0, True, 0.0, EXCEEDED),
        (1000, 1000, UP, 1.0, True, 0.0, MET),
        (900, 1000, UP, 1.0, True, 0.0, MISSED),
        (1.8, 2.0, DOWN, 1.0, False, 0.0, EXCEEDED),
        # No figure, or no judgement wanted.
        (None, 1000, UP, 0.5, True, 0.0, NO_DATA),
        (10, 1000, NONE, 0.5, True, 0.0, NOT_APPLICABLE),
    ],
)
def test_evaluate_progress(
    actual: float | None,
    planned: float,
    direction: Direction,
    elapsed: float,
    accumulates: bool,
    tolerance: float,
    expected: TargetStatus,
) -> None:
    status = evaluate_progress(
        actual=actual,
        planned=planned,
        direction=direction,
        elapsed_fraction=elapsed,
        accumulates=accumulates,
        tolerance=tolerance,
    )
    assert status is expected


@pytest.mark.parametrize("elapsed", [-0.1, 1.5, math.nan])
def test_evaluate_progress_wants_a_fraction(elapsed: float) -> None:
    with pytest.raises(ValueError, match="elapsed_fraction"):
        evaluate_progress(
            actual=1, planned=1, direction=UP, elapsed_fraction=elapsed, accumulates=True
        )


@pytest.mark.parametrize(
    ("start", "end", "today", "expected"),
    [
        (date(2025, 1, 1), date(2025, 12, 31), date(2025, 1, 1), 0.0),
        (date(2025, 1, 1), date(2025, 12, 31), date(2025, 7, 1), 181 / 365),
        (date(2025, 1, 1), date(2025, 12, 31), date(2025, 12, 31), 364 / 365),
        (date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 1), 1.0),
        (date(2025, 1, 1), date(2025, 12, 31), date(2024, 6, 1), 0.0),
        (date(2025, 1, 1), date(2025, 12, 31), date(2030, 6, 1), 1.0),
        (date(2024, 1, 1), date(2024, 12, 31), date(2024, 3, 1), 60 / 366),
        (date(2025, 4, 1), date(2025, 6, 30), date(2025, 5, 16), 45 / 91),
        (date(2025, 5, 5), date(2025, 5, 5), date(2025, 5, 5), 0.0),
        (date(2025, 5, 5), date(2025, 5, 5), date(2025, 5, 6), 1.0),
    ],
)
def test_elapsed_fraction(start: date, end: date, today: date, expected: float) -> None:
    assert elapsed_fraction(start, end, today) == pytest.approx(expected)


def test_elapsed_fraction_refuses_a_backwards_period() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        elapsed_fraction(date(2025, 2, 1), date(2025, 1, 1), date(2025, 1, 15))


def test_labels() -> None:
    assert TargetStatus.MET.label("vi") == "Đạt"
    assert TargetStatus.EXCEEDED.label("en") == "Exceeded"
    assert TargetStatus.AT_RISK.label("vi") == "Có nguy cơ không đạt"
    assert TargetStatus.NO_DATA.label("fr") == "Chưa có số liệu"  # as for indicator names
    for lang in ("vi", "en"):
        labels = [s.label(lang) for s in TargetStatus]
        assert len(set(labels)) == len(labels)


def test_summary_counts() -> None:
    summary = summarize_statuses(
        [EXCEEDED, MET, MET, MISSED, ON_TRACK, AT_RISK, NO_DATA, NOT_APPLICABLE]
    )
    assert summary == TargetSummary(
        total=7,
        met_or_better=3,
        exceeded=1,
        missed=1,
        on_track=1,
        at_risk=1,
        no_data=1,
        not_applicable=1,
    )
    assert summary.met == 2


@pytest.mark.parametrize(
    ("statuses", "vi", "en"),
    [
        (
            [EXCEEDED] * 5 + [MET] * 5,
            "10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế hoạch",
            "10/10 targets met or exceeded, of which 5 exceeded",
        ),
        ([MET] * 4, "4/4 chỉ tiêu đạt kế hoạch", "4/4 targets met"),
        ([MET], "1/1 chỉ tiêu đạt kế hoạch", "1/1 target met"),
        (
            [MET] * 6 + [EXCEEDED] + [MISSED] * 2 + [NO_DATA] + [NOT_APPLICABLE] * 3,
            "7/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 1 chỉ tiêu vượt kế hoạch, "
            "2 chỉ tiêu không đạt, 1 chỉ tiêu chưa có số liệu",
            "7/10 targets met or exceeded, of which 1 exceeded, 2 missed, 1 with no data",
        ),
        ([MISSED, MISSED], "0/2 chỉ tiêu đạt kế hoạch, 2 chỉ tiêu không đạt",
         "0/2 targets met, 2 missed"),
        (
            [ON_TRACK] * 3 + [AT_RISK],
            "3/4 chỉ tiêu đúng tiến độ, 1 chỉ tiêu có nguy cơ không đạt",
            "3/4 targets on track, 1 at risk",
        ),
        (
            [ON_TRACK, ON_TRACK, NO_DATA, NOT_APPLICABLE],
            "2/3 chỉ tiêu đúng tiến độ, 1 chỉ tiêu chưa có số liệu",
            "2/3 targets on track, 1 with no data",
        ),
        (
            [MET, EXCEEDED, ON_TRACK, AT_RISK],
            "2/4 chỉ tiêu đạt và vượt kế hoạch, trong đó 1 chỉ tiêu vượt kế hoạch, 1 chỉ tiêu "
            "đúng tiến độ, 1 chỉ tiêu có nguy cơ không đạt",
            "2/4 targets met or exceeded, of which 1 exceeded, 1 on track, 1 at risk",
        ),
        ([NO_DATA], "0/1 chỉ tiêu đạt kế hoạch, 1 chỉ tiêu chưa có số liệu",
         "0/1 target met, 1 with no data"),
        ([], "Chưa có chỉ tiêu nào để đánh giá", "No targets to evaluate"),
        ([NOT_APPLICABLE], "Chưa có chỉ tiêu nào để đánh giá", "No targets to evaluate"),
    ],
)
def test_summary_sentence(statuses: list[TargetStatus], vi: str, en: str) -> None:
    summary = summarize_statuses(iter(statuses))
    assert summary.sentence("vi") == vi
    assert summary.sentence("en") == en
