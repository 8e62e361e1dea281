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
from fansipan.errors import FieldError, ValidationError
from fansipan.exchange.cells import csv_row, read_text
from fansipan.exchange.columns import HEADER_HELP_EN, HEADER_HELP_VI, positions

# DHIS2's CSV columns, in DHIS2's order; a DHIS2 file is read by position when its
# header does not name them.
DHIS2_COLUMNS = ("dataelement", "period", "orgunit", "categoryoptioncombo",
                 "attributeoptioncombo", "value", "storedby", "lastupdated", "comment",
                 "followup", "deleted")
DEFAULT_COMBOS = frozenset({"", "HllvX50cXC0", "default"})  # DHIS2's default combination


def file_problem(en: str, vi: str, row: int | None = None) -> ValidationError:
    """A problem with a whole file: nothing can be read past it."""
    return ValidationError(f"{vi} / {en}", [FieldError(field="file", message=en, row=row)])


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
            raise file_problem(
                "the file is not UTF-8 text; save it as 'CSV UTF-8'",
                "tệp không phải văn bản UTF-8; hãy lưu dưới dạng 'CSV UTF-8'") from None
        if not header_line.strip():
            raise file_problem("the file is empty or its first line is blank; " + HEADER_HELP_EN,
                               "tệp rỗng hoặc dòng đầu trống; " + HEADER_HELP_VI, row=1)
        delimiter = sniff_delimiter(header_line)
        headers = next(csv.reader([header_line], delimiter=delimiter))
        found, missing = positions(headers)
        if missing and dhis2:
            found = {"indicator": 0, "period": 1, "unit": 2, "coc": 3, "aoc": 4, "value": 5,
                     "comment": 8}
        elif missing:
            raise file_problem(f"the header lacks {', '.join(missing)}: {HEADER_HELP_EN}",
                               f"dòng tiêu đề thiếu cột {', '.join(missing)}: {HEADER_HELP_VI}",
                               row=1)
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
                if not has_comment:
                    comment = None
                elif comment[:1] == "'":
                    comment = read_text(comment)  # as our exports write risky text
                yield (line, indicator, unit, period, value, comment)
    except UnicodeDecodeError:
        raise file_problem(f"line {line + 1} is not UTF-8 text; save the file as 'CSV UTF-8'",
                           f"dòng {line + 1} không phải văn bản UTF-8; hãy lưu tệp dưới dạng "
                           "'CSV UTF-8'", row=line + 1) from None
    except csv.Error as exc:
        raise file_problem(f"line {line + 1} cannot be read as CSV ({exc}); check its quotes",
                           f"không đọc được dòng {line + 1} ({exc}); kiểm tra dấu ngoặc kép",
                           row=line + 1) from None


def combination(line: int, given: str) -> RowConflict:
    shown = given[:60]
    return RowConflict(line, "categoryOptionCombo", shown,
                    f"category option combination {shown!r} is not supported: Fansipan "
                    "stores totals only; send the default combination (HllvX50cXC0) or leave "
                    "it empty",
                    f"không hỗ trợ tổ hợp phân tổ {shown!r}: Fansipan chỉ lưu số tổng; gửi "
                    "tổ hợp mặc định (HllvX50cXC0) hoặc để trống", "unsupported_combination")


def write_csv(out: IO[str], header: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    """A plain table as CSV, every text cell inert (see `exchange.cells`)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_row(header))
    writer.writerows(csv_row(r) for r in rows)
