"""The exchange log (nhật ký trao đổi): one row per request a connected system makes.

Who (the client and how it signed in), what (method, path, operation), how many values
came in and went out, when, from where and with what result, plus the SHA-256 of what
it sent, so an exchange can be attributed later (X-Road's message log). Rows are
queued by the request and written by a background thread in small batches, because a
long import may hold SQLite's write lock; `flush` writes what is queued at once.
Administrators search and export it; an integrator reads the rows of the connected
systems it owns (`search_systems_log`), as the systems' list shows them.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.store.engine import SessionFactory
from fansipan.store.exchange_tables import ExchangeLogRow

log = logging.getLogger("fansipan.exchange")
FIELDS = ("at", "client", "via", "ip", "method", "path", "operation", "status", "outcome",
          "values_in", "values_out", "imported", "updated", "ignored", "deleted", "bytes_in",
          "duration_ms", "request_id", "payload_sha256", "job_id")


class LogWriter:
    """Queues log rows and writes them from its own thread (or at once, with `flush`)."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self.session_factory = session_factory
        self._queue: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=100_000)
        # One flush at a time, held while the rows are written (which may wait seconds
        # for SQLite's write lock); `record` never takes it, for it runs on the server's
        # event loop, and every request of the process would wait with it.
        self._lock = threading.Lock()
        self._starting = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()

    def record(self, entry: dict[str, Any]) -> None:
        try:
            self._queue.put_nowait(entry)
        except queue.Full:
            log.error("exchange log queue full; dropped %s", entry)
            return
        thread = self._thread
        if thread is not None and thread.is_alive():
            return
        with self._starting:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fansipan-exchange-log",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        idle = 0
        while idle < 50 and not self._closed.is_set():  # about 10 s idle: the thread ends
            idle = 0 if self.flush() else idle + 1
            # Wait after a write too: rows gather for a fifth of a second and go in one
            # commit, instead of a commit per request competing with the data writes for
            # the store's write lock.
            self._closed.wait(0.2)

    def close(self) -> None:
        """Write what is queued and stop the thread (before the server closes the store)."""
        self._closed.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
        self.flush()

    def flush(self) -> int:
        """Write every queued row now; returns how many were written."""
        with self._lock:
            rows: list[dict[str, Any]] = []
            while True:
                try:
                    rows.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if not rows:
                return 0
            for attempt in range(10):
                try:
                    with self.session_factory() as session, session.begin():
                        session.execute(insert(ExchangeLogRow), rows)
                    return len(rows)
                except OperationalError:
                    time.sleep(0.2 * (attempt + 1))  # the store is busy: try again shortly
            log.error("could not write %d exchange log rows", len(rows))
            return 0


class ExchangeLogEntry(BaseModel):
    id: int
    at: UtcDateTime
    client: str
    via: str
    ip: str
    method: str
    path: str
    operation: str
    status: int
    outcome: str
    values_in: int
    values_out: int
    imported: int
    updated: int
    ignored: int
    deleted: int
    bytes_in: int
    duration_ms: float
    request_id: str
    payload_sha256: str
    job_id: str


@dataclass(frozen=True)
class LogQuery:
    client: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    outcome: str | None = None
    after_id: int = 0
    limit: int = 200


def _select(query: LogQuery) -> Any:
    stmt = select(ExchangeLogRow)
    if query.client:
        name = query.client.removeprefix("client:")
        stmt = stmt.where(ExchangeLogRow.client == f"client:{name}")
    if query.since:
        stmt = stmt.where(ExchangeLogRow.at >= query.since)
    if query.until:
        stmt = stmt.where(ExchangeLogRow.at <= query.until)
    if query.outcome:
        stmt = stmt.where(ExchangeLogRow.outcome == query.outcome)
    if query.after_id:
        stmt = stmt.where(ExchangeLogRow.id > query.after_id)
    return stmt


def search_log(*, session: Session, principal: Principal, query: LogQuery,
               writer: LogWriter | None = None) -> list[ExchangeLogEntry]:
    """Newest first; administrators only."""
    require(principal, Permission.READ_AUDIT)
    if writer is not None:
        writer.flush()
    with session.begin():
        stmt = _select(query).order_by(ExchangeLogRow.id.desc()).limit(query.limit)
        return [ExchangeLogEntry.model_validate(r, from_attributes=True)
                for r in session.scalars(stmt)]


def search_systems_log(*, session: Session, principal: Principal, query: LogQuery,
                       writer: LogWriter | None = None) -> list[ExchangeLogEntry]:
    """Newest first: every row for an administrator; for an integrator, only the rows of
    the connected systems it may manage (the others are as absent as unknown names)."""
    if principal.can(Permission.READ_AUDIT):
        return search_log(session=session, principal=principal, query=query, writer=writer)
    from fansipan.services.exchange.clients import list_exchange_clients

    names = {c.client_id for c in list_exchange_clients(session=session, principal=principal)}
    if query.client and query.client.removeprefix("client:") not in names:
        return []
    if writer is not None:
        writer.flush()
    with session.begin():
        stmt = _select(query).where(ExchangeLogRow.client.in_(
            sorted(f"client:{n}" for n in names)))
        stmt = stmt.order_by(ExchangeLogRow.id.desc()).limit(query.limit)
        return [ExchangeLogEntry.model_validate(r, from_attributes=True)
                for r in session.scalars(stmt)]


def export_log(*, session: Session, principal: Principal, query: LogQuery,
               writer: LogWriter | None = None) -> Iterator[ExchangeLogEntry]:
    """Every matching row, oldest first, in pages (for an archive or a spreadsheet)."""
    require(principal, Permission.READ_AUDIT)
    if writer is not None:
        writer.flush()
    after = query.after_id
    while True:
        with session.begin():
            stmt = _select(LogQuery(client=query.client, since=query.since, until=query.until,
                                    outcome=query.outcome, after_id=after))
            rows = session.scalars(stmt.order_by(ExchangeLogRow.id).limit(5000)).all()
            page = [ExchangeLogEntry.model_validate(r, from_attributes=True) for r in rows]
        if not page:
            return
        yield from page
        after = page[-1].id


def entry(*, principal: Principal, method: str, path: str, status: int, duration_ms: float,
          request_id: str, noted: dict[str, Any]) -> dict[str, Any]:
    """A log row for one request, from what the route noted about it."""
    outcome = "ok" if status < 400 else ("denied" if status in (401, 403) else "failed")
    row: dict[str, Any] = {
        "at": datetime.now(UTC), "client": principal.actor[:100], "via": principal.via[:40],
        "ip": (principal.ip or "")[:64], "method": method[:10], "path": path[:300],
        "operation": str(noted.get("operation", ""))[:40], "status": status,
        "outcome": outcome, "duration_ms": round(duration_ms, 1),
        "request_id": request_id[:32], "payload_sha256": str(noted.get("payload_sha256", "")),
        "job_id": str(noted.get("job_id", ""))[:32],
    }
    for name in ("values_in", "values_out", "imported", "updated", "ignored", "deleted",
                 "bytes_in"):
        row[name] = int(noted.get(name, 0) or 0)
    return row
