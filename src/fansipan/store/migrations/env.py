"""Alembic environment: the engine comes from the caller (see store.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from fansipan.store import (  # noqa: F401 - registers the tables
    catalogue_tables,
    citizens_tables,
    direction_tables,
    exchange_tables,
    foresight_tables,
    outbound_tables,
    security_tables,
)
from fansipan.store.tables import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("Run migrations through fansipan.store.migrate (fansipan db upgrade)")

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
