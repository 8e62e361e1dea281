"""admin: indicator groups, versions of indicator definitions, retired indicators

Revision ID: 0016_admin
Revises: 0013_numbers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_admin"
down_revision = "0013_numbers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "indicator_groups",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_vi", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("sort", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_indicator_groups")),
    )
    op.create_table(
        "indicator_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=True),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("changed", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicators.id"],
                                name=op.f("fk_indicator_versions_indicator_id_indicators")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_indicator_versions")),
        sa.UniqueConstraint("indicator_id", "version", name="uq_indicator_versions_key"),
    )
    op.create_index(op.f("ix_indicator_versions_indicator_id"), "indicator_versions",
                    ["indicator_id"])
    # Existing indicators: no group, none retired; their first version is their row.
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(sa.Column("group_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("retired_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.drop_column("retired_from")
        batch_op.drop_column("group_code")
    op.drop_index(op.f("ix_indicator_versions_indicator_id"), table_name="indicator_versions")
    op.drop_table("indicator_versions")
    op.drop_table("indicator_groups")
