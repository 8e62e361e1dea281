"""Build the Word template of our reports (Decree 30/2020/NĐ-CP, Mẫu 1.4) from the styles.

    python scripts/make_report_template.py [OUTPUT]

writes src/fansipan/reports/templates/bao-cao.docx unless told otherwise. The template
is plain Word: officers may open it, change wording or styles and save it, as long as the
{{ … }} and {%p … %} tags stay. The same input always gives the same file contents.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.styles.style import ParagraphStyle
from docx.table import _Cell

from fansipan.domain.documents import NATIONAL_MOTTO, NATIONAL_NAME
from fansipan.reports.metrics import text_width
from fansipan.reports.ooxml import (
    TWIPS_PER_MM,
    apply_style,
    black_fonts,
    borderless,
    cell_margins,
    fixed_widths,
    font_every_run,
    grid_borders,
    keep_rows_whole,
    page_field_runs,
    set_fonts,
    set_indents_twips,
    set_language,
)
from fansipan.reports.styles import (
    CELL_MARGIN_MM,
    HEADER_COLUMNS_MM,
    PAGE,
    SIGNATURE_COLUMNS_MM,
    STYLE,
    STYLES,
    TABLE_STYLE,
)

DEFAULT_OUTPUT = (
    Path(__file__).resolve().parent.parent / "src/fansipan/reports/templates/bao-cao.docx"
)
FIXED_TIME = datetime(2020, 3, 5)  # Decree 30's own date: the file does not change per build


def _styles(doc: DocumentObject) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            set_fonts(rpr)
            set_language(rpr)
            size = rpr.find(qn("w:sz"))
            if size is None:
                size = OxmlElement("w:sz")
                rpr.append(size)
            size.set(qn("w:val"), "28")
    for style in doc.styles:
        if style.type is not WD_STYLE_TYPE.LIST:
            black_fonts(style)
    for spec in STYLES:
        style = doc.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
        if not isinstance(style, ParagraphStyle):
            raise TypeError(f"{spec.name} came back as {type(style).__name__}")
        style.style_id = spec.id
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        apply_style(style, spec)
    table_style = doc.styles.add_style(TABLE_STYLE[1], WD_STYLE_TYPE.TABLE)
    table_style.style_id = TABLE_STYLE[0]
    table_style.base_style = doc.styles["Normal Table"]
    black_fonts(table_style)
    grid_borders(table_style.element)
    cell_margins(table_style.element, 57)  # 1 mm: narrow columns such as "STT" stay whole


def _paragraph(cell_or_doc: _Cell | DocumentObject, text: str, style: str) -> None:
    p = cell_or_doc.add_paragraph(text, style=STYLE[style].name)
    font_every_run(p._p)


def _first(cell: _Cell, text: str, style: str) -> None:
    """A cell is made with one empty paragraph: fill that one rather than add another."""
    p = cell.paragraphs[0]
    p.style = STYLE[style].name
    if text:
        p.add_run(text)
    font_every_run(p._p)


def _header_block(doc: DocumentObject) -> None:
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borderless(table)
    fixed_widths(table, list(HEADER_COLUMNS_MM))
    keep_rows_whole(table)
    left, right = table.rows[0].cells
    _first(left, "{%p if parent_body %}", "CoQuanChuQuan")
    _paragraph(left, "{{ parent_body }}", "CoQuanChuQuan")
    _paragraph(left, "{%p endif %}", "CoQuanChuQuan")
    _paragraph(left, "{{ issuing_body }}", "CoQuanBanHanh")
    _paragraph(left, "{{p issuer_rule }}", "DuongKe")
    _first(right, NATIONAL_NAME, "QuocHieu")
    _paragraph(right, NATIONAL_MOTTO, "TieuNgu")
    # The motto never changes, so its rule, as long as the text, is drawn here once.
    _paragraph(right, "", "DuongKe")
    room = (HEADER_COLUMNS_MM[1] - 2 * CELL_MARGIN_MM) * TWIPS_PER_MM
    motto = text_width(NATIONAL_MOTTO, STYLE["TieuNgu"].size, bold=True) * 20
    side = max(0, round((room - motto) / 2))
    set_indents_twips(right.paragraphs[-1]._p.get_or_add_pPr(), side, side)
    number, place = table.rows[1].cells
    _first(number, "{{ number_line }}", "SoKyHieu")
    _first(place, "{{ place_date_line }}", "DiaDanhNgayThang")


def _title_and_body(doc: DocumentObject) -> None:
    _paragraph(doc, "{{ document_type }}", "TenLoai")
    _paragraph(doc, "{{ subject }}", "TrichYeu")
    _paragraph(doc, "{{p subject_rule }}", "DuongKe")
    _paragraph(doc, "{%p for line in addressees %}", "KinhGui")
    _paragraph(doc, "{{ line }}", "KinhGui")
    _paragraph(doc, "{%p endfor %}", "KinhGui")
    _paragraph(doc, "{%p for b in blocks %}", "NoiDung")
    _paragraph(doc, '{%p if b.kind == "heading1" %}', "DeMuc1")
    _paragraph(doc, "{{ b.text }}", "DeMuc1")
    _paragraph(doc, '{%p elif b.kind == "heading2" %}', "DeMuc2")
    _paragraph(doc, "{{ b.text }}", "DeMuc2")
    _paragraph(doc, '{%p elif b.kind == "heading3" %}', "DeMuc3")
    _paragraph(doc, "{{ b.text }}", "DeMuc3")
    _paragraph(doc, '{%p elif b.kind == "table" %}', "NoiDung")
    _paragraph(doc, "{{p b.table }}", "NoiDung")
    _paragraph(doc, "{%p elif b.keep_with_next %}", "NoiDungCuoi")
    _paragraph(doc, "{{ b.text }}", "NoiDungCuoi")
    _paragraph(doc, "{%p elif b.italic %}", "CanCu")
    _paragraph(doc, "{{ b.text }}", "CanCu")
    _paragraph(doc, "{%p else %}", "NoiDung")
    _paragraph(doc, "{{ b.text }}", "NoiDung")
    _paragraph(doc, "{%p endif %}", "NoiDung")
    _paragraph(doc, "{%p endfor %}", "NoiDung")


def _signature_block(doc: DocumentObject) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borderless(table)
    fixed_widths(table, list(SIGNATURE_COLUMNS_MM))
    keep_rows_whole(table)
    left, right = table.rows[0].cells
    _first(left, "Nơi nhận:", "NoiNhan")
    _paragraph(left, "{%p for line in recipients %}", "DanhSachNoiNhan")
    _paragraph(left, "{{ line }}", "DanhSachNoiNhan")
    _paragraph(left, "{%p endfor %}", "DanhSachNoiNhan")
    _first(right, "{%p for line in authority_lines %}", "QuyenHanChucVu")
    _paragraph(right, "{{ line }}", "QuyenHanChucVu")
    _paragraph(right, "{%p endfor %}", "QuyenHanChucVu")
    _paragraph(right, "{{ signer }}", "HoTenNguoiKy")


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE.width_mm)
    section.page_height = Mm(PAGE.height_mm)
    section.top_margin = Mm(PAGE.top_mm)
    section.bottom_margin = Mm(PAGE.bottom_mm)
    section.left_margin = Mm(PAGE.left_mm)
    section.right_margin = Mm(PAGE.right_mm)
    section.header_distance = Mm(PAGE.header_mm)
    section.footer_distance = Mm(PAGE.footer_mm)
    # Page numbers in the top margin from page 2 on: page 1 has a header of its own.
    section.different_first_page_header_footer = True
    first = section.first_page_header.paragraphs[0]
    first.style = STYLE["SoTrang"].name
    other = section.header.paragraphs[0]
    other.style = STYLE["SoTrang"].name
    page_field_runs(other._p)
    for part in (section.footer, section.first_page_footer):
        for p in part.paragraphs:
            font_every_run(p._p)


def build_template() -> DocumentObject:
    doc = Document()
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _styles(doc)
    _page(doc)
    _header_block(doc)
    _title_and_body(doc)
    _signature_block(doc)
    # python-docx's own starting document carries a thumbnail of itself; ours has none.
    package = doc.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rel_id]
    props = doc.core_properties
    props.author = "Fansipan"
    props.last_modified_by = "Fansipan"
    props.title = "Báo cáo (Mẫu 1.4, Nghị định 30/2020/NĐ-CP)"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    props.revision = 1
    return doc


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    output.parent.mkdir(parents=True, exist_ok=True)
    build_template().save(str(output))
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
