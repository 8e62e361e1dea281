"""Reports of results as files: the DOCX to sign, the same tables as XLSX, the PDF.

Making one is an export: it is audited with what it covered. Taking a number from the
register (`take_number`) is for a report about to be signed; a draft has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Final

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.errors import FieldError, ValidationError
from fansipan.reports.docx_writer import write_docx
from fansipan.reports.model import Report
from fansipan.reports.pdf_writer import write_pdf
from fansipan.reports.xlsx_writer import write_xlsx
from fansipan.services.direction.records import require_reader
from fansipan.services.direction.reports.compose import compose
from fansipan.services.direction.reports.content import (
    ReportContent,
    ReportFormat,
    ReportRequest,
    gather,
)
from fansipan.services.direction.reports.numbers import take_number
from fansipan.services.trust.audit import record_export
from fansipan.settings import Settings

MEDIA: Final = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.PDF: "application/pdf",
}
_KIND_SLUG: Final = {"year": "nam", "6m": "6-thang", "9m": "9-thang"}
Step = Callable[[int, str], None]  # (steps done of STEPS, what is being done)
STEPS: Final = 4


@dataclass(frozen=True)
class ReportFile:
    name: str
    media_type: str
    data: bytes
    subject: str
    number: int | None


def file_name(content: ReportContent, fmt: ReportFormat) -> str:
    kind = content.period.kind
    slug = _KIND_SLUG.get(kind) or (f"quy-{kind[1]}" if kind.startswith("q")
                                    else f"thang-{kind[1:]}")
    number = f"-so-{content.number:02d}" if content.number else ""
    unit = "".join(c if c.isalnum() or c == "-" else "-" for c in content.unit.code)
    return f"bao-cao-ket-qua-{content.period.year}-{slug}-{unit}{number}.{fmt.value}"


def build_report(*, session: Session, warehouse: Warehouse, principal: Principal,
                 request: ReportRequest, settings: Settings | None,
                 calendar: WorkingCalendar, step: Step | None = None,
                 ) -> tuple[ReportContent, Report]:
    """The report's content and document; takes a number from the register if asked."""
    require_reader(principal)
    say = step or (lambda done, what: None)
    if request.take_number and request.number is not None:
        raise ValidationError("Số báo cáo ghi hai lần / The number is given twice", [FieldError(
            field="number", message="take the next number (take_number) or give one already "
                                    "registered (number), not both")])
    say(0, "Tổng hợp số liệu / Gathering the figures")
    content = gather(session=session, warehouse=warehouse, principal=principal,
                     request=request, settings=settings, calendar=calendar)
    say(1, "Soạn báo cáo / Composing the report")
    report = compose(content)  # refuses a document that breaks the rules before numbering
    if request.take_number:
        if content.issuer_code is None:
            raise ValidationError(
                "Chưa khai báo cơ quan ban hành / No issuer is set up", [FieldError(
                    field="take_number", message="an administrator sets up the issuing body "
                    "(fansipan report-issuer set) before reports are numbered")])
        taken = take_number(session=session, principal=principal, issuer=content.issuer_code,
                            issued_on=content.issued_on, subject=report.subject)
        content = replace(content, number=taken.number)
        report = compose(content)
    return content, report


def make_report(*, session: Session, warehouse: Warehouse, principal: Principal,
                request: ReportRequest, fmt: ReportFormat, settings: Settings | None,
                calendar: WorkingCalendar, step: Step | None = None) -> ReportFile:
    """The report as a file of `fmt` (DOCX, XLSX or PDF); audited as an export."""
    if fmt not in MEDIA:
        raise ValidationError("Định dạng không hỗ trợ / Unsupported format", [FieldError(
            field="format", value=fmt.value, message="docx, xlsx or pdf")])
    say = step or (lambda done, what: None)
    content, report = build_report(session=session, warehouse=warehouse, principal=principal,
                                   request=request, settings=settings, calendar=calendar,
                                   step=step)
    say(2, f"Ghi tệp {fmt.value.upper()} / Writing the {fmt.value.upper()} file")
    writers = {ReportFormat.DOCX: write_docx, ReportFormat.XLSX: write_xlsx,
               ReportFormat.PDF: write_pdf}
    data = writers[fmt](report)
    name = file_name(content, fmt)
    say(3, "Ghi nhật ký / Recording the export")
    record_export(session, principal, f"report:{name}",
                  rows=len(content.lines) + len(content.tasks) + len(content.next_tasks),
                  detail={"format": fmt.value, "year": request.year,
                          "period": content.period.kind, "unit": content.unit.code,
                          "number": content.number, "issuer": content.issuer_code,
                          "estimates": content.estimates})
    return ReportFile(name=name, media_type=MEDIA[fmt], data=data, subject=report.subject,
                      number=content.number)
