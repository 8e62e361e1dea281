"""The odds the refresher works out, quoted by a report of results of part of the year: a
column of the targets' table and a sentence; never odds worked out after the report's
date, nor for a year already judged."""

from __future__ import annotations

import io
from datetime import date, timedelta

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.calendar import vietnam_calendar
from fansipan.reports.decree30 import lint_docx
from fansipan.reports.docx_writer import write_docx
from fansipan.reports.model import Number, Paragraph, Table
from fansipan.reports.xlsx_writer import write_xlsx
from fansipan.services.catalog import load_catalog
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.reports.compose import compose
from fansipan.services.direction.reports.content import ReportContent, ReportRequest, gather
from fansipan.services.foresight.odds import list_odds
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.warehouse.targets import TargetWrite, set_target
from tests.services.foresight.conftest import COMMUNE, months, put, seasonal

SYSTEM = Principal.system("tests")
ON_TIME = "CNTT_HO_SO_DUNG_HAN"  # dossiers resolved on time
ONLINE = "CNTT_HO_SO_TRUC_TUYEN"  # dossiers received online
PROVINCE = "15"


def _content(session: Session, **asked: object) -> ReportContent:
    return gather(session=session, warehouse=Warehouse(), principal=SYSTEM,
                  request=ReportRequest(unit=PROVINCE, **asked),  # type: ignore[arg-type]
                  settings=None, calendar=vietnam_calendar())


def _targets_table(c: ReportContent) -> Table:
    return next(b for b in compose(c).blocks
                if isinstance(b, Table) and b.caption.startswith("Bảng 1."))


def test_a_report_of_nine_months_quotes_the_odds_worked_out_by_its_date(
        session: Session, refresher: Refresher) -> None:
    # Nine months of 2026 in: the dossiers resolved on time are heading past their plan,
    # those received online far short of theirs.
    for code, level in ((ON_TIME, 400.0), (ONLINE, 100.0)):
        put(session, code, COMMUNE, dict(zip(months(2021, 69), seasonal(69, level=level),
                                             strict=True)))
    heading_for = {code: sum(seasonal(72, level=level)[60:])
                   for code, level in ((ON_TIME, 400.0), (ONLINE, 100.0))}
    for code, share in ((ON_TIME, 0.8), (ONLINE, 1.5)):
        set_target(session=session, actor="tests", data=TargetWrite(
            indicator=code, unit=PROVINCE, period="2026",
            planned=round(heading_for[code] * share)))
    refresher.run(today=date(2026, 10, 2))
    odds = {o.indicator: o.probability for o in list_odds(session=session, principal=SYSTEM,
                                                          year=2026)}
    assert odds[ON_TIME] is not None and odds[ON_TIME] >= 0.8
    assert odds[ONLINE] is not None and odds[ONLINE] < 0.5
    with session.begin():
        names = {c: load_catalog(session).indicators[c].name_vi for c in (ON_TIME, ONLINE)}

    today = today_in_vietnam()  # the odds were worked out today, whatever day they looked at
    c = _content(session, year=2026, period="9m", issued_on=today)
    assert c.odds_on == today
    table = _targets_table(c)
    titles = [col.title for col in table.columns]
    assert titles[6:9] == ["Đánh giá", "Khả năng đạt KH năm (%)", "Số liệu"]
    by_name = {row[1]: row for row in table.rows}
    assert by_name[names[ONLINE]][7] == Number(round(100 * odds[ONLINE]))
    assert by_name[names[ON_TIME]][7] == Number(round(100 * odds[ON_TIME]))
    assert f"tính ngày {today:%d/%m/%Y}" in table.notes
    said = [b.text for b in compose(c).blocks if isinstance(b, Paragraph)]
    online = f"{round(100 * odds[ONLINE])}%"
    assert (f"Theo dự báo ngày {today:%d/%m/%Y}, 1/2 chỉ tiêu có khả năng đạt kế hoạch năm "
            f"từ 80% trở lên; 1 chỉ tiêu khó đạt, khả năng đạt dưới 50% ({names[ONLINE]} "
            f"{online}).") in said
    report = compose(c)
    assert lint_docx(write_docx(report)) == []
    sheet = load_workbook(io.BytesIO(write_xlsx(report))).worksheets[0]
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "Khả năng đạt KH năm (%)" in cells and round(100 * odds[ONLINE]) in cells

    # A report dated before the odds were worked out quotes none of them.
    earlier = _content(session, year=2026, period="9m", issued_on=today - timedelta(days=1))
    assert earlier.odds_on is None and all(line.odds is None for line in earlier.lines)
    assert "Khả năng đạt KH năm (%)" not in [
        col.title for col in _targets_table(earlier).columns]
    assert not any(isinstance(b, Paragraph) and b.text.startswith("Theo dự báo")
                   for b in compose(earlier).blocks)
    # The year's report judges the year (met, missed): no odds beside a verdict.
    year = _content(session, year=2026, issued_on=today)
    assert year.odds_on is None and all(line.odds is None for line in year.lines)
