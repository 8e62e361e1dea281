"""The Decree 30 linter fails on each kind of breach and passes on the writer's output."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from fansipan.reports.decree30 import ELEMENTS, MARGINS_MM, Breach, lint_docx
from fansipan.reports.wordml import paragraph_text


def _paragraph(doc: DocumentObject, predicate: Callable[[str], bool]):  # type: ignore[no-untyped-def]
    for p in doc.element.body.iter(qn("w:p")):
        if predicate(paragraph_text(p).strip()):
            return p
    raise AssertionError("no such paragraph")


def _runs(p) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [r for r in p.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t")))]


def _set_rpr(p, tag: str, value: str | None = None) -> None:  # type: ignore[no-untyped-def]
    for r in _runs(p):
        rpr = r.find(qn("w:rPr"))
        node = OxmlElement(tag)
        if value is not None:
            node.set(qn("w:val"), value)
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
        rpr.append(node)


def _set_text(p, old: str, new: str) -> None:  # type: ignore[no-untyped-def]
    for t in p.iter(qn("w:t")):
        if t.text and old in t.text:
            t.text = t.text.replace(old, new)


def _lint(docx_bytes: bytes, change: Callable[[DocumentObject], None]) -> list[Breach]:
    doc = Document(io.BytesIO(docx_bytes))
    change(doc)
    out = io.BytesIO()
    doc.save(out)
    return lint_docx(out.getvalue())


def _rules(breaches: list[Breach]) -> set[str]:
    return {b.rule for b in breaches}


def test_the_writer_output_passes(docx_bytes: bytes) -> None:
    assert lint_docx(docx_bytes) == []
    assert _lint(docx_bytes, lambda d: None) == []  # a round trip through python-docx too


def test_rules_are_data() -> None:
    assert MARGINS_MM["left"] == (30.0, 35.0)
    assert ELEMENTS["recipients_label"].size == (12, 12)
    assert ELEMENTS["recipients_label"].bold and ELEMENTS["recipients_label"].italic


def _margin(doc: DocumentObject) -> None:
    doc.sections[0].left_margin = Mm(25)


def _letter(doc: DocumentObject) -> None:
    doc.sections[0].page_width = Mm(216)
    doc.sections[0].page_height = Mm(279)


def _arial_run(doc: DocumentObject) -> None:
    p = _paragraph(doc, lambda t: t.startswith("Thực hiện Quyết định"))
    for r in _runs(p):
        r.find(f"{qn('w:rPr')}/{qn('w:rFonts')}").set(qn("w:eastAsia"), "Arial")


def _theme_style(doc: DocumentObject) -> None:
    style = doc.styles["Nội dung"].element
    fonts = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    fonts.set(qn("w:asciiTheme"), "minorHAnsi")


def _national_name_14(doc: DocumentObject) -> None:
    _set_rpr(_paragraph(doc, lambda t: t.startswith("CỘNG HÒA")), "w:sz", "28")


def _motto_not_bold(doc: DocumentObject) -> None:
    _set_rpr(_paragraph(doc, lambda t: t.startswith("Độc lập")), "w:b", "0")


def _number_unpadded(doc: DocumentObject) -> None:
    _set_text(_paragraph(doc, lambda t: t.startswith("Số:")), "05/", "5/")


def _month_padded(doc: DocumentObject) -> None:
    _set_text(_paragraph(doc, lambda t: t.startswith("Lào Cai, ngày")), "ngày 05", "ngày 5")


def _date_upright(doc: DocumentObject) -> None:
    _set_rpr(_paragraph(doc, lambda t: t.startswith("Lào Cai, ngày")), "w:i", "0")


def _no_first_page(doc: DocumentObject) -> None:
    doc.sections[0].different_first_page_header_footer = False


def _no_page_field(doc: DocumentObject) -> None:
    header = doc.sections[0].header._element
    for node in list(header.iter(qn("w:instrText"))):
        node.text = " DATE "


def _recipients_label(doc: DocumentObject) -> None:
    _set_rpr(_paragraph(doc, lambda t: t == "Nơi nhận:"), "w:i", "0")


def _recipients_size(doc: DocumentObject) -> None:
    _set_rpr(_paragraph(doc, lambda t: t == "- Lãnh đạo Sở;"), "w:sz", "24")


def _last_recipient(doc: DocumentObject) -> None:
    _set_text(_paragraph(doc, lambda t: t.startswith("- Lưu")), "- Lưu: VT, VP.", "- VP.")


def _body_left(doc: DocumentObject) -> None:
    p = _paragraph(doc, lambda t: t.startswith("Thực hiện Quyết định"))
    doc.paragraphs[0].__class__(p, doc).paragraph_format.alignment = 0  # LEFT


def _indent_2cm(doc: DocumentObject) -> None:
    doc.styles["Nội dung"].paragraph_format.first_line_indent = Cm(2)


def _double_spaced(doc: DocumentObject) -> None:
    doc.styles["Nội dung"].paragraph_format.line_spacing = 2.0


def _no_spacing(doc: DocumentObject) -> None:
    doc.styles["Nội dung"].paragraph_format.space_after = Pt(0)


def _body_12pt(doc: DocumentObject) -> None:
    doc.styles["Nội dung"].font.size = Pt(12)


def _issuer_rule_long(doc: DocumentObject) -> None:
    p = _paragraph(doc, lambda t: t.startswith("SỞ THÔNG TIN"))
    rule = p.getnext()
    rule.find(f"{qn('w:pPr')}/{qn('w:ind')}").set(qn("w:left"), "0")
    rule.find(f"{qn('w:pPr')}/{qn('w:ind')}").set(qn("w:right"), "0")


def _motto_rule_gone(doc: DocumentObject) -> None:
    p = _paragraph(doc, lambda t: t.startswith("Độc lập"))
    rule = p.getnext()
    rule.getparent().remove(rule)


def _no_closing(doc: DocumentObject) -> None:
    _set_text(_paragraph(doc, lambda t: t.endswith("./.")), "./.", ".")


def _no_national_name(doc: DocumentObject) -> None:
    _set_text(_paragraph(doc, lambda t: t.startswith("CỘNG HÒA")), "CỘNG HÒA", "CỘNG")


def _motto_without_spaces(doc: DocumentObject) -> None:
    _set_text(_paragraph(doc, lambda t: t.startswith("Độc lập")), " - ", "-")


def _issuer_not_bold(doc: DocumentObject) -> None:
    doc.styles["Cơ quan ban hành"].font.bold = False


def _signer_small(doc: DocumentObject) -> None:
    doc.styles["Họ tên người ký"].font.size = Pt(12)


@pytest.mark.parametrize(
    ("change", "rules"),
    [
        (_margin, {"margins.left"}),
        (_letter, {"page.size"}),
        (_arial_run, {"fonts.runs"}),
        # The runs name Times New Roman themselves, so only the style is wrong.
        (_theme_style, {"fonts.style"}),
        (_national_name_14, {"national_name.size"}),
        (_motto_not_bold, {"national_motto.bold"}),
        (_number_unpadded, {"number_line.format"}),
        (_month_padded, {"date_line.format"}),
        (_date_upright, {"date_line.italic"}),
        (_no_first_page, {"page_numbers.first_page"}),
        (_no_page_field, {"page_numbers.missing"}),
        (_recipients_label, {"recipients_label.italic"}),
        (_recipients_size, {"recipients.size"}),
        (_last_recipient, {"recipients.format"}),
        (_body_left, {"body.align"}),
        (_indent_2cm, {"body.indent"}),
        (_double_spaced, {"body.line_spacing"}),
        (_no_spacing, {"body.spacing"}),
        (_body_12pt, {"body.size"}),
        (_issuer_rule_long, {"issuing_body.rule"}),
        (_motto_rule_gone, {"national_motto.rule"}),
        (_no_closing, {"closing"}),
        (_no_national_name, {"national_name.missing"}),
        (_motto_without_spaces, {"national_motto.missing"}),
        (_issuer_not_bold, {"issuing_body.bold"}),
        (_signer_small, {"signer.size"}),
    ],
    ids=lambda x: x.__name__.strip("_") if callable(x) else "",
)
def test_each_breach_is_found(docx_bytes: bytes, change: Callable[[DocumentObject], None],
                              rules: set[str]) -> None:
    breaches = _lint(docx_bytes, change)
    assert _rules(breaches) == rules, [str(b) for b in breaches]
    assert all(b.where and b.found for b in breaches)


def test_a_breach_says_where_and_what(docx_bytes: bytes) -> None:
    [margin] = _lint(docx_bytes, _margin)
    assert margin.where == "page"
    assert margin.found == "25.0 mm; the left margin must be 30–35 mm"
    [number] = _lint(docx_bytes, _number_unpadded)
    assert number.where.startswith("paragraph ") and "Số: 5/BC-STTTT" in number.where
    assert "ghi 05" in number.found and "write 05" in number.found
    [run] = _lint(docx_bytes, _arial_run)
    assert "eastAsia=Arial" in run.found


def test_a_plain_document_breaks_almost_everything() -> None:
    doc = Document()
    doc.add_paragraph("Một văn bản không theo mẫu")
    out = io.BytesIO()
    doc.save(out)
    rules = _rules(lint_docx(out.getvalue()))
    assert {"page.size", "margins.right", "fonts.style", "fonts.runs", "page_numbers.missing",
            "national_name.missing", "national_motto.missing", "number_line.missing",
            "date_line.missing", "header.columns", "document_type.missing",
            "recipients.missing"} <= rules
