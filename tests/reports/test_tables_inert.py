"""Downloads are safe to open: text that looks like a formula stays text."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from fansipan.reports.tables import to_csv, to_xlsx

ROWS = [["=HYPERLINK(\"http://x\",\"bấm\")", "+84 912", "-rm", "@SUM(A1)", 12, -3.5,
         datetime(2026, 3, 2, 2, 30, tzinfo=UTC)]]


def test_csv_cells_cannot_start_a_formula() -> None:
    text = to_csv(["a", "b", "c", "d", "e", "f", "g"], ROWS).decode("utf-8-sig")
    line = text.splitlines()[1]
    assert line.startswith('"\'=HYPERLINK')
    assert ",'+84 912,'-rm,'@SUM(A1),12,-3.5," in line  # numbers stay numbers


def test_xlsx_cells_are_text_never_formulas_and_times_are_vietnamese() -> None:
    book = load_workbook(io.BytesIO(to_xlsx(["a", "b", "c", "d", "e", "f", "g"], ROWS,
                                            title="t", note="=1+1")))
    row = next(book.active.iter_rows(min_row=2, values_only=False))
    assert [c.data_type for c in row[:4]] == ["s", "s", "s", "s"]
    assert row[0].value == "=HYPERLINK(\"http://x\",\"bấm\")"
    assert row[4].value == 12 and row[5].value == -3.5
    assert row[6].value == datetime(2026, 3, 2, 9, 30)  # 02:30 UTC is 09:30 in Vietnam
    assert book["about"]["A1"].data_type == "s"
