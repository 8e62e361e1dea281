"""Every CSV the exchange writes reads back, whatever line breaks people typed."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.exchange import sdmx_io
from fansipan.exchange.csv_io import write_csv
from fansipan.services.exchange.exports import ExportFormat, ExportQuery, export_to
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values

COMMENT = "dòng một\rdòng hai, \"trích\"\ndòng ba"


def _read(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("fmt", [ExportFormat.CSV, ExportFormat.DHIS2_CSV])
def test_a_bare_carriage_return_in_a_comment_reads_back(session: Session,
                                                        fmt: ExportFormat) -> None:
    """A line break of an old Mac (CR alone) went out unquoted, and no reader could read
    the file back ("new-line character seen in unquoted field"). Lines now end in CR LF,
    as RFC 4180 has them, and Python's csv then quotes any cell holding either."""
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator="VT_TRAM_5G", unit="02647", period="2024-01", value=1,
                       comment=COMMENT)])
    out = io.BytesIO()
    export_to(session=session, principal=Principal.system("tests"), fmt=fmt, out=out,
              query=ExportQuery())
    assert out.getvalue().endswith(b"\r\n")
    assert [c for row in _read(out.getvalue())[1:] for c in row
                         if c.startswith("dòng")] == [COMMENT]


def test_plain_tables_and_the_sdmx_header_end_lines_alike() -> None:
    text = io.StringIO()
    write_csv(text, ["a", "b"], [["x\ry", 1]])
    assert text.getvalue() == 'a,b\r\n"x\ry",1\r\n'
    assert _read(text.getvalue().encode()) == [["a", "b"], ["x\ry", "1"]]
    body = io.BytesIO()
    sdmx_io.write_sdmx_csv([], body)
    assert body.getvalue().endswith(b"\r\n") and b"\n" not in body.getvalue()[:-1]
