"""The shipped reference data, loaded into a real store, seen through the hierarchy."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.warehouse.reference import load_reference_data
from fansipan.store.tables import UnitRow, UnitSuccessionRow

BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)


def catalog_of(session: Session) -> Catalog:
    with session.begin():
        return load_catalog(session)


def test_loading_twice_adds_nothing(session: Session) -> None:
    with session.begin():
        units = session.scalar(select(func.count()).select_from(UnitRow))
        links = session.scalar(select(func.count()).select_from(UnitSuccessionRow))
    again = load_reference_data(session=session)
    assert (again.units, again.successions, again.indicators) == (0, 0, 0)
    with session.begin():
        assert session.scalar(select(func.count()).select_from(UnitRow)) == units
        assert session.scalar(select(func.count()).select_from(UnitSuccessionRow)) == links


def test_lao_cai_before_and_after_the_reform(session: Session) -> None:
    h = catalog_of(session).hierarchy
    old = h.find("10", BEFORE)
    assert len([u for u in h.children(old.id, BEFORE) if u.level == "district"]) == 9
    assert len(h.descendants(old.id, BEFORE, level=3)) == 151
    assert len(h.descendants(old.id, date(2024, 10, 31), level=3)) == 152  # Tà Chải still there
    new = h.find("15", AFTER)
    assert new.name == "Tỉnh Lào Cai"
    assert len([u for u in h.children(new.id, AFTER) if u.level == "commune"]) == 99
    assert h.find("15", BEFORE).name == "Tỉnh Yên Bái"


def test_every_old_lao_cai_commune_lands_in_the_new_province(session: Session) -> None:
    catalog = catalog_of(session)
    h = catalog.hierarchy
    old = h.find("10", BEFORE)
    new = h.find("15", AFTER)
    communes = h.descendants(old.id, BEFORE, level=3)
    for commune in communes:
        [(successor, share)] = h.successors(commune.id, date(2026, 1, 1))
        assert share == 1.0
        assert h.parent(successor.id, AFTER) == new
    # Tà Chải merged into Thị trấn Bắc Hà in 2024, which became Xã Bắc Hà in 2025.
    ta_chai = h.versions("02872")[0]
    assert [u.name for u, _ in h.successors(ta_chai.id, date(2025, 1, 1))] == ["Thị trấn Bắc Hà"]
    assert [u.name for u, _ in h.successors(ta_chai.id, AFTER)] == ["Xã Bắc Hà"]
    # Districts were abolished with no successor: their history lands in the province.
    assert [u for u, _ in h.successors(h.find("080", BEFORE).id, AFTER)] == [new]


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(on=st.dates(min_value=date(2020, 6, 1), max_value=date(2027, 12, 31)))
def test_every_unit_in_force_sits_under_a_province(session: Session, on: date) -> None:
    h = _cached(session).hierarchy
    for unit in h.in_force(on):
        chain = h.ancestors(unit.id, on)
        top = chain[-1] if chain else unit
        assert top.level == "province"
        assert all(a.in_force(on) for a in chain)
        if unit.level == "commune":
            assert 1 <= len(chain) <= 2
            assert (len(chain) == 2) == (on <= BEFORE)


_CACHE: dict[int, Catalog] = {}


def _cached(session: Session) -> Catalog:
    key = id(session)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = catalog_of(session)
    return _CACHE[key]


def test_yen_bai_communes_of_2024_land_in_the_new_province(session: Session) -> None:
    h = catalog_of(session).hierarchy
    new = h.find("15", AFTER)
    hong_ha = h.versions("04267")[0]
    assert [u.code for u, _ in h.successors(hong_ha.id, date(2025, 3, 1))] == ["04264"]
    assert [u.name for u, _ in h.successors(hong_ha.id, AFTER)] == ["Phường Yên Bái"]
    # Nga Quán's successor commune is not sourced: its history is carried by the province.
    nga_quan = h.versions("04528")[0]
    assert [u for u, _ in h.successors(nga_quan.id, AFTER)] == [new]
    yen_bai = h.find("15", BEFORE)
    assert len(h.descendants(yen_bai.id, date(2024, 12, 31), level=3)) == 173
    assert len(h.descendants(yen_bai.id, BEFORE, level=3)) == 168


def test_agencies_carry_their_work_on_after_the_reform(session: Session) -> None:
    h = catalog_of(session).hierarchy
    on = date(2026, 1, 1)

    def heirs(code: str, day: date) -> list[str]:
        unit = h.find(code, day)
        return [f"{u.code}@{u.valid_from}" for u, _ in h.successors(unit.id, on)]

    assert heirs("so-tttt", date(2024, 6, 1)) == ["so-kh-cn@2025-07-01"]
    assert heirs("so-kh-dt", date(2024, 6, 1)) == ["so-tai-chinh@2025-07-01"]
    assert heirs("dai-ptth", date(2024, 6, 1)) == ["bao-lao-cai@2025-07-01"]
    for code in ("buu-dien-tinh", "vnpt-lao-cai", "viettel-lao-cai", "so-kh-cn", "ubnd-tinh"):
        assert heirs(code, date(2024, 6, 1)) == [f"{code}@2025-07-01"], code


def test_a_reload_fills_missing_sources_and_never_doubles_a_unit_version(
        session: Session) -> None:
    from fansipan.store.tables import IndicatorRow

    with session.begin():
        by_code = {r.code: r for r in session.scalars(select(IndicatorRow))}
        row = by_code["KTXH_THU_NSNN"]
        row.source_vi = row.source_en = ""
        edited = by_code["CDS_DAN_SO"]
        edited.source_vi = "Sở Nội vụ (sửa)"
        # A version stored under earlier dates (as an older release shipped it).
        station = session.scalars(select(UnitRow).where(UnitRow.code == "dai-ptth")).one()
        station.uid = "oldstation1"
    again = load_reference_data(session=session)
    assert (again.units, again.sources) == (0, 1)
    with session.begin():
        rows = session.execute(select(IndicatorRow.code, IndicatorRow.source_vi)).all()
        sources = dict(rows)
        assert sources["KTXH_THU_NSNN"] == "Sở Tài chính"
        assert sources["CDS_DAN_SO"] == "Sở Nội vụ (sửa)"  # an administrator's edit stays
        stations = session.scalars(select(UnitRow).where(UnitRow.code == "dai-ptth")).all()
        assert [s.uid for s in stations] == ["oldstation1"]
