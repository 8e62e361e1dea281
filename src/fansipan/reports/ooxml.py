"""Decree 30 formatting written into WordprocessingML, for the template and the writer.

python-docx sets a font name in two of the four slots only (ascii, hAnsi) and leaves the
theme attributes that override them; Word then shows Vietnamese text in Calibri or
Cambria. These helpers write all four slots, drop the theme references, and add what
python-docx has no API for: paragraph rules, page-number fields, borderless tables.
"""

from __future__ import annotations

from typing import Final

from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import BaseStyle, ParagraphStyle
from docx.table import Table
from lxml.etree import _Element

from fansipan.reports.styles import FONT, Style

FONT_SLOTS: Final = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")
_THEME_SLOTS: Final = ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme")
# Elements that follow w:rFonts in w:rPr (ECMA-376 CT_RPr order), and w:pBdr in w:pPr.
_AFTER_RFONTS: Final = (
    "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
    "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position",
    "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText",
    "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish",
    "w:oMath",
)  # fmt: skip
_AFTER_PBDR: Final = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
_ALIGN: Final = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
TWIPS_PER_MM: Final = 1440 / 25.4
# What follows w:tblW and w:tblBorders in w:tblPr (CT_TblPr order).
_AFTER_TBLW: Final = ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                      "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                      "w:tblDescription")
_AFTER_TBLBORDERS: Final = _AFTER_TBLW[4:]


def _insert_before(parent: _Element, child: _Element, successors: tuple[str, ...]) -> None:
    """Insert `child` before the first of `successors` present, as the schema orders them."""
    tags = {qn(t) for t in successors}
    for existing in parent:
        if existing.tag in tags:
            existing.addprevious(child)
            return
    parent.append(child)


def set_fonts(rpr: _Element) -> None:
    """Times New Roman in all four font slots of a w:rPr, with no theme font left over."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        _insert_before(rpr, fonts, _AFTER_RFONTS)
    for slot in _THEME_SLOTS:
        fonts.attrib.pop(qn(slot), None)
    for slot in FONT_SLOTS:
        fonts.set(qn(slot), FONT)


def run_properties(run_or_style_element: _Element) -> _Element:
    """The w:rPr of a w:r or w:style, created when missing."""
    rpr = run_or_style_element.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        if run_or_style_element.tag == qn("w:r"):
            run_or_style_element.insert(0, rpr)
        else:
            run_or_style_element.append(rpr)
    return rpr


def font_every_run(element: _Element) -> None:
    """Set the four font slots on every run inside `element`."""
    for run in element.iter(qn("w:r")):
        set_fonts(run_properties(run))


def set_language(rpr: _Element, lang: str = "vi-VN") -> None:
    found = rpr.find(qn("w:lang"))
    if found is None:
        found = OxmlElement("w:lang")
        _insert_before(rpr, found, ("w:eastAsianLayout", "w:specVanish", "w:oMath"))
    found.set(qn("w:val"), lang)
    found.set(qn("w:eastAsia"), lang)


def black_fonts(style: BaseStyle) -> None:
    """Times New Roman in every slot and black text for any style (paragraph, character
    or table); a theme colour would print the built-in headings blue."""
    set_fonts(run_properties(style.element))
    for nested in list(style.element.iter(qn("w:rFonts"))):  # conditional table parts
        parent = nested.getparent()
        if parent is not None:
            set_fonts(parent)
    if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER):
        color = style.font.color  # type: ignore[attr-defined]
        color.rgb = RGBColor(0, 0, 0)
        node = run_properties(style.element).find(qn("w:color"))
        if node is not None:
            for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
                node.attrib.pop(qn(attr), None)


def apply_style(style: ParagraphStyle, spec: Style) -> None:
    """Write one of our style specifications into a Word paragraph style."""
    font = style.font
    font.size = Pt(spec.size)
    font.bold = spec.bold
    font.italic = spec.italic
    black_fonts(style)
    fmt = style.paragraph_format
    fmt.alignment = _ALIGN[spec.align]
    fmt.first_line_indent = Cm(spec.first_line_cm)
    fmt.left_indent = Cm(spec.left_cm)
    fmt.right_indent = Cm(0)
    fmt.space_before = Pt(spec.before_pt)
    fmt.space_after = Pt(spec.after_pt)
    fmt.line_spacing = spec.line
    fmt.keep_with_next = spec.keep_next
    fmt.widow_control = True
    if spec.rule_below:
        add_bottom_rule(style.element.get_or_add_pPr())


def add_bottom_rule(ppr: _Element) -> None:
    """A solid 0,5 pt line under the paragraph, from its left to its right indent."""
    old = ppr.find(qn("w:pBdr"))
    if old is not None:
        ppr.remove(old)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    _insert_before(ppr, borders, _AFTER_PBDR)


def set_indents_twips(ppr: _Element, left: int, right: int) -> None:
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        _insert_before(ppr, ind, _AFTER_PBDR[_AFTER_PBDR.index("w:ind") + 1:])
    ind.set(qn("w:left"), str(left))
    ind.set(qn("w:right"), str(right))
    ind.set(qn("w:firstLine"), "0")


def page_field_runs(paragraph_element: _Element) -> None:
    """Append a PAGE field (begin, instruction, separator, shown value, end)."""
    def run() -> _Element:
        r = OxmlElement("w:r")
        set_fonts(run_properties(r))
        paragraph_element.append(r)
        return r

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run().append(begin)
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run().append(instruction)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run().append(separate)
    shown = OxmlElement("w:t")
    shown.text = "2"
    run().append(shown)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run().append(end)


def borderless(table: Table) -> None:
    """No borders at all, whatever the document's default table style says."""
    tbl_pr: _Element = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    _insert_before(tbl_pr, borders, _AFTER_TBLBORDERS)


def grid_borders(style_element: _Element) -> None:
    """Single 0,5 pt lines around and between every cell, in a table style's w:tblPr."""
    tbl_pr = style_element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        _insert_before(style_element, tbl_pr, ("w:trPr", "w:tcPr", "w:tblStylePr"))
    old = tbl_pr.find(qn("w:tblBorders"))
    if old is not None:
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "0"),
                           ("w:color", "000000")):
            edge.set(qn(key), value)
        borders.append(edge)
    _insert_before(tbl_pr, borders, _AFTER_TBLBORDERS)


def fixed_widths(table: Table, widths_mm: list[float]) -> None:
    """Column and cell widths in millimetres, laid out fixed so Word keeps them."""
    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>
    tbl_pr: _Element = table._tbl.tblPr
    old = tbl_pr.find(qn("w:tblW"))
    if old is not None:
        tbl_pr.remove(old)
    total = OxmlElement("w:tblW")
    total.set(qn("w:w"), str(round(sum(widths_mm) * TWIPS_PER_MM)))
    total.set(qn("w:type"), "dxa")
    _insert_before(tbl_pr, total, _AFTER_TBLW)
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Cm(width / 10)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Cm(width / 10)


def repeat_as_header(table: Table, rows: int) -> None:
    """Repeat the first `rows` rows at the top of every page the table runs onto."""
    for row in table.rows[:rows]:
        tr_pr: _Element = row._tr.get_or_add_trPr()
        flag = OxmlElement("w:tblHeader")
        tr_pr.append(flag)


def keep_rows_whole(table: Table) -> None:
    """No row splits across a page break: the signature block moves to the next page in
    one piece, with the name under the title."""
    for row in table.rows:
        tr_pr: _Element = row._tr.get_or_add_trPr()
        if tr_pr.find(qn("w:cantSplit")) is None:
            tr_pr.insert(0, OxmlElement("w:cantSplit"))


def cell_margins(style_element: _Element, side_twips: int) -> None:
    """Left and right cell margins of a table style (Word's default is 108 twips)."""
    tbl_pr = style_element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        _insert_before(style_element, tbl_pr, ("w:trPr", "w:tcPr", "w:tblStylePr"))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:w"), str(side_twips))
        edge.set(qn("w:type"), "dxa")
        margins.append(edge)
    _insert_before(tbl_pr, margins, ("w:tblLook", "w:tblCaption", "w:tblDescription"))
