"""A table (header + rows) as CSV or XLSX bytes, the same for every data twin.

Every file is safe to open: text that a spreadsheet would take for a formula (it starts
with =, +, -, @, a tab or a carriage return — a citizen's description may) is written as
text. In CSV it gets a leading apostrophe, which spreadsheets hide; in XLSX the cell is
typed as text, so nothing is ever evaluated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Value = str | float | int | bool | date | datetime | None

_VIETNAM = timezone(timedelta(hours=7))
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: Value) -> Value:
    """`value`, or the text with an apostrophe in front when it would start a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Value]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Vietnamese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([inert(c) for c in columns])
    writer.writerows(["" if v is None else inert(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(columns: Sequence[str], rows: Sequence[Sequence[Value]], *, title: str,
            note: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has one sheet; this keeps the types honest
        sheet = book.create_sheet()
    sheet.title = title[:31] or "data"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_naive(v) for v in row])
    for line in sheet.iter_rows():
        for cell in line:
            if cell.data_type == "f":  # text openpyxl took for a formula: keep it text
                cell.data_type = "s"
    sheet.freeze_panes = "A2"
    for i, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(name) + 4))
    if note:
        info = book.create_sheet("about")
        info.append([note])
        if info["A1"].data_type == "f":
            info["A1"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _naive(value: Value) -> Value:
    """Spreadsheets keep no time zone: a moment is written in Vietnam's time (UTC+7)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(_VIETNAM).replace(tzinfo=None)
    return value
