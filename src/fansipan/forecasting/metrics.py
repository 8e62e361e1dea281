"""Accuracy and coverage measures: MASE, interval ratios, conformal quantiles.

MASE (mean absolute scaled error, Hyndman & Koehler 2006) divides a forecast's mean
absolute error by the in-sample error of the seasonal naive forecast, so that series of
any size compare and 1.0 means "as good as repeating last year".
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def mase_scale(y: Floats, observed: Bools, season_length: int) -> float | None:
    """The in-sample mean absolute error of the seasonal naive forecast.

    Only pairs of real (not filled) values count. When repeating last year is exact
    (a series that only repeats its season), the naive error is used instead; a series
    that never changes has no scale (None).
    """
    for lag in dict.fromkeys((season_length, 1)):
        if y.size <= lag:
            continue
        both = observed[lag:] & observed[:-lag]
        if both.any():
            scale = float(np.mean(np.abs(y[lag:] - y[:-lag])[both]))
            if scale > 0:
                return scale
    return None


def relative_bias(actual: Floats, forecast: Floats, mask: Bools) -> float:
    """How far the actual values ran above the forecasts, as a share of the forecasts
    (+0.03: 3 % above), over the points in `mask` where both are finite; 0 when none."""
    ok = mask & np.isfinite(actual) & np.isfinite(forecast)
    size = float(np.abs(forecast[ok]).sum())
    if not ok.any() or size == 0:
        return 0.0
    return float((actual[ok] - forecast[ok]).sum() / size)


def mean_absolute_error(actual: Floats, forecast: Floats, mask: Bools) -> float:
    """Over the points in `mask`; NaN when the forecast failed at one of them."""
    if not mask.any():
        return math.nan
    return float(np.mean(np.abs(actual[mask] - forecast[mask])))


def interval_ratios(actual: Floats, mean: Floats, lower: Floats, upper: Floats) -> Floats:
    """How far each actual value lies from the point forecast, as a share of the
    half-width of the interval on its side: at most 1 inside the interval, above 1
    outside. A zero-width side gives 0 when hit exactly and infinity otherwise."""
    above = actual >= mean
    distance = np.where(above, actual - mean, mean - actual)
    half = np.where(above, upper - mean, mean - lower)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(half > 0, distance / np.where(half > 0, half, 1.0),
                         np.where(distance > 0, np.inf, 0.0))
    return np.asarray(ratio, dtype=np.float64)


def conformal_quantile(ratios: Floats, level: float) -> float:
    """The split-conformal quantile of `ratios` at `level` (0–1): the ⌈(n+1)·level⌉-th
    smallest. Widening an interval by this factor covers a new point with probability at
    least `level` when the points are exchangeable. With too few points for that rank the
    largest ratio is used (the guarantee then no longer holds; the result says how many
    points there were)."""
    if ratios.size == 0:
        return 1.0
    ordered = np.sort(ratios)
    rank = math.ceil((ordered.size + 1) * level)
    return float(ordered[min(rank, ordered.size) - 1])


def coverage(actual: Floats, lower: Floats, upper: Floats) -> float:
    """The share of `actual` inside [lower, upper]."""
    if actual.size == 0:
        return math.nan
    return float(np.mean((actual >= lower) & (actual <= upper)))
