"""Points in GeoJSON polygons, and which shipped unit a WGS84 point falls in.

Pure Python. Polygons are read from GeoJSON (RFC 7946) `Polygon` and `MultiPolygon`
geometries: an exterior ring and any holes, positions as [longitude, latitude].
Longitude and latitude are treated as plane coordinates, which is exact for the
question asked (which side of each edge a point is on) as long as no ring crosses the
antimeridian — true of every boundary in Viet Nam.

Edges are decided exactly. A point is BOUNDARY when it lies on an edge or a vertex of
any ring (holes included), INSIDE when strictly within the exterior and outside every
hole, OUTSIDE otherwise; `contains` counts the boundary in (a polygon is a closed set),
so a point on the line between two districts is in both and the lookup says which it
picks. "Exactly" is with respect to the coordinates as floats: the side of an edge is
taken from the sign of a 2×2 determinant, computed in floating point when the error
bound shows the sign is certain and in exact rational arithmetic otherwise.

Every ring has a bounding box, checked first, so a lookup over a layer of provinces
reads the vertices of only the one or two candidates whose boxes hold the point.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from fractions import Fraction
from typing import Any

from fansipan.errors import FieldError, ValidationError


class Position(StrEnum):
    INSIDE = "inside"
    BOUNDARY = "boundary"
    OUTSIDE = "outside"


@dataclass(frozen=True)
class BBox:
    min_x: float
    min_y: float
    max_x: float
    max_y: float

    def holds(self, x: float, y: float) -> bool:
        return self.min_x <= x <= self.max_x and self.min_y <= y <= self.max_y


@dataclass(frozen=True)
class Ring:
    """A closed ring: the first position is repeated at the end."""

    points: tuple[tuple[float, float], ...]
    bbox: BBox


@dataclass(frozen=True)
class Polygon:
    exterior: Ring
    holes: tuple[Ring, ...] = ()


@dataclass(frozen=True)
class Shape:
    """A Polygon or MultiPolygon, ready for point queries."""

    polygons: tuple[Polygon, ...]
    bbox: BBox


# --------------------------------------------------------------------------- geometry


def shape_from_geojson(geometry: Mapping[str, Any], *, label: str = "geometry") -> Shape:
    """A `Shape` from a GeoJSON Polygon or MultiPolygon, checked.

    Raises ValueError naming `label` for another type, a ring that is not closed or has
    fewer than four positions, or a position that is not a finite [longitude, latitude]
    in range.
    """
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    polygons: Any
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        polygons = coordinates if isinstance(coordinates, list) else None
    else:
        raise ValueError(f"{label}: expected a Polygon or MultiPolygon, got {kind!r}")
    if not isinstance(polygons, list) or not polygons:
        raise ValueError(f"{label}: a {kind} needs coordinates")
    built: list[Polygon] = []
    for p, rings in enumerate(polygons):
        if not isinstance(rings, list) or not rings:
            raise ValueError(f"{label}, polygon {p}: expected a list of rings")
        made = [_ring(ring, f"{label}, polygon {p}, ring {r}") for r, ring in enumerate(rings)]
        built.append(Polygon(exterior=made[0], holes=tuple(made[1:])))
    return Shape(polygons=tuple(built), bbox=_union(p.exterior.bbox for p in built))


def locate_point(shape: Shape, x: float, y: float) -> Position:
    """Where (x = longitude, y = latitude) lies with respect to `shape`."""
    if not shape.bbox.holds(x, y):
        return Position.OUTSIDE
    best = Position.OUTSIDE
    for polygon in shape.polygons:
        found = _polygon_position(polygon, x, y)
        if found is Position.INSIDE:
            return found
        if found is Position.BOUNDARY:
            best = found
    return best


def contains(shape: Shape, x: float, y: float) -> bool:
    """Whether (x = longitude, y = latitude) is inside `shape` or on its boundary."""
    return locate_point(shape, x, y) is not Position.OUTSIDE


def _polygon_position(polygon: Polygon, x: float, y: float) -> Position:
    outer = _ring_position(polygon.exterior, x, y)
    if outer is not Position.INSIDE:
        return outer
    for hole in polygon.holes:
        within = _ring_position(hole, x, y)
        if within is Position.INSIDE:
            return Position.OUTSIDE
        if within is Position.BOUNDARY:
            return Position.BOUNDARY
    return Position.INSIDE


def _ring_position(ring: Ring, x: float, y: float) -> Position:
    # Crossing number along a ray to the east of the point. An edge counts when one
    # end is strictly above y and the other at or below it (the half-open rule, so a
    # ray through a vertex is counted once); the edge crosses east of the point when
    # the point is on its left going up, or on its right going down.
    if not ring.bbox.holds(x, y):
        return Position.OUTSIDE
    inside = False
    points = ring.points
    for i in range(len(points) - 1):
        ax, ay = points[i]
        bx, by = points[i + 1]
        if (ay > y) == (by > y):
            if ax == x and ay == y:
                return Position.BOUNDARY
            if ay == y == by and min(ax, bx) <= x <= max(ax, bx):
                return Position.BOUNDARY
            continue
        side = _orientation(ax, ay, bx, by, x, y)
        if side == 0:
            return Position.BOUNDARY  # on the line of an edge whose y-span holds y
        if (side > 0) == (by > ay):
            inside = not inside
    return Position.INSIDE if inside else Position.OUTSIDE


# Shewchuk's bound for the floating-point 2×2 orientation determinant, rounded up.
_ERROR_BOUND = 4.0e-16


def _orientation(ax: float, ay: float, bx: float, by: float, x: float, y: float) -> int:
    """The sign of (b − a) × (p − a): 1 when p is left of a→b, −1 right, 0 on the line."""
    left = (bx - ax) * (y - ay)
    right = (by - ay) * (x - ax)
    det = left - right
    if abs(det) > _ERROR_BOUND * (abs(left) + abs(right)):
        return 1 if det > 0 else -1
    exact = ((Fraction(bx) - Fraction(ax)) * (Fraction(y) - Fraction(ay))
             - (Fraction(by) - Fraction(ay)) * (Fraction(x) - Fraction(ax)))
    return (exact > 0) - (exact < 0)


def _ring(raw: Any, label: str) -> Ring:
    if not isinstance(raw, list) or len(raw) < 4:
        raise ValueError(f"{label}: a ring needs at least four positions")
    points: list[tuple[float, float]] = []
    for n, position in enumerate(raw):
        if (not isinstance(position, Sequence) or isinstance(position, str)
                or len(position) < 2):
            raise ValueError(f"{label}, position {n}: expected [longitude, latitude]")
        lon, lat = position[0], position[1]
        if not all(isinstance(v, int | float) and not isinstance(v, bool)
                   and math.isfinite(v) for v in (lon, lat)):
            raise ValueError(f"{label}, position {n}: expected two finite numbers")
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"{label}, position {n}: [{lon}, {lat}] is not a WGS84 "
                             "longitude and latitude")
        points.append((float(lon), float(lat)))
    if points[0] != points[-1]:
        raise ValueError(f"{label}: the ring is not closed (its last position must repeat "
                         "the first)")
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return Ring(points=tuple(points), bbox=BBox(min(xs), min(ys), max(xs), max(ys)))


def _union(boxes: Iterable[BBox]) -> BBox:
    boxes = list(boxes)
    return BBox(min(b.min_x for b in boxes), min(b.min_y for b in boxes),
                max(b.max_x for b in boxes), max(b.max_y for b in boxes))


# --------------------------------------------------------------------------- areas


@dataclass(frozen=True)
class Area:
    """One feature of a boundary layer: a unit's code and name, over a span of days.

    `valid_to` is the last day the unit exists (None: still in force). A unit that was
    merged into another names its successor, which then covers its ground from the day
    after `valid_to`.
    """

    code: str
    name: str
    shape: Shape
    valid_to: date | None = None
    successor_code: str | None = None
    successor_name: str | None = None

    def as_of(self, on: date) -> tuple[str, str] | None:
        """The (code, name) this ground belongs to on `on`, if the layer knows it."""
        if self.valid_to is None or on <= self.valid_to:
            return self.code, self.name
        if self.successor_code is not None:
            return self.successor_code, self.successor_name or self.successor_code
        return None


class AreaIndex:
    """The features of one layer (provinces, districts), for point lookups."""

    def __init__(self, areas: Iterable[Area]) -> None:
        self.areas: tuple[Area, ...] = tuple(areas)

    @classmethod
    def from_feature_collection(
        cls,
        collection: Mapping[str, Any],
        *,
        label: str = "features",
        successor_code: str | None = None,
        successor_name: str | None = None,
    ) -> AreaIndex:
        """An index of a FeatureCollection whose features carry `code` and `name`
        properties and optionally `valid_to` (YYYY-MM-DD) and the successor's code and
        name under the property names given (`province_2025_code`, ... in the shipped
        provinces layer)."""
        areas = []
        for n, feature in enumerate(collection.get("features") or []):
            where = f"{label}, feature {n}"
            props = feature.get("properties") or {}
            code, name = props.get("code"), props.get("name")
            if not isinstance(code, str) or not isinstance(name, str):
                raise ValueError(f"{where}: needs string properties 'code' and 'name'")
            valid_to = props.get("valid_to")
            areas.append(Area(
                code=code, name=name,
                shape=shape_from_geojson(feature.get("geometry") or {},
                                         label=f"{where} ({code})"),
                valid_to=date.fromisoformat(valid_to) if valid_to else None,
                successor_code=props.get(successor_code) if successor_code else None,
                successor_name=props.get(successor_name) if successor_name else None,
            ))
        return cls(areas)

    def find(self, *, lat: float, long: float) -> list[Area]:
        """The features holding the point: strictly inside first, then on the boundary,
        each group in layer order."""
        inside: list[Area] = []
        edge: list[Area] = []
        for area in self.areas:
            found = locate_point(area.shape, long, lat)
            if found is Position.INSIDE:
                inside.append(area)
            elif found is Position.BOUNDARY:
                edge.append(area)
        return inside + edge


# --------------------------------------------------------------------------- shipped units


@dataclass(frozen=True)
class Placement:
    """The units a point falls in on a day, as far as the shipped boundaries tell.

    `district_code` is None where the layer has no districts (outside old Lào Cai) or
    after districts were abolished (2025-07-01). Communes have no shipped polygons: the
    citizen chooses the commune, and only the province is checked against the point.
    """

    on: date
    province_code: str
    province_name: str
    district_code: str | None = None
    district_name: str | None = None


class UnitFinder:
    """Which shipped unit holds a WGS84 point, on a given day.

    Built from the shipped layers (read them with `fansipan.data.reference.read_geojson`):
    the provinces before 1 July 2025, each naming the province it became part of, and the
    districts of old Lào Cai.
    """

    def __init__(self, *, provinces: AreaIndex, districts: AreaIndex | None = None) -> None:
        self.provinces = provinces
        self.districts = districts or AreaIndex(())

    @classmethod
    def from_layers(cls, *, provinces: Mapping[str, Any],
                    districts: Mapping[str, Any] | None = None) -> UnitFinder:
        return cls(
            provinces=AreaIndex.from_feature_collection(
                provinces, label="provinces", successor_code="province_2025_code",
                successor_name="province_2025_name"),
            districts=AreaIndex.from_feature_collection(districts, label="districts")
            if districts is not None else None,
        )

    def place(self, *, lat: float, long: float, on: date) -> Placement | None:
        """The province (and district, where known) of the point on `on`; None when the
        point is in no shipped province (abroad, at sea)."""
        province = _first_as_of(self.provinces.find(lat=lat, long=long), on)
        if province is None:
            return None
        district = _first_as_of(self.districts.find(lat=lat, long=long), on)
        return Placement(on=on, province_code=province[0], province_name=province[1],
                         district_code=district[0] if district else None,
                         district_name=district[1] if district else None)

    def check_province(self, *, lat: float, long: float, province_code: str,
                       on: date) -> Placement:
        """The placement of a point that must lie in `province_code` on `on`, or a
        ValidationError naming `lat` and `long` when it lies elsewhere."""
        placement = self.place(lat=lat, long=long, on=on)
        if placement is not None and placement.province_code == province_code:
            return placement
        where = (f"{placement.province_name}" if placement is not None
                 else "ngoài các tỉnh, thành phố của Việt Nam / outside Viet Nam's provinces")
        value = f"{lat}, {long}"
        message = (f"vị trí thuộc {where}, không thuộc tỉnh mã {province_code}; hãy chọn lại "
                   f"vị trí trên bản đồ / the point lies in {where}, not in province "
                   f"{province_code}; pick the place again on the map")
        raise ValidationError(
            "Vị trí phản ánh nằm ngoài địa bàn / The reported place is outside the province",
            [FieldError(field="lat", message=message, value=value),
             FieldError(field="long", message=message, value=value)])


def _first_as_of(areas: list[Area], on: date) -> tuple[str, str] | None:
    for area in areas:
        named = area.as_of(on)
        if named is not None:
            return named
    return None
