"""The one upload path of every front end (the import API, DHIS2 clients, connectors,
the imports page): request bodies spooled to disk as they arrive, so an upload of any
size up to `MAX_UPLOAD` costs a few kilobytes of memory, and a job can read the file
after the request has ended."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from starlette.datastructures import UploadFile

from fansipan.errors import FieldError, ValidationError, msg
from fansipan.services.exchange.spool import spool_file
from fansipan.settings import Settings

MAX_UPLOAD = 8 * 2**30  # 8 GiB: a 5-million-row CSV is about 200 MB
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True)
class Spooled:
    path: Path
    size: int
    sha256: str
    file_name: str
    content_type: str


def spool_dir(settings: Settings) -> Path:
    folder = settings.data_dir / "spool"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _too_big() -> ValidationError:
    return ValidationError(
        msg("The upload is larger than {size} GiB; split it into several files",
            size=MAX_UPLOAD // 2 ** 30),
        [FieldError(field="body", message=msg("too large"))])


async def spool(request: Request, settings: Settings, file_name: str | None = None) -> Spooled:
    """The request's body (or the first file of a multipart form) in a file of its own."""
    content_type = request.headers.get("content-type", "")
    handle = spool_file(spool_dir(settings), "upload", ".part")
    digest = hashlib.sha256()
    size = 0
    try:
        with handle:
            if content_type.startswith("multipart/form-data"):
                # Closing the form removes the parser's own temporary files at once.
                async with request.form() as form:
                    upload = next((v for v in form.values() if isinstance(v, UploadFile)),
                                  None)
                    if upload is None:
                        raise ValidationError(
                            msg("The form has no file; choose a file to upload (a file "
                                "field)"), [FieldError(field="file",
                                                 message=msg("send a CSV, XLSX or JSON file"))])
                    file_name = file_name or upload.filename or ""
                    content_type = upload.content_type or ""
                    while block := await upload.read(1 << 20):
                        size += len(block)
                        if size > MAX_UPLOAD:
                            raise _too_big()
                        digest.update(block)
                        handle.write(block)
            else:
                async for block in request.stream():
                    size += len(block)
                    if size > MAX_UPLOAD:
                        raise _too_big()
                    digest.update(block)
                    handle.write(block)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    if not file_name:
        file_name = _name_from(request.headers.get("content-disposition", ""))
    return Spooled(path=Path(handle.name), size=size, sha256=digest.hexdigest(),
                   file_name=_SAFE_NAME.sub("_", file_name or "")[:200],
                   content_type=content_type)


def _name_from(disposition: str) -> str:
    found = re.search(r'filename="?([^";]+)"?', disposition)
    return found.group(1) if found else ""
