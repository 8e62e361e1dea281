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
