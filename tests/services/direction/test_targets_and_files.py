"""A task completed by its target being met, and the files attached to tasks."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.tasks import TaskStatus
from fansipan.errors import NotFound, PermissionDenied, ValidationError
from fansipan.services.direction.attachments import (
    MAX_ATTACHMENT,
    attach_file,
    read_attachment,
)
from fansipan.services.direction.shapes import TargetRef
from fansipan.services.direction.tasks import get_task
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.store.direction_tables import AttachmentBlobRow
from tests.services.direction.conftest import CALENDAR, People, assign, directive


def test_a_task_linked_to_a_target_is_done_when_the_evaluation_finds_it_met(
        session: Session, people: People) -> None:
    d = directive(session, people.leader, issued_on=date(2021, 1, 15))
    target = TargetRef(indicator="BC_XA_CO_DIEM", unit="082", period="2021")
    t = assign(session, people.leader, d, deadline=date(2021, 12, 31), target=target)
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator="BC_XA_CO_DIEM", unit="082", period="2021", planned=2))
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator="BC_XA_CO_DIEM", unit=u, period="2021", value=1)
        for u in ("02683", "02686")])

    def detail(on: date):  # type: ignore[no-untyped-def]
        return get_task(session=session, warehouse=Warehouse(), principal=people.officer.principal,
                        task_id=t, calendar=CALENDAR, on=on)

    # While 2021 runs, the figures are not final: the task is as its own events say.
    assert detail(date(2021, 12, 30)).status is TaskStatus.NOT_STARTED_ON_TIME
    done = detail(date(2022, 1, 10))
    assert (done.status, done.completed_by_target) == (TaskStatus.DONE_ON_TIME, True)
    assert done.completed_on == date(2021, 12, 31)
    assert done.target is not None and done.target.met_on == date(2021, 12, 31)
    assert [i.code for i in done.indicators] == ["BC_XA_CO_DIEM"]
    # A target missed completes nothing: the task is overdue like any other.
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator="BC_XA_CO_DIEM", unit="02686", period="2021", value=0)])
    missed = detail(date(2022, 1, 10))
    assert (missed.status, missed.completed_by_target) == (TaskStatus.NOT_STARTED_OVERDUE,
                                                           False)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / f"upload-{name}"
    path.write_bytes(data)
    return path


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("word/document.xml", b"<w:document/>")
        for name, body in (extra or {}).items():
            z.writestr(name, body)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_files_are_checked_by_content_and_stored_once_by_their_hash(
        session: Session, people: People, tmp_path: Path) -> None:
    d = directive(session, people.leader)
    t = assign(session, people.leader, d)
    other = assign(session, people.leader, d, lead="088")
    first = attach_file(session=session, principal=people.officer.principal, task_id=t,
                        path=_write(tmp_path, "a", PDF), file_name="bao-cao tiến độ.pdf")
    assert (first.media_type, first.size) == ("application/pdf", len(PDF))
    again = attach_file(session=session, principal=people.leader.principal, task_id=other,
                        path=_write(tmp_path, "b", PDF), file_name="../../etc/passwd.pdf")
    assert again.sha256 == first.sha256 and again.file_name == "passwd.pdf"
    with session.begin():
        assert session.scalar(select(func.count()).select_from(AttachmentBlobRow)) == 1
    word = attach_file(session=session, principal=people.officer.principal, task_id=t,
                       path=_write(tmp_path, "c", _docx()), file_name="ke-hoach.docx")
    assert word.media_type.endswith("wordprocessingml.document")
    name, media, data = read_attachment(session=session, principal=people.reader.principal,
                                        task_id=t, attachment_id=first.id)
    assert (name, media, data) == ("bao-cao tiến độ.pdf", "application/pdf", PDF)
    detail = get_task(session=session, warehouse=Warehouse(), principal=people.officer.principal,
                      task_id=t, calendar=CALENDAR, on=date(2022, 2, 1))
    assert [a.file_name for a in detail.attachments] == ["bao-cao tiến độ.pdf", "ke-hoach.docx"]

    refused = [
        ("macro.docx", _docx({"word/vbaProject.bin": b"x"})),  # a file that runs macros
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 50),  # a program named as a PDF
        ("scan.png", PDF),  # a PDF named as an image
        ("empty.pdf", b""),
        ("archive.zip", _docx()[:40]),
    ]
    for name, data in refused:
        with pytest.raises(ValidationError) as no:
            attach_file(session=session, principal=people.officer.principal, task_id=t,
                        path=_write(tmp_path, name, data), file_name=name)
        assert no.value.errors[0].field == "file", name
    big = tmp_path / "big.pdf"
    with big.open("wb") as f:
        f.write(PDF)
        f.truncate(MAX_ATTACHMENT + 1)
    with pytest.raises(ValidationError):
        attach_file(session=session, principal=people.officer.principal, task_id=t, path=big,
                    file_name="big.pdf")
    # Another unit's officer neither attaches nor reads; a reader may not attach.
    with pytest.raises(NotFound):
        read_attachment(session=session, principal=people.foreign.principal, task_id=t,
                        attachment_id=first.id)
    with pytest.raises(NotFound):
        read_attachment(session=session, principal=people.officer.principal, task_id=t,
                        attachment_id=again.id)  # a file of another task
    with pytest.raises(PermissionDenied):
        attach_file(session=session, principal=people.reader.principal, task_id=t,
                    path=_write(tmp_path, "d", PDF), file_name="x.pdf")
