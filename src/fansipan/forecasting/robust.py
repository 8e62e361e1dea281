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
from functools import lru_cache
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
        return 0.0 if gap == 0 else float(np.copysign(np.inf, gap))


def spread_of(residuals: Floats, shrink: float = 1.0) -> Spread | None:
    """The residuals' centre and spread; the spread divided by `shrink`."""
    if residuals.size == 0:
        return None
    centre = float(np.median(residuals))
    sides: list[float] = []
    for part in (residuals[residuals <= centre], residuals[residuals >= centre]):
        dev = np.abs(part - centre)
        mad = float(np.median(dev)) * MAD_TO_SD
        sides.append(mad if mad > 0 else float(np.mean(dev)) * MEAN_AD_TO_SD)
    below, above = (side / shrink for side in sides)
    # A side with no spread of its own borrows the other's (a skewed residual set may
    # have every value on one side but a few at the median).
    return Spread(centre=centre, below=below or above, above=above or below)


def stl_residuals(y: Floats, season_length: int) -> Floats:
    fit = STL(y, period=season_length, robust=True).fit()
    return np.asarray(fit.resid, dtype=np.float64)


@lru_cache(maxsize=256)
def stl_shrinkage(length: int, season_length: int) -> float:
    """How much smaller STL's residuals are than the noise they come from.

    STL fits each month's subseries and the trend with local regressions, which take up
    a good part of the noise of a few years of data: on 60 months of pure noise the
    residuals' robust spread is well under half the noise's. An outlier, down-weighted
    to nothing by the robust fit, keeps its whole deviation, so the spread it is compared
    with must be the noise's: we measure the shrinkage on pure noise of the same length
    (fixed seed, so every run agrees) and divide it out.
    """
    rng = np.random.default_rng(length * 1_000 + season_length)
    ratios = []
    for _ in range(24):
        noise = rng.standard_normal(length)
        resid = stl_residuals(noise, season_length)
        ratios.append(MAD_TO_SD * float(np.median(np.abs(resid - np.median(resid)))))
    return float(np.median(ratios))


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
