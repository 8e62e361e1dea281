"""A question resolved on the dated tree: its indicators, its units (selectors such as
CODE/children or USER_ORGUNIT), its periods (relative ones too) and their spans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fansipan.analytics.warehouse import Span
from fansipan.domain.indicators import Indicator
from fansipan.domain.periods import Period, PeriodType, year_to_date
from fansipan.domain.relative_periods import parse_periods
from fansipan.domain.units import Unit
from fansipan.errors import (
    FansipanError,
    FieldError,
    ValidationError,
    msg,
)
from fansipan.services.catalog import Catalog
from fansipan.services.insight.answers import (
    AnalyticsRequest,
)

MAX_CELLS = 200_000


@dataclass(frozen=True)
class Ask:
    """A resolved request: what the engine is asked for, and how to label it."""

    indicators: list[Indicator]
    units: list[Unit]
    periods: list[Period]
    spans: dict[str, Span]
    tree_date: date


def resolve_ask(catalog: Catalog, request: AnalyticsRequest, today: date,
             user_units: Sequence[str]) -> Ask:
    errors: list[FieldError] = []
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for code in request.indicators:
        try:
            ind = catalog.indicator(code, field="indicators")
            if ind.code not in seen:
                seen.add(ind.code)
                indicators.append(ind)
        except FansipanError as exc:
            errors.extend(exc.errors)
    periods: list[Period] = []
    for spec in request.periods:
        try:
            periods.extend(parse_periods(spec, today))
        except FansipanError as exc:
            errors.extend(FieldError(field="periods", value=spec, message=e.message)
                          for e in exc.errors)
    if periods:
        ends = [p.end for p in periods]
        tree_date = request.as_of or (today if request.hierarchy == "mapped"
                                      else min(max(ends), max(today, min(ends))))
    else:
        tree_date = request.as_of or today
    units: list[Unit] = []
    for spec in request.units:
        try:
            units.extend(select_units(catalog, spec, tree_date, user_units))
        except FansipanError as exc:
            errors.extend(exc.errors or [FieldError(field="units", value=spec,
                                                    message=exc.message)])
    if errors:
        raise ValidationError(msg("The analytics request cannot be answered"), errors)
    periods = list(dict.fromkeys(periods))
    units = list({u.id: u for u in units}.values())
    if request.cumulative:
        for p in periods:
            if p.type in (PeriodType.DAY, PeriodType.WEEK):
                raise ValidationError(msg("Year to date needs months, quarters or halves"), [
                    FieldError(field="periods", value=p.id,
                               message=msg("a cumulative is made of months; use a month, quarter, "
                                           "half-year or year"))])
    cells = len(indicators) * len(units) * len(periods)
    if cells > MAX_CELLS:
        raise ValidationError(msg("The request is too large"), [FieldError(
            field="units", message=msg("{cells} cells asked; ask for at most {most} (fewer "
                                       "units, periods or indicators)", cells=cells,
                                       most=MAX_CELLS))])
    spans = {p.id: span_of(p, request.cumulative) for p in periods}
    return Ask(indicators, units, periods, spans, tree_date)


def span_of(period: Period, cumulative: bool) -> Span:
    if not cumulative:
        return Span.of(period)
    months = year_to_date(period)
    # A stretch that is itself a period (January–March = Q1) lets a stored Q1 win.
    kind = {1: PeriodType.MONTH, 3: PeriodType.QUARTER, 6: PeriodType.SIX_MONTH,
            12: PeriodType.YEAR}.get(len(months))
    return Span(f"{period.id}:ytd", months[0].start, months[-1].end,
                kind.rank if kind is not None else -2)


def select_units(catalog: Catalog, spec: str, on: date, user_units: Sequence[str]) -> list[Unit]:
    h = catalog.hierarchy
    text = spec.strip()
    upper = text.upper()
    if upper in ("USER_ORGUNIT", "USER_ORGUNIT_CHILDREN"):
        mine = [catalog.unit(u, on, field="units") for u in user_units] or h.roots(on)
        if upper == "USER_ORGUNIT":
            return mine
        return [kid for u in mine for kid in h.children(u.id, on)]
    if upper.startswith("LEVEL-"):
        return h.at_level(level_of(text[6:], spec), on)
    ref, _, rest = text.partition("/")
    unit = catalog.unit(ref, on, field="units")
    if not rest:
        return [unit]
    if rest.lower() == "children":
        return h.children(unit.id, on)
    if rest.lower() == "descendants":
        return h.descendants(unit.id, on)
    if rest.lower().startswith("level-"):
        return h.descendants(unit.id, on, level=level_of(rest[6:], spec))
    raise ValidationError(msg("Unknown unit selector"), [FieldError(
        field="units", value=spec,
        message=msg("use CODE, CODE/children, CODE/descendants, CODE/level-N, LEVEL-N, "
                    "USER_ORGUNIT or USER_ORGUNIT_CHILDREN"))])


def level_of(text: str, spec: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValidationError(msg("Bad level"), [FieldError(
            field="units", value=spec, message=msg("a level is a whole number from 1 (the top)"))])
    return int(text)
