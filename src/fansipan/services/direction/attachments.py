"""Files attached to tasks: a report of progress, the document granting an extension.

A file is accepted by what it is, not by what its name or the browser says: its first
bytes (and for Office files, the parts inside the package) must be those of a PDF, a PNG
or JPEG image, a Word or Excel file without macros, an OpenDocument text or sheet, or
plain UTF-8 text, and its name must end as that kind does. Each is stored once by its
SHA-256, however many tasks it is attached to, and is at most `MAX_ATTACHMENT` bytes.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.errors import FieldError, NotFound, ValidationError
from fansipan.services.catalog import load_catalog
from fansipan.services.direction.records import TaskScope, find_task, require_reader
from fansipan.services.direction.shapes import AttachmentPublic
from fansipan.services.trust.audit import record
from fansipan.store.audit import audited_transaction
from fansipan.store.direction_tables import AttachmentBlobRow, TaskAttachmentRow

MAX_ATTACHMENT: Final = 20 * 2**20  # 20 MiB: a scanned decision of a few pages is ~2 MB

_OOXML: Final = {
    "word/document.xml": ("application/vnd.openxmlformats-officedocument."
                          "wordprocessingml.document", (".docx",)),
    "xl/workbook.xml": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        (".xlsx",)),
}
_ODF: Final = {
    b"application/vnd.oasis.opendocument.text": (".odt",),
    b"application/vnd.oasis.opendocument.spreadsheet": (".ods",),
}
_SAFE_NAME: Final = re.compile(r"[^\w.\- ()]+")
KINDS_TEXT: Final = "PDF, PNG, JPEG, DOCX, XLSX, ODT, ODS, TXT"


@dataclass(frozen=True)
class FileKind:
    media_type: str
    extensions: tuple[str, ...]


def sniff(data: bytes) -> FileKind | None:
    """What the bytes are, among the kinds accepted; None for anything else."""
    if data.startswith(b"%PDF-"):
        return FileKind("application/pdf", (".pdf",))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind("image/png", (".png",))
    if data.startswith(b"\xff\xd8\xff"):
        return FileKind("image/jpeg", (".jpg", ".jpeg"))
    if data.startswith(b"PK\x03\x04"):
        return _package(data)
    if data and b"\x00" not in data:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return FileKind("text/plain; charset=utf-8", (".txt",))
    return None


def _package(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "mimetype" in names:
                found = _ODF.get(z.read("mimetype").strip())
                media = z.read("mimetype").strip().decode("ascii", "replace")
                return FileKind(media, found) if found else None
            if "[Content_Types].xml" not in names:
                return None
            types = z.read("[Content_Types].xml").lower()
            if b"macroenabled" in types or "word/vbaProject.bin" in names or (
                    "xl/vbaProject.bin" in names):
                return None  # a file that can run macros is not taken
            for part, (media, extensions) in _OOXML.items():
                if part in names:
                    return FileKind(media, extensions)
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    return None


def _refuse(file_name: str, why: str) -> ValidationError:
    return ValidationError(
        f"Tệp {file_name} không được nhận: {why} / The file {file_name} is refused: {why}",
        [FieldError(field="file", value=file_name[:60],
                    message=f"attach {KINDS_TEXT} files of at most "
                            f"{MAX_ATTACHMENT // 2**20} MiB, named as what they are")])


def read_upload(path: Path, file_name: str) -> tuple[bytes, FileKind, str]:
    """The file's bytes, its kind and a clean name, or a refusal that says why."""
    name = _SAFE_NAME.sub("_", Path(file_name or "tep").name).strip()[:200] or "tep"
    size = path.stat().st_size
    if size == 0:
        raise _refuse(name, "it is empty")
    if size > MAX_ATTACHMENT:
        raise _refuse(name, f"it has {size:,} bytes, more than {MAX_ATTACHMENT:,}")
    data = path.read_bytes()
    kind = sniff(data)
    if kind is None:
        raise _refuse(name, "its content is not one of the kinds accepted")
    if not name.lower().endswith(kind.extensions):
        raise _refuse(name, f"its content is {kind.extensions[0]} but its name says otherwise")
    return data, kind, name


def attach_file(*, session: Session, principal: Principal, task_id: int, path: Path,
                file_name: str, event_seq: int | None = None) -> AttachmentPublic:
    """Attach a file to a task (audited): the lead unit's officers, or the leaders over it."""
    data, kind, name = read_upload(path, file_name)
    digest = hashlib.sha256(data).hexdigest()
    with audited_transaction(session):
        catalog = load_catalog(session)
        scope = TaskScope(catalog, principal)
        stored = find_task(session, scope, task_id)
        if not scope.may_assign(stored):
            scope.check_update(stored)
        if event_seq is not None and not 1 <= event_seq <= stored.row.events:
            raise ValidationError("Không có sự kiện này / No such event", [FieldError(
                field="event", value=str(event_seq),
                message=f"the task has events 1 to {stored.row.events}")])
        now = datetime.now(UTC)
        if session.get(AttachmentBlobRow, digest) is None:
            session.add(AttachmentBlobRow(sha256=digest, size=len(data),
                                          media_type=kind.media_type, data=data,
                                          created_at=now))
        link = TaskAttachmentRow(task_id=task_id, event_seq=event_seq, sha256=digest,
                                 file_name=name, uploaded_by=principal.actor, at=now)
        session.add(link)
        session.flush()
        record(session, principal, "task.attach", target=f"task:{task_id}",
               detail={"file": name, "sha256": digest, "size": len(data)})
        return AttachmentPublic(id=link.id, file_name=name, media_type=kind.media_type,
                                size=len(data), sha256=digest, event_seq=event_seq,
                                uploaded_by=principal.actor, at=now)


def read_attachment(*, session: Session, principal: Principal, task_id: int,
                    attachment_id: int) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of a file of a task the principal sees."""
    require_reader(principal)
    with session.begin():
        scope = TaskScope(load_catalog(session), principal)
        find_task(session, scope, task_id)
        link = session.get(TaskAttachmentRow, attachment_id)
        if link is None or link.task_id != task_id:
            raise NotFound("Không có tệp này / No such file", [FieldError(
                field="attachment", value=str(attachment_id),
                message="this task has no file with that number")])
        blob = session.get(AttachmentBlobRow, link.sha256)
        if blob is None:  # the foreign key makes this impossible; say so if it happens
            raise NotFound(f"The bytes of file {attachment_id} are missing from the store")
        return link.file_name, blob.media_type, bytes(blob.data)
