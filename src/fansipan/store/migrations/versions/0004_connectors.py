"""connectors within their owner's scope: owners and agencies, the secret store, the
outbound allow-list

A connector made before this revision gets as its owner the account that created it
(when that was an account, not the command line); one made on the command line has no
owner and does not run until an administrator gives it one. `credential_env` is no
longer read: a connector that named an environment variable keeps the name only so its
runs can say what to do instead (store the credential as a secret, name it).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "secrets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=300), nullable=False),
        sa.Column("ciphertext", sa.Text(), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("rotated_at", Stamp, nullable=True),
        sa.Column("rotated_by", sa.String(length=100), nullable=False),
        sa.Column("last_used_at", Stamp, nullable=True),
        sa.Column("last_used_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secrets")),
        sa.UniqueConstraint("name", name=op.f("uq_secrets_name")),
    )
    op.create_table(
        "secret_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("secret_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["secret_id"], ["secrets.id"],
                                name=op.f("fk_secret_grants_secret_id_secrets")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_secret_grants_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_secret_grants")),
        sa.UniqueConstraint("secret_id", "user_id", name="uq_secret_grants_pair"),
    )
    op.create_index("ix_secret_grants_secret_id", "secret_grants", ["secret_id"])
    op.create_table(
        "outbound_destinations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_destinations")),
        sa.UniqueConstraint("entry", name=op.f("uq_outbound_destinations_entry")),
    )
    with op.batch_alter_table("connectors") as batch:
        batch.add_column(sa.Column("credential", sa.String(length=100), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("agency_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_connectors_owner_id_users"), "users",
                                 ["owner_id"], ["id"])
        batch.create_foreign_key(op.f("fk_connectors_agency_id_units"), "units",
                                 ["agency_id"], ["id"])
    # The creator, when it was an account: a person by name, a system as client:<name>.
    op.execute(
        "UPDATE connectors SET owner_id = (SELECT users.id FROM users WHERE "
        "users.username = connectors.created_by OR "
        "'client:' || users.username = connectors.created_by)")


def downgrade() -> None:
    with op.batch_alter_table("connectors") as batch:
        batch.drop_constraint(op.f("fk_connectors_agency_id_units"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_connectors_owner_id_users"), type_="foreignkey")
        batch.drop_column("agency_id")
        batch.drop_column("owner_id")
        batch.drop_column("credential")
    op.drop_table("outbound_destinations")
    op.drop_index("ix_secret_grants_secret_id", table_name="secret_grants")
    op.drop_table("secret_grants")
    op.drop_table("secrets")
