"""Foresight where the year's targets are shown: the odds of meeting each target on the
overview (its targets at risk and its tiles), on the wall and on the targets page; and the
open alerts the reader may see, on the overview."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.domain.alerts import Operator, RuleKind, Severity
from fansipan.forecasting import Outlook
from fansipan.services.foresight.odds import list_odds
from fansipan.services.foresight.rules import AlertRuleWrite, create_rule
from fansipan.services.warehouse.targets import TargetWrite, set_target
from fansipan.web.formatting import percent
from tests.services.foresight.conftest import COMMUNE, INDICATOR, months, put, seasonal
from tests.support.accounts import Account

ONLINE = "CNTT_HO_SO_TRUC_TUYEN"  # dossiers received online: a monthly flow, higher is better
PROVINCE = "15"  # Lào Cai since 1 July 2025


def _section(page: str, marker: str) -> str:
    """The HTML from `marker` to the end of its section."""
    start = page.index(marker)
    return page[start:page.index("</section>", start)]


def _refresh(client: TestClient) -> None:
    client.app.state.foresight.run()  # type: ignore[attr-defined]


def _hard_target(session: Session) -> None:
    """Five years of the commune's online dossiers and this year's months so far; the
    province's plan for the year half as much again as they are heading for."""
    today = date.today()
    values = seasonal(60 + today.month - 1, level=100)
    put(session, ONLINE, COMMUNE, dict(zip(months(today.year - 5, len(values)), values,
                                           strict=True)))
    heading_for = sum(seasonal(72, level=100)[60:])
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator=ONLINE, unit=PROVINCE, period=str(today.year),
        planned=round(heading_for * 1.5), document="Kế hoạch thử"))


def test_the_odds_of_the_years_targets_on_the_overview_the_wall_and_the_targets_page(
        client: TestClient, session: Session,
        make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER)
    _hard_target(session)
    before = _section(client.get("/", headers=leader.headers).text, 'id="at-risk"')
    assert 'class="odds"' not in before  # no odds computed yet: nothing is said of them
    _refresh(client)
    [odds] = list_odds(session=session, principal=Principal.system("tests"),
                       year=date.today().year)
    assert odds.outlook is Outlook.OFF_TRACK and odds.probability is not None
    shown = percent(100 * odds.probability, "vi", 0)

    page = client.get("/", headers=leader.headers).text
    risk = _section(page, 'id="at-risk"')
    assert "Số hồ sơ" in risk or ONLINE in risk
    assert '<span class="badge outlook-off_track"' in risk and "Khó đạt" in risk
    assert f"khả năng đạt {shown}" in risk
    tile = page[page.index('id="outlook-all"'):]
    assert tile.startswith('id="outlook-all">Theo khả năng đạt: '
                           '<span class="outlook-off_track">1 khó đạt</span></p>'), tile[:200]
    assert page.count('class="outlooks small"') == 2  # all sectors, and the IT sector's tile
    assert "1.000 kịch bản mô phỏng" in page  # what the odds are, said once
    english = client.get("/", params={"lang": "en"}, headers=leader.headers).text
    assert "By their odds: " in english and "1 off track" in english
    assert f"{percent(100 * odds.probability, 'en', 0)} chance" in english

    wall = client.get("/wall", headers=leader.headers).text
    assert 'id="wall-outlook"' in wall and "1 khó đạt" in wall
    wall_risk = wall[wall.index('id="wall-risk"'):]
    assert f"khả năng đạt {shown}" in wall_risk[:wall_risk.index("</ul>")]

    targets = client.get("/targets", headers=leader.headers).text
    row = next(r for r in targets.split("<tr>") if ONLINE in r and "<td" in r)
    assert shown in row and "Khó đạt" in row  # the same odds the overview gives


def test_odds_kept_from_before_a_year_was_judged_are_not_shown(
        client: TestClient, session: Session,
        make_account: Callable[..., Account]) -> None:
    leader = make_account(Role.LEADER)
    # 2024 as it stood on 20 November 2024: ten months in, the old province's plan out of
    # reach. The odds computed that day stay stored; the year is judged since.
    values = seasonal(70, level=100)
    put(session, ONLINE, COMMUNE, dict(zip(months(2019, 70), values, strict=True)))
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator=ONLINE, unit="10", period="2024",
        planned=round(sum(seasonal(72, level=100)[60:]) * 1.5)))
    client.app.state.foresight.run(today=date(2024, 11, 20))  # type: ignore[attr-defined]
    [kept] = list_odds(session=session, principal=Principal.system("tests"), year=2024)
    assert kept.outlook is Outlook.OFF_TRACK and kept.probability is not None
    page = client.get("/targets", params={"year": 2024}, headers=leader.headers).text
    row = next(r for r in page.split("<tr>") if ONLINE in r and "<td" in r)
    cells = [c.strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
    assert "Không đạt" in cells[-4] and cells[-3:-1] == ["—", "—"], cells
    rows = client.get("/targets.json", params={"year": 2024}, headers=leader.headers).json()
    [line] = [r for r in rows["rows"] if r["indicator"] == ONLINE]
    assert line["odds"] is None and line["outlook"] == ""
    overview = client.get("/", params={"year": 2024}, headers=leader.headers).text
    assert 'class="odds"' not in overview and 'class="outlooks small"' not in overview


def test_the_overview_shows_the_open_alerts_the_reader_may_see(
        client: TestClient, session: Session,
        make_account: Callable[..., Account]) -> None:
    system = Principal.system("tests")
    put(session, INDICATOR, COMMUNE, dict(zip(months(2021, 60), seasonal(60), strict=True)))
    create_rule(session=session, principal=system, data=AlertRuleWrite(
        name="Hồ sơ tăng đột biến", kind=RuleKind.THRESHOLD, indicator=INDICATOR,
        unit=COMMUNE, operator=Operator.GT, threshold=2000, severity=Severity.CRITICAL))
    put(session, INDICATOR, COMMUNE, {"2026-01": 2500})
    _refresh(client)
    here = make_account(Role.OFFICER, units=[COMMUNE], units_as_of="2026-01-01")
    elsewhere = make_account(Role.OFFICER, units=["088"], units_as_of="2025-01-01")

    panel = _section(client.get("/", headers=here.headers).text, 'class="panel alerts-panel"')
    assert "1 cảnh báo đang mở" in panel and "2.500" in panel
    assert 'class="badge sev-critical"' in panel and 'href="/alerts"' in panel
    other = _section(client.get("/", headers=elsewhere.headers).text,
                     'class="panel alerts-panel"')
    assert "Không có cảnh báo nào đang mở." in other and "2.500" not in other
    assert "alerts-panel" not in client.get("/").text  # alerts are for people signed in

    put(session, INDICATOR, COMMUNE, {"2026-01": 500})  # corrected: the alert clears
    _refresh(client)
    cleared = _section(client.get("/", headers=here.headers).text,
                       'class="panel alerts-panel"')
    assert "Không có cảnh báo nào đang mở." in cleared and "2.500" not in cleared
