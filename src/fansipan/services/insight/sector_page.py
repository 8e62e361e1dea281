"""A sector's page: its targets and headline figures for a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.errors import FieldError, NotFound, msg
from fansipan.services.insight.evaluation import TargetEvaluation
from fansipan.services.insight.overview import (
    Latest,
    SectorTargets,
    evaluation,
    latest_values,
)
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


def sector_page(*, session: Session, warehouse: Warehouse, principal: Principal, code: str,
                year: int | None = None, today: date | None = None,
                lang: str = "vi") -> SectorPage:
    """A sector's targets and figures for a year; a past year is seen from its end, as the
    overview sees it."""
    today = today or date.today()
    year = year or today.year
    on = min(today, date(year, 12, 31))
    view = viewpoint(session, principal)
    sector = view.catalog.sectors.get(code)
    if sector is None:
        raise NotFound(msg("Unknown sector"), [FieldError(
            field="sector", value=code,
            message=msg("there is no sector {code}; known: {value}", code=repr(code),
                        value=', '.join(view.catalog.sectors)))])
    homes = home_units(view, principal, on)
    indicators = view.indicators(code)
    report = evaluation(session, warehouse, principal, year, lang, today,
                        indicators=[i.code for i in indicators],
                        units=[view.catalog.uid_of(homes[0])]) \
        if indicators and homes else None
    group = next((g for g in report.by_sector if g.key == code), None) if report else None
    latest = (latest_values(session=session, warehouse=warehouse, principal=principal,
                            view=view, codes=[i.code for i in indicators], unit=homes[0],
                            today=today if year >= today.year else date(year + 1, 1, 1))
              if homes and indicators else [])
    return SectorPage(
        code=code, name=sector.name_en if lang == "en" else sector.name_vi,
        unit=unit_ref(view.catalog, homes[0]) if homes else None, year=year,
        targets=SectorTargets(group.key, group.name, group.summary, group.sentence)
        if group else None,
        items=[i for i in report.items if i.sector == code] if report else [], latest=latest,
    )
