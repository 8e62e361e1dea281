"""direction: directives, key tasks and their events, attachments, report issuers, the
register of report numbers, report files; estimates beside official figures; targets of
multi-year plans

Revision ID: 0007_direction
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_direction"
down_revision = "0009"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)


def _fk(table: str, column: str, other: str, key: str = "id") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{other}.{key}"],
                                   name=op.f(f"fk_{table}_{column}_{other}"))


def upgrade() -> None:
    # Estimates and official figures: a status on every value and change (NULL in a
    # change row is an official figure, as every change before this revision was).
    with op.batch_alter_table("data_values") as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=10), nullable=False,
                                      server_default="official"))
        batch_op.add_column(sa.Column("estimate_value", sa.Float(), nullable=True))
    with op.batch_alter_table("changes") as batch_op:
        batch_op.add_column(sa.Column("old_status", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("new_status", sa.String(length=10), nullable=True))
    # Multi-year targets: the plan a target belongs to is part of its key.
    with op.batch_alter_table("targets") as batch_op:
        batch_op.add_column(sa.Column("horizon", sa.String(length=9), nullable=False,
                                      server_default=""))
        batch_op.drop_constraint("uq_targets_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_targets_key", ["indicator_id", "unit_id", "period", "horizon"])

    op.create_table(
        "directives",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("issuer_unit_id", sa.Integer(), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("working_days", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        _fk("directives", "issuer_unit_id", "units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directives")),
        sa.UniqueConstraint("number", "issued_on", name="uq_directives_number"),
    )
    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("directive_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lead_unit_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("deadline_working_days", sa.Integer(), nullable=True),
        sa.Column("target_indicator_id", sa.Integer(), nullable=True),
        sa.Column("target_unit_id", sa.Integer(), nullable=True),
        sa.Column("target_period", sa.String(length=12), nullable=True),
        sa.Column("phase", sa.String(length=10), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("current_deadline", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        _fk("tasks", "directive_id", "directives"),
        _fk("tasks", "lead_unit_id", "units"),
        _fk("tasks", "target_indicator_id", "indicators"),
        _fk("tasks", "target_unit_id", "units"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    op.create_index("ix_tasks_lead_unit", "tasks", ["lead_unit_id"])
    op.create_index("ix_tasks_directive", "tasks", ["directive_id"])
    op.create_table(
        "task_units",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        _fk("task_units", "task_id", "tasks"),
        _fk("task_units", "unit_id", "units"),
        sa.PrimaryKeyConstraint("task_id", "unit_id", name=op.f("pk_task_units")),
    )
    op.create_table(
        "task_indicators",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        _fk("task_indicators", "task_id", "tasks"),
        _fk("task_indicators", "indicator_id", "indicators"),
        sa.PrimaryKeyConstraint("task_id", "indicator_id", name=op.f("pk_task_indicators")),
    )
    op.create_table(
        "task_events",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("percent", sa.Float(), nullable=True),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.Column("document", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        _fk("task_events", "task_id", "tasks"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_events")),
        sa.UniqueConstraint("task_id", "seq", name="uq_task_events_seq"),
    )
    op.create_table(
        "attachment_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_attachment_blobs")),
    )
    op.create_table(
        "task_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=100), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        _fk("task_attachments", "task_id", "tasks"),
        _fk("task_attachments", "sha256", "attachment_blobs", "sha256"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_attachments")),
    )
    op.create_index("ix_task_attachments_task", "task_attachments", ["task_id"])
    op.create_table(
        "report_issuers",
        sa.Column("code", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_body", sa.String(length=200), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("signer_name", sa.String(length=100), nullable=False),
        sa.Column("signer_title", sa.String(length=100), nullable=False),
        sa.Column("authority", sa.String(length=200), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("archive", sa.String(length=60), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_report_issuers")),
    )
    op.create_table(
        "report_numbers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=60), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("symbol", sa.String(length=40), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("registered_by", sa.String(length=100), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        _fk("report_numbers", "issuer", "report_issuers", "code"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_numbers")),
        sa.UniqueConstraint("issuer", "year", "number", name="uq_report_numbers_number"),
    )
    op.create_table(
        "report_files",
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("request", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("finished_at", Stamp, nullable=True),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_report_files")),
    )


def downgrade() -> None:
    op.drop_table("report_files")
    op.drop_table("report_numbers")
    op.drop_table("report_issuers")
    op.drop_index("ix_task_attachments_task", table_name="task_attachments")
    op.drop_table("task_attachments")
    op.drop_table("attachment_blobs")
    op.drop_table("task_events")
    op.drop_table("task_indicators")
    op.drop_table("task_units")
    op.drop_index("ix_tasks_directive", table_name="tasks")
    op.drop_index("ix_tasks_lead_unit", table_name="tasks")
    op.drop_table("tasks")
    op.drop_table("directives")
    with op.batch_alter_table("targets") as batch_op:
        batch_op.drop_constraint("uq_targets_key", type_="unique")
        batch_op.create_unique_constraint("uq_targets_key",
                                          ["indicator_id", "unit_id", "period"])
        batch_op.drop_column("horizon")
    with op.batch_alter_table("changes") as batch_op:
        batch_op.drop_column("new_status")
        batch_op.drop_column("old_status")
    with op.batch_alter_table("data_values") as batch_op:
        batch_op.drop_column("estimate_value")
        batch_op.drop_column("status")
