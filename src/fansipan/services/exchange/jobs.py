"""Background jobs: large imports, connector runs, long reports and recomputations, with
their progress and their outcome, in the store.

A job runs on a thread of the server worker that received it, so it goes on when the
client that asked for it disconnects; the file it works on was spooled to disk first.
Everything about it lives in its `jobs` row, so **any** worker answers for any job:

- while it runs, its worker writes its progress and a heartbeat there every
  `HEARTBEAT_SECONDS` (on a thread of its own: the import never waits for it);
- an import writes its outcome in the transaction that commits its values, so a job
  whose values were saved says so even if the process was killed the instant after;
- a job whose worker is gone (killed, or its machine restarted) reads as
  **interrupted**: nothing of it was saved, since its values were never committed. The
  next worker to start marks it so for good and removes its spooled file.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError, NotFound, Unauthenticated, msg
from fansipan.services.exchange.imports import ImportSummary
from fansipan.services.exchange.spool import sweep
from fansipan.services.exchange.workers import tag_alive, this_worker
from fansipan.services.stamps import UtcDateTime
from fansipan.store.engine import SessionFactory
from fansipan.store.exchange_tables import JobRow

log = logging.getLogger("fansipan.jobs")

HEARTBEAT_SECONDS = 2.0
# A job of a worker on another machine is taken as interrupted when its heartbeat is this
# old (one on this machine is judged by whether its process still runs).
STALE_AFTER = timedelta(minutes=10)
# Stored in the job's row, read in either language: both are written, Vietnamese first.
INTERRUPTED = ("Máy chủ dừng trước khi xong việc; chưa lưu gì. Hãy chạy lại (nhập dữ liệu: gửi "
               "lại tệp) / The server stopped before this job finished; nothing of it was "
               "saved. Start it again (an import: send the file again)")
FAILED = ("Việc bị lỗi ngoài dự kiến, chưa lưu gì; lỗi đã được ghi lại. Hãy chạy lại hoặc báo "
          "quản trị / The job failed unexpectedly and nothing of it was saved; it has been "
          "logged. Start it again, or ask an administrator")


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.FAILED, JobStatus.INTERRUPTED)


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
    """A job running in this process: how far it is, and how to record its outcome."""

    id: str
    total_bytes: int = 0
    done_bytes: int = 0
    rows: int = 0
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    done: threading.Event = field(default_factory=threading.Event)

    def advance(self, rows: int, done_bytes: int) -> None:
        self.rows, self.done_bytes = rows, min(done_bytes, self.total_bytes)

    def record(self, session: Session, summary: ImportSummary) -> None:
        """Write the outcome inside the caller's transaction (the one saving the values)."""
        now = datetime.now(UTC)
        session.execute(update(JobRow).where(JobRow.id == self.id).values(
            status=JobStatus.DONE.value, summary=summary.model_dump_json(), error="",
            total_bytes=self.total_bytes, done_bytes=self.total_bytes,
            rows_read=summary.rows, finished_at=now,
            updated_at=now, heartbeat_at=now))


# A job's work; an import answers with its summary, other jobs (a report, a
# recomputation) with None and keep what they made themselves.
Work = Callable[[Progress], ImportSummary | None]


class JobRunner:
    """The jobs of one server process: run one after the other (writers queue anyway)."""

    def __init__(self, session_factory: SessionFactory, *, spool: Path | None = None,
                 heartbeat_seconds: float = HEARTBEAT_SECONDS) -> None:
        self.session_factory = session_factory
        self.spool = spool
        self.heartbeat_seconds = heartbeat_seconds
        self._live: dict[str, Progress] = {}
        self._queue: queue.Queue[tuple[str, Work]] = queue.Queue()
        # Whether the job thread and the heartbeat thread are on duty; changed only under
        # the lock, so a submit never counts on a thread that is just leaving.
        self._running = False
        self._beating = False
        self._beat: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    # -- submitting ------------------------------------------------------------------------

    def submit(self, *, actor: str, kind: str, description: str, total_bytes: int,
               work: Work, spool_path: Path | None = None) -> str:
        """Record a job as queued (any worker can now answer for it) and queue it here."""
        job_id = uuid.uuid4().hex
        now = datetime.now(UTC)
        row = JobRow(id=job_id, kind=kind, status=JobStatus.QUEUED.value, actor=actor,
                     description=description[:300], total_bytes=total_bytes, done_bytes=0,
                     rows_read=0, summary="", error="", created_at=now, updated_at=now,
                     worker=this_worker().tag, heartbeat_at=now,
                     spool_path=str(spool_path or "")[:500])
        self._write(lambda s: s.add(row), what=f"queue job {job_id}")
        progress = Progress(id=job_id, total_bytes=total_bytes, created_at=now)
        with self._lock:
            self._live[job_id] = progress
            self._queue.put((job_id, work))
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name="fansipan-jobs", daemon=True).start()
            if not self._beating:
                self._beating = True
                self._beat = threading.Thread(target=self._heartbeat, name="fansipan-beat",
                                              daemon=True)
                self._beat.start()
        return job_id

    def wait(self, job_id: str, timeout: float = 60.0) -> None:
        """Block until a job has finished: here, or (another worker's) in the store."""
        progress = self._live.get(job_id)
        if progress is not None:
            progress.done.wait(timeout)
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.session_factory() as session, session.begin():
                row = session.get(JobRow, job_id)
                if row is None or JobStatus(_status(row)).finished:
                    return
            time.sleep(0.05)

    def close(self) -> None:
        """Stop the heartbeat (the app is shutting down)."""
        self._stop.set()
        if self._beat is not None:
            self._beat.join(timeout=5)

    # -- running ---------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            try:
                job_id, work = self._queue.get(timeout=5)
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():
                        self._running = False
                        return  # idle: the next submit starts a new thread
                continue
            progress = self._live[job_id]
            summary: ImportSummary | None = None
            error = ""
            try:
                started = datetime.now(UTC)
                self._write(lambda s, at=started, i=job_id: s.execute(  # type: ignore[misc]
                    update(JobRow).where(JobRow.id == i).values(
                        status=JobStatus.RUNNING.value, started_at=at, heartbeat_at=at,
                        updated_at=at)), what=f"start job {job_id}")
                summary = work(progress)
            except FansipanError as exc:
                error = str(exc)
            except Exception:  # the job fails; the server goes on
                log.exception("job %s failed", job_id)
                error = FAILED
            self._finish(progress, summary, error)

    def _finish(self, progress: Progress, summary: ImportSummary | None, error: str) -> None:
        now = datetime.now(UTC)

        def final(session: Session) -> None:
            row = session.get(JobRow, progress.id)
            if row is None or JobStatus(row.status).finished:
                return  # the import recorded its outcome when it committed
            row.status = (JobStatus.FAILED if error else JobStatus.DONE).value
            row.error = error
            row.summary = summary.model_dump_json() if summary else ""
            # A job may learn its size once it runs (a recomputation counts series).
            row.total_bytes = max(row.total_bytes or 0, progress.total_bytes)
            row.done_bytes = progress.total_bytes
            row.rows_read = summary.rows if summary else progress.rows
            row.finished_at = row.updated_at = row.heartbeat_at = now

        try:
            self._write(final, what=f"finish job {progress.id}")
        finally:
            with self._lock:
                self._live.pop(progress.id, None)
            progress.done.set()

    def _heartbeat(self) -> None:
        """Progress and liveness of this process's jobs, written while any is live."""
        while not self._stop.wait(self.heartbeat_seconds):
            with self._lock:
                live = list(self._live.values())
                if not live:
                    self._beating = False
                    return
            now = datetime.now(UTC)

            def beat(session: Session, jobs: list[Progress] = live,
                     at: datetime = now) -> None:
                for p in jobs:
                    session.execute(update(JobRow).where(
                        JobRow.id == p.id,
                        JobRow.status.in_((JobStatus.QUEUED.value, JobStatus.RUNNING.value)))
                        .values(total_bytes=p.total_bytes, done_bytes=p.done_bytes,
                                rows_read=p.rows, heartbeat_at=at, updated_at=at))

            self._write(beat, what="heartbeat", attempts=1)

    def _write(self, change: Callable[[Session], object], *, what: str,
               attempts: int = 30) -> None:
        for attempt in range(attempts):  # the store may be busy with another writer
            try:
                with self.session_factory() as session, session.begin():
                    change(session)
                return
            except OperationalError:
                if attempt + 1 < attempts:
                    time.sleep(min(0.5 * (attempt + 1), 5))
        log.error("could not %s: the store stayed busy", what)

    # -- after a crash ---------------------------------------------------------------------

    def reap_when_ready(self) -> list[str]:
        """`reap`, at a server's start: a store not migrated yet has nothing to reap
        (/readyz says what is wrong with it)."""
        try:
            return self.reap()
        except (OperationalError, ProgrammingError):
            log.warning("jobs of stopped workers not checked: the store is not ready")
            return []

    def reap(self) -> list[str]:
        """Mark the jobs of processes that are gone as interrupted, remove their spooled
        files and every other leftover of theirs; returns the jobs marked."""
        now = datetime.now(UTC)
        marked: list[str] = []
        files: list[Path] = []
        with self.session_factory() as session, session.begin():
            rows = session.scalars(select(JobRow).where(JobRow.status.in_(
                (JobStatus.QUEUED.value, JobStatus.RUNNING.value)))).all()
            for row in rows:
                if not _gone(row, now):
                    continue
                row.status, row.error = JobStatus.INTERRUPTED.value, INTERRUPTED
                row.finished_at = row.updated_at = now
                marked.append(row.id)
                if row.spool_path and tag_alive(row.worker) is False:
                    files.append(Path(row.spool_path))
        for path in files:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        if self.spool is not None:
            sweep(self.spool)
        if marked:
            log.warning("marked %d job(s) of stopped workers as interrupted", len(marked))
        return marked


def _gone(row: JobRow, now: datetime) -> bool:
    """Whether the process running a job that is not finished has stopped."""
    alive = tag_alive(row.worker)
    if alive is not None:
        return not alive
    beat = row.heartbeat_at or row.updated_at
    if beat.tzinfo is None:
        beat = beat.replace(tzinfo=UTC)
    return now - beat > STALE_AFTER


def _status(row: JobRow) -> str:
    """The status as it stands: a job of a stopped process is interrupted."""
    status = row.status
    if status in (JobStatus.QUEUED.value, JobStatus.RUNNING.value) and _gone(
            row, datetime.now(UTC)):
        return JobStatus.INTERRUPTED.value
    return status


def get_job(*, session: Session, principal: Principal, job_id: str) -> JobPublic:
    """A job, to the one who started it or to an administrator (from any worker)."""
    _signed_in(principal)
    with session.begin():
        row = session.get(JobRow, job_id)
        if row is None or not _may_see(principal, row.actor):
            raise NotFound(msg("No such job"), [FieldError(
                field="job", value=job_id[:40],
                message=msg("there is no job with this id that you started; list yours at "
                            "/api/v1/jobs"))])
        return _public(row)


def list_jobs(*, session: Session, principal: Principal, limit: int = 50) -> list[JobPublic]:
    _signed_in(principal)
    with session.begin():
        stmt = select(JobRow).order_by(JobRow.created_at.desc()).limit(limit)
        if not principal.can(Permission.READ_AUDIT):
            stmt = stmt.where(JobRow.actor == principal.actor)
        return [_public(r) for r in session.scalars(stmt)]


def _signed_in(principal: Principal) -> None:
    if principal.is_anonymous:
        raise Unauthenticated(msg("Sign in (or send your API key) to see your jobs"))


def _may_see(principal: Principal, actor: str) -> bool:
    return actor == principal.actor or principal.can(Permission.READ_AUDIT)


def _public(row: JobRow) -> JobPublic:
    status = JobStatus(_status(row))
    error = row.error or None
    if status is JobStatus.INTERRUPTED:
        error = error or INTERRUPTED
    total = row.total_bytes
    percent = round(100.0 * row.done_bytes / total, 1) if total else None
    if status is JobStatus.DONE:
        percent = 100.0
    summary = ImportSummary.model_validate_json(row.summary) if row.summary else None
    return JobPublic(id=row.id, kind=row.kind, status=status, actor=row.actor,
                     description=row.description, total_bytes=total, done_bytes=row.done_bytes,
                     rows_read=row.rows_read, percent=percent, created_at=row.created_at,
                     started_at=row.started_at, finished_at=row.finished_at, summary=summary,
                     error=error)
