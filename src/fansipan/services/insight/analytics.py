"""Analytics: indicators × units × periods → a tidy table, always up to the last commit.

The one place every other part (API, targets, dashboard, reports, exports) asks
"what, where, when". Derived indicators are computed from their aggregated parts
(a rate of sums). Options add year-to-date cumulatives, the same period last year,
the share of the parent unit and the rank among sibling units.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.periods import cumulative_label
from fansipan.errors import (
    FieldError,
    PermissionDenied,
    Unauthenticated,
    msg,
)
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.insight.answers import (
    COLUMNS,
    AnalyticsMeta,
    AnalyticsRequest,
    AnalyticsResult,
    AnswerRow,
    CellValue,
    IndicatorMeta,
    PeriodMeta,
    UnitMeta,
    labelled_table,
)
from fansipan.services.insight.asks import (
    Ask,
    resolve_ask,
)
from fansipan.services.insight.comparisons import (
    add_last_year,
    add_rank,
    add_share,
    places_of,
    values_of,
)
from fansipan.services.trust.access import Scope, data_scope, require

__all__ = ["AnalyticsRequest", "AnalyticsResult", "CellValue", "labelled_table", "run_analytics"]


def run_analytics(
    *,
    session: Session,
    warehouse: Warehouse,
    request: AnalyticsRequest,
    principal: Principal | None = None,
) -> AnalyticsResult:
    """Answer a request; every change committed before the call is included.

    `principal` limits the answer to its units and indicators (None: the system).
    """
    principal = principal or Principal.system()
    require(principal, Permission.READ_DATA)
    warehouse.sync(session)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
    today = request.today or date.today()
    user_units = [catalog.uid_of(catalog.hierarchy.unit(u)) for u in sorted(principal.unit_ids)
                  if u in catalog.unit_uids]
    ask = resolve_ask(catalog, request, today, user_units)
    _check_scope(catalog, scope, ask)
    with _no_collection_pauses():
        return _answer(catalog, warehouse, ask, request, today)


@contextmanager
def _no_collection_pauses() -> Iterator[None]:
    """Hold the cycle collector while tens of thousands of small rows are made.

    The rows hold no reference cycles, and each automatic collection would walk every
    long-lived object of the process (the catalogue, the trees): in a busy server that
    tripled the time of a 13,000-cell answer. Collection resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _answer(catalog: Catalog, warehouse: Warehouse, ask: Ask, request: AnalyticsRequest,
            today: date) -> AnalyticsResult:
    values = values_of(catalog, warehouse, ask, request, today, ask.spans)
    rows: list[AnswerRow] = []
    span_ids = [ask.spans[p.id].id for p in ask.periods]
    units = [(u.id, u.code, catalog.uid_of(u)) for u in ask.units]
    for ind in ask.indicators:
        places = places_of(ind)
        code = ind.code
        for unit_id, unit_code, uid in units:
            for span_id in span_ids:
                found = values.get((code, unit_id, span_id))
                if found is None or found[0] is None:
                    continue
                rows.append(AnswerRow(code, unit_code, uid, span_id, round(found[0], places),
                                      found[1], found[2]))
    if request.compare:
        add_last_year(catalog, warehouse, ask, request, today, rows)
    if request.share_of_parent:
        add_share(catalog, warehouse, ask, request, today, rows)
    if request.rank:
        add_rank(catalog, warehouse, ask, request, today, rows, values)
    # Built without validation: thousands of rows, every one made just above.
    return AnalyticsResult.model_construct(
        columns=list(COLUMNS), rows=[r.as_list() for r in rows],
        meta=_meta(catalog, ask, request, warehouse))


def _check_scope(catalog: Catalog, scope: Scope, ask: Ask) -> None:
    """Every unit and indicator asked must be the principal's; totals of a unit in scope
    only ever include units below it, which are in scope too."""
    errors: list[FieldError] = []
    for unit in ask.units:
        if not scope.allows_unit(unit.id):
            errors.append(FieldError(field="units", value=unit.code,
                                     message=msg("{code} ({name}) is outside the units of your "
                                                 "account", code=unit.code, name=unit.name)))
    for ind in ask.indicators:
        if not scope.allows_indicator(catalog.indicator_ids[ind.code]):
            errors.append(FieldError(field="indicators", value=ind.code, message=msg(
                "{code} is not public", code=ind.code) if scope.principal.public_only else msg(
                "{code} is outside the indicators of your account", code=ind.code)))
    if errors:
        if scope.principal.is_anonymous:
            raise Unauthenticated(msg("Sign in to see these figures"), errors)
        raise PermissionDenied(msg("Some of what you asked for is outside your account"), errors)


def _meta(catalog: Catalog, ask: Ask, request: AnalyticsRequest,
          warehouse: Warehouse) -> AnalyticsMeta:
    h = catalog.hierarchy
    periods: dict[str, PeriodMeta] = {}
    for p in ask.periods:
        span = ask.spans[p.id]
        vi = cumulative_label(p, "vi") if request.cumulative else p.label("vi")
        en = cumulative_label(p, "en") if request.cumulative else p.label("en")
        periods[span.id] = PeriodMeta(label_vi=vi, label_en=en, start=span.start, end=span.end)
    units = {}
    for u in ask.units:
        parent = h.parent(u.id, ask.tree_date) if u.in_force(ask.tree_date) else None
        units[catalog.uid_of(u)] = UnitMeta(code=u.code, name=u.name, level=u.level.value,
                                            parent=parent.code if parent else None)
    return AnalyticsMeta.model_construct(
        indicators={i.code: IndicatorMeta(name_vi=i.name_vi, name_en=i.name_en,
                                          unit_vi=i.unit_vi, unit_en=i.unit_en,
                                          decimals=i.decimals, direction=i.direction.value)
                    for i in ask.indicators},
        units=units, periods=periods, hierarchy=request.hierarchy,
        as_of=ask.tree_date, last_change=warehouse.last_change,
    )
