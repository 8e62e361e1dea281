"""Writers: export rows (see `domain.rows.EXPORT_COLUMNS`) as JSON, CSV, XLSX or DHIS2.

Each takes batches of rows and a binary output, streams, and returns how many values
it wrote. The CSV writer hands whole batches to the C `csv` module (about 270,000 values
a second); a SQLite store's CSV export goes column by column instead
(`exchange.csv_columns`, the same bytes, about five times sooner), and this writer is the
one for PostgreSQL and the measure of what those bytes must be.

With a `mark` (the illustrative demo data), every row says so where the format has room:
a last `nguon_so_lieu` column in CSV and XLSX (and a note sheet), `"illustrative": true`
and a note in our JSON, the comment of every DHIS2 data value.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from fansipan.domain.rows import EXPORT_COLUMNS as COLUMNS
from fansipan.domain.rows import MARK_COLUMN, ValueMark
from fansipan.exchange.cells import LINE_END, csv_rows, xlsx_row
from fansipan.exchange.csv_io import DHIS2_COLUMNS

Batches = Iterable[Sequence[Sequence[Any]]]
# Columns of an export row that hold text anyone who enters data chooses (the comment,
# who stored it); codes, uids, periods and times follow patterns no formula matches.
FREE_TEXT = (COLUMNS.index("comment"), COLUMNS.index("stored_by"))
Progress = Callable[[int], None] | None
DEFAULT_COMBO = "HllvX50cXC0"  # DHIS2's default category option combination

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})W0?(\d{1,2})$")


def dhis2_period(period: str) -> str:
    """Our period id as DHIS2 writes it: 2024-03 → 202403, 2024W05 → 2024W5, days without dashes."""
    if m := _MONTH.match(period):
        return m.group(1) + m.group(2)
    if m := _DAY.match(period):
        return "".join(m.groups())
    if m := _WEEK.match(period):
        return f"{m.group(1)}W{int(m.group(2))}"
    return period


def _text(out: IO[bytes]) -> io.TextIOWrapper:
    """UTF-8 text onto a binary output, detached (not closed) at the end."""
    return io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)


def _finish(text: io.TextIOWrapper) -> None:
    text.flush()
    text.detach()


def _marked(batch: Sequence[Sequence[Any]], mark: ValueMark | None) -> Sequence[Sequence[Any]]:
    return batch if mark is None else [(*row, mark.row) for row in batch]


def write_csv(batches: Batches, out: IO[bytes], progress: Progress = None, *,
              mark: ValueMark | None = None) -> int:
    text = _text(out)
    # A byte-order mark, so a spreadsheet opened with a double click reads UTF-8 (our own
    # import skips it). The DHIS2 and SDMX files below are for machines and go without.
    text.write("\ufeff")
    writer = csv.writer(text, lineterminator=LINE_END)
    writer.writerow(COLUMNS if mark is None else (*COLUMNS, MARK_COLUMN))
    rows = 0
    for batch in batches:
        writer.writerows(csv_rows(_marked(batch, mark), FREE_TEXT))
        rows += len(batch)
        if progress:
            progress(rows)
    _finish(text)
    return rows


def write_json(batches: Batches, out: IO[bytes], progress: Progress = None, *,
               mark: ValueMark | None = None) -> int:
    """`{"values": [...]}`, the shape our import reads back (which skips the mark)."""
    text = _text(out)
    if mark is not None:
        text.write('{"illustrative": true, "note": ' + json.dumps(mark.note, ensure_ascii=False)
                   + ", ")
    text.write('"values": [' if mark is not None else '{"values": [')
    rows = 0
    dumps = json.dumps
    for batch in batches:
        for row in batch:
            text.write(("," if rows else "") + dumps(
                {"indicator": row[0], "unit": row[1], "period": row[2], "value": row[3],
                 "comment": row[4], "stored_by": row[5], "last_updated": row[6],
                 "deleted": bool(row[7]), "unit_uid": row[9], "change": row[11],
                 "status": row[12]},
                ensure_ascii=False))
            rows += 1
        if progress:
            progress(rows)
    text.write("]}\n")
    _finish(text)
    return rows


def _dhis2_ids(uids: bool) -> tuple[int, int]:
    return (8, 9) if uids else (0, 1)


def write_dhis2_json(batches: Batches, out: IO[bytes], progress: Progress = None, *,
                     uids: bool = True, mark: ValueMark | None = None) -> int:
    """A DHIS2 dataValueSet: `{"dataValues": [{dataElement, period, orgUnit, ...}]}`."""
    de, ou = _dhis2_ids(uids)
    combo = DEFAULT_COMBO if uids else "default"
    text = _text(out)
    text.write('{"dataValues": [')
    rows = 0
    for batch in batches:
        for row in batch:
            item: dict[str, Any] = {
                "dataElement": row[de], "period": dhis2_period(row[2]), "orgUnit": row[ou],
                "categoryOptionCombo": combo, "attributeOptionCombo": combo,
                "value": str(row[3]) if row[3] is not None else None, "storedBy": row[5],
                "created": row[10], "lastUpdated": row[6], "followup": False}
            if row[4] or mark is not None:
                item["comment"] = mark.on(row[4]) if mark is not None else row[4]
            if row[7]:
                item["deleted"] = True
            text.write(("," if rows else "") + json.dumps(item, ensure_ascii=False))
            rows += 1
        if progress:
            progress(rows)
    text.write("]}\n")
    _finish(text)
    return rows


_DHIS2_FREE_TEXT = (DHIS2_COLUMNS.index("storedby"), DHIS2_COLUMNS.index("comment"))


def write_dhis2_csv(batches: Batches, out: IO[bytes], progress: Progress = None, *,
                    uids: bool = True, mark: ValueMark | None = None) -> int:
    de, ou = _dhis2_ids(uids)
    combo = DEFAULT_COMBO if uids else "default"
    text = _text(out)
    writer = csv.writer(text, lineterminator=LINE_END)
    writer.writerow(DHIS2_COLUMNS)
    rows = 0
    for batch in batches:
        writer.writerows(csv_rows([
            (row[de], dhis2_period(row[2]), row[ou], combo, combo, row[3], row[5], row[6],
             mark.on(row[4]) if mark is not None else row[4] or "", "false",
             "true" if row[7] else "false") for row in batch],
            _DHIS2_FREE_TEXT))
        rows += len(batch)
        if progress:
            progress(rows)
    _finish(text)
    return rows


def write_xlsx(batches: Batches, out: IO[bytes], progress: Progress = None, *,
               mark: ValueMark | None = None) -> int:
    """A workbook in write-only mode (rows go to disk as they come)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("values")
    sheet.append(list(COLUMNS) if mark is None else [*COLUMNS, MARK_COLUMN])
    tail = [] if mark is None else [mark.row]
    rows = 0
    for batch in batches:
        for row in batch:
            sheet.append(xlsx_row(sheet, [*row[:7], bool(row[7]), *row[8:], *tail]))
        rows += len(batch)
        if progress:
            progress(rows)
    if mark is not None:
        about = book.create_sheet("ghi_chu")
        about.append([mark.note_vi])
        about.append([mark.note_en])
        book.properties.keywords = mark.row
        book.properties.subject = mark.note
    book.save(out)
    return rows
