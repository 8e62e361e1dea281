"""Every table on a page has data twins at the same URL: `.csv`, `.xlsx` and `.json`.

A download of a demo store says so in every format: a last "Nguồn số liệu / Data source"
column reading "minh họa / illustrative" on every row (CSV has no other place a reader
keeps: a comment line is not CSV), the note (the JSON `note`, the XLSX note sheet) and
`"illustrative": true`, and `-minh-hoa` before the file's extension. A download of any
other store carries none of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from starlette.responses import Response

from fansipan.domain.rows import MARK_COLUMN, ValueMark
from fansipan.errors import FieldError, NotFound, msg
from fansipan.locale import tr
from fansipan.reports.tables import Value, to_csv, to_xlsx

Format = Literal["csv", "xlsx", "json"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json")
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@dataclass
class Table:
    """A table as downloaded: plain values (numbers stay numbers), with column labels."""

    name: str  # the file name, without suffix
    title: str
    keys: list[str]
    labels: list[str]
    rows: list[list[Value]] = field(default_factory=list)
    note: str = ""


def split_format(ref: str) -> tuple[str, Format | None]:
    """`BC_DOANH_THU.csv` → (`BC_DOANH_THU`, `csv`); a name without a known suffix stays whole."""
    stem, dot, suffix = ref.rpartition(".")
    if dot and suffix in FORMATS:
        return stem, suffix
    return ref, None


def check_format(fmt: str) -> Format:
    if fmt not in FORMATS:
        raise NotFound(msg("Unknown download format"), [FieldError(
            field="format", value=fmt, message=msg("download as .csv, .xlsx or .json"))])
    return fmt


def download(table: Table, fmt: Format, *, mark: ValueMark | None, lang: str) -> Response:
    """The table as a file; `mark` (a demo store's) goes on every row and in the note."""
    if mark is not None:
        table = marked(table, mark, lang)
    if fmt == "csv":
        body = to_csv(table.labels, table.rows)
    elif fmt == "xlsx":
        body = to_xlsx(table.labels, table.rows, title=table.title, note=table.note,
                       keywords=mark.row if mark is not None else "")
    else:
        records = [dict(zip(table.keys, row, strict=True)) for row in table.rows]
        body = json.dumps({"title": table.title, "note": table.note,
                           "illustrative": mark is not None, "columns": table.keys,
                           "labels": table.labels, "rows": records}, ensure_ascii=False,
                          default=_plain).encode()
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in table.name) or "table"
    return Response(body, media_type=_MEDIA[fmt], headers={
        "content-disposition": f'attachment; filename="{safe}.{fmt}"',
        "cache-control": "no-store"})


def marked(table: Table, mark: ValueMark, lang: str) -> Table:
    """The same table with the mark: a last column on every row, the note, the name."""
    said = tr(lang, "Illustrative figures, not official statistics")
    note = f"{said} ({mark.row})"
    return Table(name=f"{table.name}-minh-hoa", title=table.title, keys=[*table.keys, MARK_COLUMN],
                 labels=[*table.labels, tr(lang, "Data source")],
                 rows=[[*row, mark.row] for row in table.rows],
                 note=f"{table.note} — {note}" if table.note else note)


def _plain(value: object) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def table_rows(rows: Sequence[Sequence[Value]]) -> list[list[Value]]:
    return [list(r) for r in rows]
