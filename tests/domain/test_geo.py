"""Points in polygons (exact on edges) and the shipped units that hold real places."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fansipan.data.reference import read_geojson
from fansipan.domain.geo import (
    AreaIndex,
    Position,
    UnitFinder,
    contains,
    locate_point,
    shape_from_geojson,
)
from fansipan.errors import ValidationError

IN, EDGE, OUT = Position.INSIDE, Position.BOUNDARY, Position.OUTSIDE

# A 10 × 10 square with a 2 × 2 hole in its middle, exterior counter-clockwise.
SQUARE_WITH_HOLE = {"type": "Polygon", "coordinates": [
    [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
    [[4, 4], [4, 6], [6, 6], [6, 4], [4, 4]],
]}


@pytest.mark.parametrize(
    ("x", "y", "expected"),
    [
        (1, 1, IN), (5, 5, OUT), (4.5, 5, OUT),  # inside, in the hole
        (0, 5, EDGE), (10, 3, EDGE), (7, 0, EDGE), (3, 10, EDGE),  # on the four sides
        (0, 0, EDGE), (10, 10, EDGE),  # on exterior vertices
        (4, 5, EDGE), (5, 6, EDGE), (6, 6, EDGE),  # on the hole's edges and a vertex
        (-0.000001, 5, OUT), (10.000001, 5, OUT), (11, 11, OUT),
        (2, 4, IN), (2, 6, IN), (8, 4, IN),  # level with the hole's vertices: the ray
        (3.999999, 5, IN), (6.000001, 5, IN),  # passes through them and counts once
    ],
)
def test_a_polygon_with_a_hole(x: float, y: float, expected: Position) -> None:
    shape = shape_from_geojson(SQUARE_WITH_HOLE)
    assert locate_point(shape, x, y) is expected
    assert contains(shape, x, y) is (expected is not OUT)


def test_ring_orientation_does_not_matter_and_concave_shapes_work() -> None:
    # A U (counter-clockwise), then the same U drawn clockwise.
    u = [[0, 0], [6, 0], [6, 6], [4, 6], [4, 2], [2, 2], [2, 6], [0, 6], [0, 0]]
    for ring in (u, list(reversed(u))):
        shape = shape_from_geojson({"type": "Polygon", "coordinates": [ring]})
        assert locate_point(shape, 1, 5) is IN  # left arm
        assert locate_point(shape, 5, 5) is IN  # right arm
        assert locate_point(shape, 3, 5) is OUT  # the gap between the arms
        assert locate_point(shape, 3, 2) is EDGE  # the inner bottom
        assert locate_point(shape, 3, 1) is IN
        assert locate_point(shape, 1, 6) is EDGE  # top of an arm, level with vertices
        assert locate_point(shape, 3, 6) is OUT  # level with four vertices, in the gap


def test_edges_are_decided_exactly_not_within_a_tolerance() -> None:
    # The bottom edge runs from (0, 0) to (3, 1): y = x / 3; the inside is above it.
    shape = shape_from_geojson({"type": "Polygon", "coordinates": [
        [[0, 0], [3, 1], [3, 3], [0, 3], [0, 0]]]})
    assert locate_point(shape, 1.5, 0.5) is EDGE  # exactly on it
    assert locate_point(shape, 0.75, 0.25) is EDGE
    # The floats 0.3 and 0.1 are not exactly on y = x / 3: 0.1 (as a double) is a hair
    # above the edge, the next double below it a hair under. A tolerance would call all
    # three "on the edge".
    below = 0.09999999999999999
    assert Fraction(0.1) > Fraction(0.3) / 3 > Fraction(below)
    assert locate_point(shape, 0.3, 0.1) is IN
    assert locate_point(shape, 0.3, below) is OUT


def test_multipolygons_and_their_checks() -> None:
    islands = shape_from_geojson({"type": "MultiPolygon", "coordinates": [
        [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]],
        [[[5, 5], [6, 5], [6, 6], [5, 6], [5, 5]]],
    ]})
    assert locate_point(islands, 5.5, 5.5) is IN
    assert locate_point(islands, 1, 0.5) is EDGE
    assert locate_point(islands, 3, 3) is OUT  # inside the bounding box, between islands
    assert (islands.bbox.min_x, islands.bbox.max_y) == (0, 6)
    bad: list[tuple[dict[str, Any], str]] = [
        ({"type": "Point", "coordinates": [1, 2]}, "Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "four positions"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "not closed"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}, "WGS84"),
        ({"type": "Polygon", "coordinates": [[[0, 0], ["a", 0], [1, 1], [0, 0]]]}, "finite"),
    ]
    for geometry, problem in bad:
        with pytest.raises(ValueError, match=problem):
            shape_from_geojson(geometry, label="test")


# --------------------------------------------------------------------------- shipped units


@pytest.fixture(scope="module")
def finder() -> UnitFinder:
    return UnitFinder.from_layers(provinces=read_geojson("vn_provinces_2024"),
                                  districts=read_geojson("laocai_districts_2024"))


BEFORE, AFTER = date(2025, 6, 30), date(2025, 7, 1)
SA_PA = (22.3364, 103.8438)  # the church square of Sa Pa town
LAO_CAI = (22.4856, 103.9707)  # Lào Cai city, by the Cốc Lếu bridge
YEN_BAI = (21.7229, 104.9113)  # Yên Bái city centre
HA_NOI = (21.0285, 105.8542)  # Hoàn Kiếm lake


@pytest.mark.parametrize(
    ("point", "on", "province", "name", "district"),
    [
        (SA_PA, BEFORE, "10", "Tỉnh Lào Cai", "088"),
        (SA_PA, AFTER, "15", "Tỉnh Lào Cai", None),  # districts ended on 30 June 2025
        (LAO_CAI, BEFORE, "10", "Tỉnh Lào Cai", "080"),
        (LAO_CAI, AFTER, "15", "Tỉnh Lào Cai", None),
        (YEN_BAI, BEFORE, "15", "Tỉnh Yên Bái", None),  # code 15 was Yên Bái then
        (YEN_BAI, AFTER, "15", "Tỉnh Lào Cai", None),  # and is the merged province now
        (HA_NOI, BEFORE, "01", "Thành phố Hà Nội", None),
        (HA_NOI, AFTER, "01", "Thành phố Hà Nội", None),
    ],
)
def test_real_places_fall_in_their_units(finder: UnitFinder, point: tuple[float, float],
                                         on: date, province: str, name: str,
                                         district: str | None) -> None:
    placement = finder.place(lat=point[0], long=point[1], on=on)
    assert placement is not None
    assert (placement.province_code, placement.province_name) == (province, name)
    assert placement.district_code == district
    if district == "088":
        assert placement.district_name == "Thị xã Sa Pa"


def test_the_sea_is_in_no_province(finder: UnitFinder) -> None:
    assert finder.place(lat=20.0, long=108.5, on=AFTER) is None  # the Gulf of Tonkin


def test_the_province_check_refuses_a_point_elsewhere(finder: UnitFinder) -> None:
    assert finder.check_province(lat=YEN_BAI[0], long=YEN_BAI[1], province_code="15",
                                 on=AFTER).province_name == "Tỉnh Lào Cai"
    with pytest.raises(ValidationError) as caught:
        finder.check_province(lat=HA_NOI[0], long=HA_NOI[1], province_code="15", on=AFTER)
    assert [e.field for e in caught.value.errors] == ["lat", "long"]
    assert "Thành phố Hà Nội" in caught.value.errors[0].message
    with pytest.raises(ValidationError, match="outside"):
        finder.check_province(lat=YEN_BAI[0], long=YEN_BAI[1], province_code="10", on=BEFORE)
    with pytest.raises(ValidationError):
        finder.check_province(lat=20.0, long=108.5, province_code="15", on=AFTER)


def test_a_point_on_a_shared_boundary_is_in_both_units_and_the_lookup_picks_one() -> None:
    districts = read_geojson("laocai_districts_2024")
    index = AreaIndex.from_feature_collection(districts)
    rings = {a.code: {p for poly in a.shape.polygons for p in poly.exterior.points}
             for a in index.areas}
    shared = sorted(rings["088"] & rings["080"])  # Sa Pa and Lào Cai city touch
    assert shared, "the cleaned coverage shares vertices between neighbours"
    x, y = shared[len(shared) // 2]
    held = index.find(lat=y, long=x)
    assert {a.code for a in held} >= {"088", "080"}
    assert all(locate_point(a.shape, x, y) is EDGE for a in held)
    placement = UnitFinder(provinces=AreaIndex.from_feature_collection(
        read_geojson("vn_provinces_2024"), successor_code="province_2025_code",
        successor_name="province_2025_name"), districts=index).place(lat=y, long=x, on=BEFORE)
    assert placement is not None and placement.district_code == held[0].code


def _exact_side(a: tuple[float, float], b: tuple[float, float], p: tuple[float, float]) -> int:
    cross = ((Fraction(b[0]) - Fraction(a[0])) * (Fraction(p[1]) - Fraction(a[1]))
             - (Fraction(b[1]) - Fraction(a[1])) * (Fraction(p[0]) - Fraction(a[0])))
    return (cross > 0) - (cross < 0)


coordinate = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False)
point = st.tuples(coordinate, coordinate)


@settings(max_examples=300, deadline=None)
@given(a=point, b=point, c=point, p=point)
def test_a_triangle_agrees_with_exact_arithmetic(a: tuple[float, float],
                                                 b: tuple[float, float],
                                                 c: tuple[float, float],
                                                 p: tuple[float, float]) -> None:
    # For a counter-clockwise triangle, a point is inside when it is strictly left of
    # all three edges, on the boundary when on one edge's line and not right of any.
    turn = _exact_side(a, b, c)
    assume(turn != 0)
    if turn < 0:
        b, c = c, b
    shape = shape_from_geojson({"type": "Polygon", "coordinates": [
        [list(a), list(b), list(c), list(a)]]})
    sides = [_exact_side(a, b, p), _exact_side(b, c, p), _exact_side(c, a, p)]
    expected = OUT if min(sides) < 0 else EDGE if 0 in sides else IN
    assert locate_point(shape, *p) is expected


@settings(max_examples=200, deadline=None)
@given(a=st.tuples(st.integers(-50, 50), st.integers(-50, 50)),
       b=st.tuples(st.integers(-50, 50), st.integers(-50, 50)),
       c=st.tuples(st.integers(-50, 50), st.integers(-50, 50)),
       edge=st.integers(0, 2), share=st.integers(0, 8))
def test_points_on_a_triangle_s_edges_are_on_its_boundary(
        a: tuple[int, int], b: tuple[int, int], c: tuple[int, int], edge: int,
        share: int) -> None:
    assume((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]) != 0)
    corners = [a, b, c]
    start, end = corners[edge], corners[(edge + 1) % 3]
    # Eighths along an edge between integer corners are exact in binary floating point.
    on_edge = (start[0] + (end[0] - start[0]) * share / 8,
               start[1] + (end[1] - start[1]) * share / 8)
    shape = shape_from_geojson({"type": "Polygon", "coordinates": [
        [list(a), list(b), list(c), list(a)]]})
    assert locate_point(shape, *on_edge) is EDGE
