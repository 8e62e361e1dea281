"""Indicators (chỉ tiêu): what is measured, how it adds up, and which way is better."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fansipan.domain.formulas import Formula, check_formulas, parse_formula
from fansipan.domain.periods import PeriodType
from fansipan.domain.targets import Direction
from fansipan.errors import FieldError, ValidationError, msg


class ValueType(StrEnum):
    INTEGER = "integer"
    NUMBER = "number"
    PERCENT = "percent"


class Kind(StrEnum):
    """What a figure is, which decides how it changes and whether units are ranked by it.

    An amount (a count, a flow, a stock, money) changes by a per cent of itself. A rate
    (a share in per cent, a rate per 100 people) and an index (a score, a position)
    change in points: 92,1 % to 95,2 % is "+3,1 điểm %", not "+3,4 %". A denominator
    (a count of units, villages, schools, agencies: what a rate is taken over) only
    sizes other figures: it gets no change in per cent and units are not ranked by it.
    """

    AMOUNT = "amount"
    RATE = "rate"
    INDEX = "index"
    DENOMINATOR = "denominator"

    @property
    def changes_in_percent(self) -> bool:
        """A change of the figure is also given as a per cent of the earlier value."""
        return self is Kind.AMOUNT

    @property
    def changes_in_points(self) -> bool:
        """A change of the figure is a difference of points of its own unit."""
        return self in (Kind.RATE, Kind.INDEX)

    @property
    def is_ranked(self) -> bool:
        """Units may be ranked by the figure (best first)."""
        return self is not Kind.DENOMINATOR


def default_kind(value_type: ValueType) -> Kind:
    """The kind an indicator has when its definition does not say: shares are rates."""
    return Kind.RATE if value_type is ValueType.PERCENT else Kind.AMOUNT


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
    kind: Kind = Kind.AMOUNT
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


def parts_of(indicators: Mapping[str, Indicator],
             past: Mapping[str, Iterable[str]] | None = None) -> dict[str, frozenset[str]]:
    """Every indicator each derived one is computed from, through derived parts too.

    Reading a derived figure reveals its parts (a rate and one part give the other), so
    access to it follows theirs; see `fansipan.domain.access.readable_indicators`.
    `past` gives the formulas of earlier definitions by code: a period still read under
    an old formula reveals that formula's parts, so they count as well.
    """
    direct: dict[str, frozenset[str]] = {}
    for c, i in indicators.items():
        texts = ([i.formula] if i.formula is not None else []) + list((past or {}).get(c, ()))
        if texts:
            direct[c] = frozenset().union(*(parse_formula(t).references for t in texts))
    out: dict[str, frozenset[str]] = {}
    for code in direct:
        found: set[str] = set()
        todo = list(direct[code])
        while todo:
            ref = todo.pop()
            if ref not in found:
                found.add(ref)
                todo.extend(direct.get(ref, ()))
        out[code] = frozenset(found)
    return out
