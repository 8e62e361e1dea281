"""Read the reference data shipped in ``fansipan.data``.

Pure standard library: no database, no web. Every reader returns a fresh list of frozen
rows, in file order. A reader called without ``source`` reads the packaged file through
:mod:`importlib.resources`; pass ``source`` (a path) to read another file of the same
shape, e.g. another province's units.

Cell values are stripped of surrounding spaces (one GSO name carries a trailing space).
Any cell that cannot be parsed raises :class:`ValueError` naming the file, line and
field, e.g. ``catalogue/indicators.csv, line 12, field 'decimals': expected an integer
from 0 to 2, got 'x'``.

Codes are reused across the 2025 reform (code ``15`` was Yên Bái until 2025-06-30 and is
the new Lào Cai from 2025-07-01): a code identifies a unit only together with a date,
see :meth:`UnitRow.in_force`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TextIO, TypeVar

__all__ = [
    "AGENCIES_FILE",
    "AGG_TIME",
    "AGG_UNITS",
    "DIRECTIONS",
    "INDICATORS_FILE",
    "LEVELS",
    "PERIODICITIES",
    "SECTORS_FILE",
    "SUCCESSIONS_FILE",
    "UNITS_FILE",
    "UNIT_LEVELS",
    "VALUE_TYPES",
    "AgencyRow",
    "IndicatorRow",
    "SectorRow",
    "SuccessionRow",
    "UnitRow",
    "geojson_names",
    "read_agencies",
    "read_geojson",
    "read_indicators",
    "read_sectors",
    "read_successions",
    "read_units",
]

UNITS_FILE = "units/laocai_units.csv"
SUCCESSIONS_FILE = "units/laocai_successions.csv"
AGENCIES_FILE = "units/agencies.csv"
SECTORS_FILE = "catalogue/sectors.csv"
INDICATORS_FILE = "catalogue/indicators.csv"
GEO_DIR = "geo"

#: Levels of administrative units in ``laocai_units.csv``.
UNIT_LEVELS = frozenset({"province", "district", "commune"})
#: Levels at which indicator values are entered (``levels`` column).
LEVELS = frozenset({"commune", "district", "province", "agency"})
VALUE_TYPES = frozenset({"integer", "number", "percent"})
AGG_UNITS = frozenset({"sum", "average", "min", "max", "none"})
AGG_TIME = frozenset({"sum", "last", "average", "max", "min", "none"})
DIRECTIONS = frozenset({"up", "down", "none"})
PERIODICITIES = frozenset({"month", "year"})

_INDICATOR_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
_AGENCY_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_GEO_NAME = re.compile(r"[a-z0-9_]+")

Source = str | os.PathLike[str]
_T = TypeVar("_T")


# --------------------------------------------------------------------------- rows


@dataclass(frozen=True)
class UnitRow:
    """An administrative unit (province, district or commune) over a span of dates.

    ``valid_to`` is the last day in force (inclusive); ``None`` means still in force.
    ``valid_from`` ``None`` means in force since before 2020 or not verified.
    """

    code: str
    name: str
    level: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None

    def in_force(self, day: date) -> bool:
        """Whether the unit is in force on ``day``."""
        return _in_force(self.valid_from, self.valid_to, day)


@dataclass(frozen=True)
class SuccessionRow:
    """An old commune and the unit it became (part of) on ``effective``."""

    old_code: str
    old_name: str
    old_district_code: str
    new_code: str
    new_name: str
    new_province_code: str
    change: str
    effective: date


@dataclass(frozen=True)
class AgencyRow:
    """A department, agency or company of the province, as a unit over a span of dates.

    ``parent_code`` is a province code (``10`` before the reform, ``15`` after it) or
    another agency's code. As for units, a code together with a date identifies a row.
    """

    code: str
    name_vi: str
    name_en: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None

    def in_force(self, day: date) -> bool:
        """Whether the agency (with this parent link) is in force on ``day``."""
        return _in_force(self.valid_from, self.valid_to, day)


@dataclass(frozen=True)
class SectorRow:
    code: str
    name_vi: str
    name_en: str
    sort: int


@dataclass(frozen=True)
class IndicatorRow:
    """An indicator of the catalogue.

    ``formula`` is ``None`` for a base indicator; a derived indicator has a formula over
    other indicator codes and no ``agg_units``/``agg_time`` (its parts are aggregated
    first, then the formula is applied).
    """

    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    sector: str
    value_type: str
    agg_units: str | None
    agg_time: str | None
    direction: str
    decimals: int
    periodicity: str
    levels: tuple[str, ...]
    formula: str | None
    min_value: float | None
    max_value: float | None
    plan_target: bool
    description_vi: str
    description_en: str

    @property
    def is_derived(self) -> bool:
        return self.formula is not None


# --------------------------------------------------------------------------- readers


def read_units(source: Source | None = None) -> list[UnitRow]:
    """Administrative units (``units/laocai_units.csv``)."""

    def parse(cell: _Cells) -> UnitRow:
        return UnitRow(
            code=cell.required("code"),
            name=cell.required("name"),
            level=cell.choice("level", UNIT_LEVELS),
            parent_code=cell.optional("parent_code"),
            valid_from=cell.optional_date("valid_from"),
            valid_to=cell.optional_date("valid_to"),
        )

    return _read(source, UNITS_FILE, _UNIT_COLUMNS, parse)


def read_successions(source: Source | None = None) -> list[SuccessionRow]:
    """Old commune → new unit links (``units/laocai_successions.csv``)."""

    def parse(cell: _Cells) -> SuccessionRow:
        return SuccessionRow(
            old_code=cell.required("old_code"),
            old_name=cell.required("old_name"),
            old_district_code=cell.required("old_district_code"),
            new_code=cell.required("new_code"),
            new_name=cell.required("new_name"),
            new_province_code=cell.required("new_province_code"),
            change=cell.required("change"),
            effective=cell.required_date("effective"),
        )

    return _read(source, SUCCESSIONS_FILE, _SUCCESSION_COLUMNS, parse)


def read_agencies(source: Source | None = None) -> list[AgencyRow]:
    """Departments, agencies and companies as units (``units/agencies.csv``)."""

    def parse(cell: _Cells) -> AgencyRow:
        return AgencyRow(
            code=cell.matching("code", _AGENCY_CODE, "a lower-case slug such as 'so-tttt'"),
            name_vi=cell.required("name_vi"),
            name_en=cell.required("name_en"),
            parent_code=cell.optional("parent_code"),
            valid_from=cell.optional_date("valid_from"),
            valid_to=cell.optional_date("valid_to"),
        )

    return _read(source, AGENCIES_FILE, _AGENCY_COLUMNS, parse)


def read_sectors(source: Source | None = None) -> list[SectorRow]:
    """Sectors of the indicator catalogue (``catalogue/sectors.csv``)."""

    def parse(cell: _Cells) -> SectorRow:
        return SectorRow(
            code=cell.required("code"),
            name_vi=cell.required("name_vi"),
            name_en=cell.required("name_en"),
            sort=cell.integer("sort"),
        )

    return _read(source, SECTORS_FILE, _SECTOR_COLUMNS, parse, unique="code")


def read_indicators(source: Source | None = None) -> list[IndicatorRow]:
    """The indicator catalogue (``catalogue/indicators.csv``).

    Checks each cell (enumerations, numbers, code shape, unique codes). It does not
    parse formulas: that is the formula engine's job.
    """

    def parse(cell: _Cells) -> IndicatorRow:
        formula = cell.optional("formula")
        if formula is None:
            agg_units: str | None = cell.choice("agg_units", AGG_UNITS)
            agg_time: str | None = cell.choice("agg_time", AGG_TIME)
        else:
            cell.empty("agg_units", "a derived indicator (with a formula)")
            cell.empty("agg_time", "a derived indicator (with a formula)")
            agg_units = agg_time = None
        min_value = cell.optional_float("min_value")
        max_value = cell.optional_float("max_value")
        if min_value is not None and max_value is not None and min_value > max_value:
            raise cell.error("max_value", f"must not be below min_value {min_value:g}")
        return IndicatorRow(
            code=cell.matching("code", _INDICATOR_CODE, "UPPER_SNAKE ASCII such as 'BC_TONG_XA'"),
            name_vi=cell.required("name_vi"),
            name_en=cell.required("name_en"),
            unit_vi=cell.required("unit_vi"),
            unit_en=cell.required("unit_en"),
            sector=cell.required("sector"),
            value_type=cell.choice("value_type", VALUE_TYPES),
            agg_units=agg_units,
            agg_time=agg_time,
            direction=cell.choice("direction", DIRECTIONS),
            decimals=cell.integer("decimals", low=0, high=2),
            periodicity=cell.choice("periodicity", PERIODICITIES),
            levels=cell.choice_list("levels", LEVELS),
            formula=formula,
            min_value=min_value,
            max_value=max_value,
            plan_target=cell.flag("plan_target"),
            description_vi=cell.required("description_vi"),
            description_en=cell.required("description_en"),
        )

    return _read(source, INDICATORS_FILE, _INDICATOR_COLUMNS, parse, unique="code")


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


# --------------------------------------------------------------------------- internals

_UNIT_COLUMNS = ("code", "name", "level", "parent_code", "valid_from", "valid_to")
_SUCCESSION_COLUMNS = (
    "old_code",
    "old_name",
    "old_district_code",
    "old_district_name",
    "old_province_code",
    "old_province_name",
    "new_code",
    "new_name",
    "new_province_code",
    "change",
    "effective",
)
_AGENCY_COLUMNS = ("code", "name_vi", "name_en", "parent_code", "valid_from", "valid_to")
_SECTOR_COLUMNS = ("code", "name_vi", "name_en", "sort")
_INDICATOR_COLUMNS = (
    "code",
    "name_vi",
    "name_en",
    "unit_vi",
    "unit_en",
    "sector",
    "value_type",
    "agg_units",
    "agg_time",
    "direction",
    "decimals",
    "periodicity",
    "levels",
    "formula",
    "min_value",
    "max_value",
    "plan_target",
    "description_vi",
    "description_en",
)


def _in_force(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    if valid_from is not None and day < valid_from:
        return False
    return valid_to is None or day <= valid_to


class _Cells:
    """The cells of one CSV row, with parsers that name the file, line and field."""

    def __init__(self, label: str, line: int, row: Mapping[str, str]) -> None:
        self.label = label
        self.line = line
        self._row = row

    def error(self, field: str, problem: str) -> ValueError:
        return ValueError(f"{self.label}, line {self.line}, field '{field}': {problem}")

    def raw(self, field: str) -> str:
        return self._row.get(field, "").strip()

    def required(self, field: str) -> str:
        value = self.raw(field)
        if not value:
            raise self.error(field, "must not be empty")
        return value

    def optional(self, field: str) -> str | None:
        return self.raw(field) or None

    def empty(self, field: str, why: str) -> None:
        value = self.raw(field)
        if value:
            raise self.error(field, f"must be empty for {why}, got {value!r}")

    def matching(self, field: str, pattern: re.Pattern[str], expected: str) -> str:
        value = self.required(field)
        if not pattern.fullmatch(value):
            raise self.error(field, f"expected {expected}, got {value!r}")
        return value

    def choice(self, field: str, allowed: frozenset[str]) -> str:
        value = self.required(field)
        if value not in allowed:
            raise self.error(field, f"expected one of {_listing(allowed)}, got {value!r}")
        return value

    def choice_list(self, field: str, allowed: frozenset[str]) -> tuple[str, ...]:
        value = self.required(field)
        items = tuple(item.strip() for item in value.split("|"))
        for item in items:
            if item not in allowed:
                raise self.error(
                    field,
                    f"expected '|'-separated values among {_listing(allowed)}, got {value!r}",
                )
        if len(set(items)) != len(items):
            raise self.error(field, f"repeats a value: {value!r}")
        return items

    def integer(self, field: str, low: int | None = None, high: int | None = None) -> int:
        value = self.required(field)
        expected = "an integer"
        if low is not None and high is not None:
            expected = f"an integer from {low} to {high}"
        try:
            number = int(value)
        except ValueError:
            raise self.error(field, f"expected {expected}, got {value!r}") from None
        if (low is not None and number < low) or (high is not None and number > high):
            raise self.error(field, f"expected {expected}, got {value!r}")
        return number

    def optional_float(self, field: str) -> float | None:
        value = self.raw(field)
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            raise self.error(field, f"expected a number or nothing, got {value!r}") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self.error(field, f"expected a finite number, got {value!r}")
        return number

    def flag(self, field: str) -> bool:
        value = self.required(field)
        if value not in ("0", "1"):
            raise self.error(field, f"expected 0 or 1, got {value!r}")
        return value == "1"

    def optional_date(self, field: str) -> date | None:
        value = self.raw(field)
        return self._date(field, value) if value else None

    def required_date(self, field: str) -> date:
        return self._date(field, self.required(field))

    def _date(self, field: str, value: str) -> date:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.error(field, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _listing(allowed: frozenset[str]) -> str:
    return ", ".join(sorted(allowed))


def _read(
    source: Source | None,
    packaged: str,
    columns: tuple[str, ...],
    parse: Callable[[_Cells], _T],
    unique: str | None = None,
) -> list[_T]:
    label = packaged if source is None else os.fspath(source)
    out: list[_T] = []
    seen: dict[str, int] = {}
    for line, cells in _rows(source, packaged, label, columns):
        if unique is not None:
            key = cells.raw(unique)
            if key in seen:
                raise cells.error(unique, f"{key!r} repeats the value of line {seen[key]}")
            seen[key] = line
        out.append(parse(cells))
    return out


def _open(source: Source | None, packaged: str) -> TextIO:
    # utf-8-sig: tolerate the byte-order mark that spreadsheet programs add.
    if source is None:
        resource: Traversable = files("fansipan.data")
        for part in packaged.split("/"):
            resource = resource / part
        return io.TextIOWrapper(resource.open("rb"), encoding="utf-8-sig", newline="")
    return Path(source).open(encoding="utf-8-sig", newline="")


def _rows(
    source: Source | None, packaged: str, label: str, columns: tuple[str, ...]
) -> Iterator[tuple[int, _Cells]]:
    with _open(source, packaged) as handle:
        reader = csv.reader(handle, strict=True)
        try:
            header = tuple(name.strip() for name in next(reader, []))
            if header != columns:
                missing = [c for c in columns if c not in header]
                extra = [c for c in header if c not in columns]
                field = (missing or extra or [columns[0]])[0]
                raise ValueError(
                    f"{label}, line 1, field '{field}': expected the header "
                    f"{','.join(columns)}, got {','.join(header) or 'nothing'}"
                )
            for cells in reader:
                line = reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue  # a blank line
                if len(cells) != len(columns):
                    raise ValueError(
                        f"{label}, line {line}: {len(cells)} cells where the header has "
                        f"{len(columns)}"
                    )
                yield line, _Cells(label, line, dict(zip(columns, cells, strict=True)))
        except csv.Error as exc:
            raise ValueError(f"{label}, line {reader.line_num}: malformed CSV: {exc}") from exc
