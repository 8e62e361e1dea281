"""The one interface the imports page needs from the exchange hub.

`FileImporter` is what the page calls: check a file and write it all or nothing,
and give the XLSX template. Until the exchange hub (`fansipan.exchange`,
`services/imports.py`) provides it, `BasicImporter` stands in: it reads a flat CSV or
XLSX (indicator, unit, period, value, comment) and writes through the one write path
(`ValueWriter`), so validation, scopes, locks and audit are the ordinary ones. Replace
it by the hub's importer in `install_web` once that exists; the page does not change.
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass, field
from typing import Protocol

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.errors import FieldError, ValidationError
from fansipan.reports.tables import to_xlsx
from fansipan.services.checks import RawValue
from fansipan.services.writes import ValueWriter

COLUMNS = ("indicator", "unit", "period", "value", "comment")
MAX_ROWS = 50_000
MAX_BYTES = 20 * 2**20
LINE = "\x00line"  # where a row was in the file, kept beside its cells


@dataclass(frozen=True)
class RejectedRow:
    row: int | None  # the line in the file (the header is line 1)
    field: str
    message: str
    value: str | None


@dataclass(frozen=True)
class ImportOutcome:
    file_name: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    message: str = ""
    rejected: list[RejectedRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.message


class FileImporter(Protocol):
    def import_file(self, *, session: Session, principal: Principal, file_name: str,
                    content: bytes, lang: str = "vi") -> ImportOutcome: ...

    def template(self) -> bytes: ...


class BasicImporter:
    """Flat CSV or XLSX files through `ValueWriter` (stand-in for the exchange hub)."""

    source = "import"

    def template(self) -> bytes:
        return to_xlsx(list(COLUMNS), [["VT_TRAM_5G", "02647", "2025-05", 12, ""]],
                       title="data", note="indicator = mã chỉ tiêu, unit = mã đơn vị, period = "
                                          "kỳ (2025, 2025Q1, 2025-05); xóa dòng ví dụ")

    def import_file(self, *, session: Session, principal: Principal, file_name: str,
                    content: bytes, lang: str = "vi") -> ImportOutcome:
        try:
            rows = _read(file_name, content)
        except ValidationError as exc:
            return ImportOutcome(file_name, 0, message=exc.message, rejected=[
                RejectedRow(None, e.field, e.message, e.value) for e in exc.errors])
        writer = ValueWriter(session=session, source=self.source, principal=principal)
        with writer:
            # Rows are numbered by their line in the file, so messages point at it.
            writer.add(RawValue(int(r[LINE]), r.get("indicator", ""), r.get("unit", ""),
                                r.get("period", ""), r.get("value", ""),
                                r.get("comment") or None) for r in rows)
        out = writer.outcome
        rejected = [RejectedRow(c.row, c.field, c.message if lang == "en" else c.message_vi,
                                c.value) for c in out.conflicts]
        more = out.conflict_count - len(out.conflicts)
        message = "" if not rejected else (
            f"{out.conflict_count} problem(s) in {out.rejected_rows} row(s); nothing was "
            "written" + (f" ({more} more not listed)" if more > 0 else ""))
        return ImportOutcome(file_name, out.rows, out.created, out.updated, out.unchanged,
                             out.deleted, message=message, rejected=rejected)


def _bad(message: str) -> ValidationError:
    return ValidationError(message, [FieldError(field="file", message=message)])


def _read(file_name: str, content: bytes) -> list[dict[str, str]]:
    if len(content) > MAX_BYTES:
        raise _bad(f"the file is larger than {MAX_BYTES // 2**20} MB; split it")
    if not content.strip():
        raise _bad("the file is empty")
    name = file_name.lower()
    if name.endswith(".xlsx"):
        table = _xlsx(content)
    elif name.endswith((".csv", ".txt")):
        table = _csv(content)
    else:
        raise _bad("send a .csv or .xlsx file")
    if not table:
        raise _bad("the file has no header row")
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in COLUMNS[:4] if c not in header]
    if missing:
        raise _bad(f"the header lacks the column(s) {', '.join(missing)}; the columns are "
                   f"{', '.join(COLUMNS)}")
    body = [(n, r) for n, r in enumerate(table[1:], start=2) if any(c.strip() for c in r)]
    if len(body) > MAX_ROWS:
        raise _bad(f"the file has {len(body)} rows; send at most {MAX_ROWS} at a time")
    return [{LINE: str(n)} | {h: (r[i].strip() if i < len(r) else "")
                              for i, h in enumerate(header)} for n, r in body]


def _csv(content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _bad("the file is not UTF-8 text; save it as CSV UTF-8") from None
    dialect: type[csv.Dialect] = csv.excel
    with contextlib.suppress(csv.Error):  # Excel's default comma, unless ; or tab is clear
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _xlsx(content: bytes) -> list[list[str]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not a workbook
        raise _bad("the file is not a readable XLSX workbook") from None
    sheet = book.worksheets[0]
    out = [["" if c is None else _cell(c) for c in row]
           for row in sheet.iter_rows(values_only=True)]
    book.close()
    return out


def _cell(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
