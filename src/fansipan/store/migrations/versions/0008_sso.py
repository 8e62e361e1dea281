"""sso: accounts linked to the identity platform (issuer + subject), sign-ins under way

Revision ID: 0008_sso
Revises: 0006_workers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_sso"
down_revision = "0006_workers"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sso_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("last_sign_in_at", Stamp, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_sso_links_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_links")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_sso_links_issuer")),
        sa.UniqueConstraint("user_id", name=op.f("uq_sso_links_user_id")),
    )
    op.create_table(
        "sso_sign_ins",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("browser_digest", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=100), nullable=False),
        sa.Column("code_verifier", sa.String(length=128), nullable=False),
        sa.Column("next_path", sa.String(length=500), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("used_at", Stamp, nullable=True),
        sa.Column("session_id", sa.String(length=64), nullable=True),
        sa.Column("id_token", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_sign_ins")),
    )
    op.create_index(op.f("ix_sso_sign_ins_created_at"), "sso_sign_ins", ["created_at"])
    op.create_index(op.f("ix_sso_sign_ins_session_id"), "sso_sign_ins", ["session_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_sso_sign_ins_session_id"), table_name="sso_sign_ins")
    op.drop_index(op.f("ix_sso_sign_ins_created_at"), table_name="sso_sign_ins")
    op.drop_table("sso_sign_ins")
    op.drop_table("sso_links")
