"""Opening and preparing the store, for the CLI and the server."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from fansipan.errors import StoreUnavailable, msg
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
        raise StoreUnavailable(msg("Cannot open the database: {reason}", reason=exc.orig)) from None
    finally:
        engine.dispose()


def check_ready(engine: Engine) -> str | None:
    """None when the store answers and its schema is current; else what is wrong."""
    try:
        revision = current_revision(engine)
    except OperationalError as exc:
        return f"the database cannot be reached: {str(exc.orig).strip()[:200]}"
    head = head_revision()
    if revision != head:
        return (f"the database schema is at {revision or 'nothing'}, not {head}; "
                "run 'fansipan db upgrade'")
    return None
