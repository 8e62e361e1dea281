"""The officer's data entry grid: unit × period × indicator group, saved through
`write_values` and submitted through the approval service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicators import Indicator
from fansipan.domain.numbers import NumberReading, NumberStyle
from fansipan.domain.periods import Period, PeriodType, parse_period
from fansipan.domain.rows import RawValue
from fansipan.domain.units import Unit
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.locale import say
from fansipan.services.trust.access import require
from fansipan.services.warehouse.approvals import ApprovalPublic, ApprovalState, list_approvals
from fansipan.services.warehouse.datavalues import ValueQuery, list_values
from fansipan.services.warehouse.viewpoints import UnitRef, Viewpoint, unit_ref, viewpoint
from fansipan.services.warehouse.write_outcome import WriteOutcome
from fansipan.services.warehouse.writes import ValueWriter

SOURCE = "web"
MAX_UNITS = 400  # choices in the unit picker


@dataclass(frozen=True)
class EntryField:
    indicator: Indicator
    value: float | None
    comment: str
    previous: float | None


@dataclass(frozen=True)
class EntryGrid:
    unit: UnitRef | None
    period: Period
    previous: Period
    sector: str
    units: list[UnitRef]
    sectors: dict[str, str]
    fields: list[EntryField]
    state: ApprovalState


def default_period(today: date) -> Period:
    """Last month: the period officers report at the start of a month."""
    return Period.month_of(today.year, today.month).previous()


def _entry_units(view: Viewpoint, on: date) -> list[Unit]:
    """Units in the viewer's scope, in force on `on`, where some indicator is entered."""
    levels = {lvl for i in view.indicators() if i.formula is None for lvl in i.levels}
    units = [u for u in view.catalog.hierarchy.in_force(on)
             if view.sees_unit(u) and u.level.value in levels]
    order = {"province": 0, "agency": 1, "district": 2, "commune": 3}
    return sorted(units, key=lambda u: (order.get(u.level.value, 9), u.name))[:MAX_UNITS]


def _fields_for(view: Viewpoint, unit: Unit, period: Period, sector: str) -> list[Indicator]:
    """Base indicators of the group entered at the unit's level, reported for this kind of
    period exactly (a yearly figure is entered on the yearly form)."""
    return [i for i in view.indicators(sector) if i.formula is None
            and unit.level.value in i.levels and i.periodicity is period.type]


def entry_grid(*, session: Session, principal: Principal, unit: str | None,
               period: str | None, sector: str | None, today: date | None = None,
               lang: str = "vi") -> EntryGrid:
    require(principal, Permission.WRITE_DATA)
    today = today or date.today()
    view = viewpoint(session, principal)
    p = parse_period(period) if period else default_period(today)
    if p.type not in (PeriodType.MONTH, PeriodType.QUARTER, PeriodType.YEAR):
        raise ValidationError(msg("Enter data by month, quarter or year"), [FieldError(
            field="period", value=p.id, message=msg("write a month (2024-03), a quarter (2024Q1) "
                                                    "or a year (2024)"))])
    catalog = view.catalog
    sectors = {c: (s.name_en if lang == "en" else s.name_vi) for c, s in catalog.sectors.items()}
    group = sector if sector in sectors else next(iter(sectors))
    units = _entry_units(view, p.end)
    chosen = catalog.unit(unit, p.end) if unit else (units[0] if units else None)
    if chosen is not None:
        view.scope.check_unit(catalog, chosen.id)
    fields: list[EntryField] = []
    state = ApprovalState.OPEN
    if chosen is not None:
        indicators = _fields_for(view, chosen, p, group)
        uid = catalog.uid_of(chosen)
        stored: dict[tuple[str, str], tuple[float | None, str]] = {}
        if indicators:
            for v in list_values(session=session, principal=principal, query=ValueQuery(
                    indicators=[i.code for i in indicators], units=[uid],
                    periods=[p.id, p.previous().id], limit=1000)):
                stored[(v.indicator, v.period)] = (v.value, v.comment or "")
        for ind in indicators:
            now = stored.get((ind.code, p.id), (None, ""))
            fields.append(EntryField(ind, now[0], now[1],
                                     stored.get((ind.code, p.previous().id), (None, ""))[0]))
        state = approval_state(session=session, principal=principal, unit=chosen, period=p)
    return EntryGrid(unit=unit_ref(catalog, chosen) if chosen else None, period=p,
                     previous=p.previous(), sector=group,
                     units=[unit_ref(catalog, u) for u in units], sectors=sectors,
                     fields=fields, state=state)


def approval_state(*, session: Session, principal: Principal, unit: Unit,
                   period: Period) -> ApprovalState:
    if not principal.can(Permission.READ_CHANGES):
        return ApprovalState.OPEN
    found: list[ApprovalPublic] = list_approvals(session=session, principal=principal,
                                                 period=period.id)
    return next((a.state for a in found if a.unit == unit.code), ApprovalState.OPEN)


@dataclass(frozen=True)
class EntryResult:
    """What saving the grid did; `errors` maps an indicator code to its messages."""

    outcome: WriteOutcome
    errors: dict[str, list[str]]

    @property
    def saved(self) -> bool:
        return not self.errors


def save_entry(*, session: Session, principal: Principal, unit: str, period: str,
               values: Mapping[str, str], comments: Mapping[str, str],
               lang: str = "vi") -> EntryResult:
    """Write the filled fields (a blank field changes nothing), all or nothing.

    Each refused field comes back under its indicator, in the page's language, so the
    form can show the message beside the field.
    """
    codes = [c for c, v in values.items() if v.strip()]
    # The form shows numbers in the page's language (1234,5 in Vietnamese), so it reads
    # them back the same way: 1.234 typed on the Vietnamese page is 1234.
    style = NumberStyle.VI if lang == "vi" else NumberStyle.EN
    writer = ValueWriter(session=session, source=SOURCE, principal=principal,
                         numbers=NumberReading(style))
    with writer:
        writer.add(RawValue(n, code, unit, period, values[code].strip(),
                            comments.get(code, "").strip() or None)
                   for n, code in enumerate(codes, start=1))
    errors: dict[str, list[str]] = {}
    for c in writer.outcome.conflicts:
        code = codes[c.row - 1] if 0 < c.row <= len(codes) else "*"
        errors.setdefault(code, []).append(say(c.message, lang))
    return EntryResult(writer.outcome, errors)
