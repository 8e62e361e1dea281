"""The layout choices of our reports, inside the ranges Decree 30/2020/NĐ-CP allows.

One table of named styles serves the Word template (built by
scripts/make_report_template.py), the sub-documents the DOCX writer adds (tables, rules)
and the PDF's CSS, so the three agree. Where the decree gives a range, the value chosen is
the one its own specimen uses (App. I, Part I.V): the national name 12 pt, the motto 13,
bodies 12, the number and date lines 13, the document type, subject and body 14.
The ranges themselves, and the checks against them, are in `fansipan.reports.decree30`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

FONT: Final = "Times New Roman"
# For the PDF: Times New Roman where it is installed, else its metric twin from Debian.
CSS_FONTS: Final = '"Times New Roman", "Liberation Serif", "Tinos", serif'

Align = Literal["left", "center", "right", "justify"]


@dataclass(frozen=True)
class Page:
    width_mm: float = 210.0
    height_mm: float = 297.0
    top_mm: float = 20.0
    bottom_mm: float = 20.0
    left_mm: float = 30.0
    right_mm: float = 15.0
    header_mm: float = 10.0  # where the page number sits, inside the top margin
    footer_mm: float = 10.0

    @property
    def text_width_mm(self) -> float:
        return self.width_mm - self.left_mm - self.right_mm


PAGE: Final = Page()
# The two columns of the header block and of the signature block, in millimetres.
HEADER_COLUMNS_MM: Final = (65.0, PAGE.text_width_mm - 65.0)
SIGNATURE_COLUMNS_MM: Final = (75.0, PAGE.text_width_mm - 75.0)
CELL_MARGIN_MM: Final = 1.9  # Word's default left and right cell margin (0,19 cm)
# The rules under the issuing body and the subject: 1/3 to 1/2 of the text; we draw 40 %.
RULE_RATIO: Final = 0.4


@dataclass(frozen=True)
class Style:
    id: str
    name: str  # what an officer sees in Word's style list
    size: float
    bold: bool = False
    italic: bool = False
    align: Align = "left"
    first_line_cm: float = 0.0
    left_cm: float = 0.0
    before_pt: float = 0.0
    after_pt: float = 0.0
    line: float = 1.0  # multiples of single spacing
    keep_next: bool = False
    rule_below: bool = False  # a solid line under the paragraph (the header rules)


def _body(id: str, name: str, *, bold: bool = False, italic: bool = False,
          keep_next: bool = False) -> Style:
    """Body text: 14 pt, justified, first line in by 1,27 cm, 6 pt after, 1,15 lines."""
    return Style(id, name, 14, bold=bold, italic=italic, align="justify", first_line_cm=1.27,
                 after_pt=6, line=1.15, keep_next=keep_next)


STYLES: Final = (
    Style("QuocHieu", "Quốc hiệu", 12, bold=True, align="center"),
    Style("TieuNgu", "Tiêu ngữ", 13, bold=True, align="center"),
    Style("CoQuanChuQuan", "Cơ quan chủ quản", 12, align="center"),
    Style("CoQuanBanHanh", "Cơ quan ban hành", 12, bold=True, align="center"),
    Style("DuongKe", "Đường kẻ", 4, align="center", rule_below=True),
    Style("SoKyHieu", "Số ký hiệu", 13, align="center", before_pt=6),
    Style("DiaDanhNgayThang", "Địa danh ngày tháng", 13, italic=True, align="center",
          before_pt=6),
    Style("TenLoai", "Tên loại văn bản", 14, bold=True, align="center", before_pt=18,
          keep_next=True),
    Style("TrichYeu", "Trích yếu", 14, bold=True, align="center", keep_next=True),
    Style("KinhGui", "Kính gửi", 14, left_cm=2.5, before_pt=6),
    _body("NoiDung", "Nội dung"),
    _body("CanCu", "Căn cứ", italic=True),
    _body("NoiDungCuoi", "Nội dung cuối", keep_next=True),
    _body("DeMuc1", "Đề mục 1", bold=True, keep_next=True),
    _body("DeMuc2", "Đề mục 2", bold=True, keep_next=True),
    _body("DeMuc3", "Đề mục 3", keep_next=True),
    Style("TenBang", "Tên bảng", 13, bold=True, align="center", before_pt=6, after_pt=3,
          keep_next=True),
    Style("DonViTinh", "Đơn vị tính", 12, italic=True, align="right", after_pt=3,
          keep_next=True),
    Style("TieuDeBang", "Tiêu đề bảng", 12, bold=True, align="center", before_pt=2,
          after_pt=2),
    Style("OBang", "Ô bảng", 12, before_pt=2, after_pt=2),
    Style("OBangSo", "Ô bảng số", 12, align="right", before_pt=2, after_pt=2),
    Style("OBangGiua", "Ô bảng giữa", 12, align="center", before_pt=2, after_pt=2),
    Style("GhiChuBang", "Ghi chú bảng", 12, italic=True, align="justify", before_pt=3,
          after_pt=6),
    Style("NoiNhan", "Nơi nhận", 12, bold=True, italic=True, before_pt=6),
    Style("DanhSachNoiNhan", "Danh sách nơi nhận", 11),
    Style("QuyenHanChucVu", "Quyền hạn chức vụ", 14, bold=True, align="center",
          before_pt=6),
    Style("HoTenNguoiKy", "Họ tên người ký", 14, bold=True, align="center", before_pt=72),
    Style("SoTrang", "Số trang", 13, align="center"),
)
STYLE: Final = {s.id: s for s in STYLES}
TABLE_STYLE: Final = ("BangSoLieu", "Bảng số liệu")
