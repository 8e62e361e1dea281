"""The data officer's first screen lists the reports their units owe: each indicator ×
unit × period with its deadline, its status and a link to the entry form; only their
units, in Vietnamese and English, dates written dd/mm/yyyy."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.domain.calendar import vietnam_calendar
from fansipan.domain.periods import Period
from fansipan.services.catalog import load_catalog
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.foresight.regimes import RegimeWrite, load_regimes, set_regime
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from tests.support.accounts import PASSWORD, Account

SYSTEM = Principal.system("tests")
INDICATOR = "VT_TRAM_5G"  # 5G stations, reported by every commune each month
MINE = "02647"  # Phường Lào Cai (since July 2025)
NOT_MINE = "Phường Cam Đường"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def panel(html: str) -> str:
    start = html.index('id="due"')
    return html[start:html.index("</section>", start)]


def row_of(box: str, period: Period) -> str:
    """The table row of a period's report."""
    found = re.search(r"<tr[^>]*>(?:(?!</tr>).)*period=" + period.id + r"&amp;(?:(?!</tr>).)*</tr>",
                      box, re.S)
    assert found is not None, period.id
    return found.group(0)


def due_of(session: Session, period: Period) -> date:
    with session.begin():
        [regime] = [r for r in load_regimes(session, load_catalog(session))
                    if r.indicator.code == INDICATOR]
    return regime.due_date(period, vietnam_calendar())


def vi_day(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def regime_and_one_report(session: Session) -> tuple[Period, Period, Period]:
    """A monthly regime, each month due on the 20th of the next, in force for half a year;
    last month's report sent now, the one three months ago never sent."""
    today = today_in_vietnam()
    this = Period.month_of(today.year, today.month)
    set_regime(session=session, principal=SYSTEM, indicator=INDICATOR,
               data=RegimeWrite(due="day_of_month", day=20, month_offset=1,
                                effective_from=today - timedelta(days=200)))
    sent, missing = this.shift(-1), this.shift(-3)
    write_values(session=session, actor="tests", source="tests", items=[
        DataValueWrite(indicator=INDICATOR, unit=MINE, period=sent.id, value=4)])
    return this, sent, missing


def test_an_officer_sees_what_their_unit_owes(
        web: TestClient, filled: Session, make_account: Callable[..., Account]) -> None:
    this, sent, missing = regime_and_one_report(filled)
    officer = make_account(Role.OFFICER, units=[MINE])
    signed = web.post("/login", data={"username": officer.username, "password": PASSWORD},
                      follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/"
    page = web.get("/")
    assert page.status_code == 200
    box = panel(page.text)
    words = text_of(box)
    assert "Báo cáo đến hạn" in words
    # Overdue: three months ago, never sent — how many days late, from its deadline.
    late_by = (today_in_vietnam() - due_of(filled, missing)).days
    assert late_by > 0
    overdue = text_of(row_of(box, missing))
    assert f"Quá hạn {late_by} ngày" in overdue
    assert vi_day(due_of(filled, missing)) in overdue
    assert f"Tháng {missing.index}/{missing.year}" in overdue
    after = missing.next()
    assert due_of(filled, missing) == date(after.year, after.index, 20)
    # Last month's, sent today: on time until the 20th, late after it.
    sent_row = text_of(row_of(box, sent))
    assert "Đã nộp" in sent_row and vi_day(today_in_vietnam()) in sent_row
    assert ("muộn" in sent_row) == (today_in_vietnam() > due_of(filled, sent))
    # This month's report is not yet due: its deadline is the 20th of next month.
    assert "Chưa nộp" in text_of(row_of(box, this))
    assert vi_day(due_of(filled, this)) in words
    # The most urgent first: what is overdue stands above what is not yet due.
    assert box.index(row_of(box, missing)) < box.index(row_of(box, this))
    # Only the officer's commune: not the province's other communes.
    assert "Phường Lào Cai" in words and NOT_MINE not in words
    # Each row leads to its entry form, which opens for that unit and period.
    link = re.search(r'href="(/entry\?unit=[^"&]+&amp;period=' + missing.id
                     + r'&amp;sector=telecom)"', box)
    assert link is not None
    form = web.get(link.group(1).replace("&amp;", "&"))
    assert form.status_code == 200 and f'value="{missing.id}"' in form.text


def test_the_panel_speaks_english(
        web: TestClient, filled: Session, make_account: Callable[..., Account]) -> None:
    _, sent, missing = regime_and_one_report(filled)
    officer = make_account(Role.OFFICER, units=[MINE])
    words = text_of(panel(web.get("/", params={"lang": "en"}, headers=officer.headers).text))
    late_by = (today_in_vietnam() - due_of(filled, missing)).days
    assert "Reports due" in words
    assert f"{late_by} days overdue" in words
    assert "Not sent yet" in words
    assert ("Sent late" if today_in_vietnam() > due_of(filled, sent) else "Sent") in words
    assert f"{missing.label('en')}" in words


def test_nobody_else_gets_the_panel(
        web: TestClient, filled: Session, make_account: Callable[..., Account]) -> None:
    regime_and_one_report(filled)
    assert 'id="due"' not in web.get("/").text  # the public
    leader = make_account(Role.LEADER, units=[MINE])
    assert 'id="due"' not in web.get("/", headers=leader.headers).text
    province_officer = make_account(Role.OFFICER)  # every unit: a leader's view instead
    assert 'id="due"' not in web.get("/", headers=province_officer.headers).text


def test_an_officer_with_nothing_owed_is_told_so(
        web: TestClient, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER, units=[MINE])  # no regime set: nothing expected
    box = panel(web.get("/", headers=officer.headers).text)
    assert 'id="due-none"' in box
