"""A report's tables as a spreadsheet: one sheet per table under the report's title block.

Numbers are stored as numbers with a number format of their decimals, so Excel shows them
with the reader's own separators (1.712,5 on a Vietnamese system) and they can be summed;
nothing is a formula. Text that a spreadsheet could take for a formula (it begins with
=, +, -, @, a tab or a carriage return) is stored as text and marked to stay text when a
person edits the cell, so a name typed into a form can never run as a formula.
"""

from __future__ import annotations

import io
from typing import Final

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fansipan.reports.layout import LaidCell, LaidTable, Layout, lay_out
from fansipan.reports.model import Report
from fansipan.reports.styles import FONT

__all__ = ["FORMULA_PREFIXES", "write_xlsx"]

FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
_THIN: Final = Side(style="thin", color="000000")
_GRID: Final = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CHARS_PER_SHARE: Final = 9.0  # column width in characters per unit of Column.width


def _font(size: float = 12, *, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, color="000000")


def put_text(cell: Cell, text: str) -> None:
    """Store `text` as inert text, whatever it begins with."""
    cell.value = text
    cell.data_type = "s"  # openpyxl reads a leading "=" as a formula otherwise
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True


def _put(cell: Cell, value: LaidCell) -> None:
    if value.value is not None:
        cell.value = value.value
        cell.number_format = value.excel_format
    else:
        put_text(cell, value.text)


def write_xlsx(report: Report) -> bytes:
    """The report's tables as .xlsx bytes (a title block alone when it has no table)."""
    layout = lay_out(report)
    book = Workbook()
    first = book.active
    if first is not None:
        book.remove(first)
    tables = layout.tables
    if not tables:
        sheet = book.create_sheet("Báo cáo")
        _title_block(sheet, layout, None, width=4)
    for table in tables:
        sheet = book.create_sheet(f"Bảng {table.number}")
        _write_table(sheet, layout, table)
    book.properties.title = f"{layout.document_type} {layout.subject}"
    book.properties.creator = layout.issuing_body
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _title_block(sheet: Worksheet, layout: Layout, table: LaidTable | None, *,
                 width: int) -> int:
    """The issuer, title, date, caption and unit lines; returns the next free row."""
    lines: list[tuple[str, Font, str]] = []
    if layout.parent_body:
        lines.append((layout.parent_body, _font(12), "left"))
    lines.append((layout.issuing_body, _font(12, bold=True), "left"))
    lines.append((layout.number_line, _font(12), "left"))
    lines.append((layout.document_type, _font(13, bold=True), "center"))
    lines.append((layout.subject, _font(13, bold=True), "center"))
    lines.append((layout.place_date_line, _font(12, italic=True), "center"))
    if table is not None:
        if table.caption:
            lines.append((table.caption, _font(12, bold=True), "center"))
        if table.unit_note:
            lines.append((table.unit_note, _font(11, italic=True), "right"))
    for row, (text, font, align) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1)
        put_text(cell, text)
        cell.font = font
        cell.alignment = Alignment(horizontal=align, vertical="center")
        if width > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    return len(lines) + 2


def _write_table(sheet: Worksheet, layout: Layout, table: LaidTable) -> None:
    width = len(table.columns)
    top = _title_block(sheet, layout, table, width=width)
    for r, header_row in enumerate(table.header):
        for h in header_row:
            row, col = top + r, h.column + 1
            cell = sheet.cell(row=row, column=col)
            put_text(cell, h.text)
            if h.colspan > 1 or h.rowspan > 1:
                sheet.merge_cells(start_row=row, start_column=col,
                                  end_row=row + h.rowspan - 1, end_column=col + h.colspan - 1)
    header_end = top + table.header_height - 1
    for row in sheet.iter_rows(min_row=top, max_row=header_end, max_col=width):
        for cell in row:  # merged cells keep the borders of every cell they cover
            cell.font = _font(12, bold=True)
            cell.border = _GRID
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    aligns = [c.alignment for c in table.columns]
    for i, values in enumerate(table.rows, start=header_end + 1):
        for j, value in enumerate(values, start=1):
            cell = sheet.cell(row=i, column=j)
            _put(cell, value)
            cell.font = _font(12)
            cell.border = _GRID
            cell.alignment = Alignment(horizontal=aligns[j - 1], vertical="center",
                                       wrap_text=value.value is None)
    if table.notes:
        row = header_end + len(table.rows) + 2
        cell = sheet.cell(row=row, column=1)
        put_text(cell, table.notes)
        cell.font = _font(11, italic=True)
    for j, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = max(
            6.0, column.width * _CHARS_PER_SHARE)
    sheet.freeze_panes = sheet.cell(row=header_end + 1, column=1)
    sheet.print_title_rows = f"{top}:{header_end}"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
