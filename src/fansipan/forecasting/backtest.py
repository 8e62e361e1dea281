"""Rolling-origin backtests: forecast the last stretches of each series from the values
before them, with every candidate, and keep the errors.

The origins are the ends of the training stretches. With a monthly series of 60 values
and a 12-month horizon, the windows start after 36, 42 and 48 values, and each scores
the 12 months that follow. Each model is fitted on the first window and carried forward
(statsforecast's `refit=False`) to the later ones, which costs a fraction of a refit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from statsforecast import StatsForecast

from fansipan.forecasting.frames import long_frame
from fansipan.forecasting.models import FAILED, ModelName, build, members, model_set
from fansipan.forecasting.series import Regular

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

LEVELS: Final = (80, 95)
# The shortest training stretch a window may have: two full years for seasonal series
# (the seasonal models need to see each season twice), six values for yearly ones.
MIN_TRAIN: Final[Mapping[int, int]] = {12: 24, 4: 8, 1: 6}
# The longest horizon a window scores: one year.
MAX_HORIZON: Final[Mapping[int, int]] = {12: 12, 4: 4, 1: 3}
# The shortest horizon worth scoring, and the fewest scored values a choice may rest on.
MIN_HORIZON: Final[Mapping[int, int]] = {12: 3, 4: 2, 1: 1}
MIN_POINTS: Final = 3
WINDOWS: Final = 3


@dataclass(frozen=True)
class BacktestPlan:
    """`windows` origins, `step` periods apart, each scoring the next `horizon` values."""

    horizon: int
    step: int
    windows: int

    @property
    def test_size(self) -> int:
        return self.horizon + self.step * (self.windows - 1)

    @property
    def points(self) -> int:
        return self.horizon * self.windows


def plan_backtest(*, length: int, season_length: int, horizon: int) -> BacktestPlan | None:
    """The backtest a series of `length` values can afford, or None when it is too short
    for two windows (it then falls back to a plain method)."""
    min_train = MIN_TRAIN.get(season_length, 2 * season_length)
    h = min(horizon, MAX_HORIZON.get(season_length, season_length))
    shortest = min(h, MIN_HORIZON.get(season_length, 1))
    while h >= shortest:
        step = max(1, h // 2)
        windows = min(WINDOWS, (length - min_train - h) // step + 1)
        if windows >= 2 and windows * h >= MIN_POINTS:
            return BacktestPlan(horizon=h, step=step, windows=windows)
        h //= 2
    return None


@dataclass(frozen=True)
class Holdouts:
    """The backtest of one series: every scored point of every window, in order."""

    actual: Floats
    observed: Bools  # False where the actual value was a filled gap: never scored
    mean: Mapping[ModelName, Floats]
    lower: Mapping[tuple[ModelName, int], Floats]
    upper: Mapping[tuple[ModelName, int], Floats]


def run_backtests(
    *,
    regulars: Sequence[Regular],
    season_length: int,
    plan: BacktestPlan,
    candidates: Sequence[ModelName],
    n_jobs: int,
) -> list[Holdouts]:
    """Backtest every candidate on every series (all long enough for `plan`)."""
    fitted = model_set(candidates)
    sf = StatsForecast(models=[build(m, season_length) for m in fitted], freq=1,
                       n_jobs=n_jobs, fallback_model=FAILED)
    cv = sf.cross_validation(h=plan.horizon, df=long_frame(regulars),
                             n_windows=plan.windows, step_size=plan.step,
                             level=list(LEVELS), refit=False)
    cv = cv.sort_values(["unique_id", "cutoff", "ds"], kind="stable")
    shape = (len(regulars), plan.points)

    def column(name: str) -> Floats:
        return np.asarray(cv[name].to_numpy(dtype=np.float64)).reshape(shape)

    actual = column("y")
    steps = np.asarray(cv["ds"].to_numpy(dtype=np.int64)).reshape(shape)
    means = {m: column(m.value) for m in fitted}
    lows = {(m, lv): column(f"{m.value}-lo-{lv}") for m in fitted for lv in LEVELS}
    highs = {(m, lv): column(f"{m.value}-hi-{lv}") for m in fitted for lv in LEVELS}
    out: list[Holdouts] = []
    for i, regular in enumerate(regulars):
        mean = {m: v[i] for m, v in means.items()}
        lower = {k: v[i] for k, v in lows.items()}
        upper = {k: v[i] for k, v in highs.items()}
        for name in candidates:
            parts = members(name)
            if len(parts) > 1:
                mean[name] = _average([mean[p] for p in parts])
                for lv in LEVELS:
                    lower[name, lv] = _average([lower[p, lv] for p in parts])
                    upper[name, lv] = _average([upper[p, lv] for p in parts])
        out.append(Holdouts(actual=actual[i], observed=regular.observed[steps[i]],
                            mean=mean, lower=lower, upper=upper))
    return out


def _average(arrays: Sequence[Floats]) -> Floats:
    # A failed member (NaN) makes the combination fail too, as it should.
    return np.asarray(np.mean(np.vstack(arrays), axis=0), dtype=np.float64)

