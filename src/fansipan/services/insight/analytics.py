"""Analytics: indicators × units × periods → a tidy table, always up to the last commit.

The one place every other part (API, targets, dashboard, reports, exports) asks
"what, where, when". Derived indicators are computed from their aggregated parts
(a rate of sums). Options add year-to-date cumulatives, the same period last year,
the share of the parent unit and the rank among sibling units.

The rules every answer follows, whoever asks: a period the data covers only in part is
named and compared for the months it covers (`spans`); a change is told only between
figures of the same territory (`coverage`), in points for rates and indices and with
no per cent for denominators (`comparisons`); and an answer tells nothing its asker
could not read directly (`disclosure`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Final

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Span, Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.indicators import Indicator, Kind
from fansipan.domain.periods import Period, cumulative_label
from fansipan.domain.units import Unit
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
    Note,
    PartialMeta,
    PeriodMeta,
    UnitMeta,
    labelled_table,
    period_label,
    reason_text,
)
from fansipan.services.insight.asks import (
    Ask,
    resolve_ask,
)
from fansipan.services.insight.comparisons import (
    Values,
    add_last_year,
    add_rank,
    add_share,
    families_of,
    parents_of,
    places_of,
    values_of,
)
from fansipan.services.insight.coverage import OUTSIDE_SCOPE, Likeness, Pair, Verdict
from fansipan.services.insight.disclosure import Disclosure
from fansipan.services.insight.spans import Stretch, stretches_of
from fansipan.services.trust.access import Scope, data_scope, require

# Answers kept until a value changes (pages ask the same questions on every view): those
# of up to KEEP_ROWS rows, up to KEEP_ANSWERS of them between two changes.
KEEP_ROWS: Final = 5_000
KEEP_ANSWERS: Final = 1_000

__all__ = ["AnalyticsRequest", "AnalyticsResult", "CellValue", "labelled_table",
           "period_label", "reason_text", "run_analytics"]


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
    kept = warehouse.kept_until_change()  # taken before reading: see kept_until_change
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
    today = request.today or date.today()
    # Everything an answer depends on besides the values and the catalogue: the question,
    # the day, the asker's own units and reach.
    key = ("answer", request.model_dump_json(), today, principal.unit_ids,
           principal.public_only, scope.unit_ids, scope.indicator_ids)
    found = kept.get(key)
    if isinstance(found, tuple) and found[0] is catalog:
        return found[1]  # type: ignore[no-any-return]
    user_units = [catalog.uid_of(catalog.hierarchy.unit(u)) for u in sorted(principal.unit_ids)
                  if u in catalog.unit_uids]
    ask = resolve_ask(catalog, request, today, user_units)
    _check_scope(catalog, scope, ask)
    with _no_collection_pauses():
        result = _answer(catalog, warehouse, ask, request, today, scope)
    if len(result.rows) <= KEEP_ROWS and len(kept) < KEEP_ANSWERS:
        kept[key] = (catalog, result)
    return result


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
            today: date, scope: Scope) -> AnalyticsResult:
    plan = stretches_of(catalog, warehouse.latest(), ask, request.cumulative, today)
    periods = {ask.spans[p.id].id: p.id for p in ask.periods}  # answer id → asked period
    mapped = request.hierarchy == "mapped"
    disclosure = Disclosure(catalog, scope, mapped=mapped, on=request.as_of or today)
    parents = parents_of(catalog, ask.units, ask.tree_date) if request.share_of_parent else {}
    parent_of, families = (families_of(catalog, ask.units, ask.tree_date) if request.rank
                           else ({}, {}))
    extra = [p for p in parents.values() if p is not None]
    extra += [u for family in families.values() for u in family]
    values = _engine_values(catalog, warehouse, ask, request, today, plan,
                            [*ask.units, *extra])
    rows: list[AnswerRow] = []
    notes: list[Note] = []
    units = [(u, catalog.uid_of(u)) for u in ask.units]
    limited = disclosure.limited
    for ind in ask.indicators:
        places = places_of(ind)
        code = ind.code
        spans = [plan[code][p.id].span for p in ask.periods]
        for unit, uid in units:
            for span in spans:
                found = values.get((code, unit.id, span.id))
                if found is None or found[0] is None:
                    continue
                hidden = disclosure.hidden_sources(unit, span) if limited else None
                if hidden:
                    notes.append(_note(catalog, code, uid, span.id, "value",
                                       Verdict(OUTSIDE_SCOPE, tuple(hidden))))
                    continue
                rows.append(AnswerRow(code, unit.code, uid, span.id, round(found[0], places),
                                      found[1], found[2]))
    by_uid = {uid: u for u, uid in units}
    main = {s.span.id: s.span for stretches in plan.values() for s in stretches.values()}
    if request.compare:
        withheld = add_last_year(catalog, rows, values, plan, periods, by_uid, disclosure)
        for row in withheld:
            before = plan[row.indicator][periods[row.period]].last_year
            hidden = disclosure.hidden_sources(by_uid[row.unit_uid], before)
            notes.append(_note(catalog, row.indicator, row.unit_uid, row.period, "change",
                               Verdict(OUTSIDE_SCOPE, tuple(hidden))))
        notes += _unlike(catalog, warehouse, request, today, rows, plan, periods, by_uid,
                         withheld)
    if request.share_of_parent:
        add_share(catalog, rows, values, parents, main, by_uid, disclosure)
    if request.rank:
        add_rank(catalog, rows, values, parent_of, families, main, by_uid, disclosure)
    # Built without validation: thousands of rows, every one made just above.
    return AnalyticsResult.model_construct(
        columns=list(COLUMNS), rows=[r.as_list() for r in rows],
        meta=_meta(catalog, ask, request, warehouse, plan, notes))


def _engine_values(catalog: Catalog, warehouse: Warehouse, ask: Ask,
                   request: AnalyticsRequest, today: date, plan: dict[str, dict[str, Stretch]],
                   units: list[Unit]) -> Values:
    """Every figure the answer needs, from one engine call: each call is a few queries,
    and planning them is what costs. A stretch that covers its period in part (eleven
    months of a year) is asked under an id that names its dates, so it never meets the
    whole period under one id, and a figure worked out before is found again."""
    engine: dict[Span, Span] = {}
    spans_of: dict[str, list[Span]] = {}
    for code, stretches in plan.items():
        for s in stretches.values():
            for span in (s.span, s.last_year) if request.compare else (s.span,):
                if span not in engine:
                    engine[span] = span if s.partial is None else Span(
                        f"{span.id}~{span.start}~{span.end}", span.start, span.end, span.rank)
                spans_of.setdefault(code, []).append(engine[span])
    raw = values_of(catalog, warehouse, ask.indicators, units, list(engine.values()), request,
                    today, spans_of)
    if all(asked is span for span, asked in engine.items()):
        return raw  # every figure was asked under its own id
    values: Values = {}
    for code, stretches in plan.items():
        for s in stretches.values():
            for span in (s.span, s.last_year) if request.compare else (s.span,):
                asked_as = engine[span].id
                for unit in units:
                    found = raw.get((code, unit.id, asked_as))
                    if found is not None:
                        values[(code, unit.id, span.id)] = found
    return values


def _unlike(catalog: Catalog, warehouse: Warehouse, request: AnalyticsRequest, today: date,
            rows: list[AnswerRow], plan: dict[str, dict[str, Stretch]],
            periods: dict[str, str], by_uid: dict[str, Unit],
            withheld: list[AnswerRow]) -> list[Note]:
    """Comparisons of figures that do not cover the same territory are taken back."""
    skip = {id(r) for r in withheld}
    pairs: dict[Pair, AnswerRow] = {}
    for row in rows:
        if id(row) in skip:
            continue
        stretch = plan[row.indicator][periods[row.period]]
        pair = Pair(catalog.indicators[row.indicator], by_uid[row.unit_uid], stretch.span,
                    stretch.last_year)
        pairs[pair] = row
    likeness = Likeness(catalog, warehouse, mapped=request.hierarchy == "mapped",
                        as_of=request.as_of, today=today)
    notes: list[Note] = []
    for pair, verdict in likeness.judge(list(pairs)).items():
        row = pairs[pair]
        row.last_year = row.change = row.change_pct = None
        notes.append(_note(catalog, row.indicator, row.unit_uid, row.period, "change", verdict))
    return notes


def _note(catalog: Catalog, indicator: str, uid: str, period: str, about: str,
          verdict: Verdict) -> Note:
    return Note(indicator=indicator, unit_uid=uid, period=period, about=about,
                reason=verdict.reason,
                units=[{"code": u.code, "uid": catalog.uid_of(u), "name": u.name}
                       for u in verdict.units])


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


def _meta(catalog: Catalog, ask: Ask, request: AnalyticsRequest, warehouse: Warehouse,
          plan: dict[str, dict[str, Stretch]], notes: list[Note]) -> AnalyticsMeta:
    h = catalog.hierarchy
    periods: dict[str, PeriodMeta] = {}
    partial: dict[str, dict[str, PartialMeta]] = {}
    for p in ask.periods:
        span = ask.spans[p.id]
        covers = {(s.span.end, s.label_vi, s.label_en) for s in
                  (plan[i.code][p.id] for i in ask.indicators) if s.partial is not None}
        for ind in ask.indicators:
            s = plan[ind.code][p.id]
            if s.partial is not None:
                partial.setdefault(ind.code, {})[span.id] = PartialMeta(
                    label_vi=s.label_vi, label_en=s.label_en, end=s.span.end)
        if len(covers) == 1:
            # Every partial figure covers the same months: the period is named for them.
            end, vi, en = covers.pop()
            periods[span.id] = PeriodMeta(label_vi=vi, label_en=en, start=span.start, end=end,
                                          partial=True)
        else:
            periods[span.id] = PeriodMeta(label_vi=_full_label(p, request.cumulative, "vi"),
                                          label_en=_full_label(p, request.cumulative, "en"),
                                          start=span.start, end=span.end)
    units = {}
    for u in ask.units:
        parent = h.parent(u.id, ask.tree_date) if u.in_force(ask.tree_date) else None
        units[catalog.uid_of(u)] = UnitMeta(code=u.code, name=u.name, level=u.level.value,
                                            parent=parent.code if parent else None)
    told = request.compare or request.rank
    return AnalyticsMeta.model_construct(
        indicators={i.code: _indicator_meta(i, told) for i in ask.indicators},
        units=units, periods=periods, hierarchy=request.hierarchy,
        as_of=ask.tree_date, last_change=warehouse.last_change,
        partial=partial or None, notes=notes or None,
    )


def _full_label(p: Period, cumulative: bool, lang: str) -> str:
    return cumulative_label(p, lang) if cumulative else p.label(lang)


def _indicator_meta(ind: Indicator, told: bool) -> IndicatorMeta:
    meta = IndicatorMeta(name_vi=ind.name_vi, name_en=ind.name_en, unit_vi=ind.unit_vi,
                         unit_en=ind.unit_en, decimals=ind.decimals,
                         direction=ind.direction.value)
    if told and ind.kind is not Kind.AMOUNT:
        meta["kind"] = ind.kind.value
    return meta
