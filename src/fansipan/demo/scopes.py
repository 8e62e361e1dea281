"""Which units report in the demo, and for which periods.

History starts in January 2021, the first whole year whose units the reference data
describes: the 2019–2020 arrangement (thị xã Sa Pa from 1 January 2020, Yên Bái's
communes from 1 February 2020, Lào Cai's from 1 March 2020) is not in it. Up to June 2025
both old provinces report, Lào Cai (10) and Yên Bái (15), each with its communes (and
Lào Cai with its agencies); from July 2025 the merged Lào Cai (15) and its 99 communes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fansipan.domain.periods import Period, PeriodType, periods_in_range
from fansipan.domain.units import Hierarchy, Unit, UnitLevel
from fansipan.services.warehouse.reference import REFORM_DATE

FIRST_YEAR = 2021
OLD_LAO_CAI = "10"  # Tỉnh Lào Cai until 2025-06-30
YEN_BAI = "15"  # Tỉnh Yên Bái until 2025-06-30 (its code went to the new province)
NEW_PROVINCE = "15"  # Tỉnh Lào Cai from 2025-07-01


@dataclass(frozen=True)
class Scope:
    """One province and the units below it that report for one period end."""

    key: str  # "lc" (old Lào Cai), "yb" (Yên Bái), "new" (the merged Lào Cai)
    province: Unit
    communes: tuple[Unit, ...]
    agencies: tuple[Unit, ...]

    @property
    def merged(self) -> bool:
        return self.key == "new"


def scopes_at(hierarchy: Hierarchy, end: date) -> list[Scope]:
    """The reporting provinces on a period's last day."""
    if end >= REFORM_DATE:
        return [_scope(hierarchy, "new", NEW_PROVINCE, end)]
    return [_scope(hierarchy, "lc", OLD_LAO_CAI, end), _scope(hierarchy, "yb", YEN_BAI, end)]


def plan_scope(hierarchy: Hierarchy, end: date) -> Scope:
    """The province whose department's plan the targets are: Lào Cai, old or new."""
    return scopes_at(hierarchy, end)[0]


def _scope(hierarchy: Hierarchy, key: str, code: str, end: date) -> Scope:
    province = hierarchy.find(code, end)
    below = hierarchy.descendants(province.id, end)
    return Scope(
        key=key, province=province,
        communes=tuple(u for u in below if u.level is UnitLevel.COMMUNE),
        agencies=tuple(u for u in hierarchy.children(province.id, end)
                       if u.level is UnitLevel.AGENCY),
    )


def demo_periods(today: date) -> tuple[list[Period], list[Period]]:
    """Months up to the last complete one, and complete years, from `FIRST_YEAR`."""
    last_day = today - timedelta(days=1)
    start = date(FIRST_YEAR, 1, 1)
    if last_day < start:
        return [], []
    return (periods_in_range(start, last_day, PeriodType.MONTH),
            periods_in_range(start, last_day, PeriodType.YEAR))


def generated_periods(today: date) -> tuple[list[Period], list[Period]]:
    """Every month and year of the years the demo covers, the running one in full.

    The running year is generated whole so that its values can be calibrated on the
    whole year, and so do not change when `today` moves on; only the complete months
    and years (`demo_periods`) are written.
    """
    last_year = (today - timedelta(days=1)).year
    if last_year < FIRST_YEAR:
        return [], []
    start, end = date(FIRST_YEAR, 1, 1), date(last_year, 12, 31)
    return (periods_in_range(start, end, PeriodType.MONTH),
            periods_in_range(start, end, PeriodType.YEAR))
