from __future__ import annotations

import numpy as np
import pytest

from fansipan.domain.periods import Period
from fansipan.errors import ValidationError
from fansipan.forecasting import (
    Detector,
    OutlierMethod,
    ReasonCode,
    check_value,
    scan_series,
)
from tests.forecasting.synthetic import month, monthly, yearly


def tet_series(rng: np.random.Generator, months: int = 60, noise: float = 0.05) -> np.ndarray:
    """A flow that triples every February (Tết) and grows 5 % a year."""
    t = np.arange(months)
    clean = 200 * 1.05 ** (t / 12) * np.where(t % 12 == 1, 3.0, 1.0)
    return clean * (1 + rng.normal(0, noise, months))


def test_injected_anomalies_are_found_and_normal_values_are_not() -> None:
    rng = np.random.default_rng(31)
    found = flagged = injected = 0
    for _ in range(30):
        values = tet_series(rng)
        spots = rng.choice(np.arange(2, 58), size=2, replace=False)
        truth = np.zeros(60, dtype=bool)
        truth[spots] = True
        values[spots[0]] *= 2.0  # a doubled entry
        values[spots[1]] *= 0.1  # a decimal slip
        flags = np.array([c.outlier for c in scan_series(series=monthly(values))])
        found += int((flags & truth).sum())
        flagged += int(flags.sum())
        injected += int(truth.sum())
    assert found / injected >= 0.9  # recall
    assert found / flagged >= 0.85  # precision


def test_a_normal_tet_peak_is_not_an_outlier_but_z_score_flags_it() -> None:
    rng = np.random.default_rng(32)
    values = tet_series(rng, 59)  # 2020-01 … 2024-11
    history = monthly(values).with_value(month(59), float(values[47] * 1.05))
    tet = month(61)  # February 2025
    arriving = float(values[49] * 1.05 ** 1.0)  # as big as last Tết, plus a year's growth
    ours = check_value(series=history, period=tet, value=arriving)
    assert not ours.outlier and ours.method is OutlierMethod.ROBUST_STL
    assert ours.lower is not None and ours.upper is not None
    assert ours.lower < arriving < ours.upper
    assert ours.reason.code is ReasonCode.NOT_OUTLIER
    assert "khoảng bình thường" in ours.reason.vi
    z = check_value(series=history, period=tet, value=arriving, detector=Detector.Z_SCORE)
    assert z.outlier and z.method is OutlierMethod.Z_SCORE and z.threshold == 3.0
    # A Tết peak that did not happen is an outlier for us and not for the z-score.
    missing = check_value(series=history, period=tet, value=float(values[48]))
    assert missing.outlier and missing.score is not None and missing.score < 0
    assert "thấp hơn" in missing.reason.vi and "Số liệu vẫn được nhận" in missing.reason.vi
    assert not check_value(series=history, period=tet, value=float(values[48]),
                           detector=Detector.Z_SCORE).outlier


def test_a_whole_clean_seasonal_series_raises_almost_no_alarm() -> None:
    rng = np.random.default_rng(33)
    alarms = sum(c.outlier for _ in range(20)
                 for c in scan_series(series=monthly(tet_series(rng))))
    assert alarms <= 3  # of 1,200 values
    z_alarms = sum(c.outlier for _ in range(20)
                   for c in scan_series(series=monthly(tet_series(rng)),
                                        detector=Detector.MOD_Z_SCORE))
    assert z_alarms >= 100  # every Tết is an outlier to a median of raw values


def test_a_level_shift_is_not_a_string_of_outliers() -> None:
    rng = np.random.default_rng(34)
    values = tet_series(rng, noise=0.03)
    values[30:] *= 1.3
    flagged = [c.period for c in scan_series(series=monthly(values)) if c.outlier]
    assert len(flagged) <= 1


def test_a_short_series_is_checked_against_the_same_month_last_year() -> None:
    rng = np.random.default_rng(35)
    values = tet_series(rng, 30)
    s = monthly(values)
    normal = check_value(series=s, period=month(31), value=float(values[19] * 1.04))
    assert normal.method is OutlierMethod.SAME_PERIOD and not normal.outlier
    odd = check_value(series=s, period=month(30), value=float(values[18] * 4))
    assert odd.outlier and "cùng kỳ năm trước" in odd.reason.vi
    too_short = check_value(series=monthly(values[:8]), period=month(8), value=1e6)
    assert too_short.method is OutlierMethod.NONE and not too_short.outlier
    assert too_short.reason.code is ReasonCode.TOO_LITTLE_HISTORY


def test_a_yearly_series_is_checked_against_the_year_before() -> None:
    s = yearly([100, 104, 109, 113, 118, 122])
    assert not check_value(series=s, period=Period.year_of(2026), value=127).outlier
    jump = check_value(series=s, period=Period.year_of(2026), value=300)
    assert jump.outlier and "năm trước" in jump.reason.vi
    assert jump.expected == pytest.approx(126.5, abs=0.6)


def test_constant_and_zero_histories() -> None:
    zeros = monthly([0.0] * 40)
    assert not check_value(series=zeros, period=month(40), value=0.0).outlier
    odd = check_value(series=zeros, period=month(40), value=5.0)
    assert odd.outlier and odd.reason.code is ReasonCode.CONSTANT_HISTORY
    assert scan_series(series=monthly([])) == ()
    assert not check_value(series=monthly([5.0]), period=month(1), value=6.0).outlier


def test_dhis2_baselines_on_numbers_worked_by_hand() -> None:
    values = [10.0, 12.0, 11.0, 13.0, 12.0, 11.0, 40.0]
    s = monthly(values)
    z = scan_series(series=s, detector=Detector.Z_SCORE)
    mean, sd = np.mean(values), np.std(values)  # DHIS2: population standard deviation
    assert z[6].score == pytest.approx((40 - mean) / sd)
    assert z[6].score is not None and z[6].score < 3.0 and not z[6].outlier  # masked by itself
    mz = scan_series(series=s, detector=Detector.MOD_Z_SCORE)
    # median 12, MAD 1: modified z = 0.6745 × (40 − 12) / 1
    assert mz[6].score == pytest.approx(0.6745 * 28 / 1.0, rel=1e-3)
    assert mz[6].outlier and not mz[0].outlier
    assert (mz[6].lower, mz[6].upper) == pytest.approx((12 - 3 / 0.6745, 12 + 3 / 0.6745),
                                                       rel=1e-3)


def test_bad_checks_are_refused() -> None:
    s = monthly([1.0, 2.0, 3.0])
    with pytest.raises(ValidationError, match="finite number"):
        check_value(series=s, period=month(3), value=float("inf"))
    with pytest.raises(ValidationError):
        check_value(series=s, period=Period.year_of(2020), value=1.0)
    with pytest.raises(ValidationError, match="threshold"):
        scan_series(series=s, threshold=0)
