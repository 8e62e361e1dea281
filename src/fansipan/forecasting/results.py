"""What a forecast returns: points with intervals, and the record of how it was made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from fansipan.domain.periods import Period, PeriodType
from fansipan.forecasting.backtest import BacktestPlan
from fansipan.forecasting.models import DEFAULT_CANDIDATES, ModelName
from fansipan.forecasting.reasons import Reason

MAX_HORIZON: Final = 60


@dataclass(frozen=True)
class ForecastOptions:
    """How to forecast. `n_jobs` None chooses by batch size (see `frames.choose_jobs`)."""

    candidates: tuple[ModelName, ...] = DEFAULT_CANDIDATES
    n_jobs: int | None = None


@dataclass(frozen=True)
class ForecastPoint:
    """One future period: the point forecast and its 80 % and 95 % prediction intervals,
    already widened by the calibration and held inside the indicator's range. The bounds
    are None when the series gives nothing to estimate them from (one value, a constant)."""

    period: Period
    value: float
    lower_80: float | None
    upper_80: float | None
    lower_95: float | None
    upper_95: float | None


@dataclass(frozen=True)
class CandidateScore:
    """A candidate's rolling-origin backtest MASE on this series; None if it failed."""

    model: ModelName
    mase: float | None


@dataclass(frozen=True)
class Coverage:
    """Interval coverage on the backtest windows (the values the model did not see).

    `empirical` is the share of backtest values inside the model's own interval;
    `calibrated` the share inside it once widened by `factor` (≥ 1; measured on the same
    windows the factor came from, so it is in-sample). A short-series fallback has no
    backtest: both are None and `factor` is its small-sample widening.
    """

    level: int
    empirical: float | None
    calibrated: float | None
    factor: float
    points: int

    @property
    def nominal(self) -> float:
        return self.level / 100


@dataclass(frozen=True)
class Forecast:
    """The forecast of one series and how it was made.

    `model` is the model that really produced the numbers (a candidate that failed is
    never reported under another's name). `candidates` holds every candidate's backtest
    MASE and `seasonal_naive_mase` the baseline's, so the choice can be checked.
    `bias` is the chosen model's error on its backtest, as a share of its forecasts
    (+0.03: the actual values came 3 % above them); 0 for a plain forecast.
    """

    indicator: str
    unit: str
    period_type: PeriodType
    model: ModelName | None
    points: tuple[ForecastPoint, ...]
    candidates: tuple[CandidateScore, ...]
    backtest_mase: float | None
    seasonal_naive_mase: float | None
    coverage: tuple[Coverage, ...]
    observations: int
    gaps_filled: int
    fell_back: bool
    reason: Reason | None
    backtest: BacktestPlan | None
    last_period: Period | None
    bias: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.indicator}@{self.unit}"

    def coverage_at(self, level: int) -> Coverage | None:
        return next((c for c in self.coverage if c.level == level), None)
