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

from fansipan.domain.numbers import format_number
from fansipan.errors import ValidationError
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
        raise file_problem("the file is not a readable XLSX workbook",
                           "tệp không phải bảng tính XLSX đọc được") from None
    finally:
        stream.seek(0)


def _check_size(info: zipfile.ZipInfo) -> None:
    packed = max(info.compress_size, 1)
    if info.file_size > MAX_PART or (info.file_size > 2**26
                                     and info.file_size / packed > MAX_RATIO):
        raise file_problem(
            f"the workbook's part {info.filename[:80]} would unpack to {info.file_size:,} "
            "bytes, far more than a table of values needs; this is not a workbook to import",
            f"phần {info.filename[:80]} của bảng tính sẽ giải nén thành "
            f"{format_number(info.file_size)} byte, vượt xa một bảng số liệu; tệp này không "
            "nhập được")


def _check_prolog(name: str, head: bytes) -> None:
    """Walk what comes before the first element: a declaration, comments, instructions."""
    shown = name[:80]
    if b"\x00" in head[:4] or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Spreadsheets write UTF-8; another encoding would hide markup from this check.
        raise _not_a_workbook(shown, "is not UTF-8 text", "không phải văn bản UTF-8")
    at = 0
    while (start := head.find(b"<", at)) >= 0:
        if head.startswith(b"<?", start):
            end, width = head.find(b"?>", start + 2), 2
        elif head.startswith(b"<!--", start):
            end, width = head.find(b"-->", start + 4), 3
        elif head.startswith(b"<!", start):
            raise file_problem(
                f"the workbook's part {shown} declares a document type (<!DOCTYPE>), "
                "which spreadsheet programs never write; it may be made to attack the "
                "server, so it is refused. Open it in a spreadsheet and save it again",
                f"phần {shown} của bảng tính có khai báo kiểu tài liệu (<!DOCTYPE>), "
                "điều mà chương trình bảng tính không bao giờ ghi; tệp có thể nhằm tấn công "
                "máy chủ nên bị từ chối. Hãy mở bằng chương trình bảng tính rồi lưu lại")
        else:
            return  # the first element: no declaration can come after it
        if end < 0:
            break
        at = end + width
    if len(head) >= PROLOG:
        raise _not_a_workbook(shown, f"has no element in its first {PROLOG // 1024} KiB",
                              f"không có phần tử nào trong {PROLOG // 1024} KiB đầu")


def _not_a_workbook(name: str, en: str, vi: str) -> ValidationError:
    return file_problem(f"the workbook's part {name} {en}; this is not a workbook to import",
                        f"phần {name} của bảng tính {vi}; tệp này không nhập được")
