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

from fansipan.domain.rows import RowConflict
from fansipan.errors import FieldError, Message, ValidationError, msg, pmsg
from fansipan.exchange.columns import HEADER_HELP, positions

# DHIS2's CSV columns, in DHIS2's order; a DHIS2 file is read by position when its
# header does not name them.
DHIS2_COLUMNS = ("dataelement", "period", "orgunit", "categoryoptioncombo",
                 "attributeoptioncombo", "value", "storedby", "lastupdated", "comment",
                 "followup", "deleted")
DEFAULT_COMBOS = frozenset({"", "HllvX50cXC0", "default"})  # DHIS2's default combination


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


def read_csv(stream: IO[bytes], *, dhis2: bool = False) -> Iterator[tuple[Any, ...] | RowConflict]:
    """Rows (line number, indicator, unit, period, value, comment), or a RowConflict.

    Line numbers count the header as line 1, as a spreadsheet shows them.
    """
    text = text_stream(stream)
    try:
        try:
            header_line = text.readline()
        except UnicodeDecodeError:
            raise file_problem(msg(
                "the file is not UTF-8 text; save it as 'CSV UTF-8'")) from None
        if not header_line.strip():
            raise file_problem(msg("the file is empty or its first line is blank; {help}",
                                   help=HEADER_HELP), row=1)
        delimiter = sniff_delimiter(header_line)
        headers = next(csv.reader([header_line], delimiter=delimiter))
        found, missing = positions(headers)
        if missing and dhis2:
            found = {"indicator": 0, "period": 1, "unit": 2, "coc": 3, "aoc": 4, "value": 5,
                     "comment": 8}
        elif missing:
            raise file_problem(msg("the header lacks {columns}: {help}",
                                   columns=column_names(missing), help=HEADER_HELP), row=1)
        yield from _rows(csv.reader(text, delimiter=delimiter), found)
    finally:
        # Leave the file to its owner: a wrapper closing it later would fail noisily.
        with contextlib.suppress(ValueError):
            text.detach()


def _rows(reader: Iterable[list[str]],
          found: dict[str, int]) -> Iterator[tuple[Any, ...] | RowConflict]:
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
                yield (line, indicator, unit, period, value, comment if has_comment else None)
    except UnicodeDecodeError:
        raise file_problem(msg("line {line} is not UTF-8 text; save the file as 'CSV UTF-8'",
                               line=line + 1), row=line + 1) from None
    except csv.Error as exc:
        raise file_problem(msg("line {line} cannot be read as CSV ({reason}); check its quotes",
                               line=line + 1, reason=str(exc)), row=line + 1) from None


def combination(line: int, given: str) -> RowConflict:
    shown = given[:60]
    return RowConflict(line, "categoryOptionCombo", shown, msg(
        "category option combination {given} is not supported: Fansipan stores totals only; "
        "send the default combination (HllvX50cXC0) or leave it empty", given=repr(shown)),
        "unsupported_combination")


def write_csv(out: IO[str], header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
