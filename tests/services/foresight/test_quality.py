"""Data quality on arrival: injected anomalies flagged (never refused), normal ones not,
a corrected value closes its flag, an officer confirms one; on every write path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.errors import Conflict, NotFound
from fansipan.services.foresight.quality import (
    FlagDecision,
    FlagStatus,
    confirm_flag,
    list_flags,
)
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.warehouse.datavalues import get_value
from fansipan.store.foresight_tables import QualityFlagRow
from tests.services.foresight.conftest import COMMUNE, INDICATOR, TODAY, months, put, seasonal
from tests.support.accounts import Account

SYSTEM = Principal.system("tests")


def test_injected_anomalies_are_flagged_on_arrival_and_kept(
        session: Session, refresher: Refresher, history: dict[str, float]) -> None:
    refresher.run(today=TODAY)
    assert list_flags(session=session, principal=SYSTEM) == []  # clean history: no alarm
    usual = seasonal(72)[60:]  # the same process, a year on
    arriving = dict(zip(months(2026, 12), usual, strict=True))
    spikes = {"2026-03": round(usual[2] * 3.0), "2026-07": round(usual[6] * 0.2)}
    arriving.update(spikes)
    put(session, INDICATOR, COMMUNE, arriving)
    report = refresher.run(today=TODAY)
    assert report.values_checked >= 12
    flags = list_flags(session=session, principal=SYSTEM)
    assert {f.period for f in flags} == set(spikes)
    high = next(f for f in flags if f.period == "2026-03")
    assert high.status is FlagStatus.OPEN and high.score is not None and high.score > 4.5
    assert high.upper is not None and high.value > high.upper
    assert high.expected is not None and high.expected < high.value
    assert "bất thường" in high.reason.lower()
    # Flagged, never refused: the value is stored as sent.
    stored = get_value(session=session, indicator=INDICATOR, unit=COMMUNE, period="2026-03")
    assert stored.value == spikes["2026-03"]


def test_a_normal_tet_dip_is_not_flagged_but_a_missing_one_is(
        session: Session, refresher: Refresher, history: dict[str, float]) -> None:
    refresher.run(today=TODAY)
    february = seasonal(74)[61]  # the usual Tết dip
    put(session, INDICATOR, COMMUNE, {"2026-01": seasonal(73)[60], "2026-02": february})
    refresher.run(today=TODAY)
    assert list_flags(session=session, principal=SYSTEM) == []
    put(session, INDICATOR, COMMUNE, {"2026-02": round(february / 0.65 * 1.05)})  # no dip at all
    refresher.run(today=TODAY)
    assert [f.period for f in list_flags(session=session, principal=SYSTEM)] == ["2026-02"]


def test_a_corrected_value_closes_its_flag_and_a_confirmed_one_stays_closed(
        session: Session, refresher: Refresher, history: dict[str, float],
        make_account: Callable[..., Account]) -> None:
    refresher.run(today=TODAY)
    usual = seasonal(62)[60:]
    for period, value in (("2026-01", usual[0] * 4), ("2026-02", usual[1] * 4)):
        put(session, INDICATOR, COMMUNE, {period: value})  # each month as it arrives
        refresher.run(today=TODAY)
    flags = {f.period: f for f in list_flags(session=session, principal=SYSTEM)}
    assert set(flags) == {"2026-01", "2026-02"}
    put(session, INDICATOR, COMMUNE, {"2026-01": usual[0]})  # the officer's correction
    refresher.run(today=TODAY)
    with session.begin():
        row = session.get(QualityFlagRow, flags["2026-01"].id)
        assert row is not None and row.status == "corrected" and row.resolved_by == "system"
    officer = make_account(Role.OFFICER, units=[COMMUNE], units_as_of="2026-01-01")
    foreign = make_account(Role.OFFICER, units=["088"], units_as_of="2025-01-01")
    with pytest.raises(NotFound):
        confirm_flag(session=session, principal=foreign.principal,
                     flag_id=flags["2026-02"].id, decision=FlagDecision())
    done = confirm_flag(session=session, principal=officer.principal,
                        flag_id=flags["2026-02"].id,
                        decision=FlagDecision(note="Đúng: đợt cao điểm cấp đổi giấy tờ"))
    assert done.status is FlagStatus.CONFIRMED and done.resolved_by == officer.username
    with pytest.raises(Conflict):
        confirm_flag(session=session, principal=officer.principal,
                     flag_id=flags["2026-02"].id, decision=FlagDecision())
    assert list_flags(session=session, principal=SYSTEM, status=FlagStatus.OPEN) == []
    assert list_flags(session=session, principal=foreign.principal) == []


def test_a_value_imported_from_a_file_is_checked_like_any_other(
        session: Session, refresher: Refresher, history: dict[str, float],
        tmp_path: Path) -> None:
    from fansipan.services.exchange.imports import ImportOptions, run_import

    refresher.run(today=TODAY)
    spike = round(seasonal(61)[60] * 5)
    path = tmp_path / "values.csv"
    path.write_text(f"indicator,unit,period,value\n{INDICATOR},{COMMUNE},2026-01,{spike}\n")
    summary = run_import(session=session, path=path, options=ImportOptions(), actor="tests",
                         file_name="values.csv")
    assert summary.import_count.imported == 1
    refresher.run(today=TODAY)
    with session.begin():
        flagged = session.scalars(select(QualityFlagRow.period)).all()
    assert flagged == ["2026-01"]
