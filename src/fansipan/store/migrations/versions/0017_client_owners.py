"""client owners: a connected system answers to the person account that owns it

Revision ID: 0017_client_owners
Revises: 0008_sso

Integrators see and run only the connected systems they own. A system stored before
this revision gets as its owner the person account named as its creator
(`users.created_by`); one made from the command line, by single sign-on or by an
account that no longer exists gets none, and only administrators manage it until one
of them gives it an owner.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_client_owners"
down_revision = "0008_sso"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: a batch copy of `users` would break the foreign keys of every
    # table that names an account (SQLite recreates a table to alter it); SQLite takes a
    # REFERENCES clause on an added column that defaults to NULL.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE users ADD COLUMN owner_id INTEGER REFERENCES users (id)")
    else:
        op.add_column("users", sa.Column("owner_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_users_owner_id_users"), "users", "users",
                              ["owner_id"], ["id"])
    op.execute(
        "UPDATE users SET owner_id = (SELECT creator.id FROM users AS creator WHERE "
        "creator.username = users.created_by AND creator.kind = 'user') "
        "WHERE users.kind = 'client'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE users DROP COLUMN owner_id")
    else:
        op.drop_constraint(op.f("fk_users_owner_id_users"), "users", type_="foreignkey")
        op.drop_column("users", "owner_id")
