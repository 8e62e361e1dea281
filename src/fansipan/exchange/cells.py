"""Cells of every CSV and XLSX file the product writes, made safe to open.

A spreadsheet runs text that begins with `=`, `+`, `-` or `@` (and, in some programs,
a tab or a carriage return) as a formula: a comment `=HYPERLINK("http://…","Xem")`
typed by anyone who may enter data would become a live link, or worse, on the desk
of whoever opens the export. Every writer passes its text through here:

- in CSV such text gets a leading apostrophe (`'=HYPERLINK(…)`), which spreadsheets
  show as text and never run; our own CSV readers take the apostrophe off again
  (`read_text`), so exporting and importing a comment gives it back unchanged;
- in XLSX such text is written as a string cell (never a formula) with Excel's
  "quote prefix" set, so even editing the cell keeps it text; characters that XML
  cannot hold (C0 controls other than tab, line feed and carriage return) are written
  as U+FFFD, since a workbook cannot carry them at all.

Numbers stay numbers: only text is ever changed (-5 is a number, "-5 so với kỳ trước"
is text). The rule covers text that starts with an apostrophe followed by one of those
characters too, so a round trip never loses or gains one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

RISKY = frozenset("=+-@\t\r")
# Every CSV line ends as RFC 4180 says. Python's `csv` quotes a cell only for the
# characters of its line end (besides the delimiter and the quote): with "\n" alone, a
# comment holding a bare carriage return went out unquoted, and no CSV reader (ours
# included) could read the file back.
LINE_END = "\r\n"
_STARTS = RISKY | {"'"}
_FIRST = itemgetter(0)
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
# What XML 1.0 cannot carry (openpyxl refuses it rather than write a broken file).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_risky(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula (or its quoted form)."""
    return bool(text) and (text[0] in RISKY or (text[0] == "'" and bool(
        _NEEDS_QUOTE.match(text))))


def inert_text(text: str) -> str:
    """The text as a CSV cell that no spreadsheet runs: a leading apostrophe when needed."""
    return "'" + text if is_risky(text) else text


def read_text(text: str) -> str:
    """A text cell of a CSV file as it was before `inert_text` (one apostrophe less)."""
    return text[1:] if text[:1] == "'" and _QUOTED.match(text) else text


def csv_value(value: Any) -> Any:
    """One CSV cell: text made inert, everything else (numbers first) as it is."""
    if type(value) is str and value and (value[0] in RISKY or value[0] == "'"):
        return inert_text(value)
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_value(v) for v in values]


def csv_rows(rows: Sequence[Sequence[Any]], columns: Sequence[int] | None = None
             ) -> Iterable[Sequence[Any]]:
    """Rows for `csv.writer.writerows`. With `columns` (the ones that can hold free text)
    a batch is first looked at whole, in C: the first characters of those cells, as a
    set; only a batch that has a risky one is fixed row by row. A bulk export then pays
    almost nothing for batches of ordinary comments."""
    if columns is None:
        return [csv_row(r) for r in rows]
    for at in columns:
        firsts = set(map(_FIRST, filter(None, map(itemgetter(at), rows))))
        if not firsts.isdisjoint(_STARTS):
            return [_fix_columns(r, columns) for r in rows]
    return rows


def _fix_columns(row: Sequence[Any], columns: Sequence[int]) -> Sequence[Any]:
    for at in columns:
        value = row[at]
        if type(value) is str and value and (value[0] in RISKY or value[0] == "'") and (
                is_risky(value)):
            fixed = list(row)
            for other in columns:
                fixed[other] = csv_value(fixed[other])
            return fixed
    return row


def xlsx_value(sheet: Any, value: Any) -> Any:
    """One XLSX cell for `sheet.append`: risky text as a string cell, never a formula."""
    if type(value) is not str or not value:
        return value
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("\ufffd", value)
    if value[0] not in RISKY:
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl made it a formula on sight of the "="
    cell.quotePrefix = True  # and Excel keeps it text when someone edits it
    return cell


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    return [xlsx_value(sheet, v) for v in values]
