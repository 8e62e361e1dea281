"""Series with known structure for the forecasting tests (fixed seeds, no files)."""

from __future__ import annotations

import numpy as np

from fansipan.domain.indicators import Aggregation
from fansipan.domain.periods import Period, PeriodType
from fansipan.domain.targets import Direction
from fansipan.forecasting import Observation, Series

FIRST_YEAR = 2020


def month(k: int) -> Period:
    """The k-th month from January 2020."""
    return Period.month_of(FIRST_YEAR + k // 12, k % 12 + 1)


def monthly(
    values: np.ndarray | list[float], *, unit: str = "U1", skip: frozenset[int] = frozenset(),
    agg: Aggregation = Aggregation.SUM, direction: Direction = Direction.UP,
    lower: float | None = 0.0, upper: float | None = None,
) -> Series:
    """A monthly series from January 2020; months in `skip` are left out (gaps)."""
    return Series(indicator="TEST", unit=unit, period_type=PeriodType.MONTH,
                  observations=tuple(Observation(month(k), float(v))
                                     for k, v in enumerate(values) if k not in skip),
                  agg_time=agg, direction=direction, lower_bound=lower, upper_bound=upper)


def yearly(values: list[float], *, first: int = 2020) -> Series:
    return Series(indicator="TEST", unit="U1", period_type=PeriodType.YEAR,
                  observations=tuple(Observation(Period.year_of(first + k), v)
                                     for k, v in enumerate(values)), lower_bound=0.0)


def seasonal(rng: np.random.Generator, months: int, *, level: float = 1000.0,
             amplitude: float = 0.3, growth: float = 0.06, noise: float = 0.05) -> np.ndarray:
    """A strongly seasonal series: trend, a smooth yearly cycle, multiplicative noise."""
    t = np.arange(months)
    phase = rng.uniform(0, 2 * np.pi)
    clean = level * (1 + growth) ** (t / 12) * (1 + amplitude * np.sin(2 * np.pi * t / 12 + phase))
    return clean * (1 + rng.normal(0, noise, months))
