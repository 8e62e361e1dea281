"""The public map of reports: their public views, the province's outline, the counts.

The outline is the shipped boundary of the provinces the province is made of today (the
new Lào Cai: old Lào Cai and Yên Bái), carried in the page itself so the map needs no
file and no tile from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from fansipan.data.reference import read_geojson
from fansipan.domain.report_categories import Category
from fansipan.services.catalog import load_catalog
from fansipan.services.citizens.categories import read_categories
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.places import PROVINCES, province_on
from fansipan.services.citizens.report_views import PublicReport, public_report
from fansipan.services.citizens.reports import PublicQuery, select_public


@dataclass(frozen=True)
class MapData:
    reports: list[PublicReport]
    outline: dict[str, Any]  # a GeoJSON FeatureCollection
    categories: list[Category]
    open: int
    overdue: int
    closed: int


@cache
def _outline(province_code: str) -> dict[str, Any]:
    layer = read_geojson(PROVINCES)
    features = [f for f in layer["features"]
                if f["properties"].get("province_2025_code") == province_code
                or f["properties"].get("code") == province_code]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": f["properties"]["code"],
         "properties": {"code": f["properties"]["code"], "name": f["properties"]["name"]},
         "geometry": f["geometry"]} for f in features]}


def public_map(*, session: Session, query: PublicQuery, lang: str = "vi") -> MapData:
    moment = utc_now()
    with session.begin():
        catalog = load_catalog(session)
        province = province_on(catalog, date.today())
        picked = select_public(session, query)
        reports = [public_report(catalog, x.stored, x.category, moment) for x in picked]
        categories = read_categories(session)
    return MapData(reports=reports, outline=_outline(province.code), categories=categories,
                   open=sum(r.status == "open" and not r.overdue for r in reports),
                   overdue=sum(r.overdue for r in reports),
                   closed=sum(r.status == "closed" for r in reports))
