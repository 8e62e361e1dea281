"""Forecasts of indicator × unit series, stored with the model that made them.

A forecast is computed from the series as analytics reads it (mapped into today's
units) and stored with the fingerprint of the values it used, the model that really
produced it, every candidate's backtest error and the intervals' coverage. Asking again
returns the stored forecast while the series is unchanged, else computes it anew.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.bilingual import invalid
from fansipan.forecasting import Forecast, Series, forecast_many
from fansipan.forecasting.results import MAX_HORIZON
from fansipan.services.catalog import Catalog
from fansipan.services.foresight.series import (
    SeriesKey,
    default_horizon,
    forecastable,
    load_series,
    series_digest,
)
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.warehouse.viewpoints import resolve_unit, viewpoint
from fansipan.store.foresight_tables import ForecastRow

log = logging.getLogger("fansipan.foresight")

MODEL_LABELS = {
    "SeasonalNaive": ("Lặp lại cùng kỳ năm trước", "Same period last year"),
    "Naive": ("Giữ nguyên giá trị cuối", "Last value carried forward"),
    "RandomWalkWithDrift": ("Xu hướng bình quân (drift)", "Average change (drift)"),
    "DynamicOptimizedTheta": ("Theta tối ưu động", "Dynamic optimised Theta"),
    "ETS(A,Ad,A)": ("San bằng mũ, xu hướng tắt dần", "Exponential smoothing, damped trend"),
    "Theta+ETS": ("Trung bình Theta và san bằng mũ", "Average of Theta and smoothing"),
}


class ForecastPoint(BaseModel):
    period: str
    value: float
    lower_80: float | None
    upper_80: float | None
    lower_95: float | None
    upper_95: float | None


class Observed(BaseModel):
    period: str
    value: float


class CandidateScore(BaseModel):
    model: str
    mase: float | None


class CoverageScore(BaseModel):
    level: int
    nominal: float
    empirical: float | None = Field(description="Share of backtest values inside the "
                                                "model's own interval")
    calibrated: float | None = Field(description="The share once widened (in-sample)")
    factor: float = Field(description="How much the model's interval was widened (≥ 1)")
    points: int


class ForecastPublic(BaseModel):
    indicator: str
    indicator_name: str
    unit: str
    unit_uid: str
    unit_name: str
    period_type: str
    horizon: int
    model: str | None = Field(description="The model that really produced the numbers")
    model_label: str
    fell_back: bool
    reason: str | None
    backtest_mase: float | None
    seasonal_naive_mase: float | None
    candidates: list[CandidateScore]
    coverage: list[CoverageScore]
    observations: int
    gaps_filled: int
    first_period: str | None
    last_period: str | None
    history: list[Observed]
    points: list[ForecastPoint]
    computed_at: UtcDateTime
    change: int = Field(description="The change number the values had reached")


def get_forecast(*, session: Session, warehouse: Warehouse, principal: Principal,
                 indicator: str, unit: str, horizon: int | None = None,
                 today: date | None = None, lang: str = "vi") -> ForecastPublic:
    """The forecast of one series, within the principal's scope: the stored one while
    the series is unchanged, else a new one (then stored)."""
    require(principal, Permission.READ_DATA)
    today = today or date.today()
    view = viewpoint(session, principal)
    catalog = view.catalog
    ind = catalog.indicator(indicator)
    view.scope.check_indicator(catalog, catalog.indicator_ids[ind.code])
    where = resolve_unit(view, unit, today)
    if not forecastable(ind):
        raise invalid("indicator",
                      f"{ind.code} được báo cáo theo {ind.periodicity.value}: chỉ dự báo chỉ "
                      "tiêu tháng, quý hoặc năm",
                      f"{ind.code} is reported by {ind.periodicity.value}: forecasts are made "
                      "for monthly, quarterly and yearly indicators", value=ind.code)
    wanted = horizon if horizon is not None else default_horizon(ind)
    if isinstance(wanted, bool) or not 1 <= wanted <= MAX_HORIZON:
        raise invalid("horizon", f"Tầm dự báo từ 1 đến {MAX_HORIZON} kỳ",
                      f"The horizon is 1 to {MAX_HORIZON} periods", value=wanted)
    key = SeriesKey(ind.code, where.id)
    series = load_series(session=session, warehouse=warehouse, catalog=catalog, keys=[key],
                         today=today, principal=principal)[key]
    digest = series_digest(series)
    with session.begin():
        row = _stored(session, catalog, key)
        fresh = row is not None and row.series_digest == digest and row.horizon == wanted
        if fresh and row is not None:
            return public(catalog, row, series, lang)
    made = compute_forecasts({key: series}, {key: wanted})[key]
    try:
        with session.begin():
            row = store_forecast(session, catalog, key, series, made, digest,
                                 warehouse.last_change)
            return public(catalog, row, series, lang)
    except (IntegrityError, OperationalError):
        # Another writer stored it first, or the store is busy: answer without keeping it.
        log.info("forecast of %s@%s not stored this time", key.indicator, key.unit_id)
        session.rollback()
        row = _row_of(catalog, key, series, made, digest, warehouse.last_change)
        return public(catalog, row, series, lang)


def compute_forecasts(series: Mapping[SeriesKey, Series],
                      horizons: Mapping[SeriesKey, int]) -> dict[SeriesKey, Forecast]:
    """Forecasts of many series, one batch per horizon."""
    by_horizon: dict[int, list[SeriesKey]] = {}
    for key in series:
        by_horizon.setdefault(horizons[key], []).append(key)
    out: dict[SeriesKey, Forecast] = {}
    for h, keys in by_horizon.items():
        made = forecast_many(series=[series[k] for k in keys], horizon=h)
        out.update(zip(keys, made, strict=True))
    return out


def store_forecast(session: Session, catalog: Catalog, key: SeriesKey, series: Series,
                   made: Forecast, digest: str, change: int) -> ForecastRow:
    """Insert or replace the stored forecast of `key` (inside the caller's transaction)."""
    fresh = _row_of(catalog, key, series, made, digest, change)
    row = _stored(session, catalog, key)
    if row is None:
        session.add(fresh)
        session.flush()
        return fresh
    for column in ForecastRow.__table__.columns:
        if column.key not in ("id", "indicator_id", "unit_id"):
            setattr(row, column.key, getattr(fresh, column.key))
    session.flush()
    return row


def stored_forecasts(session: Session, catalog: Catalog,
                     keys: Sequence[SeriesKey]) -> dict[SeriesKey, ForecastRow]:
    """The stored rows of `keys` (inside the caller's transaction)."""
    out: dict[SeriesKey, ForecastRow] = {}
    for key in keys:
        row = _stored(session, catalog, key)
        if row is not None:
            out[key] = row
    return out


def _stored(session: Session, catalog: Catalog, key: SeriesKey) -> ForecastRow | None:
    return session.scalars(select(ForecastRow).where(
        ForecastRow.indicator_id == catalog.indicator_ids[key.indicator],
        ForecastRow.unit_id == key.unit_id)).one_or_none()


def _row_of(catalog: Catalog, key: SeriesKey, series: Series, made: Forecast, digest: str,
            change: int) -> ForecastRow:
    reason = made.reason
    points = [{"period": p.period.id, "value": p.value, "lower_80": p.lower_80,
               "upper_80": p.upper_80, "lower_95": p.lower_95, "upper_95": p.upper_95}
              for p in made.points]
    return ForecastRow(
        indicator_id=catalog.indicator_ids[key.indicator], unit_id=key.unit_id,
        period_type=made.period_type.value, horizon=len(made.points) or 0,
        model=made.model.value if made.model else None, fell_back=made.fell_back,
        reason_code=reason.code.value if reason else "", reason_vi=reason.vi if reason else "",
        reason_en=reason.en if reason else "", backtest_mase=_finite(made.backtest_mase),
        seasonal_naive_mase=_finite(made.seasonal_naive_mase),
        candidates=json.dumps([{"model": c.model.value, "mase": _finite(c.mase)}
                               for c in made.candidates]),
        coverage=json.dumps([{"level": c.level, "empirical": c.empirical,
                              "calibrated": c.calibrated, "factor": _finite(c.factor),
                              "points": c.points} for c in made.coverage]),
        observations=made.observations, gaps_filled=made.gaps_filled,
        first_period=series.observations[0].period.id if series.observations else None,
        last_period=made.last_period.id if made.last_period else None,
        points=json.dumps(points), series_digest=digest, computed_at=datetime.now(UTC),
        change_id=max(change, 0),
    )


def _finite(x: float | None) -> float | None:
    return None if x is None or x != x or x in (float("inf"), float("-inf")) else float(x)


def public(catalog: Catalog, row: ForecastRow, series: Series | None,
           lang: str = "vi") -> ForecastPublic:
    code = catalog.indicator_codes[row.indicator_id]
    ind = catalog.indicators[code]
    unit = catalog.hierarchy.unit(row.unit_id)
    vi, en = MODEL_LABELS.get(row.model or "", ("Chưa có dự báo", "No forecast"))
    reason = (row.reason_en if lang == "en" else row.reason_vi) or None
    coverage = [CoverageScore(level=c["level"], nominal=c["level"] / 100,
                              empirical=c["empirical"], calibrated=c["calibrated"],
                              factor=c["factor"] if c["factor"] is not None else 1.0,
                              points=c["points"]) for c in json.loads(row.coverage)]
    history = ([Observed(period=o.period.id, value=o.value) for o in series.observations]
               if series is not None else [])
    return ForecastPublic(
        indicator=code, indicator_name=ind.name(lang), unit=unit.code,
        unit_uid=catalog.unit_uids[unit.id], unit_name=unit.name,
        period_type=row.period_type, horizon=row.horizon, model=row.model,
        model_label=en if lang == "en" else vi, fell_back=row.fell_back, reason=reason,
        backtest_mase=row.backtest_mase, seasonal_naive_mase=row.seasonal_naive_mase,
        candidates=[CandidateScore(**c) for c in json.loads(row.candidates)],
        coverage=coverage, observations=row.observations, gaps_filled=row.gaps_filled,
        first_period=row.first_period, last_period=row.last_period, history=history,
        points=[ForecastPoint(**p) for p in json.loads(row.points)],
        computed_at=row.computed_at, change=row.change_id,
    )

