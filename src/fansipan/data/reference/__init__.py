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

The package has one idea a module: `units` (administrative units, their successions and
the province's agencies), `catalogue` (sectors and indicators), `boundaries` (GeoJSON) and
`csv_cells` (reading a CSV file whose every refusal names the file, line and field).
"""

from fansipan.data.reference.boundaries import GEO_DIR as GEO_DIR
from fansipan.data.reference.boundaries import geojson_names, read_geojson
from fansipan.data.reference.catalogue import (
    AGG_TIME,
    AGG_UNITS,
    DATASETS,
    DIRECTIONS,
    INDICATORS_FILE,
    KINDS,
    LEVELS,
    PERIODICITIES,
    RECORD_INDICATORS_FILE,
    SECTORS_FILE,
    VALUE_TYPES,
    IndicatorRow,
    SectorRow,
    read_indicators,
    read_record_indicators,
    read_sectors,
)
from fansipan.data.reference.csv_cells import Source as Source
from fansipan.data.reference.units import (
    AGENCIES_FILE,
    AGENCY_CHANGES,
    AGENCY_SUCCESSIONS_FILE,
    REORGANISATION_2025_FILE,
    SUCCESSIONS_FILE,
    UNIT_LEVELS,
    UNITS_FILE,
    AgencyRow,
    AgencySuccessionRow,
    SuccessionRow,
    UnitRow,
    read_agencies,
    read_agency_successions,
    read_reorganisation,
    read_successions,
    read_units,
)

__all__ = [
    "AGENCIES_FILE",
    "AGENCY_CHANGES",
    "AGENCY_SUCCESSIONS_FILE",
    "AGG_TIME",
    "AGG_UNITS",
    "DATASETS",
    "DIRECTIONS",
    "INDICATORS_FILE",
    "KINDS",
    "LEVELS",
    "PERIODICITIES",
    "RECORD_INDICATORS_FILE",
    "REORGANISATION_2025_FILE",
    "SECTORS_FILE",
    "SUCCESSIONS_FILE",
    "UNITS_FILE",
    "UNIT_LEVELS",
    "VALUE_TYPES",
    "AgencyRow",
    "AgencySuccessionRow",
    "IndicatorRow",
    "SectorRow",
    "SuccessionRow",
    "UnitRow",
    "geojson_names",
    "read_agencies",
    "read_agency_successions",
    "read_geojson",
    "read_indicators",
    "read_record_indicators",
    "read_reorganisation",
    "read_sectors",
    "read_successions",
    "read_units",
]
