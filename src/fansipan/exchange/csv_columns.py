"""The CSV export written column by column from Arrow batches: the bytes of `write_csv`.

`writers.write_csv` hands rows to Python's `csv` module, which formats and quotes them
cell by cell. Here each column of a batch is made into its CSV cells at once, in C
(Arrow's compute functions, DuckDB for the numbers), and the cells of a row are joined
into its line by one more of them; the bytes of the joined lines go to the output as
they are. What every cell becomes is what `write_csv` makes of it:

- codes and uids are rendered once per indicator and unit by `csv` itself and taken by
  the row's place in those tables;
- numbers that are whole (and smaller than 10^15) are written as integers, the others as
  Python's `repr` writes them (DuckDB's text of a double is the same shortest text);
- times as the store keeps them, with `T` for each space and a `Z` at the end;
- `deleted` as 1 or 0; a missing value of any column as an empty cell;
- the comment and who stored it made inert as `exchange.cells.inert_text` does;
- a cell is quoted, with its quotes doubled, when it holds a comma, a quote, CR or LF
  (`csv.QUOTE_MINIMAL` with CR LF line ends).

The inert and quoting rules are first looked for in a batch's whole column (its bytes,
or the first byte of each cell) and only a column that needs them is worked on cell by
cell. Input: batches as `store.export_arrow.StoredRows` gives them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fansipan.domain.rows import EXPORT_COLUMNS, MARK_COLUMN, ValueMark
from fansipan.exchange.cells import LINE_END, RISKY

_QUOTED_BY = (b",", b'"', b"\r", b"\n")
_QUOTE_WHEN = r'[,"\r\n]'
_FIRSTS = np.frombuffer("".join(sorted(RISKY | {"'"})).encode("ascii"), dtype=np.uint8)
_INERT_WHEN = r"^'*[=+\-@\t\r]"  # `cells._NEEDS_QUOTE`, in RE2's words
_NUMBERS = ("CASE WHEN value = trunc(value) AND abs(value) < 1e15 "
            "THEN CAST(CAST(value AS BIGINT) AS VARCHAR) ELSE CAST(value AS VARCHAR) END "
            "AS value, CASE WHEN deleted = 1 THEN '1' WHEN deleted IS NOT NULL THEN '0' END "
            "AS deleted, CAST(change_id AS VARCHAR) AS change_id")
Progress = Callable[[int], None] | None
Column: TypeAlias = "pa.Array[Any]"
# Joins cells, element by element, arrays and constant texts alike (the stubs take arrays
# only).
_join: Callable[..., Column] = pc.binary_join_element_wise


def csv_line(values: Sequence[Any]) -> str:
    """One line as `csv.writer` writes it for the exports."""
    text = io.StringIO()
    csv.writer(text, lineterminator=LINE_END).writerow(values)
    return text.getvalue()


def csv_cells(values: Iterable[Any]) -> Column:
    """Each value as `csv.writer` writes it as one cell among others."""
    return pa.array([csv_line([v, None])[:-3] for v in values], pa.string())


def write_csv_columns(batches: Iterable[pa.RecordBatch], indicators: pa.Table,
                      units: pa.Table, out: IO[bytes], progress: Progress = None, *,
                      mark: ValueMark | None = None) -> int:
    """The bytes `writers.write_csv` writes for the same rows; returns how many it wrote."""
    import duckdb

    header = EXPORT_COLUMNS if mark is None else (*EXPORT_COLUMNS, MARK_COLUMN)
    out.write(("\ufeff" + csv_line(header)).encode("utf-8"))
    codes = {f"{kind}_{column}": csv_cells(table[column].to_pylist())
             for kind, table in (("indicator", indicators), ("unit", units))
             for column in ("code", "uid")}
    end = LINE_END if mark is None else "," + csv_line([mark.row, None])[:-3] + LINE_END
    rows = 0
    with duckdb.connect(config={"threads": 1}) as numbers:
        for batch in batches:
            if not batch.num_rows:
                continue
            made = numbers.from_arrow(pa.Table.from_batches([batch.select(
                ["value", "deleted", "change_id"])])).project(_NUMBERS).to_arrow_table()
            value, deleted, change = (_plain(made.column(n)) for n in range(3))
            at_indicator, at_unit = batch["indicator_at"], batch["unit_at"]
            status = _join(_quoted(batch["status"]), end, "", null_handling="replace",
                           null_replacement="")
            lines = _join(
                codes["indicator_code"].take(at_indicator), codes["unit_code"].take(at_unit),
                _quoted(batch["period"]), value, _quoted(_inert(batch["comment"])),
                _quoted(_inert(batch["stored_by"])), _quoted(_stamp(batch["updated_at"])),
                deleted, codes["indicator_uid"].take(at_indicator),
                codes["unit_uid"].take(at_unit), _quoted(_stamp(batch["created_at"])),
                change, status, ",", null_handling="replace", null_replacement="")
            out.write(_bytes(lines))
            rows += batch.num_rows
            if progress:
                progress(rows)
    return rows


def _plain(column: pa.ChunkedArray[Any]) -> Column:
    joined = column.combine_chunks()
    return joined if joined.type == pa.string() else joined.cast(pa.string())


def _buffer(column: Column, n: int) -> pa.Buffer:
    buffer = column.buffers()[n]
    if buffer is None:
        raise ValueError("a text column without its buffers")
    return buffer


def _offsets(column: Column) -> np.ndarray[Any, np.dtype[np.int32]]:
    return np.frombuffer(memoryview(_buffer(column, 1)), dtype=np.int32,
                         count=len(column) + 1, offset=column.offset * 4)


def _data(column: Column) -> bytes:
    """The bytes of a text column's cells (perhaps with some around them, never fewer)."""
    data = column.buffers()[2]
    return b"" if data is None else data.to_pybytes()


def _quoted(column: Column) -> Column:
    data = _data(column)
    if not any(c in data for c in _QUOTED_BY):
        return column
    wrapped = _join('"', pc.replace_substring(column, '"', '""'), '"', "")
    quoted: Column = pc.if_else(pc.match_substring_regex(column, _QUOTE_WHEN), wrapped, column)
    return quoted


def _inert(column: Column) -> Column:
    """`cells.inert_text` of each cell: an apostrophe before text a spreadsheet would run."""
    if not len(column) or column.null_count == len(column):
        return column
    offsets = _offsets(column)
    starts = offsets[:-1][np.diff(offsets) > 0]
    firsts = np.frombuffer(memoryview(_buffer(column, 2)), dtype=np.uint8)[starts]
    if not np.isin(firsts, _FIRSTS).any():
        return column
    marked = _join("'", column, "")
    inert: Column = pc.if_else(pc.match_substring_regex(column, _INERT_WHEN), marked, column)
    return inert


def _stamp(column: Column) -> Column:
    """A stored time as ISO 8601: `replace(t, ' ', 'T') || 'Z'`, as the query does it."""
    validity, offsets, _data_buffer = column.buffers()
    spaced = pa.py_buffer(_data(column).replace(b" ", b"T"))
    timed = pa.Array.from_buffers(pa.string(), len(column), [validity, offsets, spaced],
                                  column.null_count, column.offset)
    return _join(timed, "Z", "")


def _bytes(lines: Column) -> pa.Buffer:
    """The joined lines, one after another, as they lie in the array's buffer."""
    offsets = _offsets(lines)
    start, stop = int(offsets[0]), int(offsets[-1])
    return _buffer(lines, 2).slice(start, stop - start)
