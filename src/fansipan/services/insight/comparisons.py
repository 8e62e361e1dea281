"""Cell values from the engine (derived indicators from their aggregated parts, a rate of
sums), and what is added beside them: the same period last year, the share of the
parent, the rank among siblings."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from datetime import date

from fansipan.analytics.warehouse import Cell, IndicatorRule, Span, Warehouse
from fansipan.domain.formulas import Formula, expand, parse_formula
from fansipan.domain.indicators import Aggregation, Indicator
from fansipan.domain.targets import Direction
from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog
from fansipan.services.insight.answers import (
    AnalyticsRequest,
    AnswerRow,
)
from fansipan.services.insight.asks import (
    Ask,
    span_of,
)

# (indicator, unit id, span) → (value, sources, whether it includes an estimate)
Values = dict[tuple[str, int, str], tuple[float | None, int, bool]]
# The formulas of edited derived indicators in force on a day, as (code, text) pairs.
FormulaSet = tuple[tuple[str, str | None], ...]


def values_of(
    catalog: Catalog,
    warehouse: Warehouse,
    ask: Ask,
    request: AnalyticsRequest,
    today: date,
    spans: dict[str, Span],
    units: Sequence[Unit] | None = None,
) -> Values:
    """Cell values for the asked indicators (derived ones from their parts); a derived
    value made from an estimate is an estimate (domain.estimates)."""
    formulas = {i.code: parse_formula(i.formula) for i in catalog.indicators.values()
                if i.formula is not None}
    # A derived indicator is computed for each span under the formulas in force on the
    # span's last day: an edited formula leaves the periods before it as they were.
    expanded: dict[tuple[str, str], Formula] = {}
    base: dict[str, Indicator] = {}
    on_day: dict[FormulaSet, dict[str, Formula]] = {}
    inlined: dict[tuple[str, FormulaSet], Formula] = {}
    for ind in ask.indicators:
        if ind.formula is None:
            base[ind.code] = ind
            continue
        for span in spans.values():
            key, known = _formulas_on(catalog, formulas, span.end, on_day)
            if (ind.code, key) not in inlined:
                inlined[(ind.code, key)] = expand(ind.code, known)
                for ref in inlined[(ind.code, key)].references:
                    base[ref] = catalog.indicators[ref]
            expanded[(ind.code, span.id)] = inlined[(ind.code, key)]
    unit_list = list(units if units is not None else ask.units)
    rules = [IndicatorRule.of(catalog.indicator_ids[c], i) for c, i in base.items()]
    all_rules = [IndicatorRule.of(catalog.indicator_ids[c], i)
                 for c, i in catalog.indicators.items() if i.formula is None]
    cells: list[Cell] = warehouse.cells(
        hierarchy=catalog.hierarchy, fingerprint=(catalog.tree_fingerprint,),
        rules=rules, all_rules=all_rules, unit_ids=[u.id for u in unit_list],
        periods=list(spans.values()), mapped=request.hierarchy == "mapped",
        on=request.as_of, today=today,
    ) if rules and unit_list else []
    codes = catalog.indicator_codes
    out: Values = {(codes[c.ind], c.unit, c.pid): (c.value, c.sources, c.estimate)
                   for c in cells}
    for (code, span_id), formula in expanded.items():
        for unit in unit_list:
            parts = {ref: out.get((ref, unit.id, span_id), (None, 0, False))
                     for ref in formula.references}
            value = formula.evaluate({k: v for k, (v, _, _) in parts.items()})
            if value is not None:
                out[(code, unit.id, span_id)] = (
                    value, min(n for _, n, _ in parts.values()),
                    any(e for v, _, e in parts.values() if v is not None))
    return out


def _formulas_on(catalog: Catalog, current: dict[str, Formula], day: date,
                 seen: dict[FormulaSet, dict[str, Formula]],
                 ) -> tuple[FormulaSet, dict[str, Formula]]:
    """The catalogue's formulas as they stood on `day` (one dict per distinct set)."""
    texts = tuple((c, catalog.formula_on(c, day)) for c in sorted(catalog.versions)
                  if catalog.indicators[c].formula is not None)
    found = seen.get(texts)
    if found is None:
        found = dict(current)
        for code, text in texts:
            if text is not None:
                found[code] = parse_formula(text)
        seen[texts] = found
    return texts, found


def add_last_year(catalog: Catalog, warehouse: Warehouse, ask: Ask,
                   request: AnalyticsRequest, today: date, rows: list[AnswerRow]) -> None:
    shifted: dict[str, Span] = {}
    for p in ask.periods:
        s = span_of(p.same_period_last_year(), request.cumulative)
        shifted[ask.spans[p.id].id] = s
    before = values_of(catalog, warehouse, ask, request, today,
                     {s.id: s for s in shifted.values()})
    by_uid = units_by_uid(catalog, ask)
    for row in rows:
        unit = by_uid[row.unit_uid]
        prev = before.get((row.indicator, unit.id, shifted[row.period].id))
        if prev is None or prev[0] is None:
            continue
        row.last_year = round(prev[0], places_of(catalog.indicators[row.indicator]))
        if row.value is not None:
            row.change = row.value - prev[0]
            row.change_pct = None if prev[0] == 0 else 100 * row.change / abs(prev[0])


def units_by_uid(catalog: Catalog, ask: Ask) -> dict[str, Unit]:
    return {catalog.uid_of(u): u for u in ask.units}


def add_share(catalog: Catalog, warehouse: Warehouse, ask: Ask,
               request: AnalyticsRequest, today: date, rows: list[AnswerRow]) -> None:
    h = catalog.hierarchy
    parents = {u.id: h.parent(u.id, ask.tree_date) for u in ask.units}
    parent_units = list({p.id: p for p in parents.values() if p}.values())
    if not parent_units:
        return
    above = values_of(catalog, warehouse, ask, request, today, ask.spans, parent_units)
    by_uid = units_by_uid(catalog, ask)
    for row in rows:
        ind = catalog.indicators[row.indicator]
        parent = parents.get(by_uid[row.unit_uid].id)
        if parent is None or ind.formula is not None or ind.agg_units is not Aggregation.SUM:
            continue  # a share only means something for quantities that add up
        total = above.get((row.indicator, parent.id, row.period))
        if total and total[0] and row.value is not None:
            row.share_of_parent = 100 * row.value / total[0]


def add_rank(catalog: Catalog, warehouse: Warehouse, ask: Ask,
              request: AnalyticsRequest, today: date, rows: list[AnswerRow],
              known: Values) -> None:
    """Rank each unit among all its siblings (asked for or not), best first."""
    h = catalog.hierarchy
    on = ask.tree_date
    parent_of: dict[int, int | None] = {}
    families: dict[int | None, list[Unit]] = {}
    for u in ask.units:
        parent = h.parent(u.id, on)
        key = parent.id if parent else None
        parent_of[u.id] = key
        if key not in families:
            families[key] = h.children(key, on) if key is not None else h.roots(on)
    asked = {u.id for u in ask.units}
    missing = list({u.id: u for fam in families.values() for u in fam
                    if u.id not in asked}.values())
    values = dict(known)
    if missing:
        values.update(values_of(catalog, warehouse, ask, request, today, ask.spans, missing))
    family_of = {u.id: key for key, family in families.items() for u in family}
    ranked: dict[tuple[str, int | None, str], list[float]] = {}
    for (code, unit_id, pid), (value, _, _) in values.items():
        if value is not None and unit_id in family_of:
            # Rounded as the rows are, so a value shown equal to another ranks equal.
            shown = round(value, places_of(catalog.indicators[code]))
            ranked.setdefault((code, family_of[unit_id], pid), []).append(shown)
    for scores in ranked.values():
        scores.sort()
    by_uid = units_by_uid(catalog, ask)
    for row in rows:
        if row.value is None:
            continue
        scores = ranked.get((row.indicator, parent_of[by_uid[row.unit_uid].id], row.period), [])
        # Lower is better only where the indicator says so; otherwise larger ranks first.
        if catalog.indicators[row.indicator].direction is Direction.DOWN:
            better = bisect.bisect_left(scores, row.value)
        else:
            better = len(scores) - bisect.bisect_right(scores, row.value)
        row.rank, row.rank_of = better + 1, len(scores)


def places_of(ind: Indicator) -> int:
    """Digits kept in answers: enough to drop float noise (0.30000000000000004)."""
    return max(ind.decimals, 6)
