"""An indicator × unit series (chuỗi số liệu): observed values by period, and what they mean.

A series carries what forecasting needs to know about its indicator: how it adds up over
time (a flow is summed, a stock takes its last value, a rate is averaged), which way is
better, and the range its values can take (a count is never negative, a rate stays within
0–100), so that no forecast or interval leaves it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from fansipan.domain.indicators import Aggregation, Indicator
from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.targets import Direction
from fansipan.errors import FieldError, ValidationError

__all__ = [
    "SEASON_LENGTHS",
    "Observation",
    "Regular",
    "Series",
    "regularize",
    "steps_between",
]

# Periods per year, which is also the season length the models use: a monthly series
# repeats every 12 values, a quarterly one every 4, a yearly one has no season.
SEASON_LENGTHS: Final[Mapping[PeriodType, int]] = {
    PeriodType.MONTH: 12,
    PeriodType.QUARTER: 4,
    PeriodType.YEAR: 1,
}


@dataclass(frozen=True)
class Observation:
    """One observed value of a series."""

    period: Period
    value: float


@dataclass(frozen=True)
class Series:
    """Observed values of one indicator for one unit, at one period type.

    `observations` may come in any order and may have gaps; they are kept sorted.
    `lower_bound` and `upper_bound` are the indicator's range (None: unbounded).
    """

    indicator: str
    unit: str
    period_type: PeriodType
    observations: tuple[Observation, ...]
    agg_time: Aggregation = Aggregation.SUM
    direction: Direction = Direction.UP
    lower_bound: float | None = None
    upper_bound: float | None = None
    _index: dict[Period, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        if self.period_type not in SEASON_LENGTHS:
            errors.append(FieldError(
                field="period_type", value=str(self.period_type),
                message="forecasts are made for monthly, quarterly or yearly series; "
                        "roll the values up to one of these first"))
        seen: set[Period] = set()
        for row, obs in enumerate(self.observations):
            if obs.period.type is not self.period_type:
                errors.append(FieldError(
                    field="period", row=row, value=obs.period.id,
                    message=f"is a {obs.period.type.noun}, but the series is "
                            f"{self.period_type.noun}ly; give every value at one period type"))
            if obs.period in seen:
                errors.append(FieldError(
                    field="period", row=row, value=obs.period.id,
                    message="appears twice; keep one value per period"))
            seen.add(obs.period)
            if not math.isfinite(obs.value):
                errors.append(FieldError(
                    field="value", row=row, value=repr(obs.value),
                    message="must be a finite number; leave the period out instead"))
        for name in ("lower_bound", "upper_bound"):
            bound = getattr(self, name)
            if bound is not None and not math.isfinite(bound):
                errors.append(FieldError(field=name, value=repr(bound),
                                         message="must be a finite number or None"))
        if (
            self.lower_bound is not None
            and self.upper_bound is not None
            and self.lower_bound > self.upper_bound
        ):
            errors.append(FieldError(field="lower_bound", value=repr(self.lower_bound),
                                     message="is above upper_bound; swap them"))
        if errors:
            raise ValidationError(
                f"The series of {self.indicator} for {self.unit} cannot be forecast", errors)
        ordered = tuple(sorted(self.observations, key=lambda o: o.period))
        object.__setattr__(self, "observations", ordered)
        object.__setattr__(self, "_index", {o.period: i for i, o in enumerate(ordered)})

    @classmethod
    def of_indicator(
        cls,
        *,
        indicator: Indicator,
        unit: str,
        values: Mapping[Period, float] | Iterable[Observation],
        period_type: PeriodType | None = None,
    ) -> Series:
        """The series of `indicator` for `unit`, with the indicator's aggregation,
        direction and range. The period type defaults to the indicator's periodicity."""
        if isinstance(values, Mapping):
            observations = tuple(Observation(p, float(v)) for p, v in values.items())
        else:
            observations = tuple(values)
        return cls(
            indicator=indicator.code,
            unit=unit,
            period_type=period_type or indicator.periodicity,
            observations=observations,
            agg_time=indicator.agg_time,
            direction=indicator.direction,
            lower_bound=indicator.min_value,
            upper_bound=indicator.max_value,
        )

    @property
    def key(self) -> str:
        """The identifier of the series in a batch: indicator and unit codes."""
        return f"{self.indicator}@{self.unit}"

    @property
    def season_length(self) -> int:
        return SEASON_LENGTHS[self.period_type]

    @property
    def last_period(self) -> Period | None:
        return self.observations[-1].period if self.observations else None

    def value_at(self, period: Period) -> float | None:
        i = self._index.get(period)
        return None if i is None else self.observations[i].value

    def with_value(self, period: Period, value: float) -> Series:
        """This series with `value` at `period`, added or replacing the one there."""
        kept = tuple(o for o in self.observations if o.period != period)
        return Series(
            indicator=self.indicator, unit=self.unit, period_type=self.period_type,
            observations=(*kept, Observation(period, value)), agg_time=self.agg_time,
            direction=self.direction, lower_bound=self.lower_bound,
            upper_bound=self.upper_bound,
        )

    def clip(self, values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        """`values` held inside the indicator's range."""
        if self.lower_bound is None and self.upper_bound is None:
            return values
        return np.clip(values, self.lower_bound, self.upper_bound)


def steps_between(first: Period, last: Period) -> int:
    """How many periods `last` lies after `first` (both of one monthly, quarterly or
    yearly type): 2022-11 to 2023-02 is 3."""
    per_year = SEASON_LENGTHS[first.type]
    return (last.year - first.year) * per_year + (last.index - first.index)


@dataclass(frozen=True)
class Regular:
    """A series laid on a regular grid from its first to its last observation.

    Gaps are filled by straight lines between their neighbours, so that the models,
    which need a value at every step, can run; `observed` says which values are real,
    and only those are ever scored.
    """

    start: Period
    y: npt.NDArray[np.float64]
    observed: npt.NDArray[np.bool_]

    @property
    def length(self) -> int:
        return int(self.y.size)

    @property
    def filled(self) -> int:
        return int(self.length - self.observed.sum())

    def period_at(self, i: int) -> Period:
        return self.start.shift(i)


def regularize(series: Series) -> Regular | None:
    """The series on a regular grid, or None when it has no values at all."""
    if not series.observations:
        return None
    start = series.observations[0].period
    n = steps_between(start, series.observations[-1].period) + 1
    y = np.full(n, np.nan)
    for obs in series.observations:
        y[steps_between(start, obs.period)] = obs.value
    observed = ~np.isnan(y)
    if not observed.all():
        steps = np.arange(n)
        y = np.interp(steps, steps[observed], y[observed])
    return Regular(start=start, y=y, observed=observed)
