"""Files that are not what they claim: unclosed quotes, workbooks made to attack the XML
parser, and numbers that read two ways. Each is refused with a message that names the
row, and nothing is saved."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy.orm import Session

from fansipan.exchange.xlsx_io import HEADERS
from tests.exchange.test_imports import counts
from tests.support.accounts import Account

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _post(client: TestClient, account: Account, body: bytes, content_type: str = "text/csv",
          **params: Any) -> Any:
    return client.post("/api/v1/imports", content=body, params=params,
                       headers={**account.headers, "content-type": content_type})


def _file_problem(r: Any) -> dict[str, Any]:
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["status"] == "ERROR" and not body["committed"]
    [problem] = [c for c in body["conflicts"] if c["field"] == "file"]
    return dict(problem)


def test_an_unclosed_quote_is_an_error_naming_its_row(client: TestClient, officer: Account,
                                                      session: Session) -> None:
    before = counts(session)
    text = ("indicator,unit,period,value,comment\n"
            "VT_TRAM_5G,02647,2024-08,1,bình thường\n"
            'VT_TRAM_5G,02647,2024-09,2,"chưa đóng ngoặc\n'
            "VT_TRAM_5G,02647,2024-10,3,x\n"
            "VT_TRAM_5G,02647,2024-11,4,y\n")
    problem = _file_problem(_post(client, officer, text.encode()))
    assert problem["row"] == 3 and "never closed" in problem["message"]
    assert "dòng 3" in problem["message_vi"]
    assert counts(session) == before
    after = _file_problem(_post(client, officer, b'indicator,unit,period,value,comment\n'
                                                 b'VT_TRAM_5G,02647,2024-08,1,"a"b\n'))
    assert after["row"] == 2 and "right after a closing quote" in after["message"]
    # A quoted line break inside a comment is ordinary CSV and still reads.
    fine = _post(client, officer, b'indicator,unit,period,value,comment\n'
                                  b'VT_TRAM_5G,02647,2024-08,1,"hai\ndong"\n')
    assert fine.status_code == 200, fine.text


def _workbook(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewrite(xlsx: bytes, change: dict[str, bytes]) -> bytes:
    """The workbook with some parts replaced (as an attacker would craft it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = change.get(info.filename, src.read(info.filename))
            dst.writestr(info, data)
    return out.getvalue()


ROW = ["VT_TRAM_5G", "Trạm 5G", "trạm", "02647", "Kim Tân", "2024-03", 3, "ghi chú"]


def test_a_workbook_with_a_dtd_is_refused(client: TestClient, officer: Account,
                                          session: Session) -> None:
    good = _workbook([ROW])
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "ha">'
              + b"".join(f'<!ENTITY a{n + 1} "&a{n if n else ""};&a{n if n else ""};">'
                         .encode() for n in range(30)) + b"]>")
    external = (b'<?xml version="1.0"?>\n<!-- a comment first -->'
                b'<!DOCTYPE x SYSTEM "file:///etc/passwd">')
    before = counts(session)
    for prolog in (laughs, external):
        crafted = _rewrite(good, {"xl/worksheets/sheet1.xml":
                                  prolog + sheet.split(b"?>", 1)[-1]})
        problem = _file_problem(_post(client, officer, crafted, XLSX))
        assert "<!DOCTYPE>" in problem["message"] and "sheet1.xml" in problem["message"]
    assert counts(session) == before
    assert _post(client, officer, good, XLSX).status_code == 200


def test_a_workbook_that_unpacks_to_a_bomb_is_refused(client: TestClient,
                                                      officer: Account) -> None:
    bomb = _rewrite(_workbook([ROW]), {"xl/worksheets/sheet1.xml": b" " * (80 * 2**20)})
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
        assert info.file_size / info.compress_size > 500
    problem = _file_problem(_post(client, officer, bomb, XLSX))
    assert "sheet1.xml" in problem["message"] and "unpack" in problem["message"]


def test_a_damaged_sheet_is_a_file_problem_not_a_crash(client: TestClient,
                                                       officer: Account) -> None:
    broken = _rewrite(_workbook([ROW, ROW]), {"xl/worksheets/sheet1.xml": b"<worksheet><"})
    r = _post(client, officer, broken, XLSX)
    assert r.status_code == 409 and r.json()["conflicts"][0]["field"] == "file", r.text


SEMICOLONS = ("Mã chỉ tiêu;Mã đơn vị;Kỳ;Giá trị\n"
              "VT_TRAM_5G;02647;2024-03;1.234\n"
              "VT_TRAM_5G;02647;2024-04;12\n")


def test_a_vietnamese_file_reads_the_dot_as_thousands_and_says_so(
        client: TestClient, officer: Account) -> None:
    r = _post(client, officer, SEMICOLONS.encode())
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["number_style"] == "vi" and body["numbers_read_by_style"] == 1
    assert "semicolons" in body["number_style_reason"]
    assert "'1.234' were read Vietnamese style" in body["description"]
    assert "được đọc theo kiểu Việt Nam" in body["description_vi"]
    got = client.get("/api/v1/datavalues/VT_TRAM_5G/02647/2024-03", headers=officer.headers)
    assert got.json()["value"] == 1234


def test_an_english_file_refuses_what_reads_two_ways(client: TestClient, officer: Account,
                                                     session: Session) -> None:
    text = ("indicator,unit,period,value\n"
            "BC_DOANH_THU,10,2024-03,12.5\n"
            'BC_DOANH_THU,10,2024-04,"1,234"\n'
            "BC_DOANH_THU,10,2024-05,1.234\n")
    before = counts(session)
    r = _post(client, officer, text.encode())
    assert r.status_code == 409, r.text
    by_row = {c["row"]: c for c in r.json()["conflicts"]}
    assert set(by_row) == {3, 4}
    assert by_row[3]["code"] == by_row[4]["code"] == "ambiguous_number"
    assert "1234" in by_row[4]["message"] and "1.234" in by_row[4]["message"]
    assert "1,234" in by_row[4]["message_vi"]
    assert counts(session) == before
    told = _post(client, officer, text.encode(), number_style="en")
    assert told.status_code == 200 and told.json()["numbers_read_by_style"] == 2, told.text
    values = {p: client.get(f"/api/v1/datavalues/BC_DOANH_THU/10/{p}",
                            headers=officer.headers).json()["value"]
              for p in ("2024-03", "2024-04", "2024-05")}
    assert values == {"2024-03": 12.5, "2024-04": 1234, "2024-05": 1.234}


def test_a_vietnamese_template_reads_typed_text_vietnamese_style(
        client: TestClient, officer: Account) -> None:
    row = [*ROW[:6], "2.500", None]
    r = _post(client, officer, _workbook([row]), XLSX)
    assert r.status_code == 200, r.text
    assert r.json()["number_style"] == "vi"
    got = client.get("/api/v1/datavalues/VT_TRAM_5G/02647/2024-03", headers=officer.headers)
    assert got.json()["value"] == 2500


def test_numbers_that_are_not_numbers_are_refused_on_every_path(
        client: TestClient, officer: Account) -> None:
    value = "/api/v1/datavalues/VT_TRAM_5G/02647/2024-03"
    for sent in ("٣", "３", True, "1.234"):
        r = client.put(value, json={"value": sent}, headers=officer.headers)
        assert r.status_code == 422, (sent, r.text)
    r = client.post("/api/v1/datavalues", headers=officer.headers, json={"values": [
        {"indicator": "VT_TRAM_5G", "unit": "02647", "period": "2024-03", "value": False}]})
    assert r.status_code == 422
    r = client.post("/api/v1/imports", headers=officer.headers, json={"values": [
        {"indicator": "VT_TRAM_5G", "unit": "02647", "period": "2024-03", "value": True}]})
    assert r.status_code == 409 and r.json()["conflicts"][0]["code"] == "not_a_number"
    r = client.post("/dhis2/api/dataValueSets", params={"idScheme": "CODE"},
                    headers=officer.headers, json={"dataValues": [
                        {"dataElement": "BC_DOANH_THU", "orgUnit": "10", "period": "202403",
                         "value": "1,5"}]})
    assert r.status_code == 409 and "decimal point" in r.text, r.text
    assert client.get(value, headers=officer.headers).status_code == 404
