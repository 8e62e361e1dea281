"""foresight: forecasts, odds of targets, data-quality flags, reporting regimes, alert rules,
alerts and their history, deliveries, and the refresher's cursor

Revision ID: 0012_foresight
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_foresight"
down_revision = "0007_direction"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "foresight_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_change", sa.BigInteger(), nullable=False),
        sa.Column("digest_sent_on", sa.Date(), nullable=True),
        sa.Column("swept_on", sa.Date(), nullable=True),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_foresight_state")),
    )
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("sector", sa.String(length=40), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("descendants", sa.Boolean(), nullable=False),
        sa.Column("operator", sa.String(length=2), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("outlook", sa.String(length=20), nullable=True),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("emails", sa.Text(), nullable=False),
        sa.Column("webhook_url", sa.String(length=500), nullable=False),
        sa.Column("webhook_secret", sa.String(length=120), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name=op.f("fk_alert_rules_indicator_id_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["sector"], ["sectors.code"], name=op.f("fk_alert_rules_sector_sectors")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_alert_rules_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_rules")),
    )
    op.create_table(
        "forecasts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period_type", sa.String(length=12), nullable=False),
        sa.Column("horizon", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=True),
        sa.Column("fell_back", sa.Boolean(), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=False),
        sa.Column("reason_vi", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("backtest_mase", sa.Float(), nullable=True),
        sa.Column("seasonal_naive_mase", sa.Float(), nullable=True),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("coverage", sa.Text(), nullable=False),
        sa.Column("observations", sa.Integer(), nullable=False),
        sa.Column("gaps_filled", sa.Integer(), nullable=False),
        sa.Column("first_period", sa.String(length=12), nullable=True),
        sa.Column("last_period", sa.String(length=12), nullable=True),
        sa.Column("points", sa.Text(), nullable=False),
        sa.Column("series_digest", sa.String(length=64), nullable=False),
        sa.Column("computed_at", Stamp, nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name=op.f("fk_forecasts_indicator_id_indicators")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_forecasts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecasts")),
        sa.UniqueConstraint("indicator_id", "unit_id", name="uq_forecasts_series"),
    )
    op.create_table(
        "quality_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("expected", sa.Float(), nullable=True),
        sa.Column("lower", sa.Float(), nullable=True),
        sa.Column("upper", sa.Float(), nullable=True),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("reason_vi", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.Column("resolved_by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_quality_flags_indicator_id_indicators"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_quality_flags_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_flags")),
    )
    op.create_index(
        "ix_quality_flags_key", "quality_flags", ["indicator_id", "unit_id", "period"], unique=False
    )
    op.create_index("ix_quality_flags_status", "quality_flags", ["status"], unique=False)
    op.create_table(
        "reporting_regimes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("levels", sa.String(length=100), nullable=False),
        sa.Column("due_kind", sa.String(length=14), nullable=False),
        sa.Column("due_days", sa.Integer(), nullable=True),
        sa.Column("due_working", sa.Boolean(), nullable=False),
        sa.Column("due_after", sa.String(length=14), nullable=False),
        sa.Column("due_day", sa.Integer(), nullable=True),
        sa.Column("due_month_offset", sa.Integer(), nullable=False),
        sa.Column("cut_from_day", sa.Integer(), nullable=False),
        sa.Column("cut_to_day", sa.Integer(), nullable=True),
        sa.Column("cut_from_month_offset", sa.Integer(), nullable=False),
        sa.Column("shift_off_days", sa.Boolean(), nullable=False),
        sa.Column("legal_basis", sa.String(length=300), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicators.id"],
            name=op.f("fk_reporting_regimes_indicator_id_indicators"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_regimes")),
        sa.UniqueConstraint("indicator_id", name=op.f("uq_reporting_regimes_indicator_id")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=12), nullable=True),
        sa.Column("subject", sa.String(length=80), nullable=False),
        sa.Column("title_vi", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("detail_vi", sa.Text(), nullable=False),
        sa.Column("detail_en", sa.Text(), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", Stamp, nullable=False),
        sa.Column("last_seen_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.Column("resolved_at", Stamp, nullable=True),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name=op.f("fk_alerts_indicator_id_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["alert_rules.id"], name=op.f("fk_alerts_rule_id_alert_rules")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_alerts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_alerts_dedup_key")),
    )
    op.create_index("ix_alerts_status", "alerts", ["status"], unique=False)
    op.create_index("ix_alerts_unit", "alerts", ["unit_id"], unique=False)
    op.create_table(
        "target_odds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=12), nullable=False),
        sa.Column("planned", sa.Float(), nullable=False),
        sa.Column("probability", sa.Float(), nullable=True),
        sa.Column("outlook", sa.String(length=20), nullable=False),
        sa.Column("expected", sa.Float(), nullable=True),
        sa.Column("lower_80", sa.Float(), nullable=True),
        sa.Column("upper_80", sa.Float(), nullable=True),
        sa.Column("known_periods", sa.Integer(), nullable=False),
        sa.Column("simulated_periods", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=40), nullable=True),
        sa.Column("reason_vi", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("computed_at", Stamp, nullable=False),
        sa.Column("change_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"], ["indicators.id"], name=op.f("fk_target_odds_indicator_id_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["targets.id"], name=op.f("fk_target_odds_target_id_targets")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_target_odds_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_odds")),
        sa.UniqueConstraint("target_id", name=op.f("uq_target_odds_target_id")),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=500), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("next_attempt_at", Stamp, nullable=True),
        sa.Column("sent_at", Stamp, nullable=True),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_deliveries_alert_id_alerts")
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["alert_rules.id"], name=op.f("fk_alert_deliveries_rule_id_alert_rules")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
    )
    op.create_index(
        "ix_alert_deliveries_status",
        "alert_deliveries",
        ["status", "next_attempt_at"],
        unique=False,
    )
    op.create_table(
        "alert_events",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"], ["alerts.id"], name=op.f("fk_alert_events_alert_id_alerts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_events")),
    )
    op.create_index("ix_alert_events_alert", "alert_events", ["alert_id"], unique=False)

    state = sa.table(
        "foresight_state",
        sa.column("id", sa.Integer()),
        sa.column("last_change", sa.BigInteger()),
        sa.column("updated_at", Stamp),
    )
    # The refresher starts from the changes made after this upgrade: what came before is
    # the full recomputation's (a job), not a backlog of arrivals to check one by one.
    newest = sa.select(sa.func.coalesce(sa.func.max(sa.column("id")), 0)).select_from(
        sa.table("changes", sa.column("id"))).scalar_subquery()
    op.execute(state.insert().values(id=1, last_change=newest, updated_at=sa.func.now()))


def downgrade() -> None:
    for table in (
        "alert_deliveries",
        "alert_events",
        "alerts",
        "alert_rules",
        "reporting_regimes",
        "quality_flags",
        "target_odds",
        "forecasts",
        "foresight_state",
    ):
        op.drop_table(table)
