"""token lineage: a token knows the token it was minted with, and who revoked it; tokens
that outlived a password change or their account's disabling are revoked

Revision ID: 0005_token_lineage
Revises: 0004
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005_token_lineage"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("revoked_by", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_api_tokens_parent_id_api_tokens"), "api_tokens",
                                 ["parent_id"], ["id"])
    # What the new rules would have ended already: the tokens of disabled accounts, and a
    # person's tokens issued before their latest password change.
    tokens = sa.table("api_tokens", sa.column("user_id", sa.Integer()),
                      sa.column("created_at", sa.DateTime(timezone=True)),
                      sa.column("revoked_at", sa.DateTime(timezone=True)),
                      sa.column("revoked_by", sa.String()))
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("kind", sa.String()),
                     sa.column("active", sa.Boolean()),
                     sa.column("password_changed_at", sa.DateTime(timezone=True)))
    now = datetime.now(UTC)
    disabled = sa.select(users.c.id).where(users.c.active.is_(False))
    op.execute(tokens.update().where(tokens.c.revoked_at.is_(None),
                                     tokens.c.user_id.in_(disabled))
               .values(revoked_at=now, revoked_by="account disabled (upgrade)"))
    changed = sa.select(users.c.id).where(
        users.c.id == tokens.c.user_id, users.c.kind == "user",
        users.c.password_changed_at > tokens.c.created_at).exists()
    op.execute(tokens.update().where(tokens.c.revoked_at.is_(None), changed)
               .values(revoked_at=now, revoked_by="password changed (upgrade)"))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("fk_api_tokens_parent_id_api_tokens"), type_="foreignkey")
        batch.drop_column("parent_id")
        batch.drop_column("revoked_by")
