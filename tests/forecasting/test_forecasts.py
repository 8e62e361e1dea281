from __future__ import annotations

import numpy as np
import pytest

from fansipan.errors import ValidationError
from fansipan.forecasting import (
    ForecastOptions,
    ModelName,
    ReasonCode,
    forecast_many,
    forecast_series,
)
from fansipan.forecasting.metrics import conformal_quantile, mase_scale
from tests.forecasting.synthetic import month, monthly, seasonal, yearly


def test_a_strongly_seasonal_series_gets_a_seasonal_model_that_beats_the_baseline() -> None:
    rng = np.random.default_rng(1)
    values = seasonal(rng, 60, amplitude=0.5, growth=0.10, noise=0.03)
    f = forecast_series(series=monthly(values), horizon=12)
    assert not f.fell_back and f.reason is None
    assert f.model in {ModelName.THETA, ModelName.ETS, ModelName.COMBINED,
                       ModelName.SEASONAL_NAIVE}
    scores = {c.model: c.mase for c in f.candidates}
    assert set(scores) == {ModelName.SEASONAL_NAIVE, ModelName.THETA, ModelName.ETS,
                           ModelName.COMBINED}
    assert f.backtest_mase == min(m for m in scores.values() if m is not None)
    assert f.seasonal_naive_mase is not None and f.backtest_mase <= f.seasonal_naive_mase
    # With a 10 % trend, repeating last year is biased: a trend-aware model must win.
    assert f.model is not ModelName.SEASONAL_NAIVE
    # The forecast follows the cycle: the peak month of the last year stays the peak.
    last_year = values[48:]
    forecast = np.array([p.value for p in f.points])
    assert int(np.argmax(forecast)) == int(np.argmax(last_year))
    assert [p.period for p in f.points] == [month(60 + k) for k in range(12)]
    assert f.backtest is not None and f.backtest.windows == 3 and f.backtest.horizon == 12
    assert f.observations == 60 and f.gaps_filled == 0


def test_intervals_are_nested_and_held_inside_the_indicator_range() -> None:
    rng = np.random.default_rng(2)
    # A small count near zero: a plain normal interval would go below it.
    values = np.maximum(0, rng.poisson(2 + np.sin(np.arange(60) * np.pi / 6), 60))
    f = forecast_series(series=monthly(values, upper=5.0), horizon=12)
    for p in f.points:
        assert p.lower_95 is not None and p.upper_95 is not None
        assert p.lower_80 is not None and p.upper_80 is not None
        assert 0.0 <= p.lower_95 <= p.lower_80 <= p.value <= p.upper_80 <= p.upper_95 <= 5.0
    assert any(p.lower_95 == 0.0 for p in f.points)


def test_short_yearly_series_falls_back_to_drift_with_wide_intervals() -> None:
    f = forecast_series(series=yearly([10, 12, 13, 15, 16]), horizon=3)
    assert f.fell_back and f.model is ModelName.DRIFT
    assert f.reason is not None and f.reason.code is ReasonCode.SHORT_SERIES
    assert f.reason.vi == "Chuỗi số liệu ngắn (5 năm): dự báo theo xu hướng, khoảng tin cậy rộng."
    assert f.reason.text("en").startswith("Short series (5 years)")
    assert [round(p.value, 6) for p in f.points] == [17.5, 19.0, 20.5]  # drift 1.5 a year
    # Student's t with 3 degrees of freedom in place of the normal quantile.
    cov95 = f.coverage_at(95)
    assert cov95 is not None and cov95.empirical is None
    assert cov95.factor == pytest.approx(3.182446 / 1.959964, rel=1e-5)
    assert f.candidates == () and f.backtest is None


def test_a_short_monthly_series_repeats_last_year() -> None:
    rng = np.random.default_rng(3)
    f = forecast_series(series=monthly(seasonal(rng, 26)), horizon=6)
    assert f.fell_back and f.model is ModelName.SEASONAL_NAIVE
    assert f.reason is not None and "26 tháng" in f.reason.vi


@pytest.mark.parametrize(("values", "code", "model"), [
    ([0.0] * 40, ReasonCode.CONSTANT, ModelName.NAIVE),
    ([7.0] * 40, ReasonCode.CONSTANT, ModelName.NAIVE),
    ([42.0], ReasonCode.ONE_VALUE, ModelName.NAIVE),
    ([42.0, 40.0], ReasonCode.SHORT_SERIES, ModelName.NAIVE),
])
def test_series_without_spread_keep_their_value_and_say_why(
    values: list[float], code: ReasonCode, model: ModelName
) -> None:
    f = forecast_series(series=monthly(values), horizon=4)
    assert f.fell_back and f.model is model and f.reason is not None and f.reason.code is code
    assert [p.value for p in f.points] == [values[-1]] * 4
    assert all(p.lower_80 is None and p.upper_95 is None for p in f.points)


def test_no_data_gives_an_empty_forecast_with_a_reason() -> None:
    f = forecast_series(series=monthly([]), horizon=3)
    assert f.model is None and f.points == () and f.reason is not None
    assert f.reason.code is ReasonCode.NO_DATA


def test_gaps_are_filled_for_the_models_but_never_scored() -> None:
    rng = np.random.default_rng(4)
    values = seasonal(rng, 60)
    gaps = frozenset({10, 11, 40, 55})
    f = forecast_series(series=monthly(values, skip=gaps), horizon=12)
    assert f.gaps_filled == 4 and f.observations == 56 and not f.fell_back
    # Month 55 lies in the backtest windows: 3 windows × 12 points, one of them filled
    # and two windows overlap there, so 36 − 2 points are scored.
    cov = f.coverage_at(80)
    assert cov is not None and cov.points == 34


def test_batch_and_single_agree() -> None:
    rng = np.random.default_rng(5)
    series = [monthly(seasonal(rng, 60, noise=0.08), unit=f"U{i}") for i in range(5)]
    series.append(monthly([3.0]))
    many = forecast_many(series=series, horizon=12, options=ForecastOptions(n_jobs=1))
    assert [f.unit for f in many] == [s.unit for s in series]
    for s, f in zip(series, many, strict=True):
        one = forecast_series(series=s, horizon=12)
        assert one.model is f.model
        assert [p.value for p in one.points] == pytest.approx([p.value for p in f.points])


def test_a_model_chosen_only_among_the_candidates_given() -> None:
    rng = np.random.default_rng(6)
    f = forecast_series(series=monthly(seasonal(rng, 60)), horizon=12,
                        options=ForecastOptions(candidates=(ModelName.THETA,), n_jobs=1))
    assert f.model is ModelName.THETA
    assert [c.model for c in f.candidates] == [ModelName.THETA]
    assert f.seasonal_naive_mase is not None  # the baseline is always measured


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValidationError, match="horizon"):
        forecast_series(series=monthly([1.0, 2.0]), horizon=0)
    with pytest.raises(ValidationError, match="at least one model"):
        forecast_series(series=monthly([1.0, 2.0]), horizon=2,
                        options=ForecastOptions(candidates=()))


def test_mase_scale_and_conformal_quantile() -> None:
    y = np.array([1.0, 2, 3, 4, 6, 7, 8, 9])
    observed = np.ones(8, dtype=bool)
    assert mase_scale(y, observed, 4) == pytest.approx(5.0)  # |6-1|, |7-2|, …
    periodic = np.tile([1.0, 5.0], 6)
    assert mase_scale(periodic, np.ones(12, dtype=bool), 2) == pytest.approx(4.0)
    assert mase_scale(np.full(5, 3.0), np.ones(5, dtype=bool), 1) is None
    ratios = np.arange(1, 20, dtype=float)  # 19 ratios: rank ⌈20 × 0.8⌉ = 16
    assert conformal_quantile(ratios, 0.8) == 16.0
    assert conformal_quantile(ratios, 0.99) == 19.0
