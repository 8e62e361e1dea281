"""The Word report, opened with python-docx: layout, text, numbers and fonts."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn

from fansipan.reports.decree30 import lint_docx
from fansipan.reports.docx_writer import write_docx
from fansipan.reports.layout import lay_out
from fansipan.reports.model import Paragraph, Report
from fansipan.reports.wordml import paragraph_text

FONT = "Times New Roman"
SLOTS = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")


@pytest.fixture(scope="module")
def doc(docx_bytes: bytes) -> DocumentObject:
    return Document(io.BytesIO(docx_bytes))


def _texts(doc: DocumentObject) -> list[str]:
    return [paragraph_text(p).strip() for p in doc.element.body.iter(qn("w:p"))]


def test_the_page_is_a4_portrait_with_decree_30_margins(doc: DocumentObject) -> None:
    s = doc.sections[0]
    sizes = (s.page_width, s.page_height, s.top_margin, s.bottom_margin, s.left_margin,
             s.right_margin)
    assert [round(x.mm, 1) for x in sizes] == [210.0, 297.0, 20.0, 20.0, 30.0, 15.0]
    assert s.different_first_page_header_footer


def test_page_numbers_from_page_2_only(doc: DocumentObject) -> None:
    s = doc.sections[0]
    first = s.first_page_header._element
    other = s.header._element
    instructions = [t.text for t in other.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions] == ["PAGE"]
    assert not list(first.iter(qn("w:instrText")))
    assert not list(first.iter(qn("w:fldSimple")))


def test_the_header_block_text(doc: DocumentObject) -> None:
    texts = _texts(doc)
    for line in ("UBND TỈNH LÀO CAI", "SỞ THÔNG TIN VÀ\nTRUYỀN THÔNG",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                 "Số: 05/BC-STTTT", "Lào Cai, ngày 05 tháng 01 năm 2022", "BÁO CÁO",
                 "Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2021", "Nơi nhận:", "KT. GIÁM ĐỐC",
                 "PHÓ GIÁM ĐỐC", "Nguyễn Văn An", "- Lưu: VT, VP."):
        assert line in texts, line
    # The header is two columns: the bodies left, the national name right.
    header = doc.tables[0]
    assert "SỞ THÔNG TIN VÀ" in header.cell(0, 0).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header.cell(0, 1).text
    assert header.cell(1, 0).text == "Số: 05/BC-STTTT"
    assert header.cell(1, 1).text == "Lào Cai, ngày 05 tháng 01 năm 2022"
    assert not any("{{" in t or "{%" in t for t in texts)  # every tag was filled


def test_the_body_follows_the_model(doc: DocumentObject, report: Report) -> None:
    texts = _texts(doc)
    for block in lay_out(report).blocks:
        if block.kind != "table":
            assert block.text in texts
    assert "Năm 2021, 10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế " \
           "hoạch." in texts
    body_text = [t for t in texts if t]
    before_signature = body_text[body_text.index("Nơi nhận:") - 1]
    assert before_signature.endswith("./.")


def test_table_numbers_equal_the_model(doc: DocumentObject, report: Report) -> None:
    table = doc.tables[1]
    laid = lay_out(report).tables[0]
    assert table.cell(0, 3).text == "Năm 2021"  # merged over plan, actual and ratio
    assert table.cell(0, 0).text == "STT" and table.cell(1, 0).text == "STT"  # merged down
    assert [table.cell(1, j).text for j in (3, 4, 5)] == ["Kế hoạch", "Thực hiện", "TH/KH (%)"]
    for i, row in enumerate(laid.rows):
        assert [table.cell(i + 2, j).text for j in range(len(row))] == [c.text for c in row]
    assert table.cell(2, 4).text == "1.712,5"
    assert table.cell(10, 4).text == "2.640"
    assert table.cell(2, 4).paragraphs[0].alignment is None  # right-aligned by its style
    assert table.cell(2, 4).paragraphs[0].style.name == "Ô bảng số"
    header_rows = table._tbl.findall(f"{qn('w:tr')}/{qn('w:trPr')}/{qn('w:tblHeader')}")
    assert len(header_rows) == 2  # repeated on every page the table runs onto


def test_every_style_and_run_is_times_new_roman_in_all_four_slots(
        docx_bytes: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        parts = {n: z.read(n) for n in z.namelist() if n.startswith("word/") and
                 n.endswith(".xml")}
    doc = Document(io.BytesIO(docx_bytes))
    styles = doc.styles.element
    defaults = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert all(defaults.find(qn("w:rFonts")).get(qn(s)) == FONT for s in SLOTS)
    for style in styles.iter(qn("w:style")):
        if style.get(qn("w:type")) == "numbering":
            continue
        fonts = style.findall(f".//{qn('w:rFonts')}")
        assert fonts, style.get(qn("w:styleId"))
        for f in fonts:
            assert all(f.get(qn(s)) == FONT for s in SLOTS), style.get(qn("w:styleId"))
            assert not [a for a in f.attrib if "Theme" in a or "theme" in a]
    runs = 0
    for root in (doc.element, doc.sections[0].header._element):
        for r in root.iter(qn("w:r")):
            fonts = r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
            assert fonts is not None and all(fonts.get(qn(s)) == FONT for s in SLOTS)
            runs += 1
    assert runs > 100
    assert b"Calibri" not in parts["word/document.xml"]


def test_the_writer_output_passes_the_decree_30_linter(docx_bytes: bytes) -> None:
    assert lint_docx(docx_bytes) == []


def test_text_is_escaped_not_interpreted(report: Report) -> None:
    tricky = replace(report, blocks=(Paragraph("Giá < 5 & lãi > 3 {{ x }} </w:t>"),))
    doc = Document(io.BytesIO(write_docx(tricky)))
    assert "Giá < 5 & lãi > 3 {{ x }} </w:t>./." in _texts(doc)


def test_a_draft_keeps_room_for_the_number(report: Report) -> None:
    doc = Document(io.BytesIO(write_docx(replace(report, number=None))))
    assert "Số:      /BC-STTTT" in [paragraph_text(p) for p in doc.element.body.iter(qn("w:p"))]
    assert lint_docx(write_docx(replace(report, number=None))) == []


def test_an_edited_template_is_used(tmp_path: Path, report: Report) -> None:
    from scripts.make_report_template import build_template

    template = build_template()
    for p in template.paragraphs:
        if p.text == "{{ document_type }}":
            p.runs[0].text = "{{ document_type }} (BẢN THỬ)"
    path = tmp_path / "mau.docx"
    template.save(str(path))
    doc = Document(io.BytesIO(write_docx(report, template=path)))
    assert "BÁO CÁO (BẢN THỬ)" in _texts(doc)
