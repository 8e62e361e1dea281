"""A report as a Word file in the Decree 30 layout, filled into the shipped template.

The template (templates/bao-cao.docx, built by scripts/make_report_template.py) holds the
page, the styles and where each part goes; officers may edit it in Word. What a template
cannot hold is added here as sub-documents: the data tables, and the rules under the
issuing body and the subject, whose length follows the text (1/3–1/2 of it, Decree 30).
"""

from __future__ import annotations

import io
from importlib import resources
from pathlib import Path
from typing import Final

from docx.document import Document as DocumentObject
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docxtpl import DocxTemplate, Listing
from lxml.etree import _Element

from fansipan.reports.layout import LaidBlock, LaidTable, lay_out
from fansipan.reports.metrics import balanced_lines, rule_length
from fansipan.reports.model import Report
from fansipan.reports.ooxml import (
    TWIPS_PER_MM,
    fixed_widths,
    font_every_run,
    keep_rows_whole,
    repeat_as_header,
    set_indents_twips,
)
from fansipan.reports.styles import CELL_MARGIN_MM, PAGE, RULE_RATIO, STYLE, TABLE_STYLE

__all__ = ["DEFAULT_TEMPLATE", "write_docx"]

DEFAULT_TEMPLATE: Final = "bao-cao.docx"
_ISSUER_TAG: Final = "issuer_rule"
_SUBJECT_TAG: Final = "subject_rule"
_CELL_STYLES: Final = {"left": "OBang", "right": "OBangSo", "center": "OBangGiua"}


def _template_bytes(template: Path | None) -> io.BytesIO:
    if template is not None:
        return io.BytesIO(template.read_bytes())
    shipped = resources.files("fansipan.reports") / "templates" / DEFAULT_TEMPLATE
    return io.BytesIO(shipped.read_bytes())


def write_docx(report: Report, *, template: Path | None = None) -> bytes:
    """The report as .docx bytes; `template` replaces the shipped one (same tags)."""
    layout = lay_out(report)
    tpl = DocxTemplate(_template_bytes(template))
    tpl.init_docx()
    doc: DocumentObject = tpl.get_docx()
    issuer_room = _room_mm(doc, _ISSUER_TAG)
    subject_room = _room_mm(doc, _SUBJECT_TAG)
    context = {
        "parent_body": _lines(layout.parent_body, "CoQuanChuQuan", issuer_room),
        "issuing_body": _lines(layout.issuing_body, "CoQuanBanHanh", issuer_room),
        "issuer_rule": _rule(tpl, layout.issuing_body, "CoQuanBanHanh", issuer_room),
        "number_line": layout.number_line,
        "place_date_line": layout.place_date_line,
        "document_type": layout.document_type,
        "subject": _lines(layout.subject, "TrichYeu", subject_room),
        "subject_rule": _rule(tpl, layout.subject, "TrichYeu", subject_room, after_pt=12),
        "addressees": list(layout.addressees),
        "blocks": [_block(tpl, b, PAGE.text_width_mm) for b in layout.blocks],
        "recipients": list(layout.recipients),
        "authority_lines": list(layout.authority_lines),
        "signer": layout.signer,
    }
    tpl.render(context, autoescape=True)
    props = tpl.docx.core_properties  # get_docx() would reload the template; dc: fields only
    props.title = f"{layout.document_type} {layout.subject}"
    props.subject = layout.subject
    props.author = layout.issuing_body
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _room_mm(doc: DocumentObject, tag: str) -> float:
    """The width available to the paragraph holding `{{p tag }}`: its table cell's width
    less the cell margins, or the page's text width outside a table."""
    for p in doc.element.body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if tag not in text:
            continue
        cell = next((a for a in p.iterancestors(qn("w:tc"))), None)
        if cell is not None:
            width = cell.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            if width is not None and width.get(qn("w:type")) == "dxa":
                return int(width.get(qn("w:w"), "0")) / TWIPS_PER_MM - 2 * CELL_MARGIN_MM
        break
    return PAGE.text_width_mm


def _lines(text: str, style_id: str, room_mm: float) -> Listing | str:
    """The text broken into balanced lines, as Word line breaks within one paragraph."""
    if not text:
        return ""
    spec = STYLE[style_id]
    lines = balanced_lines(text, spec.size, room_mm / 25.4 * 72, bold=spec.bold,
                           italic=spec.italic)
    return Listing("\n".join(lines))


def _rule(tpl: DocxTemplate, text: str, style_id: str, room_mm: float,
          after_pt: float = 0) -> object:
    """A paragraph whose bottom border is RULE_RATIO of the text's longest line, centred."""
    spec = STYLE[style_id]
    room_pt = room_mm / 25.4 * 72
    rule_pt = rule_length(text, spec.size, room_pt, ratio=RULE_RATIO, bold=spec.bold,
                          italic=spec.italic)
    side = max(0, round((room_pt - rule_pt) / 2 * 20))
    sub = tpl.new_subdoc()
    paragraph = sub.add_paragraph(style=STYLE["DuongKe"].name)
    ppr: _Element = paragraph._p.get_or_add_pPr()
    set_indents_twips(ppr, side, side)
    paragraph.paragraph_format.space_after = Pt(after_pt)
    return sub


def _block(tpl: DocxTemplate, block: LaidBlock, width_mm: float) -> dict[str, object]:
    table = None if block.table is None else _table(tpl, block.table, width_mm)
    return {"kind": block.kind, "text": block.text, "italic": block.italic, "table": table,
            "keep_with_next": block.keep_with_next}


def _table(tpl: DocxTemplate, table: LaidTable, width_mm: float) -> object:
    sub = tpl.new_subdoc()
    if table.caption:
        sub.add_paragraph(table.caption, style=STYLE["TenBang"].name)
    if table.unit_note:
        sub.add_paragraph(table.unit_note, style=STYLE["DonViTinh"].name)
    height = table.header_height
    grid = sub.add_table(rows=height + len(table.rows), cols=len(table.columns))
    grid.style = TABLE_STYLE[1]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    shares = [c.width for c in table.columns]
    fixed_widths(grid, [width_mm * s / sum(shares) for s in shares])
    for r, header_row in enumerate(table.header):
        for h in header_row:
            cell = grid.cell(r, h.column)
            if h.colspan > 1 or h.rowspan > 1:
                cell = cell.merge(grid.cell(r + h.rowspan - 1, h.column + h.colspan - 1))
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            first = cell.paragraphs[0]
            for extra in cell.paragraphs[1:]:  # merging leaves one paragraph per cell
                extra._p.getparent().remove(extra._p)
            first.style = STYLE["TieuDeBang"].name
            first.text = h.text
    cell_styles = [_CELL_STYLES[c.alignment] for c in table.columns]
    for i, row in enumerate(table.rows):
        for j, value in enumerate(row):
            cell = grid.cell(height + i, j)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = STYLE[cell_styles[j]].name
            p.text = value.text
    repeat_as_header(grid, height)
    keep_rows_whole(grid)
    if table.notes:
        sub.add_paragraph(table.notes, style=STYLE["GhiChuBang"].name)
    else:  # Word glues two tables that touch; a small gap keeps the next block apart
        gap = sub.add_paragraph(style=STYLE["GhiChuBang"].name)
        gap.paragraph_format.space_after = Mm(0)
    for element in sub.element.body:
        font_every_run(element)
    return sub
