"""Where a report is: inside the province (checked against the shipped boundary), and in
which commune or ward (chosen by the citizen, or found in the address).

There are no commune polygons in the shipped data, so a point alone says which province
(and, before the July 2025 reform, which district) it is in, never which commune. The
commune is the one the citizen chose; failing that, the one the address names ("thôn Tả
Van, xã Tả Van"); failing that, none, and the triage officer decides.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import cache

from fansipan.data.reference import read_geojson
from fansipan.domain.geo import Placement, UnitFinder
from fansipan.domain.service_requests import Location
from fansipan.domain.units import Unit, UnitLevel
from fansipan.errors import FieldError, ValidationError
from fansipan.services.catalog import Catalog

PROVINCES = "vn_provinces_2024"
DISTRICTS = "laocai_districts_2024"


@cache
def unit_finder() -> UnitFinder:
    """The shipped province and district boundaries, read once per process."""
    return UnitFinder.from_layers(provinces=read_geojson(PROVINCES),
                                  districts=read_geojson(DISTRICTS))


def provinces_on(catalog: Catalog, on: date) -> list[Unit]:
    """The provinces this installation serves on `on`: those in force then (before the
    July 2025 merger, old Lào Cai and old Yên Bái both)."""
    provinces = [u for u in catalog.hierarchy.in_force(on) if u.level is UnitLevel.PROVINCE]
    if not provinces:
        raise ValidationError(
            "Không có tỉnh nào có hiệu lực ngày này / No province is in force that day",
            [FieldError(field="requested_datetime", value=on.isoformat(),
                        message=f"không có tỉnh nào có hiệu lực ngày {on:%d/%m/%Y} / no "
                                "province is in force that day")])
    return sorted(provinces, key=lambda u: u.code)


def province_on(catalog: Catalog, on: date) -> Unit:
    """The one province served on `on` (the first, by code, before a merger)."""
    found = provinces_on(catalog, on)
    return max(found, key=lambda u: len(catalog.hierarchy.descendants(u.id, on)))


def communes_on(catalog: Catalog, on: date) -> list[Unit]:
    """The communes and wards of the provinces served on `on`, by name."""
    return sorted((u for p in provinces_on(catalog, on)
                   for u in catalog.hierarchy.descendants(p.id, on)
                   if u.level is UnitLevel.COMMUNE), key=lambda u: _plain(u.name))


@dataclass(frozen=True)
class Place:
    """A checked location: the point is in the province, the commune (if any) is one of
    its communes on the day; `found` says the commune came from the address."""

    location: Location
    placement: Placement | None
    commune: Unit | None
    found: bool = False


def place_report(catalog: Catalog, location: Location, on: date) -> Place:
    """Check `location` for a report made on `on` and settle its commune."""
    provinces = provinces_on(catalog, on)
    communes = communes_on(catalog, on)
    commune: Unit | None = None
    found = False
    if location.unit_code:
        commune = next((u for u in communes if u.code == location.unit_code), None)
        if commune is None:
            names = ", ".join(p.name for p in provinces)
            raise ValidationError(
                "Xã, phường không thuộc tỉnh / The commune is not in the province",
                [FieldError(field="commune", value=location.unit_code,
                            message=f"mã {location.unit_code} không phải xã, phường của "
                                    f"{names} ngày {on:%d/%m/%Y}; chọn trong danh sách / "
                                    f"{location.unit_code} is not a commune or ward of "
                                    f"{names} on that day; pick one from the list")])
    elif location.address:
        commune = commune_in_text(communes, location.address)
        found = commune is not None
    placement = None
    if location.lat is not None and location.long is not None:
        expected = _province_of(catalog, commune, on) if commune else None
        codes = [expected.code] if expected else [p.code for p in provinces]
        placement = unit_finder().place(lat=location.lat, long=location.long, on=on)
        if placement is None or placement.province_code not in codes:
            # The domain's refusal names the point and where it lies.
            unit_finder().check_province(lat=location.lat, long=location.long,
                                         province_code=codes[0], on=on)
    if commune is not None:
        location = replace(location, unit_code=commune.code)
    return Place(location=location, placement=placement, commune=commune, found=found)


def _province_of(catalog: Catalog, unit: Unit, on: date) -> Unit | None:
    return next((a for a in catalog.hierarchy.ancestors(unit.id, on)
                 if a.level is UnitLevel.PROVINCE), None)


_WORD = re.compile(r"[^a-z0-9]+")


def _plain(text: str) -> str:
    """Lower case without accents (đ → d), words separated by one space."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()
    return _WORD.sub(" ", bare).strip()


def commune_in_text(communes: list[Unit], text: str) -> Unit | None:
    """The commune an address names with its kind ("xã Tả Van", "phường Sa Pa"), when
    exactly one does; the longest name wins ("Phong Dụ Thượng" over "Phong Dụ")."""
    haystack = f" {_plain(text)} "
    found: list[tuple[int, Unit]] = []
    for unit in communes:
        name = _plain(unit.name)
        if f" {name} " in haystack:
            found.append((len(name), unit))
    if not found:
        return None
    found.sort(key=lambda x: -x[0])
    best = [u for n, u in found if n == found[0][0]]
    return best[0] if len(best) == 1 else None
