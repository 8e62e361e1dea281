from __future__ import annotations

import numpy as np
import pytest

from fansipan.domain.indicators import Aggregation
from fansipan.domain.periods import Period
from fansipan.domain.targets import Direction
from fansipan.errors import ValidationError
from fansipan.forecasting import (
    AttainmentRequest,
    Forecast,
    ForecastOptions,
    Outlook,
    ReasonCode,
    Target,
    estimate_attainment,
    estimate_attainments,
    forecast_many,
    forecast_series,
    outlook_for,
)
from fansipan.forecasting.odds import BIAS_SHARE, MAX_LEAN
from tests.forecasting.synthetic import monthly, seasonal, yearly

YEAR_2025 = Period.year_of(2025)


def lean(f: Forecast) -> float:
    """The factor the odds' paths are centred by: half the backtest bias, bounded."""
    return 1.0 + max(-MAX_LEAN, min(MAX_LEAN, BIAS_SHARE * f.bias))


def test_outlook_thresholds_and_labels() -> None:
    assert outlook_for(0.8) is Outlook.ON_TRACK
    assert outlook_for(0.79) is Outlook.AT_RISK and outlook_for(0.5) is Outlook.AT_RISK
    assert outlook_for(0.49) is Outlook.OFF_TRACK
    assert [o.label() for o in (Outlook.ON_TRACK, Outlook.AT_RISK, Outlook.OFF_TRACK)] == [
        "Đúng tiến độ", "Có nguy cơ không đạt", "Khó đạt"]
    assert Outlook.AT_RISK.label("en") == "At risk"


def test_odds_are_calibrated_against_simulated_truth() -> None:
    """Series with known noise; targets set within ±10 % of what 2025 turned out to be."""
    rng = np.random.default_rng(99)
    histories, planned, met = [], [], []
    for i in range(90):
        values = seasonal(rng, 72, level=float(rng.uniform(100, 1000)), noise=0.08,
                          growth=float(rng.uniform(-0.06, 0.06)))
        known = int(rng.integers(0, 10))
        target = float(np.sum(values[60:])) * float(rng.uniform(0.9, 1.1))
        histories.append(monthly(values[:60 + known], unit=f"U{i}"))
        planned.append(target)
        met.append(float(np.sum(values[60:])) >= target)
    forecasts = forecast_many(series=histories, horizon=12, options=ForecastOptions(n_jobs=1))
    results = estimate_attainments(requests=[
        AttainmentRequest(series=s, target=Target(period=YEAR_2025, planned=p), forecast=f)
        for s, p, f in zip(histories, planned, forecasts, strict=True)], paths=500)
    odds = np.array([r.probability for r in results], dtype=float)
    outcome = np.array(met, dtype=float)
    brier = float(np.mean((odds - outcome) ** 2))
    base = float(np.mean((outcome.mean() - outcome) ** 2))
    assert brier < 0.8 * base  # better than always saying the base rate
    # Coarse reliability: the average odds match the share met, and targets given good
    # odds are met far more often than those given poor ones.
    assert abs(odds.mean() - outcome.mean()) < 0.1
    assert outcome[odds >= 0.8].mean() > 0.75 and outcome[odds < 0.2].mean() < 0.25


def test_a_year_total_comes_from_paths_not_from_summed_quantiles() -> None:
    rng = np.random.default_rng(11)
    values = seasonal(rng, 60, noise=0.1, growth=0.0)
    s = monthly(values)
    f = forecast_series(series=s, horizon=12)
    a = estimate_attainment(series=s, target=Target(period=YEAR_2025, planned=1.0), forecast=f)
    assert a.simulated_periods == 12 and a.known_periods == 0 and a.paths == 1000
    assert a.lower_80 is not None and a.upper_80 is not None and a.expected is not None
    assert a.expected == pytest.approx(lean(f) * sum(p.value for p in f.points), rel=0.03)
    summed_bands = sum(p.upper_80 - p.lower_80 for p in f.points  # type: ignore[operator]
                       if p.upper_80 is not None)
    assert a.upper_80 - a.lower_80 < 0.6 * summed_bands  # months' noise partly cancels


def test_known_months_count_and_the_rest_is_simulated() -> None:
    rng = np.random.default_rng(12)
    values = seasonal(rng, 66, noise=0.05)
    s = monthly(values)
    f = forecast_series(series=s, horizon=12)
    total_known = float(np.sum(values[60:66]))
    expected_rest = lean(f) * sum(p.value for p in f.points[:6])
    a = estimate_attainment(series=s, target=Target(period=YEAR_2025, planned=0.0), forecast=f)
    assert a.known_periods == 6 and a.simulated_periods == 6
    assert a.expected == pytest.approx(total_known + expected_rest, rel=0.02)
    assert a.probability == 1.0 and a.outlook is Outlook.ON_TRACK
    far = estimate_attainment(series=s, target=Target(period=YEAR_2025, planned=1e12),
                              forecast=f)
    assert far.probability == 0.0 and far.outlook is Outlook.OFF_TRACK
    even = estimate_attainment(series=s, target=Target(
        period=YEAR_2025, planned=total_known + expected_rest), forecast=f)
    assert even.probability is not None and 0.3 < even.probability < 0.7


@pytest.mark.parametrize(("agg", "direction"), [
    (Aggregation.LAST, Direction.UP), (Aggregation.AVERAGE, Direction.DOWN),
    (Aggregation.MAX, Direction.UP), (Aggregation.MIN, Direction.DOWN)])
def test_each_aggregation_over_time(agg: Aggregation, direction: Direction) -> None:
    rng = np.random.default_rng(13)
    values = seasonal(rng, 64, noise=0.04, growth=0.0, amplitude=0.2)
    s = monthly(values, agg=agg, direction=direction)
    f = forecast_series(series=s, horizon=12)
    points = np.array([p.value for p in f.points[:8]])
    centre = {Aggregation.LAST: points[-1], Aggregation.AVERAGE:
              (values[60:].sum() + points.sum()) / 12,
              Aggregation.MAX: max(values[60:].max(), points.max()),
              Aggregation.MIN: min(values[60:].min(), points.min())}[agg]
    a = estimate_attainment(series=s, target=Target(period=YEAR_2025, planned=float(centre)),
                            forecast=f)
    assert a.expected == pytest.approx(centre, rel=0.06)
    easy = centre * (0.5 if direction is Direction.UP else 1.5)
    a = estimate_attainment(series=s, target=Target(period=YEAR_2025, planned=float(easy)),
                            forecast=f)
    assert a.probability == 1.0


def test_a_finished_year_is_met_or_missed() -> None:
    rng = np.random.default_rng(14)
    values = seasonal(rng, 72)
    s = monthly(values)
    f = forecast_series(series=s, horizon=12)
    total = float(np.sum(values[48:60]))
    year = Period.year_of(2024)
    met = estimate_attainment(series=s, target=Target(period=year, planned=total), forecast=f)
    assert (met.probability, met.outlook, met.expected) == (1.0, Outlook.MET, total)
    assert met.reason is not None and met.reason.code is ReasonCode.PERIOD_OVER
    missed = estimate_attainment(series=s, target=Target(period=year, planned=total * 1.01),
                                 forecast=f)
    assert (missed.probability, missed.outlook) == (0.0, Outlook.MISSED)
    assert missed.reason is not None and "không đạt" in missed.reason.vi
    tolerated = estimate_attainment(
        series=s, target=Target(period=year, planned=total * 1.01, tolerance=0.02), forecast=f)
    assert tolerated.outlook is Outlook.MET


def test_nothing_known_yet_and_a_quarter_target() -> None:
    rng = np.random.default_rng(15)
    values = seasonal(rng, 60, noise=0.05)
    s = monthly(values)
    f = forecast_series(series=s, horizon=12)
    q2 = Period.quarter_of(2025, 2)
    expected = lean(f) * sum(p.value for p in f.points[3:6])
    a = estimate_attainment(series=s, target=Target(period=q2, planned=expected * 0.9),
                            forecast=f)
    assert a.known_periods == 0 and a.simulated_periods == 3
    assert a.expected == pytest.approx(expected, rel=0.02)
    assert a.probability is not None and a.probability > 0.8


def test_odds_cannot_be_given_without_a_judgement_or_data() -> None:
    rng = np.random.default_rng(16)
    values = seasonal(rng, 40)
    none = monthly(values, direction=Direction.NONE)
    f = forecast_series(series=none, horizon=12)
    a = estimate_attainment(series=none, target=Target(period=Period.year_of(2023), planned=1),
                            forecast=f)
    assert a.outlook is Outlook.NOT_APPLICABLE and a.probability is None
    rate = monthly(values, agg=Aggregation.NONE)
    a = estimate_attainment(series=rate, target=Target(period=Period.year_of(2023), planned=1),
                            forecast=forecast_series(series=rate, horizon=12))
    assert a.reason is not None and a.reason.code is ReasonCode.NOT_AGGREGATABLE
    empty = monthly([])
    a = estimate_attainment(series=empty, target=Target(period=YEAR_2025, planned=1),
                            forecast=forecast_series(series=empty, horizon=3))
    assert a.outlook is Outlook.NO_DATA and a.probability is None


def test_a_yearly_series_and_a_constant_one() -> None:
    s = yearly([10, 12, 13, 15, 16])
    f = forecast_series(series=s, horizon=2)
    a = estimate_attainment(series=s, target=Target(period=YEAR_2025, planned=17.5), forecast=f)
    assert a.probability is not None and 0.35 < a.probability < 0.65
    flat = monthly([5.0] * 30)
    a = estimate_attainment(series=flat, target=Target(period=Period.year_of(2022), planned=60),
                            forecast=forecast_series(series=flat, horizon=12))
    assert a.probability == 1.0 and a.expected == 60.0


def test_bad_targets_are_refused() -> None:
    s = monthly([1.0, 2.0, 3.0])
    f = forecast_series(series=s, horizon=3)
    with pytest.raises(ValidationError, match="shorter than"):
        estimate_attainment(series=yearly([1.0, 2.0]), target=Target(
            period=Period.month_of(2021, 1), planned=1), forecast=f)
    with pytest.raises(ValidationError, match="tolerance"):
        estimate_attainment(series=s, target=Target(period=YEAR_2025, planned=1,
                                                    tolerance=-1), forecast=f)
    with pytest.raises(ValidationError, match="paths"):
        estimate_attainment(series=s, target=Target(period=YEAR_2025, planned=1),
                            forecast=f, paths=5)


def test_the_paths_lean_by_half_the_backtest_bias() -> None:
    from dataclasses import replace

    from fansipan.forecasting.metrics import relative_bias

    mask = np.array([True, True, True, False])
    assert relative_bias(np.array([103.0, 206.0, 309.0, 0.0]),
                         np.array([100.0, 200.0, 300.0, 999.0]), mask) == pytest.approx(0.03)
    assert relative_bias(np.array([1.0]), np.array([np.nan]), np.array([True])) == 0.0
    # A series that keeps growing: the damped models run low on their backtest.
    rng = np.random.default_rng(5)
    values = seasonal(rng, 66, level=500.0, noise=0.03, growth=0.25)
    s = monthly(values[:60])
    f = forecast_series(series=s, horizon=12)
    assert f.bias > 0
    target = Target(period=YEAR_2025, planned=float(np.sum(values[60:])))
    odds = {b: estimate_attainment(series=s, target=target, forecast=replace(f, bias=b))
            for b in (-0.1, 0.0, 0.1, 5.0)}
    p = {b: a.probability for b, a in odds.items()}
    assert p[-0.1] < p[0.0] < p[0.1]  # type: ignore[operator]
    # Half the bias, and never more than MAX_LEAN: the centre moves 5 % for a 10 % bias.
    e = {b: a.expected for b, a in odds.items()}
    assert e[0.1] == pytest.approx(1.05 * e[0.0], rel=0.01)  # type: ignore[operator]
    assert e[5.0] == pytest.approx((1 + MAX_LEAN) * e[0.0], rel=0.01)  # type: ignore[operator]
