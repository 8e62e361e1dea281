"""The effective-dated unit tree, across a reform like Vietnam's of 2025-07-01."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fansipan.domain.units import Hierarchy, ParentLink, Succession, Unit, UnitLevel
from fansipan.errors import NotFound

REFORM = date(2025, 7, 1)
BEFORE = REFORM - timedelta(days=1)
P, C, D = UnitLevel.PROVINCE, UnitLevel.COMMUNE, UnitLevel.DISTRICT


def small_reform() -> Hierarchy:
    """Old province 10 with two districts and four communes; new province 15 with two.

    Code 15 and commune code 02647 are reused across the reform, as in Lào Cai.
    """
    units = [
        Unit(1, "10", "Tỉnh Lào Cai", P, None, BEFORE),
        Unit(2, "080", "TP Lào Cai", D, None, BEFORE),
        Unit(3, "082", "Bát Xát", D, None, BEFORE),
        Unit(4, "02647", "Phường Kim Tân", C, None, BEFORE),
        Unit(5, "02644", "Phường Cốc Lếu", C, None, BEFORE),
        Unit(6, "02680", "Xã A Mú Sung", C, None, BEFORE),
        Unit(7, "02686", "Xã Y Tý", C, date(2020, 1, 1), date(2024, 10, 31)),
        Unit(8, "15", "Tỉnh Yên Bái", P, None, BEFORE),
        Unit(11, "15", "Tỉnh Lào Cai (mới)", P, REFORM, None),
        Unit(12, "02647", "Phường Lào Cai", C, REFORM, None),
        Unit(13, "02680", "Xã A Mú Sung", C, REFORM, None),
    ]
    links = [
        ParentLink(2, 1, None, BEFORE), ParentLink(3, 1, None, BEFORE),
        ParentLink(4, 2, None, BEFORE), ParentLink(5, 2, None, BEFORE),
        ParentLink(6, 3, None, BEFORE), ParentLink(7, 3, date(2020, 1, 1), date(2024, 10, 31)),
        ParentLink(12, 11, REFORM, None), ParentLink(13, 11, REFORM, None),
    ]
    successions = [
        Succession(4, 12, REFORM), Succession(5, 12, REFORM),
        Succession(6, 13, REFORM, "kept"), Succession(7, 6, date(2024, 11, 1)),
        Succession(1, 11, REFORM), Succession(8, 11, REFORM),
    ]
    return Hierarchy(units, links, successions)


def test_a_code_with_a_date_names_one_unit() -> None:
    h = small_reform()
    assert h.find("15", date(2024, 1, 1)).name == "Tỉnh Yên Bái"
    assert h.find("15", REFORM).name == "Tỉnh Lào Cai (mới)"
    assert h.find("02647", BEFORE).name == "Phường Kim Tân"
    assert h.find("02647", REFORM).name == "Phường Lào Cai"


def test_unknown_or_out_of_time_codes_say_what_exists() -> None:
    h = small_reform()
    with pytest.raises(NotFound, match="No unit has the code '99999'"):
        h.find("99999", REFORM)
    with pytest.raises(NotFound, match=r"'080' on 2025-07-01; it was used by: TP Lào Cai"):
        h.find("080", REFORM)


def test_tree_before_and_after_the_reform() -> None:
    h = small_reform()
    old = h.find("10", BEFORE)
    assert [u.code for u in h.children(old.id, BEFORE)] == ["080", "082"]
    assert [u.code for u in h.descendants(old.id, BEFORE, level=3)] == ["02644", "02647", "02680"]
    assert h.depth(h.find("02680", BEFORE).id, BEFORE) == 3
    new = h.find("15", REFORM)
    assert [u.code for u in h.children(new.id, REFORM)] == ["02647", "02680"]
    assert h.depth(h.find("02680", REFORM).id, REFORM) == 2
    assert [u.code for u in h.roots(REFORM)] == ["15"]
    assert sorted(u.name for u in h.roots(BEFORE)) == ["Tỉnh Lào Cai", "Tỉnh Yên Bái"]


def test_ended_commune_is_in_the_tree_only_while_in_force() -> None:
    h = small_reform()
    bat_xat = h.find("082", BEFORE).id
    assert "02686" in [u.code for u in h.children(bat_xat, date(2024, 10, 31))]
    assert "02686" not in [u.code for u in h.children(bat_xat, date(2024, 11, 1))]


def test_history_maps_into_todays_units() -> None:
    h = small_reform()
    today = date(2026, 1, 1)
    # Merged communes land in the new ward; a kept commune in its new version.
    assert [(u.id, s) for u, s in h.successors(4, today)] == [(12, 1.0)]
    assert [(u.id, s) for u, s in h.successors(6, today)] == [(13, 1.0)]
    # Y Tý merged into A Mú Sung in 2024, which continues after the reform.
    assert [u.id for u, _ in h.successors(7, today)] == [13]
    assert [u.id for u, _ in h.successors(7, date(2025, 1, 1))] == [6]
    # A district abolished with no successor of its own is carried by its province's.
    assert [u.id for u, _ in h.successors(2, today)] == [11]
    # A unit in force is its own successor.
    assert [u.id for u, _ in h.successors(12, today)] == [12]


@st.composite
def reforms(draw: st.DrawFn) -> tuple[Hierarchy, list[int], list[int]]:
    """A random two-level province replaced on REFORM by another, with successions."""
    n_old = draw(st.integers(1, 12))
    n_new = draw(st.integers(1, 6))
    units = [Unit(1, "10", "old", P, None, BEFORE), Unit(2, "15", "new", P, REFORM, None)]
    links: list[ParentLink] = []
    old_ids = list(range(10, 10 + n_old))
    new_ids = list(range(100, 100 + n_new))
    for i in old_ids:
        units.append(Unit(i, f"{i:05d}", f"old {i}", C, None, BEFORE))
        links.append(ParentLink(i, 1, None, BEFORE))
    for i in new_ids:
        code = f"{draw(st.sampled_from(old_ids)):05d}" if draw(st.booleans()) else f"9{i:04d}"
        units.append(Unit(i, code, f"new {i}", C, REFORM, None))
        links.append(ParentLink(i, 2, REFORM, None))
    successions = [Succession(1, 2, REFORM)]
    for i in old_ids:
        targets = draw(st.lists(st.sampled_from(new_ids), min_size=1, max_size=2, unique=True))
        successions += [Succession(i, t, REFORM, share=1 / len(targets)) for t in targets]
    return Hierarchy(units, links, successions), old_ids, new_ids


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))


@given(reforms(), days)
def test_tree_is_consistent_on_any_day(case: tuple[Hierarchy, list[int], list[int]],
                                       on: date) -> None:
    h, _, _ = case
    in_force = {u.id for u in h.in_force(on)}
    for root in h.roots(on):
        below = h.descendants(root.id, on)
        assert {u.id for u in below} <= in_force
        for u in below:
            assert root in h.ancestors(u.id, on)
            assert u.in_force(on)
    covered = {r.id for r in h.roots(on)} | {
        u.id for r in h.roots(on) for u in h.descendants(r.id, on)
    }
    assert covered == in_force


@given(reforms(), days)
def test_successions_land_in_force_and_keep_the_whole(
    case: tuple[Hierarchy, list[int], list[int]], on: date
) -> None:
    h, old_ids, _ = case
    for i in old_ids:
        mapped = h.successors(i, on)
        assert all(u.in_force(on) for u, _ in mapped)
        assert sum(share for _, share in mapped) == pytest.approx(1.0)
        if on <= BEFORE:
            assert [u.id for u, _ in mapped] == [i]


@given(reforms(), days)
def test_codes_resolve_to_units_in_force(case: tuple[Hierarchy, list[int], list[int]],
                                         on: date) -> None:
    h, _, _ = case
    for u in h.in_force(on):
        if sum(1 for v in h.versions(u.code) if v.in_force(on)) == 1:
            assert h.find(u.code, on) == u
