"""Background jobs: large imports, connector runs and long reports, with their progress.

A job's work runs on the runner's own thread, so it goes on when the client that asked
for it disconnects; the file it works on was spooled to disk before it was queued. Its
lasting record (who, what, when, the summary) is a `jobs` row; its progress while it
runs is kept in memory, because a long import holds SQLite's write lock and progress
must be readable meanwhile. A job the server did not finish (it stopped) reads as
failed, with nothing saved: its transaction was never committed.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError, NotFound, Unauthenticated, msg
from fansipan.services.exchange.imports import ImportSummary
from fansipan.services.stamps import UtcDateTime
from fansipan.store.engine import SessionFactory
from fansipan.store.exchange_tables import JobRow

log = logging.getLogger("fansipan.jobs")


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobPublic(BaseModel):
    id: str
    kind: str
    status: JobStatus
    actor: str
    description: str
    total_bytes: int
    done_bytes: int
    rows_read: int
    percent: float | None
    created_at: UtcDateTime
    started_at: UtcDateTime | None
    finished_at: UtcDateTime | None
    summary: ImportSummary | None = None
    error: str | None = None


@dataclass
class Progress:
    """A job not yet recorded as finished; read by `GET /api/v1/jobs/{id}` while it runs."""

    id: str
    actor: str
    kind: str
    description: str
    created_at: datetime
    total_bytes: int = 0
    done_bytes: int = 0
    rows: int = 0
    status: JobStatus = JobStatus.QUEUED
    started_at: datetime | None = None
    summary: ImportSummary | None = None
    error: str = ""

    def advance(self, rows: int, done_bytes: int) -> None:
        self.rows, self.done_bytes = rows, min(done_bytes, self.total_bytes)


# A job's work; an import answers with its summary, other jobs (a report, a
# recomputation) with None and keep what they made themselves.
Work = Callable[[Progress], ImportSummary | None]


class JobRunner:
    """One worker thread per server: jobs run one after the other (writers queue anyway)."""

    def __init__(self, session_factory: SessionFactory) -> None:
        self.session_factory = session_factory
        self.live: dict[str, Progress] = {}
        self._queue: queue.Queue[tuple[str, Work]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, *, actor: str, kind: str, description: str, total_bytes: int,
               work: Work) -> str:
        # Recorded in the store by the worker, not here: a long import may hold SQLite's
        # write lock, and the request must be answered at once.
        job_id = uuid.uuid4().hex
        self.live[job_id] = Progress(id=job_id, actor=actor, kind=kind,
                                     description=description[:300],
                                     created_at=datetime.now(UTC), total_bytes=total_bytes)
        self._queue.put((job_id, work))
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="fansipan-jobs",
                                                daemon=True)
                self._thread.start()
        return job_id

    def wait(self, job_id: str, timeout: float = 60.0) -> None:
        """Block until a job has finished (for the CLI and tests)."""
        deadline = time.monotonic() + timeout
        while job_id in self.live and time.monotonic() < deadline:
            time.sleep(0.02)

    def _run(self) -> None:
        while True:
            try:
                job_id, work = self._queue.get(timeout=5)
            except queue.Empty:
                return  # idle: the next submit starts a new thread
            progress = self.live[job_id]
            progress.status, progress.started_at = JobStatus.RUNNING, datetime.now(UTC)
            summary: ImportSummary | None = None
            error = ""
            try:
                self._store(progress, None, "")
                summary = work(progress)
            except FansipanError as exc:
                error = str(exc)
            except Exception:  # the job fails; the server goes on
                log.exception("job %s failed", job_id)
                error = ("The job failed unexpectedly and nothing was saved; it has been "
                         "logged. Send the file again, or ask an administrator")
            self._finish(job_id, progress, summary, error)

    def _finish(self, job_id: str, progress: Progress, summary: ImportSummary | None,
                error: str) -> None:
        # Recorded first, shown as finished after: whoever sees it finished may close the
        # store at once (a test, a shutdown), and this thread is done with it by then.
        final = Progress(id=progress.id, actor=progress.actor, kind=progress.kind,
                         description=progress.description, created_at=progress.created_at,
                         total_bytes=progress.total_bytes, done_bytes=progress.total_bytes,
                         rows=progress.rows,
                         status=JobStatus.FAILED if error else JobStatus.DONE,
                         started_at=progress.started_at, summary=summary, error=error)
        self._store(final, summary, error, finished=datetime.now(UTC))
        self.live.pop(job_id, None)

    def _store(self, p: Progress, summary: ImportSummary | None, error: str,
               finished: datetime | None = None) -> None:
        for attempt in range(30):  # the store may be busy with another writer
            try:
                with self.session_factory() as session, session.begin():
                    row = session.get(JobRow, p.id)
                    if row is None:
                        row = JobRow(id=p.id, kind=p.kind, actor=p.actor,
                                     description=p.description, total_bytes=p.total_bytes,
                                     created_at=p.created_at)
                        session.add(row)
                    row.status, row.error = p.status.value, error
                    row.summary = summary.model_dump_json() if summary else ""
                    # A job may learn its size once it runs (a recomputation counts series).
                    row.total_bytes = max(row.total_bytes or 0, p.total_bytes)
                    row.done_bytes, row.rows_read = p.done_bytes, p.rows
                    row.started_at, row.finished_at = p.started_at, finished
                    row.updated_at = datetime.now(UTC)
                return
            except OperationalError:
                time.sleep(min(0.5 * (attempt + 1), 5))
        log.error("could not record job %s as %s", p.id, p.status.value)


def get_job(*, session: Session, runner: JobRunner | None, principal: Principal,
            job_id: str) -> JobPublic:
    """A job, to the one who started it or to an administrator."""
    _signed_in(principal)
    live = runner.live.get(job_id) if runner else None
    if live is not None and _may_see(principal, live.actor):
        return _from_live(live)
    with session.begin():
        row = session.get(JobRow, job_id)
        if row is None or not _may_see(principal, row.actor):
            raise NotFound(msg("No such job"), [FieldError(
                field="job", value=job_id[:40],
                message=msg("there is no job with this id that you started; list yours at "
                            "/api/v1/jobs"))])
        return _public(row, runner.live.get(job_id) if runner else None)


def list_jobs(*, session: Session, runner: JobRunner | None, principal: Principal,
              limit: int = 50) -> list[JobPublic]:
    _signed_in(principal)
    live = [_from_live(p) for p in (runner.live.values() if runner else ())
            if _may_see(principal, p.actor)]
    with session.begin():
        stmt = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
        if not principal.can(Permission.READ_AUDIT):
            stmt = stmt.where(JobRow.actor == principal.actor)
        known = {j.id for j in live}
        stored = [_public(r, runner.live.get(r.id) if runner else None)
                  for r in session.scalars(stmt) if r.id not in known]
    return (live + stored)[:limit]


def _signed_in(principal: Principal) -> None:
    if principal.is_anonymous:
        raise Unauthenticated(msg("Sign in (or send your API key) to see your jobs"))


def _may_see(principal: Principal, actor: str) -> bool:
    return actor == principal.actor or principal.can(Permission.READ_AUDIT)


def _from_live(p: Progress) -> JobPublic:
    total = p.total_bytes
    return JobPublic(id=p.id, kind=p.kind, status=p.status, actor=p.actor,
                     description=p.description, total_bytes=total, done_bytes=p.done_bytes,
                     rows_read=p.rows,
                     percent=round(100.0 * p.done_bytes / total, 1) if total else None,
                     created_at=p.created_at, started_at=p.started_at, finished_at=None,
                     summary=p.summary, error=p.error or None)


def _public(row: JobRow, live: Progress | None) -> JobPublic:
    status = JobStatus(row.status)
    done, rows, started = row.done_bytes, row.rows_read, row.started_at
    error = row.error or None
    if live is not None:
        status, done, rows, started = live.status, live.done_bytes, live.rows, live.started_at
    elif status in (JobStatus.QUEUED, JobStatus.RUNNING):
        status = JobStatus.FAILED
        error = ("The server stopped before this job finished; nothing was saved. Send the "
                 "file again / Máy chủ dừng trước khi xong việc; chưa lưu gì. Hãy gửi lại tệp")
    total = row.total_bytes
    percent = round(100.0 * done / total, 1) if total else None
    if status is JobStatus.DONE:
        percent = 100.0
    summary = ImportSummary.model_validate_json(row.summary) if row.summary else None
    return JobPublic(id=row.id, kind=row.kind, status=status, actor=row.actor,
                     description=row.description, total_bytes=total, done_bytes=done,
                     rows_read=rows, percent=percent, created_at=row.created_at,
                     started_at=started, finished_at=row.finished_at, summary=summary,
                     error=error)
