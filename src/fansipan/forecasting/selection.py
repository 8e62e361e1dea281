"""Choosing a model per series from its backtest, and calibrating its intervals.

The candidate with the lowest backtest MASE wins; a tie goes to the one listed first
(the seasonal naive baseline comes first, so a model must beat it to be chosen). Then
the winner's intervals are checked on the same backtest windows: when fewer values fell
inside than the nominal level promises, the interval is widened by the split-conformal
factor of the backtest errors, measured in units of the interval's own half-width
(so the shape across horizons stays the model's). Intervals are never narrowed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from fansipan.forecasting.backtest import LEVELS, Holdouts
from fansipan.forecasting.metrics import (
    conformal_quantile,
    interval_ratios,
    mean_absolute_error,
)
from fansipan.forecasting.models import ModelName
from fansipan.forecasting.results import CandidateScore, Coverage


def score_candidates(
    *, holdouts: Holdouts, candidates: Sequence[ModelName], scale: float
) -> tuple[CandidateScore, ...]:
    scored = holdouts.observed
    out: list[CandidateScore] = []
    for name in candidates:
        mae = mean_absolute_error(holdouts.actual, holdouts.mean[name], scored)
        out.append(CandidateScore(model=name, mase=None if math.isnan(mae) else mae / scale))
    return tuple(out)


def rank_candidates(scores: Sequence[CandidateScore]) -> list[ModelName]:
    """Working candidates, best first; equal scores keep the candidates' order."""
    working = [(s.mase, i, s.model) for i, s in enumerate(scores) if s.mase is not None]
    return [model for _, _, model in sorted(working)]


def calibrate(*, holdouts: Holdouts, model: ModelName) -> tuple[Coverage, ...]:
    scored = holdouts.observed
    out: list[Coverage] = []
    for level in LEVELS:
        nominal = level / 100
        ratios = interval_ratios(
            holdouts.actual[scored], holdouts.mean[model][scored],
            holdouts.lower[model, level][scored], holdouts.upper[model, level][scored],
        )
        ratios = ratios[~np.isnan(ratios)]
        if ratios.size == 0:
            out.append(Coverage(level=level, empirical=None, calibrated=None, factor=1.0,
                                points=0))
            continue
        empirical = float(np.mean(ratios <= 1.0))
        factor = 1.0
        if empirical < nominal:
            factor = max(1.0, conformal_quantile(ratios, nominal))
            if not math.isfinite(factor):
                # Zero-width intervals that missed: nothing to scale; say so by keeping
                # the measured coverage and no factor.
                factor = 1.0
        out.append(Coverage(level=level, empirical=empirical,
                            calibrated=float(np.mean(ratios <= factor)), factor=factor,
                            points=int(ratios.size)))
    return tuple(out)
