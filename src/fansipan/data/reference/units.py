"""Administrative units, their successions across the 2025 reform, and the agencies."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from fansipan.data.reference.csv_cells import Cells, Source, read_csv

UNITS_FILE = "units/laocai_units.csv"
SUCCESSIONS_FILE = "units/laocai_successions.csv"
AGENCIES_FILE = "units/agencies.csv"
AGENCY_SUCCESSIONS_FILE = "units/agency_successions.csv"
#: The 2025 reform as a reorganisation file, the shape an administrator loads.
REORGANISATION_2025_FILE = "units/reorganisation_2025-07-01.json"

#: Levels of administrative units in ``laocai_units.csv``.
UNIT_LEVELS = frozenset({"province", "district", "commune"})

_AGENCY_CODE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: How an agency's work went on: the same body under the new province, or merged into another.
AGENCY_CHANGES = frozenset({"kept", "merged"})


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
class AgencySuccessionRow:
    """An agency (the version in force the day before ``effective``) and the agency
    (the version in force on ``effective``) that carries its work on, with the act."""

    old_code: str
    new_code: str
    effective: date
    change: str
    basis: str


def read_units(source: Source | None = None) -> list[UnitRow]:
    """Administrative units (``units/laocai_units.csv``)."""

    def parse(cell: Cells) -> UnitRow:
        return UnitRow(
            code=cell.required("code"),
            name=cell.required("name"),
            level=cell.choice("level", UNIT_LEVELS),
            parent_code=cell.optional("parent_code"),
            valid_from=cell.optional_date("valid_from"),
            valid_to=cell.optional_date("valid_to"),
        )

    return read_csv(source, UNITS_FILE, _UNIT_COLUMNS, parse)


def read_successions(source: Source | None = None) -> list[SuccessionRow]:
    """Old commune → new unit links (``units/laocai_successions.csv``)."""

    def parse(cell: Cells) -> SuccessionRow:
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

    return read_csv(source, SUCCESSIONS_FILE, _SUCCESSION_COLUMNS, parse)


def read_agencies(source: Source | None = None) -> list[AgencyRow]:
    """Departments, agencies and companies as units (``units/agencies.csv``)."""

    def parse(cell: Cells) -> AgencyRow:
        return AgencyRow(
            code=cell.matching("code", _AGENCY_CODE, "a lower-case slug such as 'so-tttt'"),
            name_vi=cell.required("name_vi"),
            name_en=cell.required("name_en"),
            parent_code=cell.optional("parent_code"),
            valid_from=cell.optional_date("valid_from"),
            valid_to=cell.optional_date("valid_to"),
        )

    return read_csv(source, AGENCIES_FILE, _AGENCY_COLUMNS, parse)


def read_agency_successions(source: Source | None = None) -> list[AgencySuccessionRow]:
    """Which agency carries an ended agency's work on (``units/agency_successions.csv``)."""

    def parse(cell: Cells) -> AgencySuccessionRow:
        return AgencySuccessionRow(
            old_code=cell.matching("old_code", _AGENCY_CODE, "an agency slug such as 'so-tttt'"),
            new_code=cell.matching("new_code", _AGENCY_CODE, "an agency slug such as 'so-kh-cn'"),
            effective=cell.required_date("effective"),
            change=cell.choice("change", AGENCY_CHANGES),
            basis=cell.required("basis"),
        )

    return read_csv(source, AGENCY_SUCCESSIONS_FILE, _AGENCY_SUCCESSION_COLUMNS, parse)


def read_reorganisation(packaged: str = REORGANISATION_2025_FILE) -> dict[str, Any]:
    """A shipped reorganisation file, as the JSON object it holds."""
    text = resources.files("fansipan.data").joinpath(packaged).read_text(encoding="utf-8")
    loaded = json.loads(text)
    if not isinstance(loaded, dict):
        raise ValueError(f"{packaged}: expected a JSON object")
    return loaded


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
_AGENCY_SUCCESSION_COLUMNS = ("old_code", "new_code", "effective", "change", "basis")


def _in_force(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    if valid_from is not None and day < valid_from:
        return False
    return valid_to is None or day <= valid_to
