"""Plain methods for series too short to backtest, and the reasons people are shown.

Too short means fewer values than two backtest windows need (28 months, 12 quarters or
9 years). Such a series gets, from most to least data:

- seasonal naive (same period last year) when it has at least two full years;
- drift (the last value plus the average change so far) from three values on;
- the last value unchanged, without intervals, from one or two values.

Their intervals come from few residuals, so the normal quantile of the model is
replaced by Student's t with as many degrees of freedom as the residuals allow: with
five yearly values the 95 % interval is about 1.6 times the model's own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats
from statsforecast.models import Naive, RandomWalkWithDrift, SeasonalNaive

from fansipan.domain.periods import PeriodType
from fansipan.forecasting.backtest import LEVELS
from fansipan.forecasting.models import ModelName
from fansipan.forecasting.reasons import Reason, ReasonCode, count_of
from fansipan.forecasting.series import Regular

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Plain:
    """A fallback forecast before clipping: bounds None when none can be estimated."""

    model: ModelName
    mean: Floats
    lower: dict[int, Floats] | None
    upper: dict[int, Floats] | None
    factors: dict[int, float]
    reason: Reason


def no_data_reason() -> Reason:
    return Reason(ReasonCode.NO_DATA, "Chưa có số liệu: không dự báo được.",
                  "No data yet: nothing to forecast.")


def plain_forecast(
    *, regular: Regular, season_length: int, period_type: PeriodType, horizon: int,
    reason: Reason | None = None,
) -> Plain:
    """The plain forecast of a short (or otherwise unforecastable) series."""
    y = regular.y
    n = regular.length
    observed = y[regular.observed]
    if n == 1:
        return _unchanged(y, horizon, Reason(
            ReasonCode.ONE_VALUE,
            "Chỉ có một giá trị: dự báo giữ nguyên giá trị này, "
            "không ước lượng được khoảng tin cậy.",
            "Only one value: the forecast keeps it; no interval can be estimated."))
    if np.ptp(observed) == 0:
        vi_n, en_n = count_of(int(observed.size), period_type)
        return _unchanged(y, horizon, Reason(
            ReasonCode.CONSTANT,
            f"Số liệu không đổi suốt {vi_n}: dự báo giữ nguyên giá trị, "
            "không ước lượng được khoảng tin cậy.",
            f"The value has not changed in {en_n}: the forecast keeps it; "
            "no interval can be estimated."))
    vi_n, en_n = count_of(n, period_type)
    m = season_length
    if m > 1 and n >= 2 * m:
        model: object = SeasonalNaive(season_length=m)
        name, residuals, params = ModelName.SEASONAL_NAIVE, n - m, 0
        vi_how, en_how = "lặp lại cùng kỳ năm trước", "repeats the same period of last year"
    elif n >= 3:
        model = RandomWalkWithDrift()
        name, residuals, params = ModelName.DRIFT, n - 1, 1
        vi_how, en_how = "theo xu hướng", "follows the trend"
    else:
        return _unchanged(y, horizon, reason or Reason(
            ReasonCode.SHORT_SERIES,
            f"Chuỗi số liệu ngắn ({vi_n}): dự báo giữ nguyên giá trị gần nhất, "
            "không ước lượng được khoảng tin cậy.",
            f"Short series ({en_n}): the forecast keeps the latest value; "
            "no interval can be estimated."))
    reason = reason or Reason(
        ReasonCode.SHORT_SERIES,
        f"Chuỗi số liệu ngắn ({vi_n}): dự báo {vi_how}, khoảng tin cậy rộng.",
        f"Short series ({en_n}): the forecast {en_how}; the intervals are wide.")
    result = model.forecast(y=y, h=horizon, level=list(LEVELS))  # type: ignore[attr-defined]
    mean = np.asarray(result["mean"], dtype=np.float64)
    df = max(1, residuals - params)
    lower: dict[int, Floats] = {}
    upper: dict[int, Floats] = {}
    factors: dict[int, float] = {}
    for level in LEVELS:
        q = 0.5 + level / 200
        factor = float(stats.t.ppf(q, df) / stats.norm.ppf(q))
        lo = np.asarray(result[f"lo-{level}"], dtype=np.float64)
        hi = np.asarray(result[f"hi-{level}"], dtype=np.float64)
        lower[level] = mean - factor * (mean - lo)
        upper[level] = mean + factor * (hi - mean)
        factors[level] = factor
    return Plain(model=name, mean=mean, lower=lower, upper=upper, factors=factors,
                 reason=reason)


def _unchanged(y: Floats, horizon: int, reason: Reason) -> Plain:
    mean = np.asarray(Naive().forecast(y=y, h=horizon)["mean"], dtype=np.float64)
    return Plain(model=ModelName.NAIVE, mean=mean, lower=None, upper=None,
                 factors=dict.fromkeys(LEVELS, 1.0), reason=reason)
