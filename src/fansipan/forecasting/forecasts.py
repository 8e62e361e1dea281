"""Forecast series: backtest the candidates, keep the best per series, calibrate, forecast.

`forecast_many` does a whole batch with a few statsforecast calls over one long data
frame (series that share a season length and a backtest plan go together);
`forecast_series` is the same for one series, in this process.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from statsforecast import StatsForecast

from fansipan.errors import FieldError, ValidationError
from fansipan.forecasting.backtest import (
    LEVELS,
    BacktestPlan,
    Holdouts,
    plan_backtest,
    run_backtests,
)
from fansipan.forecasting.fallback import Plain, no_data_reason, plain_forecast
from fansipan.forecasting.frames import choose_jobs, long_frame
from fansipan.forecasting.metrics import mase_scale, relative_bias
from fansipan.forecasting.models import FAILED, ModelName, build, model_set
from fansipan.forecasting.reasons import Reason, ReasonCode
from fansipan.forecasting.results import (
    MAX_HORIZON,
    CandidateScore,
    Coverage,
    Forecast,
    ForecastOptions,
    ForecastPoint,
)
from fansipan.forecasting.selection import calibrate, rank_candidates, score_candidates
from fansipan.forecasting.series import Regular, Series, regularize

Floats = npt.NDArray[np.float64]

__all__ = ["forecast_many", "forecast_series"]


def forecast_series(
    *, series: Series, horizon: int, options: ForecastOptions | None = None
) -> Forecast:
    """The forecast of one series, `horizon` periods past its last value."""
    opts = options or ForecastOptions(n_jobs=1)
    return forecast_many(series=[series], horizon=horizon, options=opts)[0]


def forecast_many(
    *, series: Sequence[Series], horizon: int, options: ForecastOptions | None = None
) -> tuple[Forecast, ...]:
    """Forecasts of many series, in the order given."""
    opts = options or ForecastOptions()
    _check(horizon, opts)
    regulars = [regularize(s) for s in series]
    out: list[Forecast | None] = [None] * len(series)
    groups: dict[tuple[int, BacktestPlan], list[int]] = defaultdict(list)
    for i, (s, r) in enumerate(zip(series, regulars, strict=True)):
        if r is None:
            out[i] = _empty(s)
            continue
        plan = plan_backtest(length=r.length, season_length=s.season_length, horizon=horizon)
        if plan is None or np.ptp(r.y[r.observed]) == 0:
            out[i] = _from_plain(s, r, plain_forecast(
                regular=r, season_length=s.season_length, period_type=s.period_type,
                horizon=horizon))
            continue
        groups[s.season_length, plan].append(i)

    backtested = [ModelName.SEASONAL_NAIVE, *opts.candidates]
    choices: dict[int, _Choice] = {}
    for (m, plan), idx in groups.items():
        holdouts = run_backtests(
            regulars=[_regular(regulars[i]) for i in idx], season_length=m, plan=plan,
            candidates=list(dict.fromkeys(backtested)),
            n_jobs=choose_jobs(len(idx), opts.n_jobs))
        for i, h in zip(idx, holdouts, strict=True):
            r = _regular(regulars[i])
            scale = mase_scale(r.y, r.observed, m)
            if scale is None:  # unreachable for a non-constant series; be safe
                scale = 1.0
            scores = score_candidates(holdouts=h, candidates=backtested, scale=scale)
            choices[i] = _Choice(plan=plan, holdouts=h, baseline=scores[0],
                                 scores=scores[1:], ranking=rank_candidates(scores[1:]))

    for i, final in _final_forecasts(series, regulars, choices, horizon, opts).items():
        s, r, choice = series[i], _regular(regulars[i]), choices[i]
        if final is None:
            out[i] = _from_plain(s, r, plain_forecast(
                regular=r, season_length=s.season_length, period_type=s.period_type,
                horizon=horizon, reason=_all_failed()), choice=choice)
            continue
        model, numbers = final
        coverage = calibrate(holdouts=choice.holdouts, model=model)
        mase = next(c.mase for c in choice.scores if c.model is model)
        out[i] = _assemble(s, r, model, numbers, coverage, choice, mase)
    return tuple(_done(f) for f in out)


@dataclass(frozen=True)
class _Choice:
    plan: BacktestPlan
    holdouts: Holdouts
    baseline: CandidateScore
    scores: tuple[CandidateScore, ...]
    ranking: list[ModelName]


# mean, then {level: lower}, {level: upper}
_Numbers = tuple[Floats, dict[int, Floats], dict[int, Floats]]


def _final_forecasts(
    series: Sequence[Series],
    regulars: Sequence[Regular | None],
    choices: dict[int, _Choice],
    horizon: int,
    opts: ForecastOptions,
) -> dict[int, tuple[ModelName, _Numbers] | None]:
    """Fit the chosen model of each series on all its values and forecast. A model that
    fails on the whole series (it worked on the shorter backtest windows) hands over to
    the next in the series' ranking; when none works the series gets a plain forecast."""
    done: dict[int, tuple[ModelName, _Numbers] | None] = {}
    rank_at = dict.fromkeys(choices, 0)
    while rank_at:
        groups: dict[tuple[int, ModelName], list[int]] = defaultdict(list)
        for i, pos in list(rank_at.items()):
            ranking = choices[i].ranking
            if pos >= len(ranking):
                done[i] = None
                del rank_at[i]
                continue
            groups[series[i].season_length, ranking[pos]].append(i)
        for (m, model), idx in groups.items():
            numbers = _forecast_with(
                [_regular(regulars[i]) for i in idx], m, model, horizon,
                choose_jobs(len(idx), opts.n_jobs))
            for i, nums in zip(idx, numbers, strict=True):
                if np.isfinite(nums[0]).all():
                    done[i] = (model, nums)
                    del rank_at[i]
                else:
                    rank_at[i] += 1
    return done


def _forecast_with(
    regulars: Sequence[Regular], m: int, model: ModelName, horizon: int, n_jobs: int
) -> list[_Numbers]:
    fitted = model_set([model])
    sf = StatsForecast(models=[build(x, m) for x in fitted], freq=1, n_jobs=n_jobs,
                       fallback_model=FAILED)
    frame = sf.forecast(h=horizon, df=long_frame(regulars), level=list(LEVELS))
    frame = frame.sort_values(["unique_id", "ds"], kind="stable")
    shape = (len(regulars), horizon)

    def column(name: str) -> Floats:
        return np.asarray(frame[name].to_numpy(dtype=np.float64)).reshape(shape)

    means = [column(x.value) for x in fitted]
    lows = {lv: [column(f"{x.value}-lo-{lv}") for x in fitted] for lv in LEVELS}
    highs = {lv: [column(f"{x.value}-hi-{lv}") for x in fitted] for lv in LEVELS}
    # A combination is the plain average of its members, bounds included.
    mean = np.mean(means, axis=0)
    lower = {lv: np.mean(v, axis=0) for lv, v in lows.items()}
    upper = {lv: np.mean(v, axis=0) for lv, v in highs.items()}
    return [(mean[i], {lv: lower[lv][i] for lv in LEVELS}, {lv: upper[lv][i] for lv in LEVELS})
            for i in range(len(regulars))]


def _assemble(
    s: Series, r: Regular, model: ModelName, numbers: _Numbers,
    coverage: tuple[Coverage, ...], choice: _Choice, mase: float | None,
) -> Forecast:
    mean, lower, upper = numbers
    factors = {c.level: c.factor for c in coverage}
    lo = {lv: mean - factors[lv] * (mean - lower[lv]) for lv in LEVELS}
    hi = {lv: mean + factors[lv] * (upper[lv] - mean) for lv in LEVELS}
    return Forecast(
        indicator=s.indicator, unit=s.unit, period_type=s.period_type, model=model,
        points=_points(s, mean, lo, hi), candidates=choice.scores, backtest_mase=mase,
        seasonal_naive_mase=choice.baseline.mase, coverage=coverage,
        observations=len(s.observations), gaps_filled=r.filled, fell_back=False,
        reason=None, backtest=choice.plan, last_period=s.last_period,
        bias=relative_bias(choice.holdouts.actual, choice.holdouts.mean[model],
                           choice.holdouts.observed),
    )


def _from_plain(s: Series, r: Regular, plain: Plain, choice: _Choice | None = None) -> Forecast:
    coverage = tuple(Coverage(level=lv, empirical=None, calibrated=None,
                              factor=plain.factors[lv], points=0) for lv in LEVELS)
    return Forecast(
        indicator=s.indicator, unit=s.unit, period_type=s.period_type, model=plain.model,
        points=_points(s, plain.mean, plain.lower, plain.upper),
        candidates=choice.scores if choice else (), backtest_mase=None,
        seasonal_naive_mase=choice.baseline.mase if choice else None, coverage=coverage,
        observations=len(s.observations), gaps_filled=r.filled, fell_back=True,
        reason=plain.reason, backtest=choice.plan if choice else None,
        last_period=s.last_period,
    )


def _points(
    s: Series, mean: Floats, lower: dict[int, Floats] | None, upper: dict[int, Floats] | None
) -> tuple[ForecastPoint, ...]:
    last = s.last_period
    if last is None:
        raise ValueError(f"{s.key} has no values to forecast from")
    value = s.clip(mean)
    if lower is None or upper is None:
        return tuple(ForecastPoint(period=last.shift(k + 1), value=float(value[k]),
                                   lower_80=None, upper_80=None, lower_95=None,
                                   upper_95=None) for k in range(mean.size))
    # The 95 % interval always holds the 80 % one, whatever the two factors did.
    lo80, hi80 = s.clip(lower[80]), s.clip(upper[80])
    lo95 = s.clip(np.minimum(lower[95], lower[80]))
    hi95 = s.clip(np.maximum(upper[95], upper[80]))
    return tuple(
        ForecastPoint(period=last.shift(k + 1), value=float(value[k]),
                      lower_80=float(lo80[k]), upper_80=float(hi80[k]),
                      lower_95=float(lo95[k]), upper_95=float(hi95[k]))
        for k in range(mean.size)
    )


def _empty(s: Series) -> Forecast:
    return Forecast(
        indicator=s.indicator, unit=s.unit, period_type=s.period_type, model=None,
        points=(), candidates=(), backtest_mase=None, seasonal_naive_mase=None,
        coverage=(), observations=0, gaps_filled=0, fell_back=True,
        reason=no_data_reason(), backtest=None, last_period=None,
    )


def _all_failed() -> Reason:
    return Reason(
        ReasonCode.ALL_CANDIDATES_FAILED,
        "Không mô hình nào chạy được trên chuỗi này: dùng phương pháp đơn giản, "
        "khoảng tin cậy rộng.",
        "No model could be fitted to this series: a plain method is used; "
        "the intervals are wide.")


def _regular(r: Regular | None) -> Regular:
    if r is None:
        raise ValueError("a series without values has no regular grid")
    return r


def _done(f: Forecast | None) -> Forecast:
    if f is None:
        raise ValueError("a series was left without a forecast")
    return f


def _check(horizon: int, opts: ForecastOptions) -> None:
    errors: list[FieldError] = []
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not (
        1 <= horizon <= MAX_HORIZON
    ):
        errors.append(FieldError(field="horizon", value=repr(horizon),
                                 message=f"must be a whole number from 1 to {MAX_HORIZON}"))
    if not opts.candidates:
        errors.append(FieldError(field="candidates", value="()",
                                 message="name at least one model to choose from"))
    if errors:
        raise ValidationError("The forecast cannot be made", errors)
