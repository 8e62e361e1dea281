"""workers: jobs kept in the store with the worker that runs them, its heartbeat and the
spooled file; leases for the work one worker at a time may do (the connector schedule)

Jobs that were queued or running when the server stopped before this revision cannot be
finished any more: they are marked interrupted (their values were never committed).

Revision ID: 0006_workers
Revises: 0016_admin
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_workers"
down_revision = "0016_admin"
branch_labels = None
depends_on = None

Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("worker", sa.String(length=120), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("heartbeat_at", Stamp, nullable=True))
        batch.add_column(sa.Column("spool_path", sa.String(length=500), nullable=False,
                                   server_default=""))
        batch.create_index("ix_jobs_status", ["status"])
    op.execute("UPDATE jobs SET status = 'interrupted', finished_at = updated_at "
               "WHERE status IN ('queued', 'running')")
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=120), nullable=False),
        sa.Column("expires_at", Stamp, nullable=False),
        sa.Column("renewed_at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_leases")),
    )


def downgrade() -> None:
    op.drop_table("leases")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_status")
        batch.drop_column("spool_path")
        batch.drop_column("heartbeat_at")
        batch.drop_column("worker")
