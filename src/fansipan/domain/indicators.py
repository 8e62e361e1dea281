"""Indicators (chỉ tiêu): what is measured, how it adds up, and which way is better."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fansipan.domain.formulas import Formula, check_formulas
from fansipan.domain.periods import PeriodType
from fansipan.domain.targets import Direction
from fansipan.errors import FieldError, ValidationError, msg


class ValueType(StrEnum):
    INTEGER = "integer"
    NUMBER = "number"
    PERCENT = "percent"


class Aggregation(StrEnum):
    """How values combine, over units or over time."""

    SUM = "sum"
    AVERAGE = "average"
    LAST = "last"
    MIN = "min"
    MAX = "max"
    NONE = "none"


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    sector: str
    unit_vi: str = ""
    unit_en: str = ""
    value_type: ValueType = ValueType.NUMBER
    agg_units: Aggregation = Aggregation.SUM
    agg_time: Aggregation = Aggregation.SUM
    direction: Direction = Direction.UP
    decimals: int = 0
    periodicity: PeriodType = PeriodType.MONTH
    levels: tuple[str, ...] = ()
    formula: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    description_vi: str = ""
    description_en: str = ""
    source_vi: str = ""  # the body that produces the figures
    source_en: str = ""
    #: Counted from a record dataset (field reports, dossiers) whenever a record changes;
    #: such a value is never entered by hand. None for an indicator people enter.
    record_dataset: str | None = None
    group: str | None = None  # an administrator's indicator group
    #: The first day it takes no more values (retired: kept with its history).
    retired_from: date | None = None

    @property
    def is_derived(self) -> bool:
        return self.formula is not None

    @property
    def is_counted(self) -> bool:
        """Counted from records, not entered: only the record counts may write it."""
        return self.record_dataset is not None and self.formula is None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_vi

    def source(self, lang: str) -> str:
        return self.source_en if lang == "en" else self.source_vi

    def accepts_period_type(self, period_type: PeriodType) -> bool:
        """Values are entered at the indicator's periodicity or any coarser one."""
        return period_type.rank >= self.periodicity.rank


def check_catalogue(indicators: Iterable[Indicator]) -> dict[str, Formula]:
    """Check a whole catalogue at once; every problem is reported together."""
    items = list(indicators)
    errors: list[FieldError] = []
    seen: set[str] = set()
    for ind in items:
        if ind.code in seen:
            errors.append(FieldError(field="code", message=msg("appears twice"), value=ind.code))
        seen.add(ind.code)
        if not ind.name_vi.strip() or not ind.name_en.strip():
            errors.append(
                FieldError(field="name", message=msg("needs a Vietnamese and an English name"),
                           value=ind.code)
            )
        if (
            ind.min_value is not None
            and ind.max_value is not None
            and ind.min_value > ind.max_value
        ):
            errors.append(
                FieldError(field="min_value", message=msg("is above max_value"), value=ind.code)
            )
    if errors:
        raise ValidationError(msg("The indicator catalogue has problems"), errors)
    formulas = {i.code: i.formula for i in items if i.formula is not None}
    return check_formulas(formulas, seen)
