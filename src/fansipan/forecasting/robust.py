"""Robust residual scores that respect season and skew, for outlier checks.

Two ways to say what a value should have been:

- robust STL (statsmodels `STL(robust=True)`: bisquare weights, so an outlier barely
  bends the trend and season it is measured against) on a series of at least three
  full years; the residual is value − trend − season;
- on a shorter series, or a yearly one, the same period of the year before: the
  residual is the change from it (the seasonal difference).

Non-negative series are checked on the log scale (after a small offset when they hold
zeros), so a residual is a relative change: a 10 % miss in the Tết peak month of a
series that triples then weighs what a 10 % miss weighs in an ordinary month.

A residual is scored against the other residuals' median and median absolute deviation
(×1.4826, which makes it a standard deviation for normal data), taken separately above
and below the median, so that skewed indicators (counts, amounts that can surge but not
fall below zero) get the longer tail they have.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
from statsmodels.tsa.seasonal import STL

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

MAD_TO_SD: Final = 1.4826
# With too many tied residuals the MAD is zero; the mean absolute deviation (×1.2533,
# a standard deviation for normal data) is used then.
MEAN_AD_TO_SD: Final = 1.2533
SEASONAL_SPAN: Final = 101  # years of the seasonal smoother: longer than any series here
STL_CYCLES: Final = 3  # full years needed for STL
MIN_DIFFERENCES: Final = 4  # same-period changes needed to judge one


@dataclass(frozen=True)
class Scale:
    """Identity, or log(y + offset) for a series that never goes below zero."""

    offset: float | None

    def forward(self, y: Floats) -> Floats:
        if self.offset is None:
            return y
        return np.asarray(np.log(y + self.offset), dtype=np.float64)

    def back(self, z: Floats) -> Floats:
        if self.offset is None:
            return z
        return np.asarray(np.exp(z) - self.offset, dtype=np.float64)


def scale_for(values: Floats) -> Scale:
    """Log scale for non-negative values; with zeros among them the offset is half the
    smallest positive value (0.5 for counts), so a zero stays a finite step below one."""
    if values.size == 0 or float(values.min()) < 0:
        return Scale(offset=None)
    positive = values[values > 0]
    if positive.size == 0:
        return Scale(offset=None)
    return Scale(offset=0.0 if positive.size == values.size else float(positive.min()) / 2)


@dataclass(frozen=True)
class Spread:
    """Where residuals centre and how far they usually reach on each side."""

    centre: float
    below: float
    above: float

    def score(self, residual: float) -> float:
        gap = residual - self.centre
        side = self.above if gap >= 0 else self.below
        if side > 0:
            return gap / side
        # No spread at all (a constant history): any real difference is infinitely odd.
        if abs(gap) <= 1e-9 * (1.0 + abs(self.centre)):
            return 0.0
        return float(np.copysign(np.inf, gap))


def spread_of(residuals: Floats) -> Spread | None:
    if residuals.size == 0:
        return None
    centre = float(np.median(residuals))
    # Deviations at the level of rounding noise (STL on a constant series) are none.
    noise = 1e-9 * (1.0 + float(np.max(np.abs(residuals))))
    sides: list[float] = []
    for part in (residuals[residuals <= centre], residuals[residuals >= centre]):
        dev = np.abs(part - centre)
        dev[dev < noise] = 0.0
        mad = float(np.median(dev)) * MAD_TO_SD
        sides.append(mad if mad > 0 else float(np.mean(dev)) * MEAN_AD_TO_SD)
    below, above = sides
    # A side with no spread of its own borrows the other's (a skewed residual set may
    # have every value on one side but a few at the median).
    return Spread(centre=centre, below=below or above, above=above or below)


def stl_parts(y: Floats, season_length: int) -> tuple[Floats, Floats]:
    """The season and the trend of robust STL.

    The season is held nearly fixed from year to year (a local mean over many years,
    `seasonal_deg=0`): with a handful of years, STL's default local lines through each
    month's few values take up a large part of their noise, and the residuals would
    then look calmer than the series is.
    """
    fit = STL(y, period=season_length, seasonal=SEASONAL_SPAN, seasonal_deg=0,
              robust=True).fit()
    return np.asarray(fit.seasonal, dtype=np.float64), np.asarray(fit.trend, dtype=np.float64)


def neighbour_residuals(y: Floats, season_length: int) -> tuple[Floats, Floats]:
    """How far each value lies from its neighbours before it and after it, season removed.

    STL's own residuals are in-sample: its local regressions absorb part of every value's
    noise (on five years of pure noise, more than half of it), and a level shift smears
    into a year of large residuals around it. So the season comes from robust STL, and
    each deseasonalised value is compared with the median of the three before it and,
    separately, of the three after it, both moved along STL's trend to its date. An
    outlier stands out from both sides; the first value after a level shift only from
    the values before it. The residuals of every value are built alike, so their spread
    is the spread a value of this series should have. NaN where a side is missing.
    """
    season, trend = stl_parts(y, season_length)
    d = y - season
    n = d.size
    slope = np.gradient(trend) if n > 1 else np.zeros(n)
    before = np.full(n, np.nan)
    after = np.full(n, np.nan)
    for t in range(n):
        left = d[max(0, t - 3):t]
        if left.size:
            before[t] = d[t] - (np.median(left) + slope[t] * (left.size + 1) / 2)
        right = d[t + 1:t + 4]
        if right.size:
            after[t] = d[t] - (np.median(right) - slope[t] * (right.size + 1) / 2)
    return before, after


def same_period_residuals(y: Floats, observed: Bools, lag: int) -> tuple[Floats, Bools]:
    """Change from the same period `lag` steps before, and where it is defined."""
    change = np.full(y.size, np.nan)
    defined = np.zeros(y.size, dtype=bool)
    if y.size > lag:
        change[lag:] = y[lag:] - y[:-lag]
        defined[lag:] = observed[lag:] & observed[:-lag]
    return change, defined


def can_use_stl(length: int, season_length: int) -> bool:
    return season_length > 1 and length >= STL_CYCLES * season_length


def others(mask: Bools, index: Sequence[int]) -> Bools:
    """`mask` without the positions in `index`."""
    kept = mask.copy()
    kept[list(index)] = False
    return kept
