"""Interval coverage on simulated data, and the calibration that produces it."""

from __future__ import annotations

import numpy as np
import pytest

from fansipan.forecasting import ForecastOptions, ModelName, forecast_many
from fansipan.forecasting.backtest import Holdouts
from fansipan.forecasting.selection import calibrate
from tests.forecasting.synthetic import monthly, seasonal

SERIES = 120


@pytest.fixture(scope="module")
def held_out() -> dict[str, np.ndarray]:
    """Forecasts from 60 months of 120 seasonal series, against the 12 months after."""
    rng = np.random.default_rng(20260601)
    panel = np.array([seasonal(rng, 72, level=float(rng.uniform(100, 5000)),
                               amplitude=float(rng.uniform(0.1, 0.4)),
                               growth=float(rng.uniform(-0.05, 0.15)),
                               noise=float(rng.uniform(0.03, 0.12))) for _ in range(SERIES)])
    forecasts = forecast_many(series=[monthly(v[:60], unit=f"U{i}") for i, v in enumerate(panel)],
                              horizon=12, options=ForecastOptions(n_jobs=1))
    out: dict[str, np.ndarray] = {"actual": panel[:, 60:]}
    for key in ("value", "lower_80", "upper_80", "lower_95", "upper_95"):
        out[key] = np.array([[getattr(p, key) for p in f.points] for f in forecasts], dtype=float)
    out["factor_80"] = np.array([f.coverage_at(80).factor for f in forecasts])  # type: ignore[union-attr]
    return out


def _inside(d: dict[str, np.ndarray], level: int, factor: np.ndarray | float = 1.0) -> float:
    """Share of held-out values inside the level's interval, its half-widths ÷ factor."""
    f = np.asarray(factor).reshape(-1, 1) if np.ndim(factor) else factor
    lo = d["value"] - (d["value"] - d[f"lower_{level}"]) / f
    hi = d["value"] + (d[f"upper_{level}"] - d["value"]) / f
    return float(np.mean((d["actual"] >= lo) & (d["actual"] <= hi)))


def test_calibrated_intervals_cover_held_out_values_as_promised(
    held_out: dict[str, np.ndarray],
) -> None:
    # 1,440 held-out values: binomial noise on a share near 0.8 is about ±0.01, and the
    # 12 values of one series move together, so the bounds leave room for both.
    assert 0.74 <= _inside(held_out, 80) <= 0.88
    assert 0.91 <= _inside(held_out, 95) <= 0.985


def test_without_the_widening_the_80_percent_intervals_would_under_cover(
    held_out: dict[str, np.ndarray],
) -> None:
    raw = _inside(held_out, 80, held_out["factor_80"])
    assert raw < 0.76  # the models' own intervals are too narrow …
    assert _inside(held_out, 80) - raw > 0.04  # … and the calibration makes up for it
    assert np.mean(held_out["factor_80"] > 1) > 0.3


def _holdouts(width: float, n: int = 200) -> Holdouts:
    rng = np.random.default_rng(7)
    actual = rng.normal(0, 1, n)
    mean = np.zeros(n)
    name = ModelName.THETA
    # A normal 80 % half-width is 1.2816 sd, a 95 % one 1.96 sd; `width` scales both.
    return Holdouts(actual=actual, observed=np.ones(n, dtype=bool), mean={name: mean},
                    lower={(name, 80): mean - 1.2816 * width, (name, 95): mean - 1.96 * width},
                    upper={(name, 80): mean + 1.2816 * width, (name, 95): mean + 1.96 * width})


def test_calibration_widens_an_interval_that_is_too_narrow() -> None:
    cov80, cov95 = calibrate(holdouts=_holdouts(0.5), model=ModelName.THETA)
    assert cov80.empirical is not None and cov80.empirical < 0.6  # 0.48 expected
    assert cov80.factor == pytest.approx(2.0, rel=0.2)
    assert cov95.factor == pytest.approx(2.0, rel=0.25)
    assert cov80.calibrated is not None and cov80.calibrated >= 0.8
    assert cov95.calibrated is not None and cov95.calibrated >= 0.95
    assert cov80.points == 200 and cov80.nominal == 0.8


def test_calibration_never_narrows_an_interval() -> None:
    cov80, cov95 = calibrate(holdouts=_holdouts(2.0), model=ModelName.THETA)
    assert cov80.factor == 1.0 and cov95.factor == 1.0
    assert cov80.empirical is not None and cov80.empirical > 0.95
