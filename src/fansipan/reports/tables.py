"""A table (header + rows) as CSV or XLSX bytes, the same for every data twin.

Text that a spreadsheet would run as a formula (it begins with =, +, -, @, a tab or a
carriage return: a task's title typed into a form, a document's name) stays text: in
CSV behind a leading apostrophe, as spreadsheets themselves write it; in XLSX as a
string cell. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Value = str | float | int | bool | date | datetime | None
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: Value) -> Value:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Value]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Vietnamese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_inert(c) for c in columns])
    writer.writerows(["" if v is None else _inert(v) for v in row] for row in rows)
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
        cell.data_type = "s"
    for n, row in enumerate(rows, start=2):
        sheet.append(list(row))
        for cell, value in zip(sheet[n], row, strict=False):
            if isinstance(value, str):
                cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
                if value.startswith(_FORMULA_START):
                    cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    for i, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(name) + 4))
    if note:
        info = book.create_sheet("about")
        info.append([note])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
