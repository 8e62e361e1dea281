"""Estimates and official figures: the words for them and how parts combine."""

from __future__ import annotations

import pytest

from fansipan.domain.estimates import ValueStatus, combined_status, parse_value_status
from fansipan.domain.targets import Direction, percent_of_plan, plan_share_text


def test_the_words_in_both_languages() -> None:
    assert ValueStatus.ESTIMATE.label() == "Ước thực hiện"
    assert ValueStatus.OFFICIAL.label("en") == "Official figure"
    assert ValueStatus.ESTIMATE.short() == "Ước TH"
    for word in ("ước", "Ước thực hiện", "estimate", "  ƯỚC TH "):
        assert parse_value_status(word) is ValueStatus.ESTIMATE
    for word in ("chính thức", "Official", "số chính thức"):
        assert parse_value_status(word) is ValueStatus.OFFICIAL
    assert parse_value_status("") is None and parse_value_status(None) is None
    with pytest.raises(ValueError, match="maybe"):
        parse_value_status("maybe")


def test_a_figure_with_an_estimated_part_is_an_estimate() -> None:
    assert combined_status([False, True, False]) is ValueStatus.ESTIMATE
    assert combined_status([False, False]) is ValueStatus.OFFICIAL
    assert combined_status([]) is ValueStatus.OFFICIAL


@pytest.mark.parametrize(("actual", "planned", "direction", "share"), [
    (1712.5, 1650, Direction.UP, 103.79),
    (100, 100, Direction.UP, 100.0),
    (90, 100, Direction.UP, 90.0),
    (4, 5, Direction.DOWN, 125.0),  # a ceiling beaten: above 100 % as for the other way
    (6, 5, Direction.DOWN, 83.33),
    (0, 0, Direction.DOWN, 100.0),
    (0, 5, Direction.DOWN, None),
    (3, 0, Direction.UP, None),
    (None, 10, Direction.UP, None),
    (10, 10, Direction.NONE, None),
])
def test_the_share_of_plan(actual: float | None, planned: float, direction: Direction,
                           share: float | None) -> None:
    got = percent_of_plan(actual=actual, planned=planned, direction=direction)
    assert got == (None if share is None else pytest.approx(share, abs=0.01))


def test_the_share_of_plan_in_words() -> None:
    assert plan_share_text(103.79, "vi") == "Đạt 103,8 % kế hoạch"
    assert plan_share_text(1234.5, "vi") == "Đạt 1.234,5 % kế hoạch"
    assert plan_share_text(75, "vi", goal="mục tiêu năm 2025") == "Đạt 75,0 % mục tiêu năm 2025"
    assert plan_share_text(75, "en") == "75.0% of plan"
    assert plan_share_text(None, "vi") == "—"
