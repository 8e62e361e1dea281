"""A sector's page: its targets and headline figures for a year, or a part of one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.periods import PeriodType
from fansipan.errors import FieldError, NotFound, msg
from fansipan.services.insight.evaluation import TargetEvaluation
from fansipan.services.insight.overview import (
    Latest,
    PagePeriod,
    SectorTargets,
    evaluation,
    figures_of,
)
from fansipan.services.insight.page_periods import read_page_period
from fansipan.services.warehouse.viewpoints import (
    UnitRef,
    home_units,
    unit_ref,
    viewpoint,
)


@dataclass(frozen=True)
class SectorPage:
    code: str
    name: str
    unit: UnitRef | None
    year: int
    targets: SectorTargets | None
    items: list[TargetEvaluation]
    latest: list[Latest]
    shown: PagePeriod


def sector_page(*, session: Session, warehouse: Warehouse, principal: Principal, code: str,
                year: int | None = None, period: str | None = None, today: date | None = None,
                lang: str = "vi") -> SectorPage:
    """A sector's targets and figures for a year, or for a part of one (`period`) with the
    year's targets read to its end; a past period is seen from its end, as the overview
    sees it."""
    today = today or date.today()
    view = viewpoint(session, principal)
    sector = view.catalog.sectors.get(code)
    if sector is None:
        raise NotFound(msg("Unknown sector"), [FieldError(
            field="sector", value=code,
            message=msg("there is no sector {code}; known: {value}", code=repr(code),
                        value=', '.join(view.catalog.sectors)))])
    asked = read_page_period(period, year, today)
    p = asked.period
    on = min(today, p.end)
    homes = home_units(view, principal, on)
    indicators = view.indicators(code)
    report = evaluation(session, warehouse, principal, p.year, lang, today,
                        indicators=[i.code for i in indicators],
                        units=[view.catalog.uid_of(homes[0])],
                        to_date=None if p.type is PeriodType.YEAR else p) \
        if indicators and homes else None
    group = next((g for g in report.by_sector if g.key == code), None) if report else None
    latest, shown = figures_of(session=session, warehouse=warehouse, principal=principal,
                               view=view, codes=[i.code for i in indicators],
                               unit=homes[0] if homes else None, asked=asked, today=today)
    return SectorPage(
        code=code, name=sector.name_en if lang == "en" else sector.name_vi,
        unit=unit_ref(view.catalog, homes[0]) if homes else None, year=p.year,
        targets=SectorTargets(group.key, group.name, group.summary, group.sentence)
        if group else None,
        items=[i for i in report.items if i.sector == code] if report else [], latest=latest,
        shown=shown,
    )
