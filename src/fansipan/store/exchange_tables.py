"""Tables of the exchange hub: connected systems' facts, the exchange log, imports, jobs,
connectors and their runs.

A connected system is an account of kind `client` (see `security_tables.UserRow`) with
API tokens as its keys; `exchange_clients` adds what an exchange needs to know about
it (owning agency, contact). `exchange_log` holds one row per request a connected
system makes (X-Road's "every exchange logged and attributable"); writes are also in
the hash-chained audit log through the one write path.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from fansipan.store.tables import Base, BigId


class ExchangeClientRow(Base):
    """What the exchange knows of a connected system beyond its account."""

    __tablename__ = "exchange_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    contact: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ExchangeLogRow(Base):
    """One request by a connected system: who, what, how many values, when, result."""

    __tablename__ = "exchange_log"
    __table_args__ = (
        Index("ix_exchange_log_client_at", "client", "at"),
        Index("ix_exchange_log_at", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    client: Mapped[str] = mapped_column(String(100))
    via: Mapped[str] = mapped_column(String(40), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    operation: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(10))  # ok | failed | denied
    values_in: Mapped[int] = mapped_column(Integer, default=0)
    values_out: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    ignored: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    bytes_in: Mapped[int] = mapped_column(BigInteger, default=0)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)
    request_id: Mapped[str] = mapped_column(String(32), default="")
    payload_sha256: Mapped[str] = mapped_column(String(64), default="")
    job_id: Mapped[str] = mapped_column(String(32), default="")


class JobRow(Base):
    """A background job (a large import, a connector run), its progress and its outcome.

    Every server worker reads jobs from here, so any worker answers for any job. The
    worker running a job refreshes `heartbeat_at` while it runs; an import's outcome is
    written in the very transaction that commits its values.
    """

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_actor_created", "actor", "created_at"),
                      Index("ix_jobs_status", "status"))

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # import | pull | push
    # queued | running | done | failed | interrupted (its worker stopped before the end)
    status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(300), default="")
    total_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    done_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    summary: Mapped[str] = mapped_column(Text, default="")  # the import summary as JSON
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The server process that runs it ("host:boot:pid:start", see services.exchange.workers)
    # and the spooled file it reads, removed when the job ends or is found interrupted.
    worker: Mapped[str] = mapped_column(String(120), default="")
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    spool_path: Mapped[str] = mapped_column(String(500), default="")


class LeaseRow(Base):
    """A task that one server worker at a time may do (the connector schedule), held by
    the worker named until it lapses; the holder renews it while it lives."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120), default="")
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    renewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ImportRequestRow(Base):
    """An import sent with an Idempotency-Key: the same key gets the same answer."""

    __tablename__ = "import_requests"
    __table_args__ = (UniqueConstraint("actor", "key", name="uq_import_requests_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    payload_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer, default=200)
    summary: Mapped[str] = mapped_column(Text, default="")
    job_id: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConnectorRow(Base):
    """A pull source (a URL we fetch) or a push target (a parent instance we send to)."""

    __tablename__ = "connectors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # pull | push
    url: Mapped[str] = mapped_column(String(1000))
    format: Mapped[str] = mapped_column(String(20))
    config: Mapped[str] = mapped_column(Text, default="{}")  # mapping, scope, selection
    schedule_minutes: Mapped[int | None] = mapped_column(Integer)
    # Before secrets: the name of a server environment variable. Never read for a value
    # any more; kept so a run can say what to do instead.
    credential_env: Mapped[str] = mapped_column(String(100), default="")
    credential: Mapped[str] = mapped_column(String(100), default="")  # a secret's name
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # runs as it
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    retries: Mapped[int] = mapped_column(Integer, default=3)
    retry_seconds: Mapped[float] = mapped_column(Float, default=30.0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_run_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ConnectorRunRow(Base):
    """One run of a connector: when, how many tries, what it moved, how it ended."""

    __tablename__ = "connector_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connectors.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(10))  # manual | schedule
    status: Mapped[str] = mapped_column(String(12))  # running | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    values_sent: Mapped[int] = mapped_column(Integer, default=0)
    imported: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    ignored: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    conflicts: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
