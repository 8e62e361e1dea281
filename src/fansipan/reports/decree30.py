"""The Decree 30/2020/NĐ-CP layout rules as data, and a linter that checks a DOCX by them.

`lint_docx(path)` returns one `Breach` per rule broken, naming the rule, where it was
broken and what was found; an empty list means the file passes. It reads any DOCX: the
elements are found by their text and place (the national name, the "Số:" line, the date
line, "Nơi nhận:"), and every size, weight and font is the effective one, resolved
through styles as Word does.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, Final

from docx import Document
from docx.document import Document as DocumentObject
from docx.oxml.ns import qn
from lxml.etree import _Element

from fansipan.domain.documents import (
    NATIONAL_MOTTO,
    NATIONAL_NAME,
    parse_date_line,
    parse_number_line,
)
from fansipan.errors import ValidationError
from fansipan.reports.decree30_rules import (
    CLOSING_MARK,
    DOCUMENT_TYPES,
    ELEMENTS,
    FIRST_LINE_CM,
    FIRST_LINE_TOLERANCE_CM,
    LINE_SPACING,
    MARGINS_MM,
    MIN_PARAGRAPH_SPACING_PT,
    PAGE_MM,
    PAGE_TOLERANCE_MM,
    RULE_RATIOS,
    Breach,
    ElementRule,
)
from fansipan.reports.metrics import longest_line
from fansipan.reports.styles import FONT
from fansipan.reports.wordml import (
    SLOTS,
    ParagraphFormat,
    Resolver,
    paragraph_text,
    runs_with_text,
)

__all__ = ["ELEMENTS", "MARGINS_MM", "PAGE_MM", "RULE_RATIOS", "Breach", "ElementRule",
           "lint_docx"]

_DRAFT_NUMBER: Final = re.compile(r"Số:\s+/\S+")
_DATE_LIKE: Final = re.compile(r".+, ngày .+ tháng .+ năm \d{4}")
_TWIPS_PER_MM: Final = 1440 / 25.4


def _short(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= 40 else one[:39] + "…"


def _fmt(value: float) -> str:
    return f"{value:g}"


# -- the linter -----------------------------------------------------------------------------


def lint_docx(source: str | Path | bytes | IO[bytes]) -> list[Breach]:
    """Every breach of the Decree 30 layout rules found in a DOCX file."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    doc = Document(str(stream) if isinstance(stream, Path) else stream)
    return _Linter(doc).run()


class _Linter:
    def __init__(self, doc: DocumentObject) -> None:
        self.doc = doc
        self.body: _Element = doc.element.body
        self.res = Resolver(doc.styles.element)
        self.breaches: list[Breach] = []
        self.paragraphs: list[_Element] = list(self.body.iter(qn("w:p")))
        self.index = {p: i + 1 for i, p in enumerate(self.paragraphs)}

    def add(self, rule: str, where: str, found: str) -> None:
        self.breaches.append(Breach(rule, where, found))

    def where(self, p: _Element) -> str:
        return f"paragraph {self.index.get(p, 0)} '{_short(paragraph_text(p))}'"

    def run(self) -> list[Breach]:
        self.page()
        self.fonts()
        self.page_numbers()
        header = self.header_block()
        self.title_and_body(header)
        self.signature_block()
        return self.breaches

    # -- page ---------------------------------------------------------------------------

    def page(self) -> None:
        sect = self.body.find(qn("w:sectPr"))
        size = None if sect is None else sect.find(qn("w:pgSz"))
        margins = None if sect is None else sect.find(qn("w:pgMar"))
        if size is None or margins is None:
            self.add("page.size", "page", "no page size or margins set (A4, 20-25/30-35/15-20)")
            return
        w = int(size.get(qn("w:w"), "0")) / _TWIPS_PER_MM
        h = int(size.get(qn("w:h"), "0")) / _TWIPS_PER_MM
        if abs(w - PAGE_MM[0]) > PAGE_TOLERANCE_MM or abs(h - PAGE_MM[1]) > PAGE_TOLERANCE_MM:
            self.add("page.size", "page",
                     f"{w:.0f} × {h:.0f} mm; A4 portrait is 210 × 297 mm")
        for side, (low, high) in MARGINS_MM.items():
            value = int(margins.get(qn(f"w:{side}"), "0")) / _TWIPS_PER_MM
            if not low - 0.2 <= value <= high + 0.2:
                self.add(f"margins.{side}", "page",
                         f"{value:.1f} mm; the {side} margin must be {_fmt(low)}–{_fmt(high)} mm")

    # -- fonts --------------------------------------------------------------------------

    def _parts(self) -> list[tuple[str, _Element]]:
        parts = [("body", self.doc.element)]
        sect = self.body.find(qn("w:sectPr"))
        if sect is not None:
            for ref in sect:
                if ref.tag in (qn("w:headerReference"), qn("w:footerReference")):
                    rel = ref.get(qn("r:id"))
                    part = self.doc.part.related_parts.get(rel) if rel else None
                    element = getattr(part, "element", None)
                    if element is not None:
                        kind = ref.get(qn("w:type"), "default")
                        tag = "header" if ref.tag == qn("w:headerReference") else "footer"
                        parts.append((f"{tag} ({kind})", element))
        return parts

    def fonts(self) -> None:
        styles_root: _Element = self.doc.styles.element
        for style in styles_root.iter(qn("w:style"), qn("w:docDefaults")):
            for fonts in style.iter(qn("w:rFonts")):  # conditional table parts too
                wrong = self._explicit_slots(fonts)
                if wrong:
                    name = style.get(qn("w:styleId")) or "document defaults"
                    self.add("fonts.style", f"style '{name}'", wrong)
                    break
        for label, root in self._parts():
            bad_runs = 0
            first = ""
            for p in root.iter(qn("w:p")):
                for r in runs_with_text(p):
                    slots = self.res.fonts(r, p)
                    off = {s: f for s, f in slots.items() if f != FONT}
                    if off:
                        bad_runs += 1
                        if not first:
                            shown = ", ".join(f"{s}={f}" for s, f in off.items())
                            first = f"{self.where(p) if label == 'body' else label}: {shown}"
            if bad_runs:
                self.add("fonts.runs", label,
                         f"{bad_runs} run(s) not in {FONT} in every slot "
                         f"({', '.join(SLOTS)}); first: {first}")

    @staticmethod
    def _explicit_slots(fonts: _Element) -> str:
        problems = []
        for slot in SLOTS:
            for attr in (f"{slot}Theme", "cstheme" if slot == "cs" else ""):
                if attr and fonts.get(qn(f"w:{attr}")):
                    problems.append(f"{slot} uses the theme font {fonts.get(qn(f'w:{attr}'))}")
            name = fonts.get(qn(f"w:{slot}"))
            if name is not None and name != FONT:
                problems.append(f"{slot}={name}")
        return "; ".join(problems) + (f" (want {FONT} in every slot)" if problems else "")

    # -- page numbers ---------------------------------------------------------------------

    def page_numbers(self) -> None:
        sect = self.body.find(qn("w:sectPr"))
        title_pg = sect is not None and sect.find(qn("w:titlePg")) is not None
        if title_pg and sect is not None:
            node = sect.find(qn("w:titlePg"))
            title_pg = node is not None and node.get(qn("w:val"), "1").lower() not in (
                "0", "false")
        headers = {label: el for label, el in self._parts() if label.startswith("header")}
        default = headers.get("header (default)")
        first = headers.get("header (first)")
        numbered = default is not None and _has_page_field(default)
        if not numbered:
            self.add("page_numbers.missing", "header of page 2 on",
                     "no PAGE field; pages after the first are numbered in the top margin")
        if numbered and not title_pg:
            self.add("page_numbers.first_page", "header of page 1",
                     "page 1 shows a page number; set a different first page without one")
        if title_pg and first is not None and _has_page_field(first):
            self.add("page_numbers.first_page", "header of page 1",
                     "the first-page header has a PAGE field; page 1 shows no number")
        if default is not None and numbered:
            for p in default.iter(qn("w:p")):
                if not _has_page_field(p):
                    continue
                fmt = self.res.paragraph(p)
                if fmt.align != "center":
                    self.add("page_numbers.align", "header of page 2 on",
                             f"aligned {fmt.align}; page numbers are centred")
                for r in p.iter(qn("w:r")):
                    size = self.res.size(r, p)
                    rule = ELEMENTS["page_number"]
                    if size is None or not rule.size[0] <= size <= rule.size[1]:
                        self.add("page_number.size", "header of page 2 on",
                                 f"{size} pt; page numbers are 13–14 pt")
                        break

    # -- header block ---------------------------------------------------------------------

    def _find(self, predicate: Callable[[str], bool]) -> _Element | None:
        return next((p for p in self.paragraphs if predicate(paragraph_text(p).strip())), None)

    def check_element(self, key: str, p: _Element) -> None:
        rule = ELEMENTS[key]
        runs = list(runs_with_text(p))
        if not runs:
            return
        sizes = {self.res.size(r, p) for r in runs}
        bad = sorted(str(s) for s in sizes if s is None or not rule.size[0] <= s <= rule.size[1])
        if bad:
            want = (_fmt(rule.size[0]) if rule.size[0] == rule.size[1]
                    else f"{_fmt(rule.size[0])}–{_fmt(rule.size[1])}")
            self.add(f"{key}.size", self.where(p),
                     f"{', '.join(bad)} pt; {rule.name_vi} is {want} pt")
        for flag, wanted in (("b", rule.bold), ("i", rule.italic)):
            if wanted is None:
                continue
            wrong = [r for r in runs if self.res.toggle(r, p, flag) is not wanted]
            if wrong:
                word = "bold" if flag == "b" else "italic"
                state = "not " if wanted else ""
                self.add(f"{key}.{word}", self.where(p),
                         f"{len(wrong)} run(s) {state}{word}; {rule.name_vi} is "
                         f"{'' if wanted else 'not '}{word}")

    def _rule_after(self, key: str, p: _Element, text: str, size: float, bold: bool) -> None:
        """The rule (a bordered empty paragraph) under `p`, measured against the text."""
        following = p.getnext()
        if following is not None and paragraph_text(following).strip():
            following = None  # the next paragraph has text: there is no rule
        if following is None or following.tag != qn("w:p"):
            self.add(f"{key}.rule", self.where(p), "no solid line under it")
            return
        fmt = self.res.paragraph(following)
        if not fmt.border_bottom:
            self.add(f"{key}.rule", self.where(p), "no solid line under it")
            return
        room = self._room_twips(following)
        length_pt = (room - fmt.left_twips - fmt.right_twips) / 20
        lines = [ln for ln in text.split("\n") if ln.strip()]
        text_pt = longest_line(lines, size, bold=bold)
        if text_pt <= 0:
            return
        ratio = length_pt / text_pt
        low, high = RULE_RATIOS[key]
        if not low <= ratio <= high:
            want = "as long as the text" if key == "national_motto" else "1/3–1/2 of the text"
            self.add(f"{key}.rule", self.where(p),
                     f"the line is {ratio:.2f} of the text's length; it must be {want}")

    def _room_twips(self, p: _Element) -> float:
        for tc in p.iterancestors(qn("w:tc")):
            width = tc.find(f"{qn('w:tcPr')}/{qn('w:tcW')}")
            if width is not None and width.get(qn("w:type")) == "dxa":
                return int(width.get(qn("w:w"), "0")) - 2 * 108
            break
        sect = self.body.find(qn("w:sectPr"))
        if sect is None:
            return 0.0
        size, margins = sect.find(qn("w:pgSz")), sect.find(qn("w:pgMar"))
        if size is None or margins is None:
            return 0.0
        return (int(size.get(qn("w:w"), "0")) - int(margins.get(qn("w:left"), "0"))
                - int(margins.get(qn("w:right"), "0")))

    def header_block(self) -> _Element | None:
        """Check the header block; return its table (None when it is not a table)."""
        name = self._find(lambda t: t.replace("HOÀ", "HÒA") == NATIONAL_NAME)
        motto = self._find(lambda t: t == NATIONAL_MOTTO)
        if name is None:
            self.add("national_name.missing", "page 1", f"no '{NATIONAL_NAME}' line")
        else:
            self.check_element("national_name", name)
        if motto is None:
            self.add("national_motto.missing", "page 1",
                     f"no '{NATIONAL_MOTTO}' line (capitals, hyphens with spaces)")
        else:
            self.check_element("national_motto", motto)
            self._rule_after("national_motto", motto, NATIONAL_MOTTO,
                             self._size_of(motto, 13.0), True)
        number = self._find(lambda t: t.startswith("Số") and "/" in t)
        if number is None:
            self.add("number_line.missing", "page 1", "no 'Số: 05/BC-…' line")
        else:
            self.check_element("number_line", number)
            text = paragraph_text(number).strip()
            if not _DRAFT_NUMBER.fullmatch(text):
                try:
                    parse_number_line(text)
                except ValidationError as error:
                    self.add("number_line.format", self.where(number), error.message)
        date_line = self._find(lambda t: bool(_DATE_LIKE.fullmatch(t)))
        if date_line is None:
            self.add("date_line.missing", "page 1",
                     "no 'Lào Cai, ngày 05 tháng 01 năm 2020' line")
        else:
            self.check_element("date_line", date_line)
            try:
                parse_date_line(paragraph_text(date_line).strip())
            except ValidationError as error:
                self.add("date_line.format", self.where(date_line), error.message)
        anchor = next((p for p in (name, motto, number) if p is not None), None)
        table = None if anchor is None else next(anchor.iterancestors(qn("w:tbl")), None)
        if anchor is None or table is None:
            self.add("header.columns", "page 1",
                     "the header block is not a two-column table (bodies left, national "
                     "name right)")
            return None
        self._bodies(table, anchor)
        return table

    def _size_of(self, p: _Element, fallback: float) -> float:
        runs = list(runs_with_text(p))
        return (self.res.size(runs[0], p) or fallback) if runs else fallback

    def _bodies(self, table: _Element, anchor: _Element) -> None:
        """The issuing body: the first-row cell left of the national name's."""
        first_row = table.find(qn("w:tr"))
        cells = [] if first_row is None else [c for c in first_row if c.tag == qn("w:tc")]
        others = cells[:-1] if len(cells) > 1 else []
        if not others:
            self.add("issuing_body.missing", "page 1", "no column for the issuing body")
            return
        texts = [p for p in others[0].iter(qn("w:p")) if paragraph_text(p).strip()]
        if not texts:
            self.add("issuing_body.missing", "page 1", "the issuing body's column is empty")
            return
        issuer = texts[-1]
        for parent in texts[:-1]:
            self.check_element("parent_body", parent)
        self.check_element("issuing_body", issuer)
        text = paragraph_text(issuer)
        self._rule_after("issuing_body", issuer, text, self._size_of(issuer, 12.0),
                         self._bold_of(issuer))

    def _bold_of(self, p: _Element) -> bool:
        runs = list(runs_with_text(p))
        return bool(runs) and self.res.toggle(runs[0], p, "b")

    # -- title, subject, body ---------------------------------------------------------------

    def title_and_body(self, header: _Element | None) -> None:
        top = [el for el in self.body if el.tag in (qn("w:p"), qn("w:tbl"))]
        start = top.index(header) + 1 if header is not None and header in top else 0
        kind_at = next((i for i in range(start, len(top)) if top[i].tag == qn("w:p")
                        and paragraph_text(top[i]).strip() in DOCUMENT_TYPES), None)
        if kind_at is None:
            self.add("document_type.missing", "page 1",
                     "no document type line in capitals (e.g. BÁO CÁO) under the header")
            return
        kind = top[kind_at]
        self.check_element("document_type", kind)
        if self.res.paragraph(kind).align != "center":
            self.add("document_type.align", self.where(kind), "not centred")
        subject_at = next((i for i in range(kind_at + 1, len(top)) if top[i].tag == qn("w:p")
                           and paragraph_text(top[i]).strip()), None)
        if subject_at is None:
            self.add("subject.missing", self.where(kind), "no subject line under it")
            return
        subject = top[subject_at]
        self.check_element("subject", subject)
        self._rule_after("subject", subject, paragraph_text(subject),
                         self._size_of(subject, 14.0), self._bold_of(subject))
        end = next((i for i in range(subject_at + 1, len(top)) if top[i].tag == qn("w:tbl")
                    and "Nơi nhận" in "".join(t.text or "" for t in top[i].iter(qn("w:t")))),
                   len(top))
        last_text: _Element | None = None
        for i in range(subject_at + 1, end):
            el = top[i]
            if el.tag != qn("w:p") or not paragraph_text(el).strip():
                continue
            last_text = el
            text = paragraph_text(el).strip()
            if text.startswith("Kính gửi") or (text.startswith("- ") and i < subject_at + 8):
                continue
            fmt = self.res.paragraph(el)
            if fmt.align in ("center", "right", "end"):
                continue  # a part title, a caption or a unit line, not running text
            if _next_to_table(top, i):
                continue  # a table's caption or note
            self.check_element("body", el)
            self._body_format(el, fmt)
        if last_text is not None and not paragraph_text(last_text).rstrip().endswith(
            CLOSING_MARK
        ):
            self.add("closing", self.where(last_text),
                     f"the content does not end with '{CLOSING_MARK}'")

    def _body_format(self, p: _Element, fmt: ParagraphFormat) -> None:
        if fmt.align not in ("both", "distribute"):
            self.add("body.align", self.where(p), f"aligned {fmt.align}; body text is justified")
        first_cm = fmt.first_line_twips / 1440 * 2.54
        if not any(abs(first_cm - w) <= FIRST_LINE_TOLERANCE_CM for w in FIRST_LINE_CM):
            self.add("body.indent", self.where(p),
                     f"first line indented {first_cm:.2f} cm; it must be 1 or 1,27 cm")
        spacing = (fmt.before_twips + fmt.after_twips) / 20
        if spacing < MIN_PARAGRAPH_SPACING_PT:
            self.add("body.spacing", self.where(p),
                     f"{spacing:g} pt between paragraphs; at least 6 pt")
        multiple = fmt.line_multiple
        if multiple is None:
            size = self._size_of(p, 14.0)
            multiple = fmt.line / 20 / (size * 1.15)
        if not LINE_SPACING[0] - 0.01 <= multiple <= LINE_SPACING[1] + 0.01:
            self.add("body.line_spacing", self.where(p),
                     f"{multiple:.2f} lines; line spacing is single to 1,5 lines")

    # -- recipients and signature ---------------------------------------------------------------

    def signature_block(self) -> None:
        label = self._find(lambda t: t.startswith("Nơi nhận"))
        if label is None:
            self.add("recipients.missing", "end", "no 'Nơi nhận:' list")
            return
        self.check_element("recipients_label", label)
        cell = next(label.iterancestors(qn("w:tc")), None)
        if cell is None:
            self.add("recipients.columns", self.where(label),
                     "not in a two-column block beside the signature")
            return
        items = [p for p in cell.iter(qn("w:p")) if paragraph_text(p).strip()
                 and p is not label]
        if not items:
            self.add("recipients.missing", self.where(label), "the list is empty")
        for p in items:
            self.check_element("recipients", p)
        for p in items[:-1]:
            text = paragraph_text(p).strip()
            if not (text.startswith("- ") and text.endswith(";")):
                self.add("recipients.format", self.where(p),
                         "each recipient reads '- Name;'")
        if items:
            last = paragraph_text(items[-1]).strip()
            if not (last.startswith("- Lưu: VT") and last.endswith(".")):
                self.add("recipients.format", self.where(items[-1]),
                         "the list ends '- Lưu: VT, <drafting unit>.'")
        row = next(cell.iterancestors(qn("w:tr")), None)
        signer_cells = [] if row is None else [c for c in row if c.tag == qn("w:tc")
                                               and c is not cell]
        lines = [] if not signer_cells else [
            p for p in signer_cells[-1].iter(qn("w:p")) if paragraph_text(p).strip()]
        if not lines:
            self.add("signer.missing", self.where(label), "no signature block beside it")
            return
        for p in lines[:-1]:
            self.check_element("authority", p)
        self.check_element("signer", lines[-1])


def _has_page_field(root: _Element) -> bool:
    for node in root.iter(qn("w:instrText"), qn("w:fldSimple")):
        instruction = node.text if node.tag == qn("w:instrText") else node.get(qn("w:instr"))
        if instruction and instruction.strip().upper().startswith("PAGE"):
            return True
    return False


def _next_to_table(top: list[_Element], i: int) -> bool:
    """A paragraph within two places before a table or right after one."""
    before = any(j < len(top) and top[j].tag == qn("w:tbl") for j in (i + 1, i + 2))
    after = i > 0 and top[i - 1].tag == qn("w:tbl")
    return before or after
