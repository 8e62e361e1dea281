"""Imports (nhập số liệu): a file or payload in any supported format, through the one write
path, answered with an import summary a data officer can act on.

The file is read as it streams (CSV row by row; XLSX in read-only mode), checked and
written in chunks inside one transaction: all or nothing by default, or the valid rows
only (`atomic=False`, DHIS2's usual behaviour). The summary counts what was imported,
updated, ignored and deleted, and lists each refused row with its field and a message in
Vietnamese and English.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.domain.numbers import NumberReading, NumberStyle
from fansipan.domain.rows import IdScheme, ImportFormat, ImportStatus, RowConflict, WriteStrategy
from fansipan.errors import FansipanError, Message, ValidationError, msg
from fansipan.exchange.columns import normalise
from fansipan.exchange.csv_io import read_csv
from fansipan.exchange.json_io import load_json, read_data_value_set, read_values, schemes_of
from fansipan.locale import say
from fansipan.services.warehouse.write_outcome import WriteOutcome
from fansipan.services.warehouse.writes import ValueWriter
from fansipan.store.exchange_tables import ImportRequestRow


class ImportOptions(BaseModel):
    format: ImportFormat = ImportFormat.AUTO
    strategy: WriteStrategy = WriteStrategy.CREATE_AND_UPDATE
    dry_run: bool = False
    atomic: bool = Field(default=True, description="All or nothing (default); false saves "
                                                   "the valid rows and lists the others")
    indicator_scheme: IdScheme = IdScheme.AUTO
    unit_scheme: IdScheme = IdScheme.AUTO
    number_style: NumberStyle = Field(
        default=NumberStyle.AUTO,
        description="How a number such as 1.234 is read: vi (the dot groups thousands: "
                    "1234), en (a decimal point: 1.234), machine (a decimal point, no "
                    "grouping, as DHIS2 writes), or auto: Vietnamese for a semicolon-"
                    "separated file or Vietnamese headers, else such a number is refused "
                    "with both readings")
    source: str = Field(default="import", max_length=100)


class ImportCount(BaseModel):
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0


class ConflictPublic(BaseModel):
    row: int | None = Field(description="Row of the file (the header is row 1) or item of "
                                        "the payload (from 1)")
    field: str
    value: str | None = None
    message: str
    message_vi: str
    code: str


class ImportSummary(BaseModel):
    status: ImportStatus
    description: str
    description_vi: str
    import_count: ImportCount
    rows: int = Field(description="Rows (values) read")
    conflicts: list[ConflictPublic] = Field(description="The first 1,000 problems")
    conflict_count: int
    rejected_rows: int
    committed: bool
    dry_run: bool
    atomic: bool
    strategy: WriteStrategy
    format: ImportFormat
    first_change: int | None = None
    last_change: int | None = None
    batch: str | None = None
    job: str | None = None
    replayed: bool = Field(default=False, description="The answer kept for an earlier request "
                                                      "with the same Idempotency-Key")
    number_style: NumberStyle = Field(default=NumberStyle.AUTO,
                                      description="How numbers written as text were read")
    number_style_reason: str = ""
    number_style_reason_vi: str = ""
    numbers_read_by_style: int = Field(default=0, description="Values such as 1.234 whose "
                                                              "reading the style decided")

    @property
    def http_status(self) -> int:
        """200 when every row was accepted, else 409 (DHIS2's answer to conflicts)."""
        return 200 if self.status is ImportStatus.SUCCESS else 409


def detect_format(head: bytes, *, file_name: str = "", content_type: str = "") -> ImportFormat:
    """The format from the content type, the file's name, or its first bytes."""
    kind = content_type.split(";")[0].strip().lower()
    name = file_name.lower()
    if head.startswith(b"PK\x03\x04") or name.endswith(".xlsx") or "spreadsheetml" in kind:
        return ImportFormat.XLSX
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text[:1] in (b"{", b"[") or kind.endswith("json") or name.endswith(".json"):
        return ImportFormat.DHIS2_JSON if b'"dataValues"' in head else ImportFormat.JSON
    first = head.splitlines()[0] if head else b""
    if normalise(first.decode("utf-8", "replace")).startswith("dataelement"):
        return ImportFormat.DHIS2_CSV
    return ImportFormat.CSV


def number_reading(options: ImportOptions, fmt: ImportFormat) -> NumberReading:
    """The number style of an import: the one asked for, DHIS2's for DHIS2 payloads, or
    left for the reader to learn from the file's header."""
    reading = NumberReading(options.number_style)
    if options.number_style is not NumberStyle.AUTO:
        reading.use(options.number_style, msg("asked for with number_style"))
    elif fmt in (ImportFormat.DHIS2_CSV, ImportFormat.DHIS2_JSON):
        reading.use(NumberStyle.MACHINE, msg("DHIS2 writes numbers with a decimal point"))
    return reading


def _rows(fmt: ImportFormat, stream: IO[bytes], schemes: dict[str, str],
          numbers: NumberReading) -> Iterator[tuple[Any, ...] | RowConflict]:
    if fmt is ImportFormat.CSV:
        return read_csv(stream, numbers=numbers)
    if fmt is ImportFormat.DHIS2_CSV:
        return read_csv(stream, dhis2=True, numbers=numbers)
    if fmt is ImportFormat.XLSX:
        from fansipan.exchange.xlsx_io import read_xlsx

        return read_xlsx(stream, numbers=numbers)
    doc = load_json(stream)
    if fmt is ImportFormat.DHIS2_JSON or (isinstance(doc, dict) and "dataValues" in doc):
        schemes.update(schemes_of(doc))
        return read_data_value_set(doc)
    return read_values(doc)


def run_import(
    *,
    session: Session,
    path: Path,
    options: ImportOptions,
    principal: Principal | None = None,
    actor: str | None = None,
    file_name: str = "",
    content_type: str = "",
    progress: Callable[[int, int], None] | None = None,
    schemes_from_payload: Callable[[dict[str, str]], tuple[IdScheme, IdScheme]] | None = None,
    job: str | None = None,
    record: Callable[[Session, ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import one spooled file; never raises for bad content (the summary says what is wrong).

    Refusals of the sender itself (no permission to write) are raised. `record` gets the
    summary inside the transaction that saves the values (a job keeps its outcome so).
    """
    with path.open("rb") as stream:
        head = stream.read(4096)
        stream.seek(0)
        fmt = options.format
        if fmt is ImportFormat.AUTO:
            fmt = detect_format(head, file_name=file_name, content_type=content_type)
        schemes: dict[str, str] = {}
        detail: dict[str, Any] = {"format": fmt.value}
        if file_name:
            detail["file"] = file_name[:200]
        if job:
            detail["job"] = job
        def before_commit(s: Session, out: WriteOutcome, fmt: ImportFormat = fmt) -> None:
            if record is not None:
                record(s, summarise(out, options, fmt, job=job, numbers=numbers))

        numbers = number_reading(options, fmt)
        writer = ValueWriter(
            session=session, source=options.source, actor=actor, principal=principal,
            strategy=options.strategy, atomic=options.atomic, dry_run=options.dry_run,
            indicator_scheme=options.indicator_scheme, unit_scheme=options.unit_scheme,
            audit_detail=detail, numbers=numbers,
            progress=(lambda rows: progress(rows, stream.tell())) if progress else None,
            before_commit=before_commit if record is not None else None)
        problem: ValidationError | None = None
        rows: Iterator[tuple[Any, ...] | RowConflict] | None = None
        try:
            rows = _rows(fmt, stream, schemes, numbers)
            if schemes and schemes_from_payload is not None:
                writer.set_schemes(*schemes_from_payload(schemes))
            with writer:
                writer.add(rows)
        except ValidationError as exc:
            if not any(e.field == "file" for e in exc.errors):
                raise
            problem = exc
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # readers let go of the file before it is closed
    return summarise(writer.outcome, options, fmt, problem=problem, job=job, numbers=numbers)


def summarise(out: WriteOutcome, options: ImportOptions, fmt: ImportFormat, *,
              problem: FansipanError | None = None, job: str | None = None,
              numbers: NumberReading | None = None) -> ImportSummary:
    conflicts = [ConflictPublic(row=c.row or None, field=c.field, value=c.value,
                                message=str(c.message), message_vi=say(c.message, "vi"),
                                code=c.code)
                 for c in out.conflicts]
    count = out.conflict_count
    if problem is not None:
        error = problem.errors[0] if problem.errors else None
        conflicts.insert(0, ConflictPublic(row=error.row if error else None, field="file",
                                           message=str(problem.message),
                                           message_vi=say(problem.message, "vi"),
                                           code="bad_file"))
        count += 1
    saved = out.committed
    if problem is not None or (count and not saved):
        status = ImportStatus.ERROR
    elif count:
        status = ImportStatus.WARNING
    else:
        status = ImportStatus.SUCCESS
    if saved:
        tally = ImportCount(imported=out.created, updated=out.updated, deleted=out.deleted,
                            ignored=out.unchanged + out.rejected_rows)
    elif options.dry_run and status is ImportStatus.SUCCESS:
        tally = ImportCount(imported=out.created, updated=out.updated, deleted=out.deleted,
                            ignored=out.unchanged)
    else:
        tally = ImportCount(ignored=out.rows)
    description = _description(status, options, out, count, problem)
    reading = numbers or NumberReading()
    if reading.decided:
        description = msg("{description}. {note}", description=description,
                          note=_reading_note(reading))
    return ImportSummary(
        number_style=reading.style, number_style_reason=str(reading.reason),
        number_style_reason_vi=say(reading.reason, "vi"), numbers_read_by_style=reading.decided,
        status=status, description=str(description), description_vi=say(description, "vi"),
        import_count=tally, rows=out.rows,
        conflicts=conflicts, conflict_count=count, rejected_rows=out.rejected_rows,
        committed=saved, dry_run=options.dry_run, atomic=options.atomic,
        strategy=options.strategy, format=fmt, first_change=out.first_change if saved else None,
        last_change=out.last_change if saved else None, batch=out.batch if saved else None,
        job=job)


def _reading_note(reading: NumberReading) -> Message:
    """Which reading was used for numbers such as 1.234, and why (the summary says it)."""
    values = {"n": reading.decided, "example": repr(reading.example), "reason": reading.reason}
    if reading.style is NumberStyle.VI:
        return msg("{n} number(s) such as {example} were read Vietnamese style, the dot "
                   "grouping thousands and the comma the decimal mark, because {reason}; send "
                   "number_style=en if they were meant otherwise", **values)
    return msg("{n} number(s) such as {example} were read English style, the comma grouping "
               "thousands and the dot the decimal mark, because {reason}", **values)


def _description(status: ImportStatus, options: ImportOptions, out: WriteOutcome, count: int,
                 problem: FansipanError | None) -> Message:
    if problem is not None:
        return msg("The file cannot be read; nothing was saved. Fix it as described and send "
                   "it again")
    if status is ImportStatus.SUCCESS:
        if options.dry_run:
            return msg("Dry run: every row is valid; nothing was saved. Send it again without "
                       "dryRun to save it")
        return msg("Import process completed successfully")
    if status is ImportStatus.WARNING:
        return msg("Saved the valid rows; {rejected} row(s) were refused ({count} problem(s)): "
                   "fix them and send those rows again", rejected=out.rejected_rows,
                   count=count)
    return msg("{count} problem(s) in {rejected} row(s); nothing was saved. Fix the rows "
               "listed and send the file again", count=count, rejected=out.rejected_rows)


# -- idempotency ---------------------------------------------------------------------------


def request_digest(path: Path, options: ImportOptions, extra: str = "") -> str:
    """SHA-256 over the payload and the options that change its meaning."""
    h = hashlib.sha256()
    h.update(options.model_dump_json().encode())
    h.update(extra.encode())
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def remembered(session: Session, *, actor: str, key: str, digest: str) -> ImportRequestRow | None:
    """The earlier request with this Idempotency-Key, if any; a different payload is refused."""
    with session.begin():
        row = session.scalars(select(ImportRequestRow).where(
            ImportRequestRow.actor == actor, ImportRequestRow.key == key)).one_or_none()
        if row is None:
            return None
        if row.payload_sha256 != digest:
            raise ValidationError(msg(
                "This Idempotency-Key was used for a different request; use a new key for a "
                "new payload"))
        session.expunge(row)
        return row


def remember(session: Session, *, actor: str, key: str, digest: str, status: int,
             summary: ImportSummary | None = None, job: str = "") -> None:
    """Keep the answer for this key (a concurrent twin that got there first wins)."""
    try:
        with session.begin():
            session.add(ImportRequestRow(
                actor=actor, key=key, payload_sha256=digest, status=status,
                summary=summary.model_dump_json() if summary else "", job_id=job,
                created_at=datetime.now(UTC)))
    except IntegrityError:
        session.rollback()


def replay(row: ImportRequestRow) -> ImportSummary | None:
    if not row.summary:
        return None
    summary = ImportSummary.model_validate(json.loads(row.summary))
    summary.replayed = True
    return summary
