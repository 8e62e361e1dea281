"""The Decree 30/2020/NĐ-CP layout rules (Appendix I) as data, for the linter and the docs.

Sizes are in points, lengths in millimetres, ratios of a rule's length to its text's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

PAGE_MM: Final = (210.0, 297.0)  # A4 portrait
PAGE_TOLERANCE_MM: Final = 1.0
MARGINS_MM: Final = {"top": (20.0, 25.0), "bottom": (20.0, 25.0), "left": (30.0, 35.0),
                     "right": (15.0, 20.0)}
FIRST_LINE_CM: Final = (1.0, 1.27)
FIRST_LINE_TOLERANCE_CM: Final = 0.03
MIN_PARAGRAPH_SPACING_PT: Final = 6.0
LINE_SPACING: Final = (1.0, 1.5)  # lines
# The rule under the motto is as long as it; those under the issuing body and the
# subject 1/3 to 1/2 of the text. Lengths are measured, so allow a little.
RULE_RATIOS: Final = {"national_motto": (0.9, 1.1), "issuing_body": (0.31, 0.52),
                      "subject": (0.31, 0.52)}
CLOSING_MARK: Final = "./."


@dataclass(frozen=True)
class ElementRule:
    name_vi: str
    size: tuple[float, float]
    bold: bool | None = None
    italic: bool | None = None


ELEMENTS: Final = {
    "national_name": ElementRule("Quốc hiệu", (12, 13), bold=True, italic=False),
    "national_motto": ElementRule("Tiêu ngữ", (13, 14), bold=True, italic=False),
    "parent_body": ElementRule("Tên cơ quan chủ quản", (12, 13), bold=False),
    "issuing_body": ElementRule("Tên cơ quan ban hành", (12, 13), bold=True),
    "number_line": ElementRule("Số, ký hiệu", (13, 13), bold=False, italic=False),
    "date_line": ElementRule("Địa danh, ngày tháng", (13, 14), italic=True),
    "document_type": ElementRule("Tên loại văn bản", (13, 14), bold=True),
    "subject": ElementRule("Trích yếu", (13, 14), bold=True),
    "body": ElementRule("Nội dung", (13, 14)),
    "recipients_label": ElementRule("Nơi nhận", (12, 12), bold=True, italic=True),
    "recipients": ElementRule("Danh sách nơi nhận", (11, 11), bold=False),
    "authority": ElementRule("Quyền hạn, chức vụ người ký", (13, 14), bold=True),
    "signer": ElementRule("Họ tên người ký", (13, 14), bold=True),
    "page_number": ElementRule("Số trang", (13, 14)),
}
DOCUMENT_TYPES: Final = (
    "NGHỊ QUYẾT", "QUYẾT ĐỊNH", "CHỈ THỊ", "QUY CHẾ", "QUY ĐỊNH", "THÔNG CÁO", "THÔNG BÁO",
    "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "KẾ HOẠCH", "PHƯƠNG ÁN", "ĐỀ ÁN", "DỰ ÁN", "BÁO CÁO",
    "BIÊN BẢN", "TỜ TRÌNH", "HỢP ĐỒNG", "CÔNG ĐIỆN", "BẢN GHI NHỚ", "BẢN THỎA THUẬN",
    "GIẤY ỦY QUYỀN", "GIẤY MỜI", "GIẤY GIỚI THIỆU", "GIẤY NGHỈ PHÉP", "PHIẾU GỬI",
    "PHIẾU CHUYỂN", "PHIẾU BÁO",
)  # fmt: skip


@dataclass(frozen=True)
class Breach:
    rule: str  # e.g. "margins.left", "fonts", "national_name.size"
    where: str  # e.g. "page", "paragraph 4 'SỞ THÔNG TIN…'", "header of page 2 on"
    found: str  # what is there, and what the rule wants

    def __str__(self) -> str:
        return f"{self.rule} @ {self.where}: {self.found}"
