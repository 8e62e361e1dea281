"""A report as PDF, drawn from HTML and CSS by WeasyPrint in the Decree 30 layout.

The page is the DOCX's: A4 portrait, the same margins, the page number centred in the top
margin from page 2 on (CSS `@page :first`), the same two-column header and signature
blocks and the same rule lengths, computed from Times New Roman's widths. The font is
named "Times New Roman" first, then its metric twin "Liberation Serif" that Debian ships
(fonts-liberation2 has every Vietnamese letter), so lines break where Word breaks them.
"""

from __future__ import annotations

from importlib import resources
from typing import Final

from jinja2 import Environment, StrictUndefined, select_autoescape
from weasyprint import HTML

from fansipan.domain.documents import NATIONAL_MOTTO
from fansipan.reports.layout import Layout, lay_out
from fansipan.reports.metrics import balanced_lines, rule_length
from fansipan.reports.model import Report
from fansipan.reports.styles import (
    CELL_MARGIN_MM,
    HEADER_COLUMNS_MM,
    PAGE,
    RULE_RATIO,
    SIGNATURE_COLUMNS_MM,
    STYLE,
)

__all__ = ["render_html", "write_pdf"]

_TEMPLATES: Final = resources.files("fansipan.reports") / "templates"
_MM_PER_PT: Final = 25.4 / 72


def _environment() -> Environment:
    return Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def _rule_mm(text: str, style_id: str, room_mm: float, ratio: float) -> float:
    spec = STYLE[style_id]
    length = rule_length(text, spec.size, room_mm / _MM_PER_PT, ratio=ratio, bold=spec.bold,
                         italic=spec.italic)
    return round(length * _MM_PER_PT, 2)


def _lines(text: str, style_id: str, room_mm: float) -> list[str]:
    spec = STYLE[style_id]
    return balanced_lines(text, spec.size, room_mm / _MM_PER_PT, bold=spec.bold,
                          italic=spec.italic)


def render_html(report: Report) -> str:
    """The HTML the PDF is drawn from (also a preview for the web pages)."""
    layout: Layout = lay_out(report)
    left_room = HEADER_COLUMNS_MM[0] - 2 * CELL_MARGIN_MM
    right_room = HEADER_COLUMNS_MM[1] - 2 * CELL_MARGIN_MM
    template = _environment().from_string((_TEMPLATES / "bao-cao.html").read_text("utf-8"))
    return template.render(
        layout=layout,
        css=(_TEMPLATES / "bao-cao.css").read_text("utf-8"),
        columns=HEADER_COLUMNS_MM,
        signature_columns=SIGNATURE_COLUMNS_MM,
        lines={
            "parent": _lines(layout.parent_body, "CoQuanChuQuan", left_room),
            "issuer": _lines(layout.issuing_body, "CoQuanBanHanh", left_room),
            "subject": _lines(layout.subject, "TrichYeu", PAGE.text_width_mm),
        },
        rules={
            "motto": _rule_mm(NATIONAL_MOTTO, "TieuNgu", right_room, 1.0),
            "issuer": _rule_mm(layout.issuing_body, "CoQuanBanHanh", left_room, RULE_RATIO),
            "subject": _rule_mm(layout.subject, "TrichYeu", PAGE.text_width_mm, RULE_RATIO),
        },
    )


def write_pdf(report: Report) -> bytes:
    """The report as PDF bytes. Nothing is fetched: the HTML names no outside resource."""
    pdf = HTML(string=render_html(report), base_url=None).write_pdf()
    if not isinstance(pdf, bytes):  # write_pdf returns bytes when given no target
        raise TypeError("WeasyPrint returned no PDF bytes")
    return pdf
