"""Reports made in the background: a job of the runner every long task uses, with its
progress in steps (gathering, composing, writing, recording), and the file kept in the
store for whoever asked for it.

The job runs with the asker's principal, so it sees exactly what they may see; the file
is theirs (and administrators'), like the job itself.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.report_periods import parse_cut_off, report_period
from fansipan.errors import Conflict, FieldError, NotFound, ValidationError
from fansipan.services.direction.records import require_reader
from fansipan.services.direction.reports.content import ReportFormat, ReportRequest
from fansipan.services.direction.reports.files import MEDIA, STEPS, ReportFile, make_report
from fansipan.services.exchange.jobs import JobRunner, JobStatus, Progress, get_job
from fansipan.services.trust.access import require
from fansipan.services.warehouse.viewpoints import viewpoint
from fansipan.settings import Settings
from fansipan.store.direction_tables import ReportFileRow
from fansipan.store.engine import SessionFactory


def submit_report(*, session_factory: SessionFactory, runner: JobRunner, warehouse: Warehouse,
                  principal: Principal, request: ReportRequest, fmt: ReportFormat,
                  settings: Settings | None, calendar: WorkingCalendar) -> str:
    """Queue a report; returns the job's id (follow it at /api/v1/jobs/{id})."""
    require_reader(principal)
    if request.take_number:
        require(principal, Permission.ISSUE_REPORTS)
    nine = parse_cut_off(settings.nine_months_cutoff) if settings else None
    period = report_period(request.year, request.period, nine_months=nine)  # refuse it now
    if request.unit:
        # A unit outside the asker's scope is refused now, not by a job that fails later.
        with session_factory() as session:
            view = viewpoint(session, principal)
            view.scope.check_unit(view.catalog, view.catalog.unit(
                request.unit, period.end, field="unit").id)
    if fmt not in MEDIA:
        raise ValidationError("Định dạng không hỗ trợ / Unsupported format", [FieldError(
            field="format", value=fmt.value, message="docx, xlsx or pdf")])

    def work(progress: Progress) -> None:
        progress.total_bytes = STEPS

        def step(done: int, what: str) -> None:
            progress.advance(done, done)

        with session_factory() as session:
            made = make_report(session=session, warehouse=warehouse, principal=principal,
                               request=request, fmt=fmt, settings=settings, calendar=calendar,
                               step=step)
            with session.begin():
                session.add(ReportFileRow(
                    job_id=progress.id, actor=principal.actor,
                    request=request.model_dump_json(), file_name=made.name,
                    media_type=made.media_type, size=len(made.data),
                    sha256=hashlib.sha256(made.data).hexdigest(), content=made.data,
                    created_at=progress.created_at, finished_at=datetime.now(UTC)))
        return

    description = (f"Báo cáo kết quả {period.label('vi')} ({fmt.value.upper()}) / Report of "
                   f"results, {period.label('en')} ({fmt.value.upper()})")
    return runner.submit(actor=principal.actor, kind="report", description=description,
                         total_bytes=STEPS, work=work)


def report_file(*, session: Session, principal: Principal, job_id: str) -> ReportFile:
    """The file a report job made, to the one who asked for it (or an administrator)."""
    job = get_job(session=session, principal=principal, job_id=job_id)
    if job.kind != "report":
        raise NotFound("Việc này không phải báo cáo / This job is not a report", [FieldError(
            field="job", value=job_id[:40], message="ask /api/v1/jobs for its result")])
    if job.status is not JobStatus.DONE:
        raise Conflict(
            f"Báo cáo chưa xong ({job.status.value}) / The report is not ready", [FieldError(
                field="job", value=job_id[:40],
                message=job.error or "ask again when the job is done")])
    with session.begin():
        row = session.get(ReportFileRow, job_id)
        if row is None or row.content is None:
            raise NotFound("Không còn tệp báo cáo / The report's file is gone")
        return ReportFile(name=row.file_name, media_type=row.media_type,
                          data=bytes(row.content), subject="", number=None)
