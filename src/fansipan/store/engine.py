"""Engines and sessions for the two supported stores, SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from fansipan.errors import ConfigurationError, msg

SessionFactory = sessionmaker[Session]


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with the settings Fansipan relies on for each backend."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigurationError(msg("FANSIPAN_DATABASE_URL is not a database URL: {reason}",
                                     reason=str(exc))) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, parsed.database, echo=echo)
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # Server-side prepared statements would freeze a plan chosen while a table was
        # nearly empty (a sequential scan) for every later batch; plan each statement.
        return create_engine(parsed, echo=echo, pool_pre_ping=True,
                             connect_args={"prepare_threshold": None})
    raise ConfigurationError(
        msg("Fansipan stores data in SQLite or PostgreSQL; {backend} is not supported",
            backend=repr(backend))
    )


def _sqlite_engine(url: str, database: str | None, *, echo: bool) -> Engine:
    if database and database != ":memory:":
        folder = Path(database).parent
        if not folder.exists():
            raise ConfigurationError(
                msg("The data directory {folder} does not exist; create it or pass --data-dir",
                    folder=repr(str(folder)))
            )
    # The busy timeout lets concurrent writers wait for each other instead of failing.
    engine = create_engine(url, echo=echo, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        # Take transaction control from pysqlite so SQLAlchemy's BEGIN is the real one.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # FULL: a commit that returned is on disk even if the machine loses power.
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


def make_session_factory(engine: Engine) -> SessionFactory:
    return sessionmaker(engine, expire_on_commit=False)
