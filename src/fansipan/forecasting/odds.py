"""The odds that a target is met by the end of its period (khả năng đạt chỉ tiêu).

For each simulated path the period's value is what the indicator will show at its end:
the values already known plus the simulated rest, combined as the indicator combines
over time (a flow is summed, a stock takes its last value, a rate its average, …). The
odds are the share of paths on which the target is met, judged as `evaluate_target`
judges it (direction and tolerance). Then:

- odds ≥ 0.8: on track (Đúng tiến độ);
- 0.5 ≤ odds < 0.8: at risk (Có nguy cơ không đạt);
- odds < 0.5: off track (Khó đạt);
- a period already over is met (Đạt) or missed (Không đạt), with odds 1 or 0.

0.8 leaves a one-in-five chance of missing a target called on track, which is as much
doubt as a leader can act on; below one half, missing is the likelier outcome.

The paths lean by half of the chosen model's backtest bias (`BIAS_SHARE`): a damped
trend runs a few per cent low on a series that keeps growing, and the odds of a target
set above today's level came out too low in the middle of the scale (of targets given
70–80 %, 85 % were met). Half, not all, because three backtest windows measure the bias
with noise: on a second seed the whole bias overshot (targets given 70–80 % were met 67 %
of the time) while half did no harm (bench/odds_lean.py). The lean is
bounded to ±10 % (`MAX_LEAN`) so a short, noisy backtest cannot move a forecast far.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from fansipan.domain.aggregation import combine
from fansipan.domain.indicators import Aggregation
from fansipan.domain.periods import Period
from fansipan.domain.targets import Direction, TargetStatus, evaluate_target
from fansipan.errors import FieldError, ValidationError
from fansipan.forecasting.models import ModelName
from fansipan.forecasting.paths import PathRequest, simulate_paths
from fansipan.forecasting.reasons import Reason, ReasonCode, number
from fansipan.forecasting.results import Forecast
from fansipan.forecasting.series import Series, regularize, steps_between

Floats = npt.NDArray[np.float64]

ON_TRACK_ODDS: Final = 0.8
AT_RISK_ODDS: Final = 0.5
DEFAULT_PATHS: Final = 1000
BIAS_SHARE: Final = 0.5
MAX_LEAN: Final = 0.1

__all__ = [
    "AT_RISK_ODDS",
    "DEFAULT_PATHS",
    "ON_TRACK_ODDS",
    "Attainment",
    "AttainmentRequest",
    "Outlook",
    "Target",
    "estimate_attainment",
    "estimate_attainments",
    "outlook_for",
]


class Outlook(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    MET = "met"
    MISSED = "missed"
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"

    def label(self, lang: str = "vi") -> str:
        vi, en = _LABELS[self]
        return en if lang == "en" else vi


_LABELS: Final[dict[Outlook, tuple[str, str]]] = {
    Outlook.ON_TRACK: ("Đúng tiến độ", "On track"),
    Outlook.AT_RISK: ("Có nguy cơ không đạt", "At risk"),
    Outlook.OFF_TRACK: ("Khó đạt", "Off track"),
    Outlook.MET: ("Đạt", "Met"),
    Outlook.MISSED: ("Không đạt", "Missed"),
    Outlook.NO_DATA: ("Chưa có số liệu", "No data"),
    Outlook.NOT_APPLICABLE: ("Không đánh giá", "Not applicable"),
}


def outlook_for(probability: float) -> Outlook:
    if probability >= ON_TRACK_ODDS:
        return Outlook.ON_TRACK
    return Outlook.AT_RISK if probability >= AT_RISK_ODDS else Outlook.OFF_TRACK


@dataclass(frozen=True)
class Target:
    """A planned value for a period (usually a year) of the series' indicator.
    `tolerance` is relative to |planned|, as in `evaluate_target`."""

    period: Period
    planned: float
    tolerance: float = 0.0


@dataclass(frozen=True)
class AttainmentRequest:
    series: Series
    target: Target
    forecast: Forecast


@dataclass(frozen=True)
class Attainment:
    """The odds of one target. `expected` is the median of the period's value over the
    paths, `lower_80`/`upper_80` the range holding 80 % of them (all equal to the actual
    value once the period is over)."""

    indicator: str
    unit: str
    period: Period
    planned: float
    probability: float | None
    outlook: Outlook
    expected: float | None
    lower_80: float | None
    upper_80: float | None
    known_periods: int
    simulated_periods: int
    paths: int
    model: ModelName | None
    reason: Reason | None


def estimate_attainment(
    *, series: Series, target: Target, forecast: Forecast, paths: int = DEFAULT_PATHS,
    seed: int = 0,
) -> Attainment:
    """The odds that `target` is met, from `forecast` (made for this series)."""
    request = AttainmentRequest(series=series, target=target, forecast=forecast)
    return estimate_attainments(requests=[request], paths=paths, seed=seed, n_jobs=1)[0]


def estimate_attainments(
    *, requests: Sequence[AttainmentRequest], paths: int = DEFAULT_PATHS, seed: int = 0,
    n_jobs: int | None = None,
) -> tuple[Attainment, ...]:
    """The odds of many targets; the paths of series sharing a model are drawn together."""
    if isinstance(paths, bool) or not isinstance(paths, int) or not 100 <= paths <= 100_000:
        raise ValidationError("The odds cannot be estimated", [FieldError(
            field="paths", value=repr(paths), message="must be a whole number, 100–100,000")])
    plans = [_plan(r, row) for row, r in enumerate(requests)]
    wanted = [(i, p) for i, p in enumerate(plans) if isinstance(p, _Plan) and p.request]
    drawn = simulate_paths(requests=[p.request for _, p in wanted if p.request],
                           paths=paths, seed=seed, n_jobs=n_jobs)
    simulated: dict[int, Floats | None] = {i: d for (i, _), d in zip(wanted, drawn,
                                                                      strict=True)}
    out: list[Attainment] = []
    for i, (req, plan) in enumerate(zip(requests, plans, strict=True)):
        if isinstance(plan, Attainment):
            out.append(plan)
        else:
            out.append(_judge(req, plan, simulated.get(i), paths))
    return tuple(out)


@dataclass(frozen=True)
class _Plan:
    known: list[float]  # values of the period already in, in time order
    future_steps: list[int]  # 1-based steps after the last value that fall in the period
    request: PathRequest | None  # None when the forecast has no spread to draw from
    fixed: Floats | None  # the deterministic path used then


def _plan(req: AttainmentRequest, row: int) -> _Plan | Attainment:
    s, t, f = req.series, req.target, req.forecast
    _check(t, s, row)
    if s.direction is Direction.NONE:
        return _simple(req, Outlook.NOT_APPLICABLE, Reason(
            ReasonCode.NO_JUDGEMENT,
            "Chỉ tiêu không có chiều tốt/xấu: không đánh giá khả năng đạt.",
            "The indicator has no better direction: no odds to give."))
    inside = t.period.periods_within(s.period_type)
    if len(inside) > 1 and s.agg_time is Aggregation.NONE:
        return _simple(req, Outlook.NOT_APPLICABLE, Reason(
            ReasonCode.NOT_AGGREGATABLE,
            "Chỉ tiêu không cộng dồn theo thời gian: cần chuỗi số liệu theo kỳ của chỉ tiêu.",
            "The indicator does not add up over time: give its series at the "
            "target's period."))
    regular = regularize(s)
    last = s.last_period
    if regular is None or last is None:
        return _simple(req, Outlook.NO_DATA, Reason(
            ReasonCode.NO_DATA, "Chưa có số liệu: chưa ước tính được khả năng đạt.",
            "No data yet: the odds cannot be estimated."))
    known: list[float] = []
    future: list[int] = []
    for p in inside:
        step = steps_between(regular.start, p)
        if p <= last:
            if step >= 0:
                known.append(float(regular.y[step]))
        else:
            future.append(steps_between(last, p))
    if not future:
        return _final(req, known)
    if f.model is None or not f.points:
        return _simple(req, Outlook.NO_DATA, Reason(
            ReasonCode.NO_FORECAST, "Chưa có dự báo cho chuỗi này.",
            "There is no forecast for this series."))
    horizon = future[-1]
    if f.points[0].lower_80 is None:
        # One value or a constant: the forecast has no spread, so neither have the paths.
        level = np.full(horizon, f.points[0].value)
        return _Plan(known=known, future_steps=future, request=None, fixed=level[None, :])
    cov = f.coverage_at(80)
    factor = cov.factor if cov is not None and math.isfinite(cov.factor) else 1.0
    lean = 1.0 + max(-MAX_LEAN, min(MAX_LEAN, BIAS_SHARE * f.bias))
    return _Plan(known=known, future_steps=future, fixed=None, request=PathRequest(
        regular=regular, season_length=s.season_length, model=f.model, horizon=horizon,
        spread_factor=factor, lean=lean))


def _judge(req: AttainmentRequest, plan: _Plan, drawn: Floats | None, paths: int) -> Attainment:
    s, t = req.series, req.target
    cube = plan.fixed if plan.request is None else drawn
    if cube is None:
        return _simple(req, Outlook.NO_DATA, Reason(
            ReasonCode.NO_FORECAST, "Không mô phỏng được chuỗi này.",
            "The series could not be simulated."))
    future = s.clip(cube[:, [k - 1 for k in plan.future_steps]])
    totals = _aggregate(np.asarray(plan.known, dtype=np.float64), future, s.agg_time)
    margin = t.tolerance * abs(t.planned)
    slack = 1e-9 * max(1.0, abs(t.planned))  # float noise must not turn met into missed
    if s.direction is Direction.UP:
        met = totals >= t.planned - margin - slack
    else:
        met = totals <= t.planned + margin + slack
    probability = float(np.mean(met))
    return Attainment(
        indicator=s.indicator, unit=s.unit, period=t.period, planned=t.planned,
        probability=probability, outlook=outlook_for(probability),
        expected=float(np.median(totals)), lower_80=float(np.quantile(totals, 0.1)),
        upper_80=float(np.quantile(totals, 0.9)), known_periods=len(plan.known),
        simulated_periods=len(plan.future_steps), paths=int(cube.shape[0]),
        model=req.forecast.model, reason=None)


def _aggregate(known: Floats, future: Floats, how: Aggregation) -> Floats:
    """The period's value on each path (rows of `future`), known values first."""
    if how is Aggregation.SUM:
        total = known.sum() + future.sum(axis=1)
    elif how is Aggregation.AVERAGE:
        total = (known.sum() + future.sum(axis=1)) / (known.size + future.shape[1])
    elif how is Aggregation.MIN:
        total = future.min(axis=1)
        if known.size:
            total = np.minimum(total, known.min())
    elif how is Aggregation.MAX:
        total = future.max(axis=1)
        if known.size:
            total = np.maximum(total, known.max())
    else:
        # LAST, and NONE for a period of one value: the value at the end of the period.
        total = future[:, -1]
    return np.asarray(total, dtype=np.float64)


def _final(req: AttainmentRequest, known: list[float]) -> Attainment:
    s, t = req.series, req.target
    actual = combine(known, s.agg_time) if len(known) > 1 else (known[0] if known else None)
    status = evaluate_target(actual=actual, planned=t.planned, direction=s.direction,
                             tolerance=t.tolerance)
    if status is TargetStatus.NO_DATA or actual is None:
        return _simple(req, Outlook.NO_DATA, Reason(
            ReasonCode.NO_DATA, "Kỳ đã kết thúc nhưng không có số liệu.",
            "The period is over but has no data."))
    met = status in (TargetStatus.MET, TargetStatus.EXCEEDED)
    vi_met, en_met = ("đạt", "met") if met else ("không đạt", "missed")
    reason = Reason(
        ReasonCode.PERIOD_OVER,
        f"Kỳ đã kết thúc: {number(actual, 'vi')} so với kế hoạch "
        f"{number(t.planned, 'vi')}, {vi_met}.",
        f"The period is over: {number(actual, 'en')} against a plan of "
        f"{number(t.planned, 'en')}, {en_met}.")
    return Attainment(
        indicator=s.indicator, unit=s.unit, period=t.period, planned=t.planned,
        probability=1.0 if met else 0.0, outlook=Outlook.MET if met else Outlook.MISSED,
        expected=actual, lower_80=actual, upper_80=actual, known_periods=len(known),
        simulated_periods=0, paths=0, model=None, reason=reason)


def _simple(req: AttainmentRequest, outlook: Outlook, reason: Reason) -> Attainment:
    s, t = req.series, req.target
    return Attainment(
        indicator=s.indicator, unit=s.unit, period=t.period, planned=t.planned,
        probability=None, outlook=outlook, expected=None, lower_80=None, upper_80=None,
        known_periods=0, simulated_periods=0, paths=0, model=None, reason=reason)


def _check(t: Target, s: Series, row: int) -> None:
    errors: list[FieldError] = []
    if not math.isfinite(t.planned):
        errors.append(FieldError(field="planned", row=row, value=repr(t.planned),
                                 message="must be a finite number"))
    if not (math.isfinite(t.tolerance) and t.tolerance >= 0):
        errors.append(FieldError(field="tolerance", row=row, value=repr(t.tolerance),
                                 message="must be a finite number ≥ 0 (0.02 = 2 %)"))
    if t.period.type.is_finer_than(s.period_type):
        errors.append(FieldError(
            field="period", row=row, value=t.period.id,
            message=f"is shorter than the series' {s.period_type.noun}s; set the target "
                    f"for a {s.period_type.noun} or longer"))
    if errors:
        raise ValidationError(f"The target of {s.key} cannot be evaluated", errors)
