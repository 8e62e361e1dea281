"""Target evaluation over the engine: status per target, counts per sector and unit."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.targets import TargetStatus
from fansipan.services.insight.evaluation import evaluate_targets
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.targets import TargetWrite, set_target

REVENUE = "BC_DOANH_THU"  # postal, summed over months
DOSSIERS = "CNTT_HO_SO_TRUC_TUYEN"  # IT, summed over months and communes


def put(session: Session, *rows: tuple[str, str, str, float]) -> None:
    write_values(session=session, actor="tester", source="test", items=[
        DataValueWrite(indicator=i, unit=u, period=p, value=v) for i, u, p, v in rows])


def plan(session: Session, indicator: str, unit: str, period: str, planned: float) -> None:
    set_target(session=session, actor="tester", data=TargetWrite(
        indicator=indicator, unit=unit, period=period, planned=planned, document="test"))


def test_year_end_status_and_counts(session: Session) -> None:
    put(session, *[(REVENUE, "10", f"2024-{m:02d}", 10) for m in range(1, 13)])
    put(session, (DOSSIERS, "02683", "2024-01", 30), (DOSSIERS, "02686", "2024-02", 40))
    plan(session, REVENUE, "10", "2024", 100)  # actual 120: exceeded
    plan(session, DOSSIERS, "10", "2024", 80)  # actual 70: missed
    plan(session, DOSSIERS, "082", "2024", 70)  # actual 70 in Bát Xát: met
    report = evaluate_targets(session=session, warehouse=Warehouse(), year=2024,
                              as_of=date(2025, 2, 1))
    status = {(i.indicator, i.unit): (i.actual, i.status) for i in report.items}
    assert status == {
        (REVENUE, "10"): (120, TargetStatus.EXCEEDED),
        (DOSSIERS, "10"): (70, TargetStatus.MISSED),
        (DOSSIERS, "082"): (70, TargetStatus.MET),
    }
    assert report.sentence == ("2/3 chỉ tiêu đạt và vượt kế hoạch, trong đó 1 chỉ tiêu vượt "
                               "kế hoạch, 1 chỉ tiêu không đạt")
    sectors = {g.key: g.sentence for g in report.by_sector}
    assert sectors == {"postal": "1/1 chỉ tiêu đạt và vượt kế hoạch, trong đó 1 chỉ tiêu "
                                 "vượt kế hoạch",
                       "it_dx": "1/2 chỉ tiêu đạt kế hoạch, 1 chỉ tiêu không đạt"}
    units = {g.key: g.summary.total for g in report.by_unit}
    assert units == {"10": 2, "082": 1}
    only = evaluate_targets(session=session, warehouse=Warehouse(), year=2024,
                            as_of=date(2025, 2, 1), units=["082"])
    assert [i.unit for i in only.items] == ["082"]


def test_before_the_year_ends_sums_are_judged_pro_rata(session: Session) -> None:
    put(session, *[(REVENUE, "10", f"2024-{m:02d}", 10) for m in range(1, 7)])
    plan(session, REVENUE, "10", "2024", 100)
    # On 1 July half the year has passed: 60 of 100 is ahead of the 50 expected.
    on_track = evaluate_targets(session=session, warehouse=Warehouse(), year=2024,
                                as_of=date(2024, 7, 1))
    assert on_track.items[0].status is TargetStatus.ON_TRACK
    plan(session, REVENUE, "10", "2024", 150)  # 75 expected by now: 60 is behind
    at_risk = evaluate_targets(session=session, warehouse=Warehouse(), year=2024,
                               as_of=date(2024, 7, 1))
    assert at_risk.items[0].status is TargetStatus.AT_RISK
