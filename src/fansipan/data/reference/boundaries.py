"""The packaged boundaries (``geo/``): GeoJSON FeatureCollections, read by name."""

from __future__ import annotations

import json
import re
from importlib.resources import files
from typing import Any

GEO_DIR = "geo"

_GEO_NAME = re.compile(r"[a-z0-9_]+")


def geojson_names() -> list[str]:
    """Names accepted by :func:`read_geojson` (file names without ``.geojson``)."""
    folder = files("fansipan.data") / GEO_DIR
    return sorted(
        entry.name.removesuffix(".geojson")
        for entry in folder.iterdir()
        if entry.name.endswith(".geojson")
    )


def read_geojson(name: str) -> dict[str, Any]:
    """A packaged GeoJSON FeatureCollection, e.g. ``read_geojson("laocai_districts_2024")``.

    ``name`` may carry the ``.geojson`` suffix. Unknown names raise :class:`ValueError`.
    """
    stem = name.removesuffix(".geojson")
    label = f"{GEO_DIR}/{stem}.geojson"
    if not _GEO_NAME.fullmatch(stem) or stem not in geojson_names():
        known = ", ".join(geojson_names())
        raise ValueError(f"{label}: no such packaged GeoJSON file; known names: {known}")
    resource = files("fansipan.data") / GEO_DIR / f"{stem}.geojson"
    try:
        with resource.open("r", encoding="utf-8") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{label}, line {exc.lineno}: invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValueError(f"{label}, line 1: expected a GeoJSON FeatureCollection")
    if not isinstance(data.get("features"), list):
        raise ValueError(f"{label}, line 1, field 'features': expected a list of features")
    return data
