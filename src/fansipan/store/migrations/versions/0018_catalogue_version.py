"""catalogue version: a number the store raises on every change to the catalogue

Revision ID: 0018_catalogue_version
Revises: 0017_client_owners

Every server process keeps the catalogue (units, their tree, indicators, sectors,
groups) in memory and reads it again when its version changes. Counting rows saw
additions and removals, but not a unit renamed or an indicator edited by another
process. Triggers on the catalogue's tables now raise one number on every insert,
update and delete, whoever writes, so every worker sees an edit at its next request.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_catalogue_version"
down_revision = "0017_client_owners"
branch_labels = None
depends_on = None

TABLES = ("units", "unit_parents", "unit_successions", "indicators", "indicator_versions",
          "sectors", "indicator_groups")
_BUMP = "UPDATE catalogue_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "catalogue_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_catalogue_version_one_row"),
    )
    op.execute("INSERT INTO catalogue_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER catalogue_{table}_{event.lower()} AFTER {event} "
                           f"ON {table} BEGIN {_BUMP}; END")
        return
    op.execute("CREATE FUNCTION fansipan_catalogue_bump() RETURNS trigger LANGUAGE plpgsql "
               f"AS $$ BEGIN {_BUMP}; RETURN NULL; END $$")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER catalogue_{table}_changed AFTER INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION fansipan_catalogue_bump()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS catalogue_{table}_{event}")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS catalogue_{table}_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS fansipan_catalogue_bump()")
    op.drop_table("catalogue_version")
