"""Opening and preparing the store, for the CLI and the server."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from fansipan.errors import StoreUnavailable
from fansipan.settings import Settings
from fansipan.store.engine import make_engine
from fansipan.store.migrate import current_revision, head_revision, upgrade_store


def open_store(settings: Settings, *, create_dir: bool = False) -> Engine:
    if settings.is_sqlite and settings.database_url is None and create_dir:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return make_engine(settings.store_url)


def upgrade(settings: Settings, *, create_dir: bool = True) -> tuple[str | None, str | None]:
    """Migrate the store to the newest schema; returns (before, after) revisions."""
    engine = open_store(settings, create_dir=create_dir)
    try:
        before = current_revision(engine)
        upgrade_store(engine)
        return before, head_revision()
    except OperationalError as exc:
        raise StoreUnavailable(f"Cannot open the database: {exc.orig}") from None
    finally:
        engine.dispose()
