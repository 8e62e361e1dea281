"""A reorganisation file as the web page takes it: read, checked row by row, and kept
between the dry run and the load.

The page previews a file, then loads it when the administrator says so. The file is kept
on the server under its SHA-256 between the two steps and the load reads it back by that
digest, so what is loaded is, byte for byte, what the dry run showed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import time
from pathlib import Path

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError as PydanticError
from pydantic_core import ErrorDetails

from fansipan.errors import FieldError, ValidationError, msg
from fansipan.http.errors import translate
from fansipan.http.uploads import spool_dir
from fansipan.services.warehouse.reorganisations import Reorganisation
from fansipan.settings import Settings

MAX_FILE = 20 * 2**20  # the 2025 reform of a whole province is 30 kB
KEEP_FOR = 24 * 3600  # seconds a previewed file waits for its Apply
DIGEST = re.compile(r"[0-9a-f]{64}")
_BAD = msg("The reorganisation file has problems; nothing was changed")


def read_plan(body: bytes) -> Reorganisation:
    """The plan a file holds, or a ValidationError naming each bad row and field."""
    if len(body) > MAX_FILE:
        raise ValidationError(_BAD, [FieldError(field="file", message=msg(
            "the file is larger than {size} MB; split the reorganisation into several files",
            size=MAX_FILE // 2**20))])
    try:
        loaded = json.loads(body.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError(_BAD, [FieldError(field="file", message=msg(
            "the file is not UTF-8 text; save it as UTF-8 JSON"))]) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(_BAD, [FieldError(field="file", row=exc.lineno, value=exc.msg,
                                                message=msg("not valid JSON at column {column}",
                                                            column=exc.colno))]) from None
    if not isinstance(loaded, dict):
        raise ValidationError(_BAD, [FieldError(field="file", message=msg(
            "the file must hold one JSON object with effective, units and successions"))])
    try:
        return Reorganisation.model_validate(loaded)
    except PydanticError as exc:
        raise ValidationError(_BAD, [_row_error(e) for e in exc.errors()]) from None


def _row_error(error: ErrorDetails) -> FieldError:
    """"successions.2.new_code" → row 3 of successions, field successions.new_code (rows
    are counted from 1, as the service counts them)."""
    said = translate(RequestValidationError([error])).errors[0].message
    if error["type"] == "literal_error":
        # Pydantic lists the codes in an English sentence; the page lists them as codes.
        said = msg("not one of the codes this field accepts; the page lists them")
    loc = list(error["loc"])
    row = None
    if len(loc) >= 2 and isinstance(loc[1], int):
        row = loc[1] + 1
        loc = [loc[0], *loc[2:]]
    given = error.get("input")
    shown = str(given)[:80] if isinstance(given, (str, int, float)) else None
    return FieldError(field=".".join(str(p) for p in loc) or "file", row=row, value=shown,
                      message=said)


def _folder(settings: Settings) -> Path:
    folder = spool_dir(settings) / "reorganisations"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep_file(settings: Settings, body: bytes) -> str:
    """Keep a checked file until it is loaded (a day at most); its digest names it."""
    digest = hashlib.sha256(body).hexdigest()
    folder = _folder(settings)
    stale = time.time() - KEEP_FOR
    for old in folder.glob("*.json"):  # dry runs nobody applied
        with contextlib.suppress(FileNotFoundError):
            if old.stat().st_mtime < stale:
                old.unlink()
    path = folder / f"{digest}.json"
    if not path.exists():
        part = path.with_suffix(".part")
        part.write_bytes(body)
        part.replace(path)
    else:
        path.touch()  # previewed again: kept a day from now
    return digest


def kept_file(settings: Settings, digest: str) -> bytes:
    """The file a dry run kept, checked against its digest, or a message to upload again."""
    gone = ValidationError(msg("The previewed file is no longer kept; nothing was changed"),
                           [FieldError(field="digest", value=digest[:64], message=msg(
                               "upload the file again and check its dry run"))])
    if not DIGEST.fullmatch(digest):
        raise gone
    path = _folder(settings) / f"{digest}.json"
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise gone from None
    if hashlib.sha256(body).hexdigest() != digest:  # changed on disk since: never load it
        raise gone
    return body


def forget_file(settings: Settings, digest: str) -> None:
    if DIGEST.fullmatch(digest):
        (_folder(settings) / f"{digest}.json").unlink(missing_ok=True)
