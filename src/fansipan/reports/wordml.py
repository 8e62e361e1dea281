"""Reading a DOCX the way Word lays it out: effective run and paragraph properties.

A run's size, weight and fonts come from the first place that sets them, in Word's order:
the run itself, its character style, the paragraph's style chain, the table's style, the
document defaults. The Decree 30 linter asks these questions of any file, ours or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from docx.oxml.ns import qn
from lxml.etree import _Element

SLOTS: Final = ("ascii", "hAnsi", "cs", "eastAsia")
_THEME: Final = {"ascii": "asciiTheme", "hAnsi": "hAnsiTheme", "cs": "cstheme",
                 "eastAsia": "eastAsiaTheme"}
_FALSE: Final = {"0", "false", "off", "none"}


def paragraph_text(p: _Element) -> str:
    """The text of a paragraph, a line break as "\\n" and a tab as "\\t"."""
    out: list[str] = []
    for node in p.iter(qn("w:t"), qn("w:br"), qn("w:tab"), qn("w:cr")):
        if node.tag == qn("w:t"):
            out.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parent = node.getparent()
            if parent is not None and parent.tag == qn("w:r"):  # not a tab stop definition
                out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


def runs_with_text(p: _Element) -> Iterator[_Element]:
    for r in p.iter(qn("w:r")):
        if any((t.text or "").strip() for t in r.iter(qn("w:t"))):
            yield r


@dataclass(frozen=True)
class ParagraphFormat:
    align: str  # left, center, right, both (justified), …
    first_line_twips: int  # negative for a hanging indent
    left_twips: int
    right_twips: int
    before_twips: int
    after_twips: int
    line: int  # w:line: 240ths of a line when auto, else twips
    line_rule: str  # auto, exact, atLeast
    border_bottom: bool

    @property
    def line_multiple(self) -> float | None:
        return self.line / 240 if self.line_rule == "auto" else None


class Resolver:
    """Effective properties for the paragraphs and runs of one document's parts."""

    def __init__(self, styles_root: _Element) -> None:
        self._styles = {
            s.get(qn("w:styleId")): s for s in styles_root.iter(qn("w:style"))
        }
        defaults = styles_root.find(qn("w:docDefaults"))
        self._default_rpr = None if defaults is None else defaults.find(
            f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self._default_ppr = None if defaults is None else defaults.find(
            f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        default_para = [s for s in self._styles.values()
                        if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) == "1"]
        self._default_paragraph_style = default_para[0] if default_para else None

    def style(self, style_id: str | None) -> _Element | None:
        return None if style_id is None else self._styles.get(style_id)

    def _chain(self, style: _Element | None) -> list[_Element]:
        seen: list[_Element] = []
        while style is not None and style not in seen:
            seen.append(style)
            based = style.find(qn("w:basedOn"))
            style = self.style(based.get(qn("w:val"))) if based is not None else None
        return seen

    def _paragraph_style(self, p: _Element) -> _Element | None:
        ps = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if ps is not None:
            return self.style(ps.get(qn("w:val")))
        return self._default_paragraph_style

    def _table_style(self, p: _Element) -> _Element | None:
        for tbl in p.iterancestors(qn("w:tbl")):
            ts = tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
            return self.style(ts.get(qn("w:val"))) if ts is not None else None
        return None

    def _rpr_levels(self, r: _Element, p: _Element) -> list[_Element]:
        levels: list[_Element] = []
        own = r.find(qn("w:rPr"))
        if own is not None:
            levels.append(own)
            rs = own.find(qn("w:rStyle"))
            if rs is not None:
                levels.extend(x for s in self._chain(self.style(rs.get(qn("w:val"))))
                              if (x := s.find(qn("w:rPr"))) is not None)
        for source in (self._paragraph_style(p), self._table_style(p)):
            levels.extend(x for s in self._chain(source)
                          if (x := s.find(qn("w:rPr"))) is not None)
        if self._default_rpr is not None:
            levels.append(self._default_rpr)
        return levels

    def _ppr_levels(self, p: _Element) -> list[_Element]:
        levels: list[_Element] = []
        own = p.find(qn("w:pPr"))
        if own is not None:
            levels.append(own)
        for source in (self._paragraph_style(p), self._table_style(p)):
            levels.extend(x for s in self._chain(source)
                          if (x := s.find(qn("w:pPr"))) is not None)
        if self._default_ppr is not None:
            levels.append(self._default_ppr)
        return levels

    # -- runs -----------------------------------------------------------------------------

    def size(self, r: _Element, p: _Element) -> float | None:
        """Points, or None when nothing sets it (Word then uses 10 pt)."""
        for level in self._rpr_levels(r, p):
            sz = level.find(qn("w:sz"))
            if sz is not None and sz.get(qn("w:val")):
                return int(sz.get(qn("w:val"), "0")) / 2
        return None

    def toggle(self, r: _Element, p: _Element, name: str) -> bool:
        """Bold ("b"), italic ("i") and the like; an empty element means on."""
        for level in self._rpr_levels(r, p):
            node = level.find(qn(f"w:{name}"))
            if node is not None:
                return node.get(qn("w:val"), "1").lower() not in _FALSE
        return False

    def fonts(self, r: _Element, p: _Element) -> dict[str, str]:
        """The font of each slot, "theme:<name>" where a theme font decides it."""
        found: dict[str, str] = {}
        for level in self._rpr_levels(r, p):
            node = level.find(qn("w:rFonts"))
            if node is None:
                continue
            for slot in SLOTS:
                if slot in found:
                    continue
                theme = node.get(qn(f"w:{_THEME[slot]}"))
                name = node.get(qn(f"w:{slot}"))
                if theme:
                    found[slot] = f"theme:{theme}"
                elif name:
                    found[slot] = name
        return {slot: found.get(slot, "(none)") for slot in SLOTS}

    # -- paragraphs -------------------------------------------------------------------------

    def paragraph(self, p: _Element) -> ParagraphFormat:
        levels = self._ppr_levels(p)

        def attr(tag: str, name: str) -> str | None:
            for level in levels:
                node = level.find(qn(f"w:{tag}"))
                if node is not None and node.get(qn(f"w:{name}")) is not None:
                    return node.get(qn(f"w:{name}"))
            return None

        first = attr("ind", "firstLine")
        hanging = attr("ind", "hanging")
        first_twips = -int(hanging) if hanging not in (None, "0") and first is None else int(
            first or 0)
        border = False
        for level in levels:
            bdr = level.find(qn("w:pBdr"))
            if bdr is not None:
                bottom = bdr.find(qn("w:bottom"))
                border = bottom is not None and bottom.get(qn("w:val")) not in ("nil", "none")
                break
        return ParagraphFormat(
            align=attr("jc", "val") or "left",
            first_line_twips=first_twips,
            left_twips=int(attr("ind", "left") or attr("ind", "start") or 0),
            right_twips=int(attr("ind", "right") or attr("ind", "end") or 0),
            before_twips=int(attr("spacing", "before") or 0),
            after_twips=int(attr("spacing", "after") or 0),
            line=int(attr("spacing", "line") or 240),
            line_rule=attr("spacing", "lineRule") or "auto",
            border_bottom=border,
        )
