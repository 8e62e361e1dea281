"""Territories across a reform like 2025's: pieces, kept units, stretches of one tree."""

from __future__ import annotations

from datetime import date

from fansipan.domain.territory import TerritoryMap, change_days, same_stretch, stretches
from fansipan.domain.units import Hierarchy, ParentLink, Succession, Unit, UnitLevel
from tests.domain.test_units import BEFORE, REFORM, small_reform

P, C, D = UnitLevel.PROVINCE, UnitLevel.COMMUNE, UnitLevel.DISTRICT


def ids(pieces: list) -> list[tuple[int, float]]:  # type: ignore[type-arg]
    return [(p.unit.id, round(p.share, 6)) for p in pieces]


def test_the_merged_province_is_made_of_the_two_old_ones() -> None:
    m = TerritoryMap(small_reform(), then=date(2024, 12, 31), now=REFORM)
    assert ids(m.pieces(11)) == [(1, 1.0), (8, 1.0)]  # old Lào Cai and Yên Bái, whole
    assert not m.kept(11)


def test_a_new_ward_is_made_of_the_old_wards_not_of_their_abolished_district() -> None:
    m = TerritoryMap(small_reform(), then=BEFORE, now=REFORM)
    assert ids(m.pieces(12)) == [(5, 1.0), (4, 1.0)]  # Cốc Lếu, Kim Tân (by code)
    assert ids(m.pieces(13)) == [(6, 1.0)]  # A Mú Sung kept its territory, a new version


def test_a_unit_that_did_not_change_keeps_its_territory() -> None:
    h = small_reform()
    m = TerritoryMap(h, then=date(2023, 12, 31), now=date(2024, 6, 30))
    assert m.kept(1) and m.kept(3)
    assert ids(m.pieces(3)) == [(3, 1.0)]
    # Y Tý merged into A Mú Sung inside Bát Xát: the district keeps its territory, the
    # commune does not.
    later = TerritoryMap(h, then=date(2023, 12, 31), now=date(2024, 12, 31))
    assert later.kept(3) and later.kept(1)
    assert not later.kept(6)
    assert ids(later.pieces(6)) == [(6, 1.0), (7, 1.0)]


def test_a_unit_that_lost_part_of_its_territory_did_not_keep_it() -> None:
    units = [Unit(1, "P", "P", P), Unit(2, "D1", "D1", D), Unit(3, "D2", "D2", D),
             Unit(4, "a", "a", C, None, date(2024, 12, 31)), Unit(5, "b", "b", C),
             Unit(6, "a1", "a1", C, date(2025, 1, 1)), Unit(7, "a2", "a2", C, date(2025, 1, 1))]
    links = [ParentLink(2, 1), ParentLink(3, 1), ParentLink(4, 2, None, date(2024, 12, 31)),
             ParentLink(5, 2), ParentLink(6, 2, date(2025, 1, 1)),
             ParentLink(7, 3, date(2025, 1, 1))]
    # a splits: 70 % stays in D1 as a1, 30 % goes to D2 as a2.
    h = Hierarchy(units, links, [Succession(4, 6, date(2025, 1, 1), "split", 0.7),
                                 Succession(4, 7, date(2025, 1, 1), "split", 0.3)])
    m = TerritoryMap(h, then=date(2024, 12, 31), now=date(2025, 1, 1))
    assert not m.kept(2) and not m.kept(3)
    assert m.kept(1)  # the province holds both parts
    # D1 still stands: its data is its own (the engine moves a's 30 % to D2), but its
    # territory is not what it was.
    assert ids(m.pieces(2)) == [(2, 1.0)]
    assert ids(m.pieces(7)) == [(4, 0.3)]
    assert ids(m.pieces(3)) == [(3, 1.0), (4, 0.3)]


def test_stretches_cut_a_period_where_the_tree_changes() -> None:
    h = small_reform()
    days = change_days(h)
    assert days == [date(2020, 1, 1), date(2024, 11, 1), REFORM]
    assert stretches(date(2025, 1, 1), date(2025, 12, 31), days) == [
        (date(2025, 1, 1), BEFORE), (REFORM, date(2025, 12, 31))]
    assert stretches(date(2024, 1, 1), date(2024, 12, 31), days) == [
        (date(2024, 1, 1), date(2024, 10, 31)), (date(2024, 11, 1), date(2024, 12, 31))]
    assert stretches(date(2026, 1, 1), date(2026, 12, 31), days) == [
        (date(2026, 1, 1), date(2026, 12, 31))]
    assert same_stretch(h, date(2025, 8, 1), date(2026, 11, 30), days)
    assert not same_stretch(h, date(2025, 6, 30), date(2025, 7, 1), days)


def test_the_lineage_of_a_new_unit_is_every_unit_whose_data_it_carries() -> None:
    from fansipan.domain.territory import Lineage

    lineage = Lineage(small_reform(), now=REFORM)
    # The new province carries both old provinces, their districts (abolished, carried by
    # their last parent's successor) and every old commune.
    assert set(lineage.sources(11)) == {1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13}
    assert set(lineage.sources(12)) == {4, 5, 12}  # Phường Lào Cai: Kim Tân, Cốc Lếu
    assert set(lineage.sources(13)) == {6, 7, 13}  # A Mú Sung with Y Tý merged in 2024
