"""Inference: an answer reveals nothing its asker could not read directly.

One test per class of leak: a share of the parent gives the parent's total, a rank the
siblings' order, a public rate over a private count the count, and history mapped into a
new unit the totals of predecessors outside the account. Each failed before the rule.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal, Role
from fansipan.errors import Conflict, PermissionDenied, Unauthenticated
from fansipan.services.catalog import load_catalog
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.insight.evaluation import evaluate_targets
from fansipan.services.warehouse.datavalues import (
    DataValueWrite,
    ValueQuery,
    list_values,
    write_values,
)
from fansipan.services.warehouse.indicators import (
    IndicatorVisibility,
    get_indicator,
    list_indicators,
    set_visibility,
)
from fansipan.services.warehouse.targets import TargetWrite, set_target
from tests.support.accounts import Account

STATIONS = "VT_TRAM_5G"
RATE, SUBSCRIBERS, PEOPLE = "VT_TB_BRDD_100_DAN", "VT_THUE_BAO_BRDD", "CDS_DAN_SO"
RECEIVED = "CNTT_HO_SO_TIEP_NHAN"
A, B, C = "02683", "02686", "02644"  # two communes of Bát Xát (082), one of Lào Cai city
WARD = "02647"  # Phường Lào Cai from 2025-07-01: six old wards merged (Kim Tân among them)
SYSTEM = Principal.system("tests")


def put(session: Session, *rows: tuple[str, str, str, float]) -> None:
    write_values(session=session, actor="tester", source="test", items=[
        DataValueWrite(indicator=i, unit=u, period=p, value=v) for i, u, p, v in rows])


def ask(session: Session, principal: Principal, **kw: object) -> list[dict[str, object]]:
    result = run_analytics(session=session, warehouse=Warehouse(), principal=principal,
                           request=AnalyticsRequest(**kw))  # type: ignore[arg-type]
    return result.records()


@pytest.fixture
def stations(session: Session) -> Session:
    # 8 in A, 2 in B (Bát Xát), 2,787 in C: the province has 2,797.
    put(session, (STATIONS, A, "2024-06", 8), (STATIONS, B, "2024-06", 2),
        (STATIONS, C, "2024-06", 2787))
    return session


def test_a_share_of_the_parent_is_not_told_when_the_parent_is_out_of_reach(
        stations: Session, make_account: Callable[..., Account]) -> None:
    officer = make_account(Role.OFFICER, units=["082"], units_as_of="2024-06-30").principal
    got = ask(stations, officer, indicators=[STATIONS], units=["082"], periods=["2024-06"],
              share_of_parent=True, as_of=date(2024, 6, 30))
    assert got[0]["value"] == 10
    # 10 × 100 / 0.3575 % would be the province's 2,797, which the same account is refused.
    assert got[0]["share_of_parent"] is None
    with pytest.raises(PermissionDenied):
        ask(stations, officer, indicators=[STATIONS], units=["10"], periods=["2024-06"],
            as_of=date(2024, 6, 30))
    # Inside its reach the share is told: A is 80 % of Bát Xát.
    inside = ask(stations, officer, indicators=[STATIONS], units=[A], periods=["2024-06"],
                 share_of_parent=True, as_of=date(2024, 6, 30))
    assert inside[0]["share_of_parent"] == pytest.approx(80)


def test_a_rank_is_not_told_among_siblings_out_of_reach(
        stations: Session, make_account: Callable[..., Account]) -> None:
    commune = make_account(Role.OFFICER, units=[A], units_as_of="2024-06-30").principal
    got = ask(stations, commune, indicators=[STATIONS], units=[A], periods=["2024-06"],
              rank=True, as_of=date(2024, 6, 30))
    assert (got[0]["rank"], got[0]["rank_of"]) == (None, None)  # B's figure is not its own
    district = make_account(Role.OFFICER, units=["082"], units_as_of="2024-06-30").principal
    ranks = {r["unit"]: (r["rank"], r["rank_of"])
             for r in ask(stations, district, indicators=[STATIONS], units=["082/children"],
                          periods=["2024-06"], rank=True, as_of=date(2024, 6, 30))}
    assert ranks[A] == (1, 2) and ranks[B] == (2, 2)
    # And Bát Xát among the province's districts: outside the district officer's reach.
    top = ask(stations, district, indicators=[STATIONS], units=["082"], periods=["2024-06"],
              rank=True, as_of=date(2024, 6, 30))
    assert top[0]["rank"] is None


def test_a_public_rate_over_a_private_count_is_not_public(
        session: Session, make_account: Callable[..., Account]) -> None:
    put(session, (SUBSCRIBERS, "10", "2024-12", 540_000), (PEOPLE, A, "2024", 20_000),
        (PEOPLE, C, "2024", 730_000))
    admin = make_account(Role.ADMIN).principal
    set_visibility(session=session, principal=admin, code=SUBSCRIBERS,
                   data=IndicatorVisibility(public=True))
    # The rate names the private population among its parts: publishing it is refused
    # until an administrator confirms that it discloses them.
    with pytest.raises(Conflict) as refused:
        set_visibility(session=session, principal=admin, code=RATE,
                       data=IndicatorVisibility(public=True))
    assert PEOPLE in refused.value.errors[0].message
    assert not get_indicator(session=session, code=RATE).public  # nothing changed
    anonymous = Principal.anonymous()
    with pytest.raises(Unauthenticated):
        ask(session, anonymous, indicators=[RATE], units=["10"], periods=["2024"],
            as_of=date(2024, 12, 31))
    # Marked public behind the rule's back (an older store), it is still not readable.
    from sqlalchemy import update

    from fansipan.store.tables import IndicatorRow
    with session.begin():
        session.execute(update(IndicatorRow).where(IndicatorRow.code == RATE)
                        .values(public=True))
    with pytest.raises(Unauthenticated):
        ask(session, anonymous, indicators=[RATE], units=["10"], periods=["2024"],
            as_of=date(2024, 12, 31))
    assert RATE not in {i.code for i in list_indicators(session=session, principal=anonymous)}
    # Confirmed: the disclosure is the administrator's decision, kept and audited.
    shown = set_visibility(session=session, principal=admin, code=RATE,
                           data=IndicatorVisibility(public=True, discloses_parts=True))
    assert shown.public and shown.discloses_parts
    got = ask(session, anonymous, indicators=[RATE], units=["10"], periods=["2024"],
              as_of=date(2024, 12, 31))
    assert got[0]["value"] == pytest.approx(72.0)  # 540,000 per 750,000 people


def test_a_scoped_account_reads_a_rate_only_with_its_parts(
        session: Session, make_account: Callable[..., Account]) -> None:
    put(session, (SUBSCRIBERS, "10", "2024-12", 540_000), (PEOPLE, A, "2024", 750_000))
    telecom = make_account(Role.LEADER, sectors=["telecom"]).principal
    with pytest.raises(PermissionDenied):
        ask(session, telecom, indicators=[RATE], units=["10"], periods=["2024"],
            as_of=date(2024, 12, 31))
    both = make_account(Role.LEADER, sectors=["telecom"], indicators=[PEOPLE]).principal
    assert ask(session, both, indicators=[RATE], units=["10"], periods=["2024"],
               as_of=date(2024, 12, 31))[0]["value"] == pytest.approx(72.0)


def test_the_cli_publishes_a_rate_only_when_the_disclosure_is_confirmed(
        session: Session, store_url: str) -> None:
    from fansipan.cli import app

    env = {"FANSIPAN_DATABASE_URL": store_url}
    runner = CliRunner()
    refused = runner.invoke(app, ["indicators", "publish", RATE], env=env)
    assert refused.exit_code == 1 and PEOPLE in refused.output
    done = runner.invoke(app, ["indicators", "publish", RATE, SUBSCRIBERS, PEOPLE,
                               "--confirm-disclosure"], env=env)
    assert done.exit_code == 1  # discloses_parts is for derived indicators only
    done = runner.invoke(app, ["indicators", "publish", RATE, "--confirm-disclosure"], env=env)
    assert done.exit_code == 0, done.output
    assert "đã được công khai" in done.output
    assert get_indicator(session=session, code=RATE).discloses_parts


def test_mapped_history_is_withheld_where_predecessors_are_out_of_reach(
        session: Session, make_account: Callable[..., Account]) -> None:
    put(session, (RECEIVED, "02647", "2024-03", 40), (RECEIVED, C, "2024-03", 60),
        (RECEIVED, WARD, "2025-09", 70))
    ward = make_account(Role.OFFICER, units=[WARD], units_as_of="2025-07-01").principal
    got = run_analytics(session=session, warehouse=Warehouse(), principal=ward,
                        request=AnalyticsRequest(
                            indicators=[RECEIVED], units=[WARD], periods=["2024", "2025-09"],
                            hierarchy="mapped", compare=True, as_of=date(2026, 1, 1)))
    values = {r["period"]: r["value"] for r in got.records()}
    # September 2025 is the ward's own; 2024 would be Kim Tân's and Cốc Lếu's 100.
    assert values == {"2025-09": 70}
    withheld = [n for n in got.meta.notes or [] if n["about"] == "value"]
    assert [n["period"] for n in withheld] == ["2024"]
    assert withheld[0]["reason"] == "outside_scope"
    assert {u["code"] for u in withheld[0]["units"]} >= {"02647", C}
    # Directly, the same account may not read those communes.
    with pytest.raises(PermissionDenied):
        list_values(session=session, principal=ward,
                    query=ValueQuery(units=[C], indicators=[RECEIVED]))
    # An account that reaches every old ward gets the history: five were in Lào Cai city,
    # Bản Phiệt (02911) in Bảo Thắng.
    with session.begin():
        catalog = load_catalog(session)
        old = [catalog.uid_of(catalog.unit(c, date(2025, 6, 30))) for c in ("080", "02911")]
    city = make_account(Role.OFFICER, units=[*old, WARD], units_as_of="2025-07-01").principal
    whole = run_analytics(session=session, warehouse=Warehouse(), principal=city,
                          request=AnalyticsRequest(
                              indicators=[RECEIVED], units=[WARD], periods=["2024"],
                              hierarchy="mapped", as_of=date(2026, 1, 1)))
    assert whole.values() == {(RECEIVED, WARD, "2024"): 100}


def test_a_targets_actual_follows_the_same_rule(
        session: Session, make_account: Callable[..., Account]) -> None:
    put(session, (RECEIVED, C, "2025-03", 60), (RECEIVED, WARD, "2025-09", 70))
    set_target(session=session, actor="tests", data=TargetWrite(
        indicator=RECEIVED, unit=WARD, period="2025", planned=100, document="test"))
    ward = make_account(Role.OFFICER, units=[WARD], units_as_of="2025-07-01").principal
    mine = evaluate_targets(session=session, warehouse=Warehouse(), year=2025,
                            as_of=date(2026, 1, 15), principal=ward)
    assert [i.actual for i in mine.items] == [None]  # 130 would include Cốc Lếu's March
    full = evaluate_targets(session=session, warehouse=Warehouse(), year=2025,
                            as_of=date(2026, 1, 15), principal=SYSTEM)
    assert [i.actual for i in full.items] == [130]


def test_a_rate_follows_the_parts_of_every_formula_it_has_had(
        session: Session, make_account: Callable[..., Account]) -> None:
    from fansipan.services.warehouse.catalogue_admin import IndicatorEdit, edit_indicator

    put(session, (SUBSCRIBERS, "10", "2024-12", 540_000), (PEOPLE, A, "2024", 750_000))
    admin = make_account(Role.ADMIN).principal
    # From 2025 the figure is counted per station, a telecom matter alone; 2024 is still
    # read under the old formula, per 100 people, and so still reveals the population.
    edit_indicator(session=session, principal=admin, code=RATE, data=IndicatorEdit(
        formula=f"{SUBSCRIBERS} / {STATIONS}", effective_from=date(2025, 1, 1),
        note="tính theo trạm"))
    telecom = make_account(Role.LEADER, sectors=["telecom"]).principal
    with pytest.raises(PermissionDenied):
        ask(session, telecom, indicators=[RATE], units=["10"], periods=["2024"],
            as_of=date(2024, 12, 31))
    for code in (SUBSCRIBERS, STATIONS):
        set_visibility(session=session, principal=admin, code=code,
                       data=IndicatorVisibility(public=True))
    with pytest.raises(Conflict) as refused:
        set_visibility(session=session, principal=admin, code=RATE,
                       data=IndicatorVisibility(public=True))
    assert PEOPLE in refused.value.errors[0].message
    both = make_account(Role.LEADER, sectors=["telecom"], indicators=[PEOPLE]).principal
    assert ask(session, both, indicators=[RATE], units=["10"], periods=["2024"],
               as_of=date(2024, 12, 31))[0]["value"] == pytest.approx(72.0)
