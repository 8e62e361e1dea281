"""Receiving an upload: honour its Idempotency-Key, then import it now or as a job.

Shared by our import API, the DHIS2-compatible endpoints and the CLI, so each gets the
same answer to a repeated request and the same background jobs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.rows import IdScheme
from fansipan.services.exchange.imports import (
    ImportOptions,
    ImportSummary,
    remember,
    remembered,
    replay,
    request_digest,
    run_import,
)
from fansipan.services.exchange.jobs import JobRunner, Progress
from fansipan.services.trust.access import require
from fansipan.store.engine import SessionFactory


@dataclass(frozen=True)
class Upload:
    path: Path
    size: int
    file_name: str = ""
    content_type: str = ""


@dataclass(frozen=True)
class Intake:
    """Either a summary (the import ran) or a job id (it runs in the background)."""

    summary: ImportSummary | None = None
    job: str | None = None


SchemeHook = Callable[[dict[str, str]], tuple[IdScheme, IdScheme]]


def receive(*, session: Session, session_factory: SessionFactory, runner: JobRunner,
            principal: Principal, upload: Upload, options: ImportOptions,
            background: bool = False, idempotency_key: str | None = None,
            schemes_from_payload: SchemeHook | None = None) -> Intake:
    """Import an upload spooled to disk; the file is removed when the import is done."""
    require(principal, Permission.WRITE_DATA)
    keep_file = False
    try:
        digest = ""
        if idempotency_key:
            digest = request_digest(upload.path, options, extra=f"{background}")
            earlier = remembered(session, actor=principal.actor, key=idempotency_key,
                                 digest=digest)
            if earlier is not None:
                summary = replay(earlier)
                return Intake(summary=summary, job=earlier.job_id or None)
        if background:
            def work(progress: Progress) -> ImportSummary:
                try:
                    with session_factory() as job_session:
                        return run_import(
                            session=job_session, path=upload.path, options=options,
                            principal=principal, file_name=upload.file_name,
                            content_type=upload.content_type, progress=progress.advance,
                            schemes_from_payload=schemes_from_payload, job=progress.id,
                            record=progress.record)
                finally:
                    upload.path.unlink(missing_ok=True)

            job_id = runner.submit(
                actor=principal.actor, kind="import", total_bytes=upload.size, work=work,
                description=f"{upload.file_name or 'upload'} ({options.source})",
                spool_path=upload.path)
            keep_file = True
            if idempotency_key:
                remember(session, actor=principal.actor, key=idempotency_key, digest=digest,
                         status=202, job=job_id)
            return Intake(job=job_id)
        summary = run_import(session=session, path=upload.path, options=options,
                             principal=principal, file_name=upload.file_name,
                             content_type=upload.content_type,
                             schemes_from_payload=schemes_from_payload)
        if idempotency_key and not options.dry_run:
            remember(session, actor=principal.actor, key=idempotency_key, digest=digest,
                     status=summary.http_status, summary=summary)
        return Intake(summary=summary)
    finally:
        if not keep_file:
            with contextlib.suppress(OSError):
                upload.path.unlink(missing_ok=True)
