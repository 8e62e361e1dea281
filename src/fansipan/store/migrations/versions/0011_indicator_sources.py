"""indicator sources: the body that produces each indicator's figures, in both languages

Revision ID: 0011_indicator_sources
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_indicator_sources"
down_revision = "0005_token_lineage"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty for indicators made before sources were recorded; the reference loader fills
    # the shipped ones, an administrator the others.
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.add_column(sa.Column("source_vi", sa.Text(), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("source_en", sa.Text(), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("indicators") as batch_op:
        batch_op.drop_column("source_en")
        batch_op.drop_column("source_vi")
