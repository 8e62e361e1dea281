"""The demo dataset: illustrative values on both sides of the 2025 reform and the 2021 plan.

Loading takes a while (about 150,000 values through the ordinary write service), so the
store is loaded once for the module; the determinism test loads a second fresh store.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.data import reference as ref
from fansipan.demo.dataset import DemoSummary, load_demo_data
from fansipan.demo.plans import CEILINGS, PLAN_PATHS, aim_of
from fansipan.demo.values import demo_periods, generate_values
from fansipan.domain.targets import TargetStatus
from fansipan.domain.units import UnitLevel
from fansipan.errors import NotFound
from fansipan.services.catalog import load_catalog
from fansipan.services.insight.analytics import AnalyticsRequest, run_analytics
from fansipan.services.insight.evaluation import evaluate_targets
from fansipan.services.warehouse.datavalues import get_value
from fansipan.services.warehouse.reference import load_reference_data
from fansipan.services.warehouse.targets import list_targets
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.migrate import upgrade_store
from fansipan.store.tables import ChangeRow, DataValueRow, TargetRow

TODAY = date(2026, 11, 26)


@dataclass
class Loaded:
    session: Session
    summary: DemoSummary
    calls: list[tuple[int, int]]


@contextmanager
def _fresh_store(folder: Path) -> Iterator[Session]:
    engine = make_engine(f"sqlite:///{folder}/t.sqlite3")
    upgrade_store(engine)
    try:
        with make_session_factory(engine)() as session:
            load_reference_data(session=session)
            yield session
    finally:
        engine.dispose()


@contextmanager
def _load(folder: Path) -> Iterator[Loaded]:
    with _fresh_store(folder) as session:
        calls: list[tuple[int, int]] = []

        def progress(done: int, total: int) -> None:
            calls.append((done, total))

        summary = load_demo_data(session=session, today=TODAY, progress=progress)
        yield Loaded(session, summary, calls)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    with _load(tmp_path_factory.mktemp("demo")) as done:
        yield done


def _totals(session: Session) -> tuple[int, float, list[tuple[str, str, float]]]:
    with session.begin():
        count, total = session.execute(
            select(func.count(), func.sum(DataValueRow.value))
        ).one()
    targets = [(t.indicator, t.period, t.planned) for t in list_targets(session=session)]
    return int(count), float(total or 0), sorted(targets)


def test_the_2021_plan_is_met_as_the_plan_reports(loaded: Loaded) -> None:
    report = evaluate_targets(session=loaded.session, warehouse=Warehouse(), year=2021, as_of=TODAY)
    assert len(report.items) == 10
    assert report.summary.met_or_better == 10
    assert report.summary.exceeded == 5
    assert report.sentence == report.summary.sentence("vi")
    assert report.sentence == (
        "10/10 chỉ tiêu đạt và vượt kế hoạch, trong đó 5 chỉ tiêu vượt kế hoạch")
    assert {i.unit for i in report.items} == {"10"}
    assert all("minh họa" in i.document for i in report.items)
    # No plan equals its actual: the met ones landed a little above their plan.
    for item in report.items:
        assert item.actual is not None
        assert round(item.actual, 1) != round(item.planned, 1), item.indicator
        assert item.actual > item.planned, item.indicator


def test_plans_are_round_figures_set_before_the_values(loaded: Loaded) -> None:
    targets = list_targets(session=loaded.session)
    assert {(t.indicator, int(t.period)) for t in targets} == {
        (code, year) for code in PLAN_PATHS for year in range(2021, 2027)}
    for t in targets:
        assert t.planned == PLAN_PATHS[t.indicator][int(t.period)], t
        assert t.planned == round(t.planned)  # 98 %, 1.650 tỷ đồng: whole figures
        assert t.tolerance == 0.02
    seed = {(t.indicator, int(t.period)): t.planned for t in targets}
    assert seed[("BC_TY_LE_XA_CO_DIEM", 2022)] == 100  # the published 2022 plan: 100 %
    assert seed[("VT_DOANH_THU", 2022)] == 1650


def test_targets_every_year_for_the_province_in_force(loaded: Loaded) -> None:
    targets = list_targets(session=loaded.session)
    years = {int(t.period) for t in targets}
    assert years == set(range(2021, 2027))
    assert loaded.summary.targets == len(targets)
    assert {t.unit for t in targets if int(t.period) <= 2024} == {"10"}
    assert {t.unit for t in targets if int(t.period) >= 2025} == {"15"}
    assert all(t.document.endswith("(minh họa)") for t in targets)
    for year in (2022, 2023, 2024, 2025):
        report = evaluate_targets(session=loaded.session, warehouse=Warehouse(), year=year,
                                  as_of=TODAY)
        assert report.summary.no_data == 0
        assert report.summary.met_or_better >= report.summary.total // 2  # mostly met
        for item in report.items:
            # Every finished year comes out as designed, and only a full 100 % plan
            # reached in full equals its actual.
            assert item.status is aim_of(item.indicator, year).outcome, (year, item)
            assert item.actual is not None
            if round(item.actual, 1) == round(item.planned, 1):
                assert item.planned == CEILINGS.get(item.indicator), (year, item)
                assert item.status is TargetStatus.MET


def test_values_on_both_sides_of_the_reform(loaded: Loaded) -> None:
    s = loaded.session
    old = get_value(session=s, indicator="CNTT_HO_SO_TIEP_NHAN", unit="02644", period="2024-12")
    assert old.unit_name == "Phường Cốc Lếu"
    assert old.source == "demo"
    new = get_value(session=s, indicator="CNTT_HO_SO_TIEP_NHAN", unit="02647", period="2025-08")
    assert new.unit_name == "Phường Lào Cai"
    yearly = get_value(session=s, indicator="CDS_DAN_SO", unit="02647", period="2025")
    assert yearly.unit_name == "Phường Lào Cai"  # a 2025 value belongs to the new unit
    assert get_value(session=s, indicator="BC_DOANH_THU", unit="10", period="2025-06").value
    assert get_value(session=s, indicator="BC_DOANH_THU", unit="15", period="2025-07").value


def test_ta_chai_reports_until_it_ends(loaded: Loaded) -> None:
    s = loaded.session
    assert get_value(session=s, indicator="CNTT_HO_SO_TIEP_NHAN", unit="02872",
                     period="2024-10").value is not None
    assert get_value(session=s, indicator="CDS_DAN_SO", unit="02872", period="2023").value
    with pytest.raises(NotFound):
        get_value(session=s, indicator="CNTT_HO_SO_TIEP_NHAN", unit="02872", period="2024-11")


def test_both_old_provinces_report_until_the_merger(loaded: Loaded) -> None:
    s = loaded.session
    with s.begin():
        catalog = load_catalog(s)
        unit_ids = set(s.scalars(select(DataValueRow.unit_id).distinct()))
    h = catalog.hierarchy
    old_lao_cai = h.find("10", date(2025, 6, 30))
    yen_bai = h.find("15", date(2025, 6, 30))
    new_lao_cai = h.find("15", date(2025, 7, 1))
    roots = set()
    for unit_id in unit_ids:
        unit = h.unit(unit_id)
        day = unit.valid_to or TODAY
        roots.add(([unit, *h.ancestors(unit_id, day)])[-1].id)
    assert roots == {old_lao_cai.id, yen_bai.id, new_lao_cai.id}
    levels = {h.unit(u).level for u in unit_ids}
    assert UnitLevel.DISTRICT not in levels  # district totals come from their communes
    # Every Yên Bái commune of 2024 has its figures, Nga Quán up to its end.
    on = date(2024, 12, 31)
    communes = h.descendants(yen_bai.id, on, level=3)
    assert len(communes) == 173
    assert {c.id for c in communes} <= unit_ids
    assert get_value(session=s, indicator="CDS_DAN_SO", unit="04528", period="2024").value
    with pytest.raises(NotFound):
        get_value(session=s, indicator="CNTT_HO_SO_TIEP_NHAN", unit="04528", period="2025-01")


def _mapped(session: Session, code: str, years: range) -> dict[str, float]:
    result = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=[code], units=["15"], periods=[str(y) for y in years], hierarchy="mapped",
        today=TODAY))
    return {period: value for (_, _, period), value in result.values().items()}


def test_the_merged_province_reads_true_across_the_merger(loaded: Loaded) -> None:
    s = loaded.session
    people = _mapped(s, "CDS_DAN_SO", range(2021, 2026))
    # Old Lào Cai about 0,78 million, old Yên Bái about 0,85 million: together the new one.
    lao_cai = get_total(s, "CDS_DAN_SO", "10", "2024")
    assert 700_000 < lao_cai < 850_000
    assert 780_000 < people["2024"] - lao_cai < 920_000
    for before, after in zip(range(2021, 2025), range(2022, 2026), strict=True):
        change = people[str(after)] / people[str(before)] - 1
        assert -0.01 < change < 0.02, (after, change)  # no +112,8 %
    for flow in ("BC_DOANH_THU", "CNTT_HO_SO_TIEP_NHAN", "VT_THUE_BAO_BRDD"):
        series = _mapped(s, flow, range(2021, 2026))
        change = series["2025"] / series["2024"] - 1
        assert -0.05 < change < 0.25, (flow, change)
    # Old Lào Cai alone against the merged province would have doubled.
    assert people["2025"] / lao_cai > 2


def get_total(session: Session, code: str, unit: str, period: str) -> float:
    result = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=[code], units=[unit], periods=[period], today=TODAY))
    [value] = result.values().values()
    return value


def test_agency_series_go_on_across_the_reform(loaded: Loaded) -> None:
    s = loaded.session
    hours = "TTBC_THOI_LUONG_PHAT_SONG"
    assert get_value(session=s, indicator=hours, unit="dai-ptth", period="2025-03").value
    assert get_value(session=s, indicator=hours, unit="bao-lao-cai", period="2025-04").value
    assert get_value(session=s, indicator=hours, unit="bao-lao-cai", period="2025-08").value
    for code in ("so-kh-cn", "ubnd-tinh"):
        series = _agency_mapped(s, "CNTT_HO_SO_TIEP_NHAN", code)
        assert set(series) >= {"2024", "2025"}, code
    documents = _agency_mapped(s, "CNTT_VB_DI_TONG", "so-kh-cn")
    assert documents["2025"] > documents["2024"] > 0


def _agency_mapped(session: Session, indicator: str, code: str) -> dict[str, float]:
    with session.begin():
        catalog = load_catalog(session)
    unit = catalog.uid_of(catalog.hierarchy.find(code, TODAY))
    result = run_analytics(session=session, warehouse=Warehouse(), request=AnalyticsRequest(
        indicators=[indicator], units=[unit], periods=["2024", "2025"], hierarchy="mapped",
        today=TODAY))
    return {period: value for (_, _, period), value in result.values().items()}


def test_months_up_to_the_last_complete_one(loaded: Loaded) -> None:
    s = loaded.session
    with s.begin():
        periods = set(s.scalars(select(DataValueRow.period).distinct()))
    assert "2026-10" in periods
    assert "2026-11" not in periods
    assert "2025" in periods
    assert "2026" not in periods  # the current year is not over
    # 2021 is the first whole year in the unit structure the reference data describes.
    assert min(periods) == "2021"
    months, years = demo_periods(TODAY)
    assert (months[0].id, months[-1].id) == ("2021-01", "2026-10")
    assert [y.id for y in years] == [str(y) for y in range(2021, 2026)]


def test_every_base_indicator_gets_values(loaded: Loaded) -> None:
    s = loaded.session
    with s.begin():
        catalog = load_catalog(s)
        with_values = set(s.scalars(select(DataValueRow.indicator_id).distinct()))
    # Indicators counted from records get theirs from the records (tests/citizens), and
    # the reporting counts from the reports that fall due under a regime (foresight).
    from fansipan.services.foresight.reporting import COUNT_INDICATORS

    base = {catalog.indicator_ids[c] for c, i in catalog.indicators.items()
            if not i.is_derived and not i.is_counted and c not in COUNT_INDICATORS}
    assert base <= with_values
    # The indicators a department reports and is ranked on have their figures too.
    shipped_before = {"CDS_CHI_SO_DTI", "CDS_XEP_HANG_DTI"}
    new = [r.code for r in ref.read_indicators()
           if r.code.startswith(("CDS_DTI_", "KTXH_")) or r.code in shipped_before]
    assert len(new) >= 17
    for code in new:
        assert catalog.indicator_ids[code] in with_values, code


def test_summary_and_progress(loaded: Loaded) -> None:
    summary, calls = loaded.summary, loaded.calls
    assert not summary.skipped
    assert summary.years == tuple(range(2021, 2027))
    assert summary.values > 120_000
    assert summary.seconds > 0
    with loaded.session.begin():
        stored = loaded.session.scalar(select(func.count()).select_from(DataValueRow))
    assert stored == summary.values
    assert calls[0][0] == 0
    assert calls[-1][0] == calls[-1][1]
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_a_second_load_is_skipped_and_changes_nothing(loaded: Loaded) -> None:
    s = loaded.session
    with s.begin():
        changes = s.scalar(select(func.count()).select_from(ChangeRow))
        targets = s.scalar(select(func.count()).select_from(TargetRow))
    again = load_demo_data(session=s, today=date(2026, 12, 31))
    assert again.skipped
    assert (again.values, again.targets) == (0, 0)
    with s.begin():
        assert s.scalar(select(func.count()).select_from(ChangeRow)) == changes
        assert s.scalar(select(func.count()).select_from(TargetRow)) == targets


def test_the_generator_is_deterministic(loaded: Loaded) -> None:
    with loaded.session.begin():
        catalog = load_catalog(loaded.session)
    first = generate_values(catalog, TODAY)
    second = generate_values(catalog, TODAY)
    assert first == second
    earlier = generate_values(catalog, date(2025, 1, 15))
    later = {(v.indicator, v.unit, v.period): v.value for v in first}
    # Moving `today` on adds values and changes none of the earlier ones.
    assert all(later[(v.indicator, v.unit, v.period)] == v.value for v in earlier)


def test_two_fresh_stores_hold_the_same_data(
    loaded: Loaded, tmp_path: Path
) -> None:
    with _load(tmp_path) as other:
        assert _totals(other.session) == _totals(loaded.session)
