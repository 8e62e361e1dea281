"""The spreadsheet, opened with openpyxl: numbers as numbers, no formulas, inert text."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from fansipan.reports.layout import lay_out
from fansipan.reports.model import Column, Number, Paragraph, Report, Table
from fansipan.reports.xlsx_writer import FORMULA_PREFIXES, write_xlsx
from tests.reports.samples import INDICATORS


def test_one_sheet_per_table_under_a_title_block(xlsx_bytes: bytes) -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes))
    assert book.sheetnames == ["Bảng 1"]
    sheet = book["Bảng 1"]
    title = [sheet.cell(row=r, column=1).value for r in range(1, 8)]
    assert title == ["UBND TỈNH LÀO CAI", "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "Số: 05/BC-STTTT",
                     "BÁO CÁO", "Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2021",
                     "Lào Cai, ngày 05 tháng 01 năm 2022",
                     "Bảng 1. Kết quả thực hiện các chỉ tiêu kinh tế - xã hội năm 2021"]
    assert sheet["A4"].font.bold and sheet["A4"].font.name == "Times New Roman"
    assert "A4:G4" in {str(r) for r in sheet.merged_cells.ranges}


def test_header_cells_are_merged_as_in_the_report(xlsx_bytes: bytes) -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes))["Bảng 1"]
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A9:A10", "B9:B10", "C9:C10", "D9:F9", "G9:G10"} <= merged
    assert [sheet.cell(row=10, column=c).value for c in (4, 5, 6)] == [
        "Kế hoạch", "Thực hiện", "TH/KH (%)"]
    assert sheet.freeze_panes == "A11"
    assert sheet.print_title_rows == "$9:$10"


def test_numbers_are_numbers_equal_to_the_model(xlsx_bytes: bytes, report: Report) -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes))["Bảng 1"]
    laid = lay_out(report).tables[0]
    for i, row in enumerate(laid.rows):
        for j, cell in enumerate(row, start=1):
            got = sheet.cell(row=11 + i, column=j)
            if cell.value is None:
                assert got.value == cell.text and got.data_type == "s"
            else:
                assert got.value == pytest.approx(cell.value)
                assert isinstance(got.value, int | float) and got.data_type == "n"
                assert got.number_format == cell.excel_format
    for i, (_, _, planned, actual, _) in enumerate(INDICATORS):
        assert sheet.cell(row=11 + i, column=4).value == planned
        assert sheet.cell(row=11 + i, column=5).value == actual
    assert sheet["E11"].number_format == "#,##0.0"
    assert sheet["E19"].number_format == "#,##0"
    assert sum(sheet.cell(row=r, column=5).value for r in range(11, 21)) == pytest.approx(
        sum(a for _, _, _, a, _ in INDICATORS))


def test_nothing_is_a_formula(xlsx_bytes: bytes) -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes))["Bảng 1"]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.parametrize("text", ["=1+2", "=HYPERLINK(\"http://x\")", "+cmd", "-2+3",
                                  "@SUM(A1)", "\tx", "\rx"])
def test_formula_looking_text_stays_text(report: Report, text: str) -> None:
    table = Table(columns=(Column("Tên"), Column("Giá trị", numeric=True)),
                  rows=((text, Number(-5)), ("bình thường", None)),
                  caption=text)
    data = write_xlsx(replace(report, blocks=(Paragraph("Bảng:"), table)))
    sheet = load_workbook(io.BytesIO(data))["Bảng 1"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == text]
    # The cell, and the caption unless its leading tab or return was trimmed as space.
    assert len(cells) == (1 if text[0] in "\t\r" else 2)
    for cell in cells:
        assert cell.data_type == "s"
        assert cell.quotePrefix
    negative = [c for row in sheet.iter_rows() for c in row if c.value == -5]
    assert negative and negative[0].data_type == "n"  # a real negative number stays one
    assert text.startswith(FORMULA_PREFIXES)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet_xml = z.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_a_report_without_tables_still_has_its_title(report: Report) -> None:
    data = write_xlsx(replace(report, blocks=(Paragraph("Không có bảng."),)))
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Báo cáo"]
    assert book["Báo cáo"]["A4"].value == "BÁO CÁO"
