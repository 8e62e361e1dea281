"""CSV in and out: UTF-8 with or without BOM (or Excel's UTF-16), comma, semicolon or
tab, Vietnamese, English or DHIS2 headers; streamed in both directions."""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import IO, Any

from fansipan.domain.numbers import NumberReading, NumberStyle
from fansipan.domain.rows import RowConflict
from fansipan.errors import FieldError, Message, ValidationError, msg, pmsg
from fansipan.exchange.cells import LINE_END, csv_row, read_text
from fansipan.exchange.columns import HEADER_HELP, is_vietnamese, positions

# DHIS2's CSV columns, in DHIS2's order; a DHIS2 file is read by position when its
# header does not name them.
DHIS2_COLUMNS = ("dataelement", "period", "orgunit", "categoryoptioncombo",
                 "attributeoptioncombo", "value", "storedby", "lastupdated", "comment",
                 "followup", "deleted")
DEFAULT_COMBOS = frozenset({"", "HllvX50cXC0", "default"})  # DHIS2's default combination
MAX_LINE = 1 << 20  # characters in one line of a file of values (a row is ~100)


_COLUMNS: dict[str, Message] = {
    "indicator": pmsg("column", "indicator"), "unit": pmsg("column", "unit"),
    "period": pmsg("column", "period"), "value": pmsg("column", "value"),
    "comment": pmsg("column", "comment"),
}


def column_names(names: Iterable[str]) -> Message:
    """Columns as a reader of either language names them ("mã chỉ tiêu, kỳ")."""
    parts = {f"c{i}": _COLUMNS.get(n, n) for i, n in enumerate(names)}
    return Message(", ".join("{" + k + "}" for k in parts), params=parts)


def file_problem(message: Message, row: int | None = None) -> ValidationError:
    """A problem with a whole file: nothing can be read past it."""
    return ValidationError(message, [FieldError(field="file", message=message, row=row)])


def text_stream(stream: IO[bytes]) -> io.TextIOWrapper:
    """Text from bytes: UTF-16 when it starts with its BOM (Excel's "Unicode text"),
    else UTF-8 with or without a BOM."""
    head = stream.read(4) if hasattr(stream, "read") else b""
    encoding = "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    stream.seek(0)
    return io.TextIOWrapper(stream, encoding=encoding, newline="")


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(stream: IO[bytes], *, dhis2: bool = False,
             numbers: NumberReading | None = None) -> Iterator[tuple[Any, ...] | RowConflict]:
    """Rows (line number, indicator, unit, period, value, comment), or a RowConflict.

    Line numbers count the header as line 1, as a spreadsheet shows them. When the
    number style is not given, a semicolon-separated file or one with Vietnamese headers
    has its numbers read Vietnamese style (`numbers` is told before the first row).
    """
    text = text_stream(stream)
    try:
        try:
            header_line = text.readline(MAX_LINE)
        except UnicodeDecodeError:
            raise file_problem(msg(
                "the file is not UTF-8 text; save it as 'CSV UTF-8'")) from None
        if len(header_line) >= MAX_LINE and not header_line.endswith("\n"):
            raise too_long(1)
        if not header_line.strip():
            raise file_problem(msg("the file is empty or its first line is blank; {help}",
                                   help=HEADER_HELP), row=1)
        delimiter = sniff_delimiter(header_line)
        try:
            headers = next(csv.reader([header_line], delimiter=delimiter, strict=True))
        except csv.Error as exc:
            raise unreadable(1, exc) from None
        found, missing = positions(headers)
        if missing and dhis2:
            found = {"indicator": 0, "period": 1, "unit": 2, "coc": 3, "aoc": 4, "value": 5,
                     "comment": 8}
        elif missing:
            raise file_problem(msg("the header lacks {columns}: {help}",
                                   columns=column_names(missing), help=HEADER_HELP), row=1)
        if numbers is not None and numbers.style is NumberStyle.AUTO:
            _learn_style(numbers, delimiter, headers)
        lines = _bounded_lines(text)
        yield from _rows(csv.reader(lines, delimiter=delimiter, strict=True), found, lines)
    finally:
        # Leave the file to its owner: a wrapper closing it later would fail noisily.
        with contextlib.suppress(ValueError):
            text.detach()


def _learn_style(numbers: NumberReading, delimiter: str, headers: list[str]) -> None:
    if delimiter == ";":
        numbers.use(NumberStyle.VI, msg("the file is separated by semicolons, as Excel writes "
                                        "it in Vietnamese"))
    elif is_vietnamese(headers):
        numbers.use(NumberStyle.VI, msg("the headers are in Vietnamese"))


class _Lines:
    """The file's lines, none longer than MAX_LINE (a file without line breaks would
    otherwise be read whole into memory as one line); counts what it has handed out."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        self._read = text.readline
        self.count = 1  # the header

    def __iter__(self) -> Iterator[str]:
        read = self._read
        while line := read(MAX_LINE):
            self.count += 1
            if len(line) >= MAX_LINE and not line.endswith("\n"):
                raise too_long(self.count)
            yield line


def _bounded_lines(text: io.TextIOWrapper) -> _Lines:
    return _Lines(text)


def too_long(line: int) -> ValidationError:
    return file_problem(msg(
        "line {line} is longer than {limit} characters: this is not a table of values (a CSV "
        "file has one value per line); check that it is the right file",
        line=line, limit=MAX_LINE), row=line)


def unreadable(row: int, exc: csv.Error) -> ValidationError:
    """A row the CSV rules cannot read, said the way a person can fix it."""
    reason = str(exc)
    if "end of data" in reason:
        return file_problem(msg(
            "row {row} opens a quote (\") that is never closed, so every line after it would "
            "be read as one cell; close the quote or remove it", row=row), row=row)
    if "expected after" in reason:
        return file_problem(msg(
            "row {row} has text right after a closing quote (\"); put the whole cell in "
            "quotes, and double any quote inside it (\"\")", row=row), row=row)
    if "field larger" in reason:
        return file_problem(msg(
            "row {row} has a cell longer than {limit} characters, most likely because a "
            "quote (\") is not closed; check its quotes", row=row,
            limit=csv.field_size_limit()), row=row)
    return file_problem(msg("line {line} cannot be read as CSV ({reason}); check its quotes",
                            line=row, reason=reason), row=row)


def _rows(reader: Iterable[list[str]], found: dict[str, int],
          lines: _Lines) -> Iterator[tuple[Any, ...] | RowConflict]:
    order = [found["indicator"], found["unit"], found["period"], found["value"]]
    order.append(found.get("comment", found["indicator"]))
    has_comment = "comment" in found
    combos = [found[c] for c in ("coc", "aoc") if c in found]
    width = max(order + combos) + 1
    pick = itemgetter(*order)
    line = 1
    try:
        for cells in reader:
            line += 1
            if len(cells) < width:
                if not any(c.strip() for c in cells):
                    continue  # a blank line
                cells = cells + [""] * (width - len(cells))
            indicator, unit, period, value, comment = pick(cells)
            for at in combos:
                if cells[at] not in DEFAULT_COMBOS:
                    yield combination(line, cells[at])
                    break
            else:
                if not has_comment:
                    comment = None
                elif comment[:1] == "'":
                    comment = read_text(comment)  # as our exports write risky text
                yield (line, indicator, unit, period, value, comment)
    except UnicodeDecodeError:
        at = lines.count + 1
        raise file_problem(msg("line {line} is not UTF-8 text; save the file as 'CSV UTF-8'",
                               line=at), row=at) from None
    except csv.Error as exc:
        raise unreadable(line + 1, exc) from None


def combination(line: int, given: str) -> RowConflict:
    shown = given[:60]
    return RowConflict(line, "categoryOptionCombo", shown, msg(
        "category option combination {given} is not supported: Fansipan stores totals only; "
        "send the default combination (HllvX50cXC0) or leave it empty", given=repr(shown)),
        "unsupported_combination")


def write_csv(out: IO[str], header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    """A plain table as CSV, every text cell inert (see `exchange.cells`)."""
    writer = csv.writer(out, lineterminator=LINE_END)
    writer.writerow(csv_row(header))
    writer.writerows(csv_row(r) for r in rows)
