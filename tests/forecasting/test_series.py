from __future__ import annotations

import numpy as np
import pytest

from fansipan.domain.indicators import Aggregation, Indicator
from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.targets import Direction
from fansipan.errors import ValidationError
from fansipan.forecasting import Observation, Series
from fansipan.forecasting.series import regularize, steps_between
from tests.forecasting.synthetic import month, monthly


def test_observations_are_sorted_and_looked_up() -> None:
    s = Series(indicator="A", unit="U", period_type=PeriodType.MONTH, observations=(
        Observation(month(2), 3.0), Observation(month(0), 1.0), Observation(month(1), 2.0)))
    assert [o.value for o in s.observations] == [1.0, 2.0, 3.0]
    assert s.last_period == month(2)
    assert s.value_at(month(1)) == 2.0
    assert s.value_at(month(5)) is None
    assert s.with_value(month(1), 9.0).value_at(month(1)) == 9.0
    assert s.with_value(month(4), 5.0).last_period == month(4)


def test_bad_series_name_the_row_and_the_fix() -> None:
    with pytest.raises(ValidationError) as caught:
        Series(indicator="A", unit="U", period_type=PeriodType.MONTH, observations=(
            Observation(month(0), 1.0), Observation(month(0), 2.0),
            Observation(Period.quarter_of(2020, 1), 1.0), Observation(month(3), float("nan"))))
    fields = {(e.field, e.row) for e in caught.value.errors}
    assert fields == {("period", 1), ("period", 2), ("value", 3)}
    assert "appears twice" in str(caught.value)
    with pytest.raises(ValidationError, match="monthly, quarterly or yearly"):
        Series(indicator="A", unit="U", period_type=PeriodType.WEEK, observations=())
    with pytest.raises(ValidationError, match="swap them"):
        Series(indicator="A", unit="U", period_type=PeriodType.YEAR, observations=(),
               lower_bound=5, upper_bound=1)


def test_series_of_an_indicator_carries_its_rules() -> None:
    ind = Indicator(code="TY_LE", name_vi="Tỷ lệ", name_en="Rate", sector="s",
                    agg_time=Aggregation.AVERAGE, direction=Direction.DOWN,
                    periodicity=PeriodType.QUARTER, min_value=0, max_value=100)
    s = Series.of_indicator(indicator=ind, unit="X", values={Period.quarter_of(2024, 1): 5.0})
    assert (s.period_type, s.agg_time, s.direction) == (
        PeriodType.QUARTER, Aggregation.AVERAGE, Direction.DOWN)
    assert (s.lower_bound, s.upper_bound, s.season_length) == (0, 100, 4)
    assert s.key == "TY_LE@X"


def test_gaps_are_filled_by_straight_lines_and_marked() -> None:
    r = regularize(monthly([10, 20, 30, 40, 50], skip=frozenset({1, 2})))
    assert r is not None
    np.testing.assert_allclose(r.y, [10, 20, 30, 40, 50])
    assert r.observed.tolist() == [True, False, False, True, True]
    assert r.filled == 2
    assert r.period_at(4) == month(4)
    assert regularize(monthly([])) is None


def test_steps_between_periods() -> None:
    assert steps_between(Period.month_of(2022, 11), Period.month_of(2023, 2)) == 3
    assert steps_between(Period.quarter_of(2022, 4), Period.quarter_of(2024, 1)) == 5
    assert steps_between(Period.year_of(2020), Period.year_of(2024)) == 4
