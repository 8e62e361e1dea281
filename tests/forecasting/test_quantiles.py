"""The interval quantiles kept per process are statsforecast's own, shape and value."""

from __future__ import annotations

import numpy as np
from scipy import stats
from statsforecast import models as sf_models
from statsforecast import utils as sf_utils

import fansipan.forecasting  # noqa: F401  (installs the cached quantiles)
from fansipan.forecasting import quantiles


def test_statsforecast_uses_the_kept_quantiles() -> None:
    assert sf_utils._quantiles is quantiles._quantiles
    assert sf_models._quantiles is quantiles._quantiles  # type: ignore[attr-defined]


def test_the_kept_quantiles_are_the_normal_ones_in_the_shape_asked() -> None:
    levels = np.array([80.0, 95.0])
    got = quantiles._quantiles(levels)
    assert got.shape == (2,)
    assert np.array_equal(got, stats.norm.ppf(0.5 + levels / 200))
    assert np.array_equal(got, quantiles._ORIGINAL(levels))
    assert np.ndim(quantiles._quantiles(95)) == 0
    # A caller that writes into its answer does not change the next caller's.
    got[0] = 0.0
    assert quantiles._quantiles(levels)[0] == stats.norm.ppf(0.9)


def test_other_distributions_go_to_statsforecast() -> None:
    t = quantiles._quantiles(np.array([80.0]), distribution="t", dist_params={"df": 3.0})
    assert np.allclose(t, stats.t(df=3.0).ppf(0.9))
