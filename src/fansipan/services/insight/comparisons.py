"""Cell values from the engine (derived indicators from their aggregated parts, a rate of
sums), and what is added beside them: the same period last year, the share of the
parent, the rank among siblings.

A change follows what the figure is: an amount changes by a per cent of itself, a rate
or an index in points (92,1 % → 95,2 % is +3,1 points, no per cent), a denominator gets
no per cent and is not ranked.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache

from fansipan.analytics.warehouse import Cell, IndicatorRule, Span, Warehouse
from fansipan.domain.formulas import Formula, expand, parse_formula
from fansipan.domain.indicators import Aggregation, Indicator
from fansipan.domain.targets import Direction
from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog
from fansipan.services.insight.answers import AnalyticsRequest, AnswerRow
from fansipan.services.insight.disclosure import Disclosure
from fansipan.services.insight.spans import Stretch

# (indicator, unit id, span) → (value, sources, whether it includes an estimate)
Values = dict[tuple[str, int, str], tuple[float | None, int, bool]]
# The formulas of edited derived indicators in force on a day, as (code, text) pairs.
FormulaSet = tuple[tuple[str, str | None], ...]


def values_of(
    catalog: Catalog,
    warehouse: Warehouse,
    indicators: Sequence[Indicator],
    units: Sequence[Unit],
    spans: Sequence[Span],
    request: AnalyticsRequest,
    today: date,
    spans_of: Mapping[str, Sequence[Span]] | None = None,
) -> Values:
    """Cell values for the indicators (derived ones from their parts), in one engine call;
    a derived value made from an estimate is an estimate (domain.estimates).

    `spans_of`: the spans each indicator needs, when not all of `spans`; the engine then
    works out again only what an indicator needs and has not kept.
    """
    formulas = catalog.formulas
    unit_list = list({u.id: u for u in units}.values())
    span_list = list({s.id: s for s in spans}.values())
    # A derived indicator is computed for each span under the formulas in force on the
    # span's last day: an edited formula leaves the periods before it as they were.
    expanded: dict[tuple[str, str], Formula] = {}
    refs_of: dict[str, set[str]] = {}
    base: dict[str, Indicator] = {}
    on_day: dict[FormulaSet, dict[str, Formula]] = {}
    inlined: dict[tuple[str, FormulaSet], Formula] = {}
    for ind in indicators:
        if ind.formula is None:
            base[ind.code] = ind
            continue
        mine = refs_of.setdefault(ind.code, set())
        for span in (spans_of.get(ind.code, span_list) if spans_of is not None else span_list):
            key, known = _formulas_on(catalog, formulas, span.end, on_day)
            if (ind.code, key) not in inlined:
                inlined[(ind.code, key)] = expand(ind.code, known)
            formula = expanded[(ind.code, span.id)] = inlined[(ind.code, key)]
            mine.update(formula.references)
        for ref in mine:
            base[ref] = catalog.indicators[ref]
    rules = [IndicatorRule.of(catalog.indicator_ids[c], i) for c, i in base.items()]
    needs: dict[int, list[Span]] | None = None
    if spans_of is not None:
        # Each span once per indicator, in the order first asked (a dict keeps it).
        wanted: dict[int, dict[Span, None]] = {}
        for ind in indicators:
            for ref in sorted(refs_of.get(ind.code, {ind.code})):
                wanted.setdefault(catalog.indicator_ids[ref], {}).update(
                    dict.fromkeys(spans_of.get(ind.code, spans)))
        needs = {ind: list(asked) for ind, asked in wanted.items()}
    all_rules = _stored_rules(catalog)
    cells: list[Cell] = warehouse.cells(
        hierarchy=catalog.hierarchy, fingerprint=(catalog.tree_fingerprint,),
        rules=rules, all_rules=all_rules, unit_ids=[u.id for u in unit_list],
        periods=span_list, mapped=request.hierarchy == "mapped",
        on=request.as_of, today=today, needs=needs,
    ) if rules and unit_list and span_list else []
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


@lru_cache(maxsize=4)
def _stored_rules(catalog: Catalog) -> tuple[IndicatorRule, ...]:
    """The rules of every stored (not derived) indicator: one catalogue's, made once for
    every answer asked of it (a catalogue is replaced, never changed)."""
    return tuple(IndicatorRule.of(catalog.indicator_ids[c], i)
                 for c, i in catalog.indicators.items() if i.formula is None)


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


def add_last_year(catalog: Catalog, rows: list[AnswerRow], values: Values,
                  plan: Mapping[str, Mapping[str, Stretch]], periods: Mapping[str, str],
                  by_uid: Mapping[str, Unit], disclosure: Disclosure) -> list[AnswerRow]:
    """The same stretch a year before, and the change; returns the rows whose earlier
    figure is withheld from the asker (made of units outside its scope)."""
    withheld: list[AnswerRow] = []
    for row in rows:
        ind = catalog.indicators[row.indicator]
        before = plan[row.indicator][periods[row.period]].last_year
        unit = by_uid[row.unit_uid]
        prev = values.get((row.indicator, unit.id, before.id))
        if prev is None or prev[0] is None:
            continue
        if not disclosure.readable(unit, before):
            withheld.append(row)
            continue
        row.last_year = round(prev[0], places_of(ind))
        if row.value is not None:
            row.change = row.value - prev[0]
            if ind.kind.changes_in_percent and prev[0] != 0:
                row.change_pct = 100 * row.change / abs(prev[0])
    return withheld


def parents_of(catalog: Catalog, units: Sequence[Unit], on: date) -> dict[int, Unit | None]:
    h = catalog.hierarchy
    return {u.id: h.parent(u.id, on) for u in units}


def add_share(catalog: Catalog, rows: list[AnswerRow], values: Values,
              parents: Mapping[int, Unit | None], spans: Mapping[str, Span],
              by_uid: Mapping[str, Unit], disclosure: Disclosure) -> None:
    """The unit's share of its parent's total, told only when the asker could read that
    total itself (a share and a value give the total)."""
    for row in rows:
        ind = catalog.indicators[row.indicator]
        parent = parents.get(by_uid[row.unit_uid].id)
        if parent is None or ind.formula is not None or ind.agg_units is not Aggregation.SUM:
            continue  # a share only means something for quantities that add up
        if not disclosure.readable(parent, spans[row.period]):
            continue
        total = values.get((row.indicator, parent.id, row.period))
        if total and total[0] and row.value is not None:
            row.share_of_parent = 100 * row.value / total[0]


Family = tuple[int | None, str]  # the parent (None at the top) and the level of its children


def families_of(catalog: Catalog, units: Sequence[Unit],
                on: date) -> tuple[dict[int, Family], dict[Family, list[Unit]]]:
    """Each unit's family: its parent's children of its own level then. A commune is
    ranked among communes, a department among departments, never one against the other."""
    h = catalog.hierarchy
    family_of: dict[int, Family] = {}
    families: dict[Family, list[Unit]] = {}
    for u in units:
        parent = h.parent(u.id, on)
        key = (parent.id if parent else None, u.level.value)
        family_of[u.id] = key
        if key not in families:
            kids = h.children(parent.id, on) if parent is not None else h.roots(on)
            families[key] = [k for k in kids if k.level is u.level]
    return family_of, families


def add_rank(catalog: Catalog, rows: list[AnswerRow], values: Values,
             parent_of: Mapping[int, Family], families: Mapping[Family, list[Unit]],
             spans: Mapping[str, Span], by_uid: Mapping[str, Unit],
             disclosure: Disclosure) -> None:
    """Rank each unit among all its siblings of its level (asked for or not), best first.

    Not for denominators (a count of communes is not better for being larger), and only
    when the asker could read every sibling's figure: a rank tells their order.
    """
    family_of = {u.id: key for key, family in families.items() for u in family}
    ranked: dict[tuple[str, Family, str], list[float]] = {}
    places: dict[str, int] = {}
    for (code, unit_id, pid), (value, _, _) in values.items():
        if value is not None and unit_id in family_of and pid in spans:
            digits = places.get(code)
            if digits is None:
                digits = places[code] = places_of(catalog.indicators[code])
            # Rounded as the rows are, so a value shown equal to another ranks equal.
            ranked.setdefault((code, family_of[unit_id], pid), []).append(round(value, digits))
    for scores in ranked.values():
        scores.sort()
    readable: dict[tuple[Family, str], bool] = {}
    for row in rows:
        ind = catalog.indicators[row.indicator]
        if row.value is None or not ind.kind.is_ranked:
            continue
        family = parent_of[by_uid[row.unit_uid].id]
        key = (family, row.period)
        if key not in readable:
            readable[key] = disclosure.all_readable(families[family], spans[row.period])
        if not readable[key]:
            continue
        scores = ranked.get((row.indicator, family, row.period), [])
        # Lower is better only where the indicator says so; otherwise larger ranks first.
        if ind.direction is Direction.DOWN:
            better = bisect.bisect_left(scores, row.value)
        else:
            better = len(scores) - bisect.bisect_right(scores, row.value)
        row.rank, row.rank_of = better + 1, len(scores)


def places_of(ind: Indicator) -> int:
    """Digits kept in answers: enough to drop float noise (0.30000000000000004)."""
    return max(ind.decimals, 6)
