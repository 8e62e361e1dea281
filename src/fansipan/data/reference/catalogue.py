"""The indicator catalogue and its sectors."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from fansipan.data.reference.csv_cells import Cells, Source, read_csv

SECTORS_FILE = "catalogue/sectors.csv"
INDICATORS_FILE = "catalogue/indicators.csv"
RECORD_INDICATORS_FILE = "catalogue/record_indicators.csv"

#: Levels at which indicator values are entered (``levels`` column).
LEVELS = frozenset({"commune", "district", "province", "agency"})
VALUE_TYPES = frozenset({"integer", "number", "percent"})
KINDS = frozenset({"amount", "rate", "index", "denominator"})
AGG_UNITS = frozenset({"sum", "average", "min", "max", "none"})
AGG_TIME = frozenset({"sum", "last", "average", "max", "min", "none"})
DIRECTIONS = frozenset({"up", "down", "none"})
PERIODICITIES = frozenset({"month", "year"})
#: Published index scores (DTI) have four decimals; counts and rates fewer.
MAX_DECIMALS = 4
#: Record datasets whose records are counted into indicators (``dataset`` column).
DATASETS = frozenset({"field_reports", "dossiers"})

_INDICATOR_CODE = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")


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
    first, then the formula is applied). ``source_vi``/``source_en`` name the body that
    produces the figure (several, separated by "; ", for a derived indicator whose parts
    come from different bodies).
    """

    code: str
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    sector: str
    value_type: str
    kind: str
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
    source_vi: str
    source_en: str
    #: The record dataset an indicator is counted from (``record_indicators.csv``);
    #: None for an indicator people enter.
    record_dataset: str | None = None

    @property
    def is_derived(self) -> bool:
        return self.formula is not None


def read_sectors(source: Source | None = None) -> list[SectorRow]:
    """Sectors of the indicator catalogue (``catalogue/sectors.csv``)."""

    def parse(cell: Cells) -> SectorRow:
        return SectorRow(
            code=cell.required("code"),
            name_vi=cell.required("name_vi"),
            name_en=cell.required("name_en"),
            sort=cell.integer("sort"),
        )

    return read_csv(source, SECTORS_FILE, _SECTOR_COLUMNS, parse, unique="code")


def read_indicators(source: Source | None = None) -> list[IndicatorRow]:
    """The indicator catalogue (``catalogue/indicators.csv``).

    Checks each cell (enumerations, numbers, code shape, unique codes). It does not
    parse formulas: that is the formula engine's job.
    """
    return read_csv(source, INDICATORS_FILE, _INDICATOR_COLUMNS, _indicator, unique="code")


def read_record_indicators(source: Source | None = None) -> list[IndicatorRow]:
    """The indicators counted from record datasets (``catalogue/record_indicators.csv``).

    The same columns as the catalogue, plus ``dataset``: the records they are counted
    from. They are written only by the record counts, never entered by hand.
    """

    def parse(cell: Cells) -> IndicatorRow:
        return replace(_indicator(cell), record_dataset=cell.choice("dataset", DATASETS))

    return read_csv(source, RECORD_INDICATORS_FILE, (*_INDICATOR_COLUMNS, "dataset"), parse,
                    unique="code")


def _indicator(cell: Cells) -> IndicatorRow:
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
        kind=cell.choice("kind", KINDS),
        agg_units=agg_units,
        agg_time=agg_time,
        direction=cell.choice("direction", DIRECTIONS),
        decimals=cell.integer("decimals", low=0, high=MAX_DECIMALS),
        periodicity=cell.choice("periodicity", PERIODICITIES),
        levels=cell.choice_list("levels", LEVELS),
        formula=formula,
        min_value=min_value,
        max_value=max_value,
        plan_target=cell.flag("plan_target"),
        description_vi=cell.required("description_vi"),
        description_en=cell.required("description_en"),
        source_vi=cell.required("source_vi"),
        source_en=cell.required("source_en"),
    )


_SECTOR_COLUMNS = ("code", "name_vi", "name_en", "sort")
_INDICATOR_COLUMNS = (
    "code",
    "name_vi",
    "name_en",
    "unit_vi",
    "unit_en",
    "sector",
    "value_type",
    "kind",
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
    "source_vi",
    "source_en",
)
