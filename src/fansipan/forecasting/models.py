"""The candidate models, built from statsforecast, and the names results record.

Only cheap models are candidates (a backtest fits each of them several times per series):
the seasonal naive baseline, the dynamic optimised Theta method (the M3 winner's family),
a damped-trend exponential smoothing, and the average of the last two, since averages of
forecasts were most of the best methods in the M4 competition. AutoARIMA costs about
0.8 s a monthly series here and is not among them.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Final

from statsforecast.models import (
    AutoETS,
    DynamicOptimizedTheta,
    Naive,
    NaNModel,
    RandomWalkWithDrift,
    SeasonalNaive,
)

from fansipan.forecasting.quantiles import install

install()

__all__ = [
    "DEFAULT_CANDIDATES",
    "FAILED",
    "ModelName",
    "build",
    "members",
    "model_set",
]


class ModelName(StrEnum):
    """The model that produced a forecast, as results record it."""

    SEASONAL_NAIVE = "SeasonalNaive"  # the value of the same period a year before
    NAIVE = "Naive"  # the last value, unchanged
    DRIFT = "RandomWalkWithDrift"  # the last value plus the average change so far
    THETA = "DynamicOptimizedTheta"
    ETS = "ETS(A,Ad,A)"  # additive errors, damped trend, additive season (none if yearly)
    COMBINED = "Theta+ETS"  # the average of THETA and ETS


DEFAULT_CANDIDATES: Final = (
    ModelName.SEASONAL_NAIVE,
    ModelName.THETA,
    ModelName.ETS,
    ModelName.COMBINED,
)

# What statsforecast runs in place of a model that raises: NaN, so that a failure shows
# as a failure in our results instead of another model's numbers under this one's name.
FAILED: Final = NaNModel()


def members(name: ModelName) -> tuple[ModelName, ...]:
    """The models that must be fitted to produce `name`."""
    return (ModelName.THETA, ModelName.ETS) if name is ModelName.COMBINED else (name,)


def model_set(names: Sequence[ModelName]) -> tuple[ModelName, ...]:
    """The fitted models behind `names`, each once, in a stable order."""
    needed = {m for n in names for m in members(n)}
    return tuple(m for m in ModelName if m in needed)


def build(name: ModelName, season_length: int) -> object:
    """The statsforecast model for `name`, aliased so its columns carry our name."""
    m = season_length
    alias = name.value
    if name is ModelName.SEASONAL_NAIVE:
        return SeasonalNaive(season_length=m, alias=alias)
    if name is ModelName.NAIVE:
        return Naive(alias=alias)
    if name is ModelName.DRIFT:
        return RandomWalkWithDrift(alias=alias)
    if name is ModelName.THETA:
        # Multiplicative seasonal decomposition; statsforecast switches it to additive
        # by itself when a value is zero or negative.
        return DynamicOptimizedTheta(season_length=m, alias=alias)
    if name is ModelName.ETS:
        return AutoETS(season_length=m, model="AAA" if m > 1 else "AAN", damped=True,
                       alias=alias)
    raise ValueError(f"{name} is a combination; build its members instead")
