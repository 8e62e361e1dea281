"""Reports of results made from the live demo store, read back with real readers.

Every DOCX made here is linted against the Decree 30 rules; the spreadsheet's numbers are
checked against the target evaluation and the analytics engine; the PDF is read as text
and as an image; the 2021 report says what the 2022 plan says of 2021.
"""

from __future__ import annotations

import io
import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.domain.targets import Direction, percent_of_plan
from fansipan.errors import NotFound, PermissionDenied
from fansipan.reports.decree30 import lint_docx
from fansipan.services.catalog import load_catalog
from fansipan.services.direction.calendars import working_calendar
from fansipan.services.direction.reports.content import ReportFormat, ReportRequest
from fansipan.services.direction.reports.files import ReportFile, make_report
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.insight.evaluation import evaluate_targets
from tests.reports.conftest import LIVE_TODAY, LiveDemo

SYSTEM = Principal.system("tests")


@contextmanager
def opened(demo: LiveDemo) -> Iterator[Session]:
    with demo.session_factory() as session:
        yield session


def report(demo: LiveDemo, fmt: str = "docx", principal: Principal = SYSTEM,
           **asked: object) -> ReportFile:
    with opened(demo) as session:
        return make_report(session=session, warehouse=demo.warehouse, principal=principal,
                           request=ReportRequest(**asked),  # type: ignore[arg-type]
                           fmt=ReportFormat(fmt), settings=demo.settings,
                           calendar=working_calendar(demo.settings))


def docx_text(data: bytes) -> tuple[str, list[list[list[str]]]]:
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    for section in doc.sections:  # the header block sits in tables of the body too
        paragraphs += [p.text for p in section.header.paragraphs]
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    flat = [c for t in tables for row in t for c in row]
    return " ".join(" ".join(paragraphs + flat).split()), tables


def lint(data: bytes, tmp_path: Path, name: str = "r.docx") -> list[object]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(lint_docx(path))


def test_the_2021_report_says_what_the_2022_plan_says_of_2021(
        live_demo: LiveDemo, tmp_path: Path) -> None:
    made = report(live_demo, year=2021, issued_on=date(2022, 1, 5))
    assert lint(made.data, tmp_path) == []
    text, tables = docx_text(made.data)
    for line in ("SỞ THÔNG TIN VÀ TRUYỀN THÔNG", "UBND TỈNH LÀO CAI", "/BC-STTTT",
                 "Lào Cai, ngày 05 tháng 01 năm 2022",
                 "Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2021",
                 "từ ngày 15/12/2020 đến ngày 14/12/2021",
                 "Năm 2021, 10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt "
                 "kế hoạch.",
                 "Đã hoàn thành 6/6 nhiệm vụ đến hạn, đạt 100%",
                 "số liệu minh họa", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A",
                 "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2022", "Chỉ tiêu kế hoạch năm 2022"):
        assert line in text, line
    task_tables = [t for t in tables if t[0][:2] == ["STT", "Nhiệm vụ"]]
    assert len(task_tables) == 1  # 2021's; 2022's are not assigned yet on 05/01/2022
    assert len(task_tables[0]) - 1 == 6
    assert {row[-1] for row in task_tables[0][1:]} == {"Hoàn thành đúng hạn"}
    # The 2022 tasks of the plan appear with their status on the report's date: all were
    # assigned on 22/01/2022, so none yet on 05/01/2022, all fourteen a month later.
    assert "Chưa có nhiệm vụ trọng tâm năm 2022 được giao." in text
    later = report(live_demo, year=2021, issued_on=date(2022, 2, 10))
    text, tables = docx_text(later.data)
    next_tasks = [t for t in tables if t[0][:2] == ["STT", "Nhiệm vụ"]][1]
    assert len(next_tasks) - 1 == 14
    assert "Thí điểm mạng 5G trên địa bàn thị xã Sa Pa" in text
    assert {row[-1] for row in next_tasks[1:]} <= {"Chưa thực hiện (trong hạn)",
                                                   "Đang thực hiện trong hạn"}


def test_the_spreadsheet_holds_the_evaluations_numbers(live_demo: LiveDemo) -> None:
    made = report(live_demo, "xlsx", year=2021, issued_on=date(2022, 1, 5))
    book = load_workbook(io.BytesIO(made.data))
    sheet = book["Bảng 1"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and isinstance(r[0], str)
            and r[0].isdigit()]
    assert len(rows) == 10
    with opened(live_demo) as session:
        evaluated = evaluate_targets(session=session, warehouse=live_demo.warehouse, year=2021,
                                     as_of=date(2022, 1, 1))
    by_name = {i.indicator_name: i for i in evaluated.items}
    statuses = []
    for _, name, _, planned, actual, share, status, figure in rows:
        item = by_name[name]
        assert isinstance(planned, float | int) and isinstance(actual, float | int)
        assert planned == pytest.approx(item.planned) and actual == pytest.approx(
            item.actual, abs=0.005 + 1e-9)
        assert share == pytest.approx(round(item.plan_percent or 0, 1))
        assert (status, figure) == (item.status_label, "Chính thức")
        statuses.append(status)
    assert statuses.count("Vượt kế hoạch") == 5 and statuses.count("Đạt") == 5
    for sheet in book.worksheets:  # nothing a spreadsheet would run
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate


def test_the_december_report_gives_the_years_estimates(live_demo: LiveDemo,
                                                       tmp_path: Path) -> None:
    made = report(live_demo, year=2026, issued_on=LIVE_TODAY)
    assert lint(made.data, tmp_path) == []
    text, tables = docx_text(made.data)
    assert "SỞ KHOA HỌC VÀ CÔNG NGHỆ" in text and "/BC-SKHCN" in text
    assert "Ước thực hiện cả năm 2026, " in text
    indicators = next(t for t in tables if t[0][:2] == ["STT", "Chỉ tiêu"])
    assert indicators[0][4] == "Ước TH năm 2026"
    assert "Ước TH" in {row[-1] for row in indicators[1:]}
    # The estimate is the analytics engine's: the year of a monthly revenue includes
    # December's estimate, so it is one.
    with opened(live_demo) as session:
        answer = run_analytics(session=session, warehouse=live_demo.warehouse,
                               request=AnalyticsRequest(indicators=["BC_DOANH_THU"],
                                                        units=["15"], periods=["2026"],
                                                        hierarchy="mapped",
                                                        as_of=date(2026, 12, 31)))
    assert list(answer.estimates().values()) == [True]
    revenue = next(row for row in indicators if row[1] == "Doanh thu bưu chính")
    value = next(iter(answer.values().values()))
    assert revenue[4] == f"{value:,.2f}".replace(",", "x").replace(".", ",").replace("x", ".")
    assert revenue[-1] == "Ước TH"


@pytest.mark.parametrize(("period", "label"), [
    ("6m", "6 tháng đầu năm 2022"), ("9m", "9 tháng đầu năm 2022"),
    ("q1", "quý I năm 2022"), ("m3", "tháng 3 năm 2022")])
def test_reports_of_part_of_a_year_judge_progress(live_demo: LiveDemo, tmp_path: Path,
                                                  period: str, label: str) -> None:
    made = report(live_demo, year=2022, period=period, issued_on=date(2022, 12, 20))
    assert lint(made.data, tmp_path) == []
    text, tables = docx_text(made.data)
    assert f"Kết quả thực hiện chỉ tiêu, nhiệm vụ {label}" in text
    assert "chỉ tiêu đúng tiến độ kế hoạch năm" in text
    assert "IV. " not in text and "NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI" in text
    windows = {"6m": "từ ngày 15/12/2021 đến ngày 14/06/2022",
               "9m": "từ ngày 15/12/2021 đến ngày 14/09/2022",
               "q1": "từ ngày 15/12/2021 đến ngày 14/03/2022",
               "m3": "từ ngày 15/02/2022 đến ngày 14/03/2022"}
    assert windows[period] in text
    result = next(t for t in tables if t[0][:2] == ["STT", "Chỉ tiêu"])[0][4]
    assert result.startswith("Thực hiện ")


def test_the_nine_month_window_follows_the_provinces_setting(
        live_demo: LiveDemo) -> None:
    demo = replace(live_demo, settings=replace(live_demo.settings,
                                               nine_months_cutoff="01/01..30/09"))
    text, _ = docx_text(report(demo, year=2022, period="9m").data)
    assert "từ ngày 01/01/2022 đến ngày 30/09/2022 (theo quy định của tỉnh)" in text


def test_a_district_report_covers_the_district_only(live_demo: LiveDemo,
                                                    tmp_path: Path) -> None:
    with opened(live_demo) as session, session.begin():
        bat_xat = load_catalog(session).unit("082", date(2024, 1, 1)).id
    officer = Principal(kind=PrincipalKind.USER, name="can.bo.bx", roles=frozenset(
        {Role.OFFICER}), unit_ids=frozenset({bat_xat}), all_indicators=True)
    made = report(live_demo, principal=officer, year=2024, unit="082")
    assert lint(made.data, tmp_path) == []
    text, _ = docx_text(made.data)
    assert "Kết quả thực hiện chỉ tiêu, nhiệm vụ năm 2024 của huyện Bát Xát" in text
    assert "Chưa giao chỉ tiêu kế hoạch năm 2024 cho huyện Bát Xát." in text
    with pytest.raises(PermissionDenied):
        report(live_demo, principal=officer, year=2024, unit="10")


def test_numbers_run_from_01_each_year_for_each_issuer(live_demo: LiveDemo,
                                                        tmp_path: Path) -> None:
    first = report(live_demo, year=2024, take_number=True, issuer="so-tttt",
                   issued_on=date(2024, 12, 20))
    second = report(live_demo, year=2024, take_number=True, issuer="so-tttt",
                    issued_on=date(2024, 12, 21))
    other = report(live_demo, year=2024, take_number=True, issuer="so-kh-cn",
                   issued_on=date(2024, 12, 22))
    next_year = report(live_demo, "pdf", year=2024, take_number=True, issuer="so-tttt",
                       issued_on=date(2025, 1, 6))
    assert [first.number, second.number, other.number, next_year.number] == [1, 2, 1, 1]
    text, _ = docx_text(second.data)
    assert "Số: 02/BC-STTTT" in text and "ngày 21 tháng 12 năm 2024" in text
    assert lint(second.data, tmp_path) == []
    again = report(live_demo, year=2024, number=2, issuer="so-tttt",
                   issued_on=date(2024, 12, 21))
    assert "Số: 02/BC-STTTT" in docx_text(again.data)[0]
    with pytest.raises(NotFound):
        report(live_demo, year=2024, number=9, issuer="so-tttt", issued_on=date(2024, 12, 21))


def test_the_pdf_reads_as_the_report_and_draws_its_first_page(
        live_demo: LiveDemo, tmp_path: Path) -> None:
    made = report(live_demo, "pdf", year=2021, issued_on=date(2022, 1, 5))
    pdf = tmp_path / made.name
    pdf.write_bytes(made.data)
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                   capture_output=True, text=True).stdout.split())
    for line in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SỞ THÔNG TIN VÀ",
                 "10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế hoạch",
                 "đạt 100%", "Bảng 1. Kết quả thực hiện các chỉ tiêu năm 2021",
                 "Nơi nhận:", "- Lưu: VT, VP."):
        assert line in text, line
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page-1.png").convert("L")
    assert abs(image.width / image.height - 210 / 297) < 0.01  # an A4 page
    dark = sum(image.histogram()[:128])
    assert 0.01 < dark / (image.width * image.height) < 0.2  # text drawn, not a blank page
    if shots := os.environ.get("FANSIPAN_SCREENSHOTS"):
        image.save(Path(shots) / "report-pdf-page-1.png")


def test_share_of_plan_in_the_table_is_the_evaluations(live_demo: LiveDemo) -> None:
    made = report(live_demo, "xlsx", year=2022, issued_on=date(2023, 1, 10))
    sheet = load_workbook(io.BytesIO(made.data))["Bảng 1"]
    for row in sheet.iter_rows(values_only=True):
        if row and isinstance(row[0], str) and row[0].isdigit() and row[4] is not None:
            planned, actual, share = row[3], row[4], row[5]
            expected = percent_of_plan(actual=float(actual), planned=float(planned),
                                       direction=Direction.UP)
            assert share == pytest.approx(round(expected or 0, 1), abs=0.051)
