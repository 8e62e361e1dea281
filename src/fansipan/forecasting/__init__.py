"""Forecasts and data quality (dự báo và chất lượng số liệu): the compute core of foresight.

Pure computation over series handed in by the service layer: no database, no HTTP.
Frozen dataclasses in, frozen dataclasses out; see docs/forecasting.md.
"""

from fansipan.forecasting.backtest import BacktestPlan
from fansipan.forecasting.forecasts import forecast_many, forecast_series
from fansipan.forecasting.models import DEFAULT_CANDIDATES, ModelName
from fansipan.forecasting.odds import (
    AT_RISK_ODDS,
    ON_TRACK_ODDS,
    Attainment,
    AttainmentRequest,
    Outlook,
    Target,
    estimate_attainment,
    estimate_attainments,
    outlook_for,
)
from fansipan.forecasting.outliers import (
    DHIS2_THRESHOLD,
    SEASONAL_THRESHOLD,
    Detector,
    OutlierCheck,
    OutlierMethod,
    check_value,
    scan_series,
)
from fansipan.forecasting.reasons import Reason, ReasonCode
from fansipan.forecasting.results import (
    CandidateScore,
    Coverage,
    Forecast,
    ForecastOptions,
    ForecastPoint,
)
from fansipan.forecasting.series import Observation, Series

__all__ = [
    "AT_RISK_ODDS",
    "DEFAULT_CANDIDATES",
    "DHIS2_THRESHOLD",
    "ON_TRACK_ODDS",
    "SEASONAL_THRESHOLD",
    "Attainment",
    "AttainmentRequest",
    "BacktestPlan",
    "CandidateScore",
    "Coverage",
    "Detector",
    "Forecast",
    "ForecastOptions",
    "ForecastPoint",
    "ModelName",
    "Observation",
    "OutlierCheck",
    "OutlierMethod",
    "Outlook",
    "Reason",
    "ReasonCode",
    "Series",
    "Target",
    "check_value",
    "estimate_attainment",
    "estimate_attainments",
    "forecast_many",
    "forecast_series",
    "outlook_for",
    "scan_series",
]
