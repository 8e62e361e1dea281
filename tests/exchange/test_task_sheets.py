"""The XLSX task list: the template we write and what is read back from it."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from fansipan.errors import ValidationError
from fansipan.exchange.task_sheets import HEADERS, read_task_sheet, write_task_template


def _filled(rows: list[list[object]]) -> bytes:
    book = load_workbook(io.BytesIO(write_task_template(
        "Danh sách nhiệm vụ", "ghi chú", [("082", "=HYPERLINK(\"x\")"), ("10", "Tỉnh")])))
    sheet = book["Nhiem vu"]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_has_both_languages_and_inert_unit_names() -> None:
    book = load_workbook(io.BytesIO(write_task_template("T", "N", [("082", "=1+1")])))
    assert [c.value for c in book["Nhiem vu"][4]] == [h for h, _, _ in HEADERS]
    cell = book["Don vi"]["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"  # text, never a formula
    assert book["Nhiem vu"].column_dimensions["D"].number_format == "@"


def test_rows_are_read_with_dates_days_codes_and_targets() -> None:
    data = _filled([
        [1, "Phổ cập   Internet", "Mô tả", 82.0, "080; 083,085", datetime(2024, 6, 30),
         None, "A, B", "CDS_TY_LE_HO_INTERNET | 10 | 2024"],
        [],
        [2, "Theo ngày", "", "083", "", None, "15", "", ""],
        [3, "Ngày ghi chữ", "", "083", "", "05/07/2024", None, "", ""],
    ])
    rows = read_task_sheet(data)
    assert [r.row for r in rows] == [5, 7, 8]
    first, second, third = rows
    assert (first.title, first.lead_unit, first.co_units) == ("Phổ cập Internet", "82",
                                                               ("080", "083", "085"))
    assert first.deadline == date(2024, 6, 30) and first.indicators == ("A", "B")
    assert first.target == ("CDS_TY_LE_HO_INTERNET", "10", "2024") and not first.problems
    assert (second.deadline, second.within_days) == (None, 15)
    assert third.deadline == date(2024, 7, 5)


def test_what_cannot_be_read_is_said_per_row() -> None:
    rows = read_task_sheet(_filled([[1, "X y z", "", "082", "", "31/02/2024", "nửa", "",
                                     "only|two"]]))
    assert {f for f, _ in rows[0].problems} == {"deadline", "within_days", "target"}


def test_a_file_without_the_header_or_not_a_workbook_is_refused() -> None:
    book = Workbook()
    book.active.append(["something", "else"])  # type: ignore[union-attr]
    out = io.BytesIO()
    book.save(out)
    for data in (out.getvalue(), b"not a workbook"):
        with pytest.raises(ValidationError) as refused:
            read_task_sheet(data)
        assert refused.value.errors[0].field == "file"
