"""Is a value an outlier (giá trị bất thường)? Checked on arrival, or over a whole series.

The default detector is seasonal and robust (see `robust`): a value counts as an outlier
when its residual lies more than 4.5 robust standard deviations from the usual ones.
That is above the 3.5 Iglewicz and Hoaglin recommend for modified z-scores of normal
data: these residuals (a value against the median of its neighbours, counts among them)
have longer tails, and across thousands of series a false alarm rate of one value in a
hundred, which 3.5 gave on clean synthetic series, would bury the real ones (4.5 gave
one in four hundred, and still found nine in ten injected anomalies; docs/forecasting.md).
DHIS2's two methods are
here too, as baselines to compare with: Z_SCORE (mean and standard deviation of the
values) and MOD_Z_SCORE (median and median absolute deviation), both at DHIS2's default
threshold of 3.0. An outlier is a warning to check the value, never a rejection.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from fansipan.domain.periods import Period
from fansipan.errors import FieldError, ValidationError
from fansipan.forecasting.reasons import Reason, ReasonCode, number
from fansipan.forecasting.robust import (
    MIN_DIFFERENCES,
    STL_CYCLES,
    Scale,
    Spread,
    can_use_stl,
    neighbour_residuals,
    others,
    same_period_residuals,
    scale_for,
    spread_of,
)
from fansipan.forecasting.series import Regular, Series, regularize, steps_between

Floats = npt.NDArray[np.float64]

SEASONAL_THRESHOLD: Final = 4.5
DHIS2_THRESHOLD: Final = 3.0
MIN_VALUES: Final = 3  # for the DHIS2 methods

__all__ = [
    "DHIS2_THRESHOLD",
    "SEASONAL_THRESHOLD",
    "Detector",
    "OutlierCheck",
    "OutlierMethod",
    "check_value",
    "scan_series",
]


class Detector(StrEnum):
    """Which test to run."""

    SEASONAL = "seasonal"  # ours: robust STL, or the same period of earlier years
    Z_SCORE = "z_score"  # DHIS2 Z_SCORE
    MOD_Z_SCORE = "mod_z_score"  # DHIS2 MOD_Z_SCORE


class OutlierMethod(StrEnum):
    """Which test actually ran on a value."""

    ROBUST_STL = "robust_stl"
    SAME_PERIOD = "same_period"
    Z_SCORE = "z_score"
    MOD_Z_SCORE = "mod_z_score"
    NONE = "none"  # too little history to judge


@dataclass(frozen=True)
class OutlierCheck:
    """The verdict on one value. `score` is signed (above or below what was expected),
    in robust standard deviations; `lower`–`upper` is the range that would not have been
    flagged, held inside the indicator's range."""

    indicator: str
    unit: str
    period: Period
    value: float
    outlier: bool
    score: float | None
    expected: float | None
    lower: float | None
    upper: float | None
    method: OutlierMethod
    threshold: float
    reason: Reason


def check_value(
    *, series: Series, period: Period, value: float, detector: Detector = Detector.SEASONAL,
    threshold: float | None = None,
) -> OutlierCheck:
    """Whether `value`, arriving for `period`, is an outlier given the rest of `series`
    (a value already stored for `period` is replaced by the new one)."""
    limit = _threshold(detector, threshold)
    if period.type is not series.period_type or not math.isfinite(value):
        raise ValidationError(f"The value for {series.key} cannot be checked", [FieldError(
            field="value" if period.type is series.period_type else "period",
            value=repr(value) if period.type is series.period_type else period.id,
            message=f"must be a finite number for a {series.period_type.noun}")])
    updated = series.with_value(period, value)
    regular = regularize(updated)
    if regular is None:  # unreachable: the series now holds `value`
        raise ValueError("a series with a value has a grid")
    index = steps_between(regular.start, period)
    return _verdicts(updated, regular, [index], detector, limit, alone=True)[0]


def scan_series(
    *, series: Series, detector: Detector = Detector.SEASONAL, threshold: float | None = None
) -> tuple[OutlierCheck, ...]:
    """A verdict on every value of `series`, in time order."""
    limit = _threshold(detector, threshold)
    regular = regularize(series)
    if regular is None:
        return ()
    indices = [int(i) for i in np.flatnonzero(regular.observed)]
    return tuple(_verdicts(series, regular, indices, detector, limit, alone=False))


def _verdicts(
    s: Series, r: Regular, indices: list[int], detector: Detector, limit: float, alone: bool
) -> list[OutlierCheck]:
    """Verdicts at `indices`. With `alone`, the value is judged against the others only
    (a new arrival); in a scan every value is judged against all, itself included,
    which the robust statistics allow."""
    if detector is Detector.SEASONAL:
        return _seasonal(s, r, indices, limit, alone)
    values = r.y[r.observed]
    out = []
    for i in indices:
        if values.size < MIN_VALUES:
            out.append(_too_little(s, r, i, limit, MIN_VALUES - 1))
            continue
        if detector is Detector.Z_SCORE:
            centre, sd = float(np.mean(values)), float(np.std(values))
            method = OutlierMethod.Z_SCORE
        else:
            centre = float(np.median(values))
            # DHIS2's modified z-score is 0.6745 (x − median) / MAD: the same as dividing
            # by 1.4826 MAD.
            sd = float(np.median(np.abs(values - centre))) * 1.4826
            method = OutlierMethod.MOD_Z_SCORE
        spread = Spread(centre=centre, below=sd, above=sd)
        out.append(_verdict(s, r, i, spread.score(float(r.y[i])), centre, spread, method,
                            limit, Scale(offset=None)))
    return out


def _seasonal(
    s: Series, r: Regular, indices: list[int], limit: float, alone: bool
) -> list[OutlierCheck]:
    m = s.season_length
    scale = scale_for(r.y[r.observed])
    z = scale.forward(r.y)
    if can_use_stl(r.length, m):
        return _around(s, r, z, indices, limit, alone, scale)
    change, defined = same_period_residuals(z, r.observed, m)
    out = []
    flagged: dict[int, float] = {}  # index → sign of its score
    for i in indices:
        pool = others(defined, [i]) if alone else defined
        spread = spread_of(change[pool]) if pool.sum() >= MIN_DIFFERENCES else None
        if spread is None or not defined[i]:
            out.append(_too_little(s, r, i, limit, m + MIN_DIFFERENCES))
            continue
        score = spread.score(float(change[i]))
        if flagged.get(i - m) == -math.copysign(1.0, score):
            # A change back from last year's outlier is the value returning to normal.
            score = 0.0
        expected = float(z[i - m] + spread.centre)
        check = _verdict(s, r, i, score, expected, spread, OutlierMethod.SAME_PERIOD, limit,
                         scale)
        if check.outlier:
            flagged[i] = math.copysign(1.0, score)
        out.append(check)
    return out


def _around(
    s: Series, r: Regular, z: Floats, indices: list[int], limit: float, alone: bool,
    scale: Scale,
) -> list[OutlierCheck]:
    """Robust STL's season, then each value against its neighbours (see `robust`)."""
    m = s.season_length
    before, after = neighbour_residuals(z, m)
    has_before = r.observed & ~np.isnan(before)
    has_after = r.observed & ~np.isnan(after)
    shared = (spread_of(before[has_before]), spread_of(after[has_after]))
    out = []
    for i in indices:
        if alone:
            spreads = (spread_of(before[others(has_before, [i])]),
                       spread_of(after[others(has_after, [i])]))
        else:
            spreads = shared
        sides = [(float(res[i]), sp) for res, sp in zip((before, after), spreads, strict=True)
                 if sp is not None and not np.isnan(res[i])]
        if not sides:
            out.append(_too_little(s, r, i, limit, STL_CYCLES * m))
            continue
        scores = [sp.score(res) for res, sp in sides]
        # An outlier stands out from both sides, in the same direction; a level shift
        # only from one. The milder side speaks for the value.
        opposed = len(scores) == 2 and scores[0] * scores[1] <= 0
        score = 0.0 if opposed else min(scores, key=abs)
        residual, spread = sides[0]
        expected = float(z[i] - residual + spread.centre)
        out.append(_verdict(s, r, i, score, expected, spread, OutlierMethod.ROBUST_STL, limit,
                            scale))
    return out


def _verdict(
    s: Series, r: Regular, i: int, score: float, centre: float, spread: Spread,
    method: OutlierMethod, limit: float, scale: Scale,
) -> OutlierCheck:
    """`centre` and `spread` are on `scale`; what people see is back on the values'."""
    value = float(r.y[i])
    back = scale.back(np.array([centre, centre - limit * spread.below,
                                centre + limit * spread.above]))
    expected = float(back[0])
    bounds = s.clip(back[1:])
    lower, upper = float(bounds[0]), float(bounds[1])
    outlier = abs(score) > limit
    constant = spread.below == 0 and spread.above == 0
    return OutlierCheck(
        indicator=s.indicator, unit=s.unit, period=r.period_at(i), value=value,
        outlier=outlier, score=score, expected=expected, lower=lower, upper=upper,
        method=method, threshold=limit,
        reason=_reason(value, expected, lower, upper, outlier, method, constant,
                       s.season_length))


def _too_little(s: Series, r: Regular, i: int, limit: float, needed: int) -> OutlierCheck:
    vi_n = number(needed, "vi")
    return OutlierCheck(
        indicator=s.indicator, unit=s.unit, period=r.period_at(i), value=float(r.y[i]),
        outlier=False, score=None, expected=None, lower=None, upper=None,
        method=OutlierMethod.NONE, threshold=limit,
        reason=Reason(
            ReasonCode.TOO_LITTLE_HISTORY,
            f"Chưa đủ số liệu để kiểm tra bất thường: cần khoảng {vi_n} kỳ số liệu trước đó.",
            f"Too little history to check for outliers: about {needed} earlier values "
            "are needed."))


_HOW: Final[dict[OutlierMethod, tuple[str, str]]] = {
    OutlierMethod.ROBUST_STL: ("theo xu hướng và mùa vụ của chuỗi",
                               "given the series' trend and season"),
    OutlierMethod.SAME_PERIOD: ("so với cùng kỳ năm trước và mức thay đổi thường thấy",
                                "against the same period last year and its usual change"),
    OutlierMethod.Z_SCORE: ("theo điểm Z (trung bình và độ lệch chuẩn)",
                            "by z-score (mean and standard deviation)"),
    OutlierMethod.MOD_Z_SCORE: ("theo điểm Z cải biên (trung vị và độ lệch tuyệt đối "
                                "trung vị)",
                                "by modified z-score (median and median absolute deviation)"),
}


def _reason(
    value: float, expected: float, lower: float, upper: float, outlier: bool,
    method: OutlierMethod, constant: bool, season_length: int,
) -> Reason:
    how_vi, how_en = _HOW[method]
    if method is OutlierMethod.SAME_PERIOD and season_length == 1:
        how_vi = "so với năm trước và mức thay đổi thường thấy"
        how_en = "against the year before and its usual change"
    v_vi, v_en = number(value, "vi"), number(value, "en")
    e_vi, e_en = number(expected, "vi"), number(expected, "en")
    range_vi = f"{number(lower, 'vi')} – {number(upper, 'vi')}"
    range_en = f"{number(lower, 'en')} – {number(upper, 'en')}"
    if not outlier:
        return Reason(
            ReasonCode.NOT_OUTLIER,
            f"Giá trị {v_vi} nằm trong khoảng bình thường {range_vi} ({how_vi}).",
            f"The value {v_en} is within the normal range {range_en} ({how_en}).")
    if constant:
        return Reason(
            ReasonCode.CONSTANT_HISTORY,
            f"Giá trị {v_vi} khác với giá trị {e_vi} mà chuỗi luôn có trước đây. "
            "Số liệu vẫn được nhận; hãy kiểm tra lại.",
            f"The value {v_en} differs from {e_en}, which the series always had before. "
            "The value is kept; please check it.")
    side_vi, side_en = ("cao hơn", "above") if value > expected else ("thấp hơn", "below")
    return Reason(
        ReasonCode.OUTLIER,
        f"Giá trị {v_vi} bất thường: {side_vi} nhiều so với mức dự kiến {e_vi} ({how_vi}); "
        f"khoảng bình thường {range_vi}. Số liệu vẫn được nhận; hãy kiểm tra lại.",
        f"The value {v_en} is unusual: well {side_en} the expected {e_en} ({how_en}); "
        f"normal range {range_en}. The value is kept; please check it.")


def _threshold(detector: Detector, threshold: float | None) -> float:
    if threshold is None:
        return SEASONAL_THRESHOLD if detector is Detector.SEASONAL else DHIS2_THRESHOLD
    if not (math.isfinite(threshold) and threshold > 0):
        raise ValidationError("The outlier check cannot run", [FieldError(
            field="threshold", value=repr(threshold), message="must be a number above 0")])
    return threshold
