"""A report (báo cáo) as plain data: what the DOCX, XLSX and PDF writers all print.

The model holds what the author decides — bodies, number, date, subject, headings,
paragraphs, tables, recipients, signer — and nothing about fonts or margins, which the
writers take from Decree 30/2020/NĐ-CP. Numbering (I., 1., a)), the number line, the date
line and the closing "./." are derived in `fansipan.reports.layout`, once for all writers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from fansipan.domain.bilingual import invalid
from fansipan.domain.documents import (
    Authority,
    number_line,
    place_date_line,
    recipient_lines,
    signature_lines,
)
from fansipan.domain.numbers import format_number

__all__ = [
    "Block",
    "CellValue",
    "Column",
    "Heading",
    "Number",
    "Paragraph",
    "Report",
    "Signature",
    "Table",
]


@dataclass(frozen=True)
class Number:
    """A number in a table with the decimals it is shown with: 1.712,5 with one decimal."""

    value: float
    decimals: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float) or (
            not math.isfinite(self.value)
        ):
            raise invalid("value", f"Ô số phải là một số hữu hạn, không phải {self.value!r}",
                          f"A numeric cell needs a finite number, not {self.value!r}",
                          value=self.value)
        if isinstance(self.decimals, bool) or not 0 <= self.decimals <= 6:
            raise invalid("decimals", "Số chữ số thập phân phải từ 0 đến 6",
                          "Decimals must be 0 to 6", value=self.decimals)

    def text(self, lang: str = "vi") -> str:
        return format_number(self.value, self.decimals, lang)

    @property
    def excel_format(self) -> str:
        """The number format Excel shows in the reader's own separators: #,##0.0…"""
        return "#,##0" + ("." + "0" * self.decimals if self.decimals else "")


CellValue = str | Number | None


@dataclass(frozen=True)
class Column:
    """A column: its header text, whether it holds numbers, its share of the width, and
    how its cells align (None: numbers to the right, text to the left)."""

    title: str
    numeric: bool = False
    width: float = 1.0
    align: Literal["left", "center", "right"] | None = None

    @property
    def alignment(self) -> Literal["left", "center", "right"]:
        if self.align is not None:
            return self.align
        return "right" if self.numeric else "left"


@dataclass(frozen=True)
class Table:
    """A table with one header row (the columns) or more (`header_rows` above them).

    `header_rows` are extra rows of header text drawn above the column titles, each as
    long as the columns (e.g. a row that spans "Năm 2021" over plan and actual); equal
    neighbouring texts in a header row are merged into one cell.
    """

    columns: tuple[Column, ...]
    rows: tuple[tuple[CellValue, ...], ...]
    caption: str = ""  # "Bảng 1. Kết quả thực hiện các chỉ tiêu năm 2021"
    unit_note: str = ""  # "Đơn vị tính: %"
    header_rows: tuple[tuple[str, ...], ...] = ()
    notes: str = ""  # a line under the table: sources, remarks

    def __post_init__(self) -> None:
        if not self.columns:
            raise invalid("columns", "Bảng cần ít nhất một cột", "A table needs a column")
        width = len(self.columns)
        for name, rows in (("rows", self.rows), ("header_rows", self.header_rows)):
            for i, row in enumerate(rows, start=1):
                if len(row) != width:
                    raise invalid(
                        name,
                        f"Dòng {i} của bảng có {len(row)} ô nhưng bảng có {width} cột; ghi "
                        "đủ và đúng số ô",
                        f"Row {i} of the table has {len(row)} cells but the table has "
                        f"{width} columns; give exactly one cell per column",
                        row=i,
                    )
        for i, row in enumerate(self.rows, start=1):
            for j, cell in enumerate(row):
                if not (cell is None or isinstance(cell, str | Number)):
                    raise invalid(
                        "rows",
                        f"Ô {j + 1} của dòng {i} phải là chữ, Number hoặc để trống, không "
                        f"phải {type(cell).__name__}; bọc số trong Number(giá trị, số lẻ)",
                        f"Cell {j + 1} of row {i} must be text, a Number or empty, not "
                        f"{type(cell).__name__}; wrap numbers in Number(value, decimals)",
                        row=i,
                    )


@dataclass(frozen=True)
class Heading:
    """A numbered heading: level 1 "I. TITLE", level 2 "1. Title", level 3 "a) Title"."""

    text: str
    level: int = 1

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3):
            raise invalid("level", "Cấp đề mục là 1 (I.), 2 (1.) hoặc 3 (a))",
                          "A heading level is 1 (I.), 2 (1.) or 3 (a))", value=self.level)
        if not self.text.strip():
            raise invalid("text", "Đề mục để trống", "The heading is empty")


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph, justified with its first line indented."""

    text: str
    italic: bool = False  # e.g. the legal bases (căn cứ)


Block = Heading | Paragraph | Table


@dataclass(frozen=True)
class Signature:
    """The signer: authority chain (outermost first), title, and full name."""

    name: str
    title: str | None
    chain: tuple[tuple[Authority, str], ...] = ()

    def __post_init__(self) -> None:
        signature_lines(self.chain, self.title, self.name)  # refuses what the decree forbids

    @property
    def lines(self) -> list[str]:
        return signature_lines(self.chain, self.title, self.name)[0]

    @property
    def signer(self) -> str:
        return signature_lines(self.chain, self.title, self.name)[1]


@dataclass(frozen=True)
class Report:
    """One report in the Decree 30 layout (Mẫu 1.4, văn bản có tên loại).

    `number` is None for a draft: the office (văn thư) gives the number when it registers
    the signed report, so the line reads "Số:      /BC-STTTT" until then.
    """

    issuing_body: str  # "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    symbol: str  # "BC-STTTT"
    place: str  # "Lào Cai"
    issued_on: date
    subject: str  # "Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2021"
    blocks: tuple[Block, ...]
    signature: Signature
    recipients: tuple[str, ...]
    archive: str  # the drafting unit and copies for "- Lưu: VT, <archive>."
    parent_body: str = ""  # "UBND TỈNH LÀO CAI"
    number: int | None = None
    document_type: str = "BÁO CÁO"
    addressees: tuple[str, ...] = ()  # "Kính gửi:", for a report sent upward
    closing_mark: str = "./."
    title: str = field(default="", compare=False)  # a file name hint; the subject if empty

    def __post_init__(self) -> None:
        for name in ("issuing_body", "subject", "document_type"):
            if not getattr(self, name).strip():
                raise invalid(name, f"Báo cáo thiếu {name}; ghi giá trị cho trường này",
                              f"The report has no {name}; give it one")
        if not self.blocks:
            raise invalid("blocks", "Báo cáo chưa có nội dung; thêm ít nhất một đoạn",
                          "The report has no content; add at least one paragraph")
        # Check the text rules now, so that no writer meets a malformed report.
        number_line(self.number or 1, self.symbol)
        place_date_line(self.place, self.issued_on)
        recipient_lines(self.recipients, self.archive)
