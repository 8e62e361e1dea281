"""Tables of foresight: forecasts, odds of targets, data-quality flags, reporting regimes,
alert rules, alerts with their history, deliveries, and the refresher's cursor.

Forecasts and odds are derived data: each row says at which change number it was
computed, so a reader can tell whether it has seen the newest values. Alerts are never
deleted; every step of one is an `alert_events` row.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fansipan.store.tables import Base, BigId

Stamp = DateTime(timezone=True)


class ForecastRow(Base):
    """The latest forecast of one indicator × unit series (history mapped into today's units)."""

    __tablename__ = "forecasts"
    __table_args__ = (UniqueConstraint("indicator_id", "unit_id", name="uq_forecasts_series"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period_type: Mapped[str] = mapped_column(String(12))
    horizon: Mapped[int] = mapped_column(Integer)
    model: Mapped[str | None] = mapped_column(String(40))
    fell_back: Mapped[bool] = mapped_column(Boolean, default=False)
    reason_code: Mapped[str] = mapped_column(String(40), default="")
    reason_vi: Mapped[str] = mapped_column(Text, default="")
    reason_en: Mapped[str] = mapped_column(Text, default="")
    backtest_mase: Mapped[float | None] = mapped_column(Float)
    seasonal_naive_mase: Mapped[float | None] = mapped_column(Float)
    candidates: Mapped[str] = mapped_column(Text, default="[]")  # JSON: model, mase
    coverage: Mapped[str] = mapped_column(Text, default="[]")  # JSON: level, empirical, …
    observations: Mapped[int] = mapped_column(Integer, default=0)
    gaps_filled: Mapped[int] = mapped_column(Integer, default=0)
    first_period: Mapped[str | None] = mapped_column(String(12))
    last_period: Mapped[str | None] = mapped_column(String(12))
    points: Mapped[str] = mapped_column(Text, default="[]")  # JSON: period, value, bounds
    series_digest: Mapped[str] = mapped_column(String(64), default="")  # of the values used
    computed_at: Mapped[datetime] = mapped_column(Stamp)
    change_id: Mapped[int] = mapped_column(BigInteger, default=0)


class TargetOddsRow(Base):
    """The odds that one target is met by the end of its period, from simulated paths."""

    __tablename__ = "target_odds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("targets.id"), unique=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(String(12))
    planned: Mapped[float] = mapped_column(Float)
    probability: Mapped[float | None] = mapped_column(Float)
    outlook: Mapped[str] = mapped_column(String(20))
    expected: Mapped[float | None] = mapped_column(Float)
    lower_80: Mapped[float | None] = mapped_column(Float)
    upper_80: Mapped[float | None] = mapped_column(Float)
    known_periods: Mapped[int] = mapped_column(Integer, default=0)
    simulated_periods: Mapped[int] = mapped_column(Integer, default=0)
    model: Mapped[str | None] = mapped_column(String(40))
    reason_vi: Mapped[str] = mapped_column(Text, default="")
    reason_en: Mapped[str] = mapped_column(Text, default="")
    computed_at: Mapped[datetime] = mapped_column(Stamp)
    change_id: Mapped[int] = mapped_column(BigInteger, default=0)


class QualityFlagRow(Base):
    """A value that looked wrong when it arrived: kept, flagged for follow-up, never refused."""

    __tablename__ = "quality_flags"
    __table_args__ = (
        Index("ix_quality_flags_key", "indicator_id", "unit_id", "period"),
        Index("ix_quality_flags_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str] = mapped_column(String(12))
    value: Mapped[float] = mapped_column(Float)
    change_id: Mapped[int] = mapped_column(BigInteger)  # the change that brought the value
    score: Mapped[float | None] = mapped_column(Float)
    expected: Mapped[float | None] = mapped_column(Float)
    lower: Mapped[float | None] = mapped_column(Float)
    upper: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(20))
    threshold: Mapped[float] = mapped_column(Float)
    reason_vi: Mapped[str] = mapped_column(Text, default="")
    reason_en: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))  # open | confirmed | corrected
    created_at: Mapped[datetime] = mapped_column(Stamp)
    updated_at: Mapped[datetime] = mapped_column(Stamp)
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")


class ReportingRegimeRow(Base):
    """An indicator's reporting regime (chế độ báo cáo): how often, who, cut-off, deadline."""

    __tablename__ = "reporting_regimes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicators.id"), unique=True)
    frequency: Mapped[str] = mapped_column(String(20))
    levels: Mapped[str] = mapped_column(String(100), default="")  # who reports, "|"-joined
    due_kind: Mapped[str] = mapped_column(String(14))  # days_after | day_of_month
    due_days: Mapped[int | None] = mapped_column(Integer)
    due_working: Mapped[bool] = mapped_column(Boolean, default=False)
    due_after: Mapped[str] = mapped_column(String(14), default="cut_off_end")
    due_day: Mapped[int | None] = mapped_column(Integer)
    due_month_offset: Mapped[int] = mapped_column(Integer, default=0)
    cut_from_day: Mapped[int] = mapped_column(Integer, default=15)
    cut_to_day: Mapped[int | None] = mapped_column(Integer)
    cut_from_month_offset: Mapped[int] = mapped_column(Integer, default=-1)
    shift_off_days: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_basis: Mapped[str] = mapped_column(String(300), default="")
    effective_from: Mapped[date] = mapped_column(Date)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class AlertRuleRow(Base):
    """What raises alerts, over which units and sector, and where they are sent."""

    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    sector: Mapped[str | None] = mapped_column(ForeignKey("sectors.code"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    descendants: Mapped[bool] = mapped_column(Boolean, default=True)
    operator: Mapped[str | None] = mapped_column(String(2))
    threshold: Mapped[float | None] = mapped_column(Float)
    outlook: Mapped[str | None] = mapped_column(String(20))
    owner: Mapped[str] = mapped_column(String(64), default="")
    emails: Mapped[str] = mapped_column(Text, default="")  # ","-joined
    webhook_url: Mapped[str] = mapped_column(String(500), default="")
    webhook_secret: Mapped[str] = mapped_column(String(120), default="")
    digest: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    updated_at: Mapped[datetime] = mapped_column(Stamp)


class AlertRow(Base):
    """One alert, de-duplicated by its key: a condition that recurs is the same alert."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index("ix_alerts_status", "status"),
        Index("ix_alerts_unit", "unit_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("alert_rules.id"))
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    owner: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(14))  # open | acknowledged | resolved
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicators.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    period: Mapped[str | None] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(80), default="")
    title_vi: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    detail_vi: Mapped[str] = mapped_column(Text, default="")
    detail_en: Mapped[str] = mapped_column(Text, default="")
    value: Mapped[float | None] = mapped_column(Float)
    occurrences: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[datetime] = mapped_column(Stamp)
    last_seen_at: Mapped[datetime] = mapped_column(Stamp)
    updated_at: Mapped[datetime] = mapped_column(Stamp)
    resolved_at: Mapped[datetime | None] = mapped_column(Stamp)
    change_id: Mapped[int] = mapped_column(BigInteger, default=0)


class AlertEventRow(Base):
    """One step of an alert's life: raised, seen again, acknowledged, resolved, reopened."""

    __tablename__ = "alert_events"
    __table_args__ = (Index("ix_alert_events_alert", "alert_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"))
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(Stamp)
    note: Mapped[str] = mapped_column(Text, default="")


class DeliveryRow(Base):
    """One message sent (or to send) for an alert or a digest, with its attempts."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_status", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("alert_rules.id"))
    channel: Mapped[str] = mapped_column(String(10))  # email | webhook
    kind: Mapped[str] = mapped_column(String(10))  # alert | digest
    target: Mapped[str] = mapped_column(String(500))  # an address or a URL
    message_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Stamp)
    next_attempt_at: Mapped[datetime | None] = mapped_column(Stamp)
    sent_at: Mapped[datetime | None] = mapped_column(Stamp)


class ForesightStateRow(Base):
    """One row: the last change the refresher has handled, and the daily chores' last days."""

    __tablename__ = "foresight_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_change: Mapped[int] = mapped_column(BigInteger, default=0)
    digest_sent_on: Mapped[date | None] = mapped_column(Date)
    swept_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(Stamp)
