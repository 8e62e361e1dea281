"""The CSV export read column by column (SQLite) writes byte for byte what the row-by-row
path writes, for every awkward cell and every filter; other stores and formats go row by
row as before.

The stored cells are set in SQL after the values are written, so the rows hold what no
form would let through (a bare CR, a NUL, a comment that is a formula, infinities) and
the comparison covers what the store can hold, not only what the checks let in.
"""

from __future__ import annotations

import io
import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fansipan.cli import app as cli
from fansipan.domain.access import Principal
from fansipan.domain.rows import ValueMark
from fansipan.services.exchange import exports
from fansipan.services.exchange.exports import (
    ExportFormat,
    ExportQuery,
    export_batches,
    export_to,
    prepare_export,
    write_csv_columnar,
    write_export,
)
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.provenance import DEMO_MARK
from fansipan.settings import Settings
from fansipan.store import export_arrow
from fansipan.store.export_sql import Filters
from tests.support.accounts import Account

COMMENTS: list[str | None] = [
    None, "", "plain", "a,b", 'say "hi", twice ""', "bare\rCR", "line\nfeed", "both\r\nends",
    "=HYPERLINK(\"http://x\",\"Xem\")", "+1", "-5 so với kỳ trước", "@SUM(A1)", "'=x", "''+y",
    "'plain", "\tTab", "\rfirst", "tiếng Việt ✓ 😀", "  spaces  ", "nul\x00inside", '"', ",",
    "=", "'", "-", "ends with quote\"", "x" * 3000]
WHO = ["tests", "=cmd|' /C calc'!A0", "a,b", "Nguyễn \"Văn\" A", "@admin", "-", "+x",
       "'-'", "line\nbreak", "\r"]
NUMBERS: list[float | None] = [
    0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 999_999_999_999_999.0, 1e15, -1e15, 1e16, 1.5e300,
    -1.5e-300, 1e-7, 0.1 + 0.2, 123456.789, None, float("inf"), float("-inf"), 5e-324,
    123_456_789_012_345.6, 1e22, 0.0001, 0.00001, 3.0, 42.0]
PERIODS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2023-{m:02d}" for m in range(1, 13)]
UNITS = ["02647", "02644", "02650"]
# The columnar path reads SQLite stores; these tests run on SQLite alone.
SQLITE = pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)


@pytest.fixture
def stored(session: Session) -> Session:
    """About a hundred values, then their cells made awkward in SQL, a few deleted, some
    estimates."""
    items = [DataValueWrite(indicator="VT_TRAM_5G", unit=u, period=p, value=n)
             for n, (u, p) in enumerate((u, p) for u in UNITS for p in PERIODS)]
    items += [DataValueWrite(indicator="BC_DOANH_THU", unit="10", period=p, value=1.5)
              for p in PERIODS[:12]]
    items += [DataValueWrite(indicator="CDS_DAN_SO", unit="02647", period=str(y), value=y)
              for y in range(2015, 2025)]
    write_values(session=session, actor="tests", source="tests", items=items)
    pg = session.get_bind().dialect.name == "postgresql"
    with session.begin():
        ids = [i for (i,) in session.execute(text("SELECT id FROM data_values ORDER BY id"))]
        for n, id_ in enumerate(ids):
            # The first rows keep empty comments, so the first batch read has none.
            comment = None if n < 7 else COMMENTS[n % len(COMMENTS)]
            if pg and comment:
                comment = comment.replace("\x00", "")  # PostgreSQL's text holds no NUL
            session.execute(text(
                "UPDATE data_values SET comment = :c, stored_by = :w, value = :v, "
                "deleted = :d, status = :s WHERE id = :id"), {
                    "c": comment, "w": WHO[n % len(WHO)], "v": NUMBERS[n % len(NUMBERS)],
                    "d": n % 11 == 5, "s": "estimate" if n % 7 == 3 else "official",
                    "id": id_})
    return session


def _both(session: Session, query: ExportQuery, mark: ValueMark | None = None
          ) -> tuple[bytes, bytes]:
    filters = prepare_export(session=session, principal=Principal.system("tests"),
                             query=query)
    columnar, rows = io.BytesIO(), io.BytesIO()
    written = write_csv_columnar(session=session, filters=filters, out=columnar, mark=mark)
    assert written is not None, "the SQLite store went row by row"
    assert write_export(ExportFormat.CSV, export_batches(session=session, filters=filters),
                        rows, mark=mark) == written
    return columnar.getvalue(), rows.getvalue()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of five rows: the row of types, the limit and the read-ahead then cross
    batch boundaries even in a small store."""
    monkeypatch.setattr(export_arrow, "BATCH_ROWS", 5)


QUERIES = {
    "everything": ExportQuery(),
    "with deleted": ExportQuery(include_deleted=True),
    "limit across batches": ExportQuery(limit=13),
    "limit of one": ExportQuery(limit=1),
    "limit of none": ExportQuery(limit=0),
    "one indicator": ExportQuery(indicators=["CDS_DAN_SO"], include_deleted=True),
    "units and periods": ExportQuery(units=["02644", "10"], periods=["2024-03", "2023-12"]),
    "a district and what lies below": ExportQuery(units=["080"], children=True),
    "dates": ExportQuery(start=date(2023, 6, 1), end=date(2024, 2, 29)),
    "changed after": ExportQuery(changed_after=40, include_deleted=True, limit=20),
    "updated since": ExportQuery(last_updated=datetime(2000, 1, 1, tzinfo=UTC)),
    "updated since the future": ExportQuery(last_updated=datetime(2999, 1, 1, tzinfo=UTC)),
}


@pytest.mark.parametrize("name", list(QUERIES))
@pytest.mark.parametrize("mark", [None, DEMO_MARK], ids=["plain", "demo mark"])
@SQLITE
def test_the_columnar_csv_is_the_row_by_row_csv(stored: Session, small_batches: None,
                                                name: str, mark: ValueMark | None) -> None:
    columnar, rows = _both(stored, QUERIES[name], mark)
    assert columnar == rows
    assert rows.count(b"\n") >= 2 or name.startswith(("limit of", "updated since the"))


@SQLITE
def test_whole_batches_and_every_awkward_cell(stored: Session) -> None:
    """At the real batch size, with the awkward cells present (so the test fails if any
    rule is missed, not only when none applies)."""
    columnar, rows = _both(stored, ExportQuery(include_deleted=True))
    assert columnar == rows
    for cell in (b'"a,b"', b'"say ""hi"", twice """""', b'"bare\rCR"', b"'=HYPERLINK",
                 b"'-5 so v", b",''=x,", b",'''+y,", b"'plain", b",1e+16,", b",inf,",
                 b",-inf,", b",1000000000000000.0,", b",999999999999999,", b",0,",
                 b",5e-324,", b",1e-05,", b",0.30000000000000004,", b"estimate",
                 b"'=cmd|' /C calc'!A0", b'"Nguy\xe1\xbb\x85n ""V\xc4\x83n"" A"',
                 b"nul\x00inside", b",1,", b'"\'\r"'):
        assert cell in rows, cell


@SQLITE
def test_rows_without_their_indicator_are_left_out_before_the_limit(
        stored: Session, store_url: str, small_batches: None) -> None:
    """As the joins of the row-by-row query leave them out (a store written with its
    foreign keys off)."""
    path = Path(store_url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA foreign_keys = OFF")
        db.execute("UPDATE data_values SET indicator_id = 99999 WHERE id % 4 = 1")
        db.execute("UPDATE data_values SET unit_id = -3 WHERE id % 9 = 2")
    db.close()
    for limit in (None, 3, 17):
        columnar, rows = _both(stored, ExportQuery(limit=limit, include_deleted=True))
        assert columnar == rows


@SQLITE
def test_codes_that_need_quoting(stored: Session) -> None:
    with stored.begin():
        stored.execute(text("UPDATE units SET uid = 'a,\"b\"' WHERE code = '02644'"))
    columnar, rows = _both(stored, ExportQuery())
    assert columnar == rows and b'"a,""b"""' in rows


@SQLITE
def test_an_empty_scope_writes_the_header_alone(session: Session) -> None:
    out = io.BytesIO()
    assert write_csv_columnar(session=session, filters=Filters(indicator_ids=[]), out=out,
                              mark=None) == 0
    rows = io.BytesIO()
    write_export(ExportFormat.CSV, export_batches(session=session,
                                                  filters=Filters(indicator_ids=[])), rows)
    assert out.getvalue() == rows.getvalue()


@pytest.fixture
def went_by_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formats of the exports that went row by row (`write_export`), in order."""
    formats: list[str] = []
    by_rows = exports.write_export

    def spy(fmt: ExportFormat, *args: Any, **kwargs: Any) -> int:
        formats.append(fmt.value)
        return by_rows(fmt, *args, **kwargs)

    monkeypatch.setattr(exports, "write_export", spy)
    return formats


def test_export_to_takes_the_columnar_path_on_sqlite_only(
        stored: Session, store_url: str, went_by_rows: list[str]) -> None:
    for fmt in (ExportFormat.CSV, ExportFormat.JSON, ExportFormat.DHIS2_CSV):
        export_to(session=stored, principal=Principal.system("tests"), query=ExportQuery(),
                  fmt=fmt, out=io.BytesIO())
    sqlite = store_url.startswith("sqlite")
    assert went_by_rows == (["json", "dhis2-csv"] if sqlite else ["csv", "json", "dhis2-csv"])


@SQLITE
def test_a_session_inside_a_transaction_goes_row_by_row(stored: Session) -> None:
    with stored.begin():
        assert write_csv_columnar(session=stored, filters=Filters(), out=io.BytesIO()) is None


class _FullDisk(io.BytesIO):
    def write(self, data: Any) -> int:
        if self.tell() > 500:
            raise OSError("no space left on device")
        return super().write(data)


@SQLITE
def test_an_output_that_fails_stops_the_reading_before_the_store_closes(
        stored: Session, small_batches: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The next batch is being read on a thread when the output fails: the export waits
    for that read before it closes the stream and the store's connection (a stream closed
    under a read crashed the process)."""
    reading = export_arrow._batches

    def slow(*args: Any) -> Iterator[Any]:
        for n, batch in enumerate(reading(*args)):
            if n:
                time.sleep(0.2)  # still reading when the output fails
            yield batch

    monkeypatch.setattr(export_arrow, "_batches", slow)
    with pytest.raises(OSError, match="no space"):
        write_csv_columnar(session=stored, filters=Filters(include_deleted=True),
                           out=_FullDisk())
    monkeypatch.setattr(export_arrow, "_batches", reading)
    columnar, rows = _both(stored, ExportQuery())
    assert columnar == rows


@SQLITE
def test_the_api_and_the_cli_export_csv_column_by_column(
        stored: Session, client: TestClient, officer: Account, settings: Settings,
        went_by_rows: list[str], tmp_path: Path) -> None:
    """The front ends call `export_to` with a session of their own: none of them may hold
    it inside a transaction, or the export would quietly go row by row."""
    answer = client.get("/api/v1/exports", params={"format": "csv"}, headers=officer.headers)
    assert answer.status_code == 200 and answer.content.count(b"\r\n") > 50
    out = tmp_path / "values.csv"
    done = CliRunner().invoke(cli, ["export", "--format", "csv", "-o", str(out)],
                              env={"FANSIPAN_DATABASE_URL": str(settings.database_url)})
    assert done.exit_code == 0, done.output
    assert out.read_bytes() == answer.content
    assert went_by_rows == []
