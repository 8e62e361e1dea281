"""XLSX: entry templates (one indicator group × unit × period) and reading them back.

A template has Vietnamese and English headers, the codes and names of what is asked,
units of measure and the current values; only the value and comment columns can be
edited (the sheet is protected, the code columns locked), so a returned template always
names real indicators, units and periods.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from fansipan.domain.numbers import NumberReading, NumberStyle
from fansipan.errors import ValidationError, msg
from fansipan.exchange.cells import xlsx_row
from fansipan.exchange.columns import HEADER_HELP, is_vietnamese, positions
from fansipan.exchange.csv_io import file_problem
from fansipan.exchange.xlsx_package import check_package

HEADERS = ("Mã chỉ tiêu / Indicator code", "Tên chỉ tiêu / Indicator", "Đơn vị tính / Unit "
           "of measure", "Mã đơn vị / Unit code", "Tên đơn vị / Unit name", "Kỳ / Period",
           "Giá trị / Value", "Ghi chú / Comment")
_WIDTHS = (24, 48, 14, 14, 30, 10, 16, 30)
_HEADER_SCAN = 20  # rows searched for the header (a title and notes may come first)


@dataclass(frozen=True)
class TemplateRow:
    indicator: str
    indicator_name: str
    measure: str
    unit: str
    unit_name: str
    period: str
    value: float | None
    comment: str | None
    integer: bool
    minimum: float | None
    maximum: float | None


def write_template(title: str, note: str, rows: Sequence[TemplateRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "So lieu"
    sheet.append(xlsx_row(sheet, [title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(xlsx_row(sheet, [note]))
    sheet["A2"].alignment = Alignment(wrap_text=False)
    sheet.append([])
    sheet.append(list(HEADERS))
    header_row = 4
    for n, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + n)].width = width
        cell = sheet.cell(row=header_row, column=n + 1)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    editable = Protection(locked=False)
    whole = DataValidation(type="whole", allow_blank=True, showErrorMessage=True,
                           errorTitle="Giá trị / Value",
                           error="Nhập số nguyên / Enter a whole number")
    decimal = DataValidation(type="decimal", allow_blank=True, showErrorMessage=True,
                             errorTitle="Giá trị / Value", error="Nhập một số / Enter a number")
    for rule in (whole, decimal):
        rule.operator = "between"
        rule.formula1, rule.formula2 = "-1E+300", "1E+300"
        sheet.add_data_validation(rule)
    for offset, r in enumerate(rows, start=header_row + 1):
        sheet.append(xlsx_row(sheet, [r.indicator, r.indicator_name, r.measure, r.unit,
                                      r.unit_name, r.period, r.value, r.comment]))
        for column in (7, 8):
            sheet.cell(row=offset, column=column).protection = editable
        (whole if r.integer else decimal).add(f"G{offset}")
    sheet.freeze_panes = f"A{header_row + 1}"
    # Protected without a password: it stops slips, not a determined person; the import
    # checks every code again anyway.
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_xlsx(stream: IO[bytes], *,
              numbers: NumberReading | None = None) -> Iterator[tuple[Any, ...]]:
    """Rows (sheet row, indicator, unit, period, value, comment); rows left blank in the
    value column are skipped (a template row not filled in). Numbers typed as text are
    read Vietnamese style under Vietnamese headers (our templates have them)."""
    from openpyxl import load_workbook

    check_package(stream)
    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a file that is not a workbook
        raise file_problem(msg("the file is not a readable XLSX workbook")) from None
    at = [0]
    try:
        yield from _sheet_rows(book, numbers, at)
    except ValidationError:
        raise
    except Exception:  # a sheet is parsed as it is read: a broken one fails here
        raise file_problem(msg("the workbook cannot be read past row {row}: it is damaged or "
                               "not made by a spreadsheet program; save it again", row=at[0]),
                           row=at[0] + 1) from None
    finally:
        book.close()


def _sheet_rows(book: Any, numbers: NumberReading | None,
                at: list[int]) -> Iterator[tuple[Any, ...]]:
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        for line, cells in enumerate(rows, start=1):
            if line > _HEADER_SCAN:
                break
            headers = [str(c) if c is not None else "" for c in cells]
            found, missing = positions(headers)
            if missing:
                continue
            if numbers is not None and numbers.style is NumberStyle.AUTO and is_vietnamese(
                    headers):
                numbers.use(NumberStyle.VI, msg("the headers are in Vietnamese"))
            order = [found[f] for f in ("indicator", "unit", "period", "value")]
            comment_at = found.get("comment")
            for number, data in enumerate(rows, start=line + 1):
                at[0] = number
                if not data or len(data) <= max(order):
                    continue
                ind, unit, period, value = (_cell(data[i]) for i in order)
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                comment = data[comment_at] if comment_at is not None and comment_at < len(
                    data) else None
                yield (number, "" if ind is None else str(ind), "" if unit is None else str(unit),
                       "" if period is None else str(period), value,
                       None if comment is None else str(comment))
            return
    raise file_problem(msg("no sheet has a header row: {help}", help=HEADER_HELP))
