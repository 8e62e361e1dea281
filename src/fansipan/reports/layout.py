"""The report as every writer prints it: numbered, capitalised, with its derived lines.

Deriving these once keeps the DOCX, the XLSX and the PDF identical in wording: the same
"I." and "1." labels, the same "Số: 05/BC-STTTT", the same date line, the same numbers
formatted the Vietnamese way, and "./." after the last paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fansipan.domain.documents import (
    NATIONAL_MOTTO,
    NATIONAL_NAME,
    number_line,
    place_date_line,
    point_label,
    recipient_lines,
    roman,
)
from fansipan.reports.model import Column, Heading, Number, Paragraph, Report, Table

BlockKind = Literal["heading1", "heading2", "heading3", "paragraph", "table"]


@dataclass(frozen=True)
class HeaderCell:
    text: str
    column: int  # 0-based index of the first column it covers
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class LaidCell:
    text: str  # as printed: 1.712,5
    value: float | None  # the number itself, for the spreadsheet
    decimals: int
    numeric: bool
    excel_format: str


@dataclass(frozen=True)
class LaidTable:
    number: int  # 1-based, in the order tables appear
    caption: str
    unit_note: str
    notes: str
    columns: tuple[Column, ...]
    header: tuple[tuple[HeaderCell, ...], ...]
    rows: tuple[tuple[LaidCell, ...], ...]

    @property
    def header_height(self) -> int:
        return len(self.header)


@dataclass(frozen=True)
class LaidBlock:
    kind: BlockKind
    label: str  # "I.", "1.", "a)" or ""
    text: str  # the whole line as printed, label included
    italic: bool = False
    table: LaidTable | None = None
    # The last paragraph goes with the signature block onto the next page, never the
    # signature block alone.
    keep_with_next: bool = False


@dataclass(frozen=True)
class Layout:
    national_name: str
    national_motto: str
    parent_body: str
    issuing_body: str
    number_line: str
    place_date_line: str
    document_type: str
    subject: str
    addressees: tuple[str, ...]
    blocks: tuple[LaidBlock, ...]
    recipients_label: str
    recipients: tuple[str, ...]
    authority_lines: tuple[str, ...]
    signer: str

    @property
    def tables(self) -> list[LaidTable]:
        return [b.table for b in self.blocks if b.table is not None]


_HEADING_KINDS: tuple[BlockKind, BlockKind, BlockKind] = ("heading1", "heading2", "heading3")
DRAFT_NUMBER_GAP = "      "  # where the office writes the number when it registers the report


def lay_out(report: Report, lang: str = "vi") -> Layout:
    """The printed form of `report`; `lang` only chooses the number separators."""
    if report.number is None:
        number = f"Số:{DRAFT_NUMBER_GAP}/{report.symbol}"
    else:
        number = number_line(report.number, report.symbol)
    return Layout(
        national_name=NATIONAL_NAME,
        national_motto=NATIONAL_MOTTO,
        parent_body=report.parent_body.strip().upper(),
        issuing_body=report.issuing_body.strip().upper(),
        number_line=number,
        place_date_line=place_date_line(report.place, report.issued_on),
        document_type=report.document_type.strip().upper(),
        subject=" ".join(report.subject.split()),
        addressees=_addressees(report.addressees),
        blocks=_blocks(report, lang),
        recipients_label="Nơi nhận:",
        recipients=tuple(recipient_lines(report.recipients, report.archive)),
        authority_lines=tuple(report.signature.lines),
        signer=report.signature.signer,
    )


def _addressees(names: tuple[str, ...]) -> tuple[str, ...]:
    """"Kính gửi: X" for one; "Kính gửi:" then "- X;" … "- Z." for several (App. I, II.9)."""
    clean = [n.strip().rstrip(";.") for n in names if n.strip()]
    if not clean:
        return ()
    if len(clean) == 1:
        return (f"Kính gửi: {clean[0]}.",)
    lines = [f"- {n};" for n in clean]
    lines[-1] = lines[-1][:-1] + "."
    return ("Kính gửi:", *lines)


def _blocks(report: Report, lang: str) -> tuple[LaidBlock, ...]:
    out: list[LaidBlock] = []
    counters = [0, 0, 0]
    tables = 0
    for block in report.blocks:
        if isinstance(block, Heading):
            level = block.level
            counters[level - 1] += 1
            for deeper in range(level, 3):
                counters[deeper] = 0
            n = counters[level - 1]
            label = {1: f"{roman(n)}.", 2: f"{n}.", 3: point_label(n)}[level]
            text = block.text.strip()
            if level == 1:
                text = text.upper()
            out.append(LaidBlock(_HEADING_KINDS[level - 1], label, f"{label} {text}"))
        elif isinstance(block, Paragraph):
            out.append(LaidBlock("paragraph", "", " ".join(block.text.split()),
                                 italic=block.italic))
        else:
            tables += 1
            out.append(LaidBlock("table", "", block.caption, table=_table(block, tables, lang)))
    mark = report.closing_mark
    if mark:
        last = out[-1]
        if last.kind == "paragraph":
            out[-1] = LaidBlock("paragraph", "", last.text.rstrip(".") + mark, last.italic,
                                keep_with_next=True)
        else:
            out.append(LaidBlock("paragraph", "", mark, keep_with_next=True))
    elif out[-1].kind == "paragraph":
        last = out[-1]
        out[-1] = LaidBlock("paragraph", "", last.text, last.italic, keep_with_next=True)
    return tuple(out)


def _cell(value: object, column: Column, lang: str) -> LaidCell:
    if isinstance(value, Number):
        return LaidCell(value.text(lang), float(value.value), value.decimals, True,
                        value.excel_format)
    text = "" if value is None else str(value)
    return LaidCell(text, None, 0, column.numeric, "@")


def _table(table: Table, number: int, lang: str) -> LaidTable:
    grid = [list(r) for r in table.header_rows] + [[c.title for c in table.columns]]
    return LaidTable(
        number=number,
        caption=table.caption.strip(),
        unit_note=table.unit_note.strip(),
        notes=table.notes.strip(),
        columns=table.columns,
        header=merge_header(grid),
        rows=tuple(
            tuple(_cell(v, c, lang) for v, c in zip(row, table.columns, strict=True))
            for row in table.rows
        ),
    )


def merge_header(grid: list[list[str]]) -> tuple[tuple[HeaderCell, ...], ...]:
    """Header cells with their spans: equal neighbours in an upper row merge across, and a
    text repeated straight below (one column wide) merges down ("STT" over two rows)."""
    height, width = len(grid), len(grid[0])
    # Horizontal runs in every row but the last, which names the columns one by one.
    spans: list[list[tuple[int, int]]] = []
    for r, row in enumerate(grid):
        runs: list[tuple[int, int]] = []
        c = 0
        while c < width:
            end = c + 1
            if r < height - 1:
                while end < width and row[end] == row[c]:
                    end += 1
            runs.append((c, end - c))
            c = end
        spans.append(runs)
    covered: set[tuple[int, int]] = set()
    out: list[tuple[HeaderCell, ...]] = []
    for r in range(height):
        cells: list[HeaderCell] = []
        for c, colspan in spans[r]:
            if (r, c) in covered:
                continue
            rowspan = 1
            if colspan == 1:
                while r + rowspan < height and grid[r + rowspan][c] == grid[r][c] and (
                    (c, 1) in spans[r + rowspan]
                ):
                    covered.add((r + rowspan, c))
                    rowspan += 1
            cells.append(HeaderCell(grid[r][c], c, colspan, rowspan))
        out.append(tuple(cells))
    return tuple(out)


__all__ = [
    "DRAFT_NUMBER_GAP",
    "HeaderCell",
    "LaidBlock",
    "LaidCell",
    "LaidTable",
    "Layout",
    "lay_out",
    "merge_header",
]
