"""An uploaded workbook checked before any XML parser sees it.

An XLSX file is a zip of XML parts. Spreadsheet programs never write a document type
declaration (`<!DOCTYPE …>`) into them; one that does is a file made to attack the
parser (entities that expand a billion times, or that pull in the server's own files),
so it is refused outright — and openpyxl parses through defusedxml anyway, which
refuses entity declarations, in case something slips past. Parts that would unpack to
far more than a workbook of values needs (a zip bomb) are refused before unpacking.
"""

from __future__ import annotations

import zipfile
from typing import IO

from fansipan.errors import Message, ValidationError, msg
from fansipan.exchange.csv_io import file_problem

MAX_PART = 4 * 2**30  # bytes one part may unpack to (a 5-million-row sheet is ~1 GB)
MAX_RATIO = 500  # XML of values packs about 10:1; a bomb packs thousands to one
PROLOG = 1 << 20  # bytes read for what comes before a part's first element
_XML_PART = (".xml", ".rels", ".vml")


def check_package(stream: IO[bytes]) -> None:
    """Refuse a workbook with a DTD, or one that unpacks to a bomb; leaves the stream at 0."""
    try:
        with zipfile.ZipFile(stream) as archive:
            for info in archive.infolist():
                _check_size(info)
                if info.filename.lower().endswith(_XML_PART):
                    with archive.open(info) as part:
                        _check_prolog(info.filename, part.read(PROLOG))
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, KeyError,
            NotImplementedError, RuntimeError, ValueError):
        raise file_problem(msg("the file is not a readable XLSX workbook")) from None
    finally:
        stream.seek(0)


def _check_size(info: zipfile.ZipInfo) -> None:
    packed = max(info.compress_size, 1)
    if info.file_size > MAX_PART or (info.file_size > 2**26
                                     and info.file_size / packed > MAX_RATIO):
        raise file_problem(msg(
            "the workbook's part {part} would unpack to {size} bytes, far more than a table "
            "of values needs; this is not a workbook to import", part=info.filename[:80],
            size=info.file_size))


def _check_prolog(name: str, head: bytes) -> None:
    """Walk what comes before the first element: a declaration, comments, instructions."""
    shown = name[:80]
    if b"\x00" in head[:4] or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Spreadsheets write UTF-8; another encoding would hide markup from this check.
        raise _not_a_workbook(shown, msg("is not UTF-8 text"))
    at = 0
    while (start := head.find(b"<", at)) >= 0:
        if head.startswith(b"<?", start):
            end, width = head.find(b"?>", start + 2), 2
        elif head.startswith(b"<!--", start):
            end, width = head.find(b"-->", start + 4), 3
        elif head.startswith(b"<!", start):
            raise file_problem(msg(
                "the workbook's part {part} declares a document type (<!DOCTYPE>), which "
                "spreadsheet programs never write; it may be made to attack the server, so it "
                "is refused. Open it in a spreadsheet and save it again", part=shown))
        else:
            return  # the first element: no declaration can come after it
        if end < 0:
            break
        at = end + width
    if len(head) >= PROLOG:
        raise _not_a_workbook(shown, msg("has no element in its first {size} KiB",
                                         size=PROLOG // 1024))


def _not_a_workbook(name: str, what: Message) -> ValidationError:
    return file_problem(msg("the workbook's part {part} {what}; this is not a workbook to "
                            "import", part=name, what=what))
