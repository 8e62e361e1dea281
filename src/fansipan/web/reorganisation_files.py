"""A reorganisation file as the web page takes it: read, checked row by row, and kept
between the dry run and the load.

The page previews a file, then loads it when the administrator says so. The file is kept
on the server under its SHA-256 between the two steps and the load reads it back by that
digest, so what is loaded is, byte for byte, what the dry run showed. Each administrator's
dry runs are kept apart, with the report each gave: only the one who ran a file dry can
apply it (or read its report again), since only that one has seen what it does.
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

from fansipan.domain.access import Principal
from fansipan.errors import FieldError, PermissionDenied, ValidationError, msg
from fansipan.http.errors import translate
from fansipan.http.uploads import spool_dir
from fansipan.services.warehouse.reorganisations import Reorganisation, ReorganisationReport
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


def _root(settings: Settings) -> Path:
    folder = spool_dir(settings) / "reorganisations"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _folder(settings: Settings, principal: Principal) -> Path:
    """The folder of one administrator's dry runs (by account id: a name can be reused)."""
    key = (f"u{principal.id}" if principal.id is not None
           else "n" + hashlib.sha256(principal.name.encode()).hexdigest()[:16])
    folder = _root(settings) / key
    folder.mkdir(exist_ok=True)
    return folder


def keep_file(settings: Settings, principal: Principal, body: bytes, *, file_name: str,
              report: ReorganisationReport) -> str:
    """Keep a checked file and its dry run's report until it is loaded (a day at most),
    for the administrator who ran it; its digest names it."""
    digest = hashlib.sha256(body).hexdigest()
    stale = time.time() - KEEP_FOR
    for old in _root(settings).glob("**/*.json"):  # dry runs nobody applied
        with contextlib.suppress(FileNotFoundError):
            if old.stat().st_mtime < stale:
                old.unlink()
    folder = _folder(settings, principal)
    path = folder / f"{digest}.json"
    if not path.exists():
        part = path.with_suffix(".part")
        part.write_bytes(body)
        part.replace(path)
    else:
        path.touch()  # previewed again: kept a day from now
    shown = {"file_name": file_name, "report": report.model_dump(mode="json")}
    part = folder / f"{digest}.report.part"
    part.write_text(json.dumps(shown, ensure_ascii=False), encoding="utf-8")
    part.replace(folder / f"{digest}.report.json")
    return digest


def _gone(digest: str) -> ValidationError:
    return ValidationError(msg("The previewed file is no longer kept; nothing was changed"),
                           [FieldError(field="digest", value=digest[:64], message=msg(
                               "upload the file again and check its dry run"))])


def _kept(settings: Settings, principal: Principal, digest: str, suffix: str) -> Path:
    """One of the principal's kept files; another administrator's is refused by name."""
    if not DIGEST.fullmatch(digest):
        raise _gone(digest)
    path = _folder(settings, principal) / f"{digest}{suffix}"
    if path.is_file():
        return path
    if any(_root(settings).glob(f"*/{digest}{suffix}")):
        raise PermissionDenied(msg(
            "Only the administrator who ran this file dry can apply it; upload the file and "
            "check its dry run yourself. Nothing was changed"), [FieldError(
                field="digest", value=digest, message=msg(
                    "this dry run is another administrator's"))])
    raise _gone(digest)


def kept_file(settings: Settings, principal: Principal, digest: str) -> bytes:
    """The file the principal's dry run kept, checked against its digest, or a message to
    upload it again."""
    path = _kept(settings, principal, digest, ".json")
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise _gone(digest) from None
    if hashlib.sha256(body).hexdigest() != digest:  # changed on disk since: never load it
        raise _gone(digest)
    return body


def kept_report(settings: Settings, principal: Principal, digest: str) -> dict[str, object]:
    """The file's name and the report its dry run gave, as the page showed them."""
    path = _kept(settings, principal, digest, ".report.json")
    try:
        shown: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        raise _gone(digest) from None
    return shown


def forget_file(settings: Settings, principal: Principal, digest: str) -> None:
    if DIGEST.fullmatch(digest):
        for suffix in (".json", ".report.json"):
            (_folder(settings, principal) / f"{digest}{suffix}").unlink(missing_ok=True)
