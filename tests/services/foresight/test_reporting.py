"""Late and missing reports: statuses per unit and period, and the counts and rates as
indicators of their own, read back through analytics."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.periods import Period
from fansipan.domain.regimes import DueBasis, SubmissionStatus
from fansipan.errors import ValidationError
from fansipan.services.catalog import load_catalog
from fansipan.services.foresight.refresh import Refresher
from fansipan.services.foresight.regimes import RegimeWrite, list_regimes, set_regime
from fansipan.services.foresight.reporting import report_statuses
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from tests.services.foresight.conftest import put

SYSTEM = Principal.system("tests")


def test_reports_owed_received_and_late_become_indicators(
        session: Session, refresher: Refresher) -> None:
    today = date.today()
    # The month before last is well past its deadline: a value sent now is late.
    month = Period.month_of(today.year, today.month).shift(-2)
    set_regime(session=session, principal=SYSTEM, indicator="VT_TRAM_5G",
               data=RegimeWrite(effective_from=month.start - timedelta(days=400)))
    [regime] = list_regimes(session=session)
    assert regime.levels == ["commune"] and regime.days == 2 and regime.working
    with session.begin():
        catalog = load_catalog(session)
        province = catalog.hierarchy.roots(month.end)[0]
        communes = [u for u in catalog.hierarchy.descendants(province.id, month.end)
                    if u.level.value == "commune"]
    late = communes[0]
    put(session, "VT_TRAM_5G", late.code, {month.id: 3})
    refresher.run(today=today)
    refresher.sweep(today=today)
    lines = report_statuses(session=session, principal=SYSTEM, unit=province.code,
                            first=month.id, today=today)
    by_unit = {s.unit_uid: s for s in lines}
    assert len(lines) == len(communes)
    assert by_unit[catalog.unit_uids[late.id]].status is SubmissionStatus.LATE
    others = {s.status for uid, s in by_unit.items() if uid != catalog.unit_uids[late.id]}
    assert others == {SubmissionStatus.OVERDUE}
    result = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=["FS_BC_PHAI_GUI", "FS_BC_DA_GUI", "FS_BC_DUNG_HAN", "FS_TY_LE_BC_DA_GUI",
                    "FS_TY_LE_BC_DUNG_HAN"],
        units=[catalog.unit_uids[province.id]], periods=[month.id], as_of=month.end))
    got = {code: value for (code, _, _), value in result.values().items()}
    n = len(communes)
    assert got["FS_BC_PHAI_GUI"] == n and got["FS_BC_DA_GUI"] == 1
    assert got.get("FS_BC_DUNG_HAN", 0) == 0
    assert got["FS_TY_LE_BC_DA_GUI"] == pytest.approx(round(100 / n, 1), abs=0.05)
    # A second sweep writes nothing new: the counts are unchanged.
    again = refresher.sweep(today=today, force=True)
    assert again.report_counts == 0


def test_a_report_that_arrives_on_time_is_counted_on_time(
        session: Session, refresher: Refresher) -> None:
    today = date.today()
    # Due two working days after the month's end: this month's report, sent now, is early.
    month = Period.month_of(today.year, today.month)
    set_regime(session=session, principal=SYSTEM, indicator="VT_TRAM_5G",
               data=RegimeWrite(after=DueBasis.PERIOD_END,
                                effective_from=month.start - timedelta(days=400)))
    with session.begin():
        catalog = load_catalog(session)
        province = catalog.hierarchy.roots(month.end)[0]
        communes = [u for u in catalog.hierarchy.descendants(province.id, month.end)
                    if u.level.value == "commune"]
    early = communes[0]
    put(session, "VT_TRAM_5G", early.code, {month.id: 4})
    refresher.run(today=today)
    lines = report_statuses(session=session, principal=SYSTEM, unit=province.code,
                            first=month.id, today=today)
    by_unit = {s.unit_uid: s.status for s in lines}
    assert by_unit.pop(catalog.unit_uids[early.id]) is SubmissionStatus.ON_TIME
    assert set(by_unit.values()) == {SubmissionStatus.NOT_YET_DUE}
    result = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=["FS_BC_PHAI_GUI", "FS_BC_DA_GUI", "FS_BC_DUNG_HAN",
                    "FS_TY_LE_BC_DUNG_HAN"],
        units=[catalog.unit_uids[province.id], catalog.unit_uids[early.id]],
        periods=[month.id], as_of=today))
    got = {(code, unit): value for (code, unit, _), value in result.values().items()}
    for code in (province.code, early.code):  # the commune's own counts, the province's
        # The reports not yet due are not expected yet: one expected, received, on time.
        assert got[("FS_BC_PHAI_GUI", code)] == 1 and got[("FS_BC_DA_GUI", code)] == 1
        assert got[("FS_BC_DUNG_HAN", code)] == 1
        assert got[("FS_TY_LE_BC_DUNG_HAN", code)] == pytest.approx(100)


def test_a_regime_on_a_derived_indicator_is_refused(session: Session) -> None:
    with pytest.raises(ValidationError) as bad:
        set_regime(session=session, principal=SYSTEM, indicator="VT_TY_LE_BTS_DUNG_CHUNG",
                   data=RegimeWrite())
    assert bad.value.errors[0].field == "indicator"
