"""A table (header + rows) as CSV or XLSX bytes, the same for every data twin; every text
cell inert (`exchange.cells`), numbers as numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from fansipan.exchange.cells import LINE_END, csv_row, xlsx_row

Value = str | float | int | bool | date | datetime | None
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: Value) -> Value:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value

_VIETNAM = timezone(timedelta(hours=7))


def to_csv(columns: Sequence[str], rows: Sequence[Sequence[Value]]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Vietnamese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=LINE_END)
    writer.writerow(csv_row(columns))
    writer.writerows(csv_row("" if v is None else v for v in row) for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(columns: Sequence[str], rows: Sequence[Sequence[Value]], *, title: str,
            note: str = "", keywords: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has one sheet; this keeps the types honest
        sheet = book.create_sheet()
    sheet.title = title[:31] or "data"
    sheet.append(xlsx_row(sheet, columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, [_naive(v) for v in row]))
    sheet.freeze_panes = "A2"
    for i, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(name) + 4))
    if note:
        info = book.create_sheet("about")
        info.append(xlsx_row(info, [note]))
    if keywords:  # found by a search of the files' properties, too
        book.properties.keywords = keywords
        book.properties.subject = note
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _naive(value: Value) -> Value:
    """Spreadsheets keep no time zone: a moment is written in Vietnam's time (UTC+7)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(_VIETNAM).replace(tzinfo=None)
    return value
