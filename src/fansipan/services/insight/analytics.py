"""Analytics: indicators × units × periods → a tidy table, always up to the last commit.

The one place every other part (API, targets, dashboard, reports, exports) asks
"what, where, when". Derived indicators are computed from their aggregated parts
(a rate of sums). Options add year-to-date cumulatives, the same period last year,
the share of the parent unit and the rank among sibling units.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from typing_extensions import TypedDict

from fansipan.analytics.warehouse import Cell, IndicatorRule, Span, Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.formulas import Formula, expand, parse_formula
from fansipan.domain.indicators import Aggregation, Indicator
from fansipan.domain.periods import Period, PeriodType, cumulative_label, year_to_date
from fansipan.domain.relative_periods import parse_periods
from fansipan.domain.targets import Direction
from fansipan.domain.units import Unit
from fansipan.errors import (
    FansipanError,
    FieldError,
    PermissionDenied,
    Unauthenticated,
    ValidationError,
)
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.trust.access import Scope, data_scope, require

MAX_CELLS = 200_000


class AnalyticsRequest(BaseModel):
    indicators: list[str] = Field(min_length=1, max_length=500,
                                  examples=[["BC_TY_LE_XA_CO_DIEM", "BC_DOANH_THU"]])
    units: list[str] = Field(
        min_length=1, max_length=500, examples=[["10", "10/children"]],
        description="Codes or uids, or selectors: CODE/children, CODE/descendants, "
                    "CODE/level-N, LEVEL-N, USER_ORGUNIT, USER_ORGUNIT_CHILDREN",
    )
    periods: list[str] = Field(min_length=1, max_length=500,
                               examples=[["2024", "LAST_12_MONTHS", "2024-01..2024-06"]])
    hierarchy: Literal["as_of", "mapped"] = Field(
        default="as_of",
        description="as_of: each period under the tree in force at its end (or at "
                    "`as_of`); mapped: all history counted in the units in force on "
                    "`as_of` (default today) through succession links",
    )
    as_of: date | None = None
    today: date | None = Field(default=None,
                               description="Reference date for relative periods")
    cumulative: bool = Field(default=False,
                             description="Year to date: January to each period's end")
    compare: bool = Field(default=False, description="Add the same period last year")
    share_of_parent: bool = False
    rank: bool = Field(default=False, description="Rank among sibling units")
    lang: Literal["vi", "en"] = "vi"


COLUMNS = (
    "indicator", "unit", "unit_uid", "period", "value", "sources", "last_year", "change",
    "change_pct", "share_of_parent", "rank", "rank_of",
)
CellValue = str | float | int | None


class _Row:
    """One answer line while it is being put together (cheap to make by thousands)."""

    __slots__ = COLUMNS

    def __init__(self, indicator: str, unit: str, unit_uid: str, period: str,
                 value: float | None, sources: int) -> None:
        self.indicator, self.unit, self.unit_uid, self.period = indicator, unit, unit_uid, period
        self.value, self.sources = value, sources
        self.last_year: float | None = None
        self.change: float | None = None
        self.change_pct: float | None = None
        self.share_of_parent: float | None = None
        self.rank: int | None = None
        self.rank_of: int | None = None

    def as_list(self) -> list[CellValue]:
        return [getattr(self, c) for c in COLUMNS]


class IndicatorMeta(TypedDict):
    name_vi: str
    name_en: str
    unit_vi: str
    unit_en: str
    decimals: int
    direction: str


class UnitMeta(TypedDict):
    code: str
    name: str
    level: str
    parent: str | None


class PeriodMeta(TypedDict):
    label_vi: str
    label_en: str
    start: date
    end: date


class AnalyticsMeta(BaseModel):
    indicators: dict[str, IndicatorMeta]
    units: dict[str, UnitMeta]
    periods: dict[str, PeriodMeta]
    hierarchy: str
    as_of: date | None
    last_change: int


class AnalyticsResult(BaseModel):
    """A tidy table: one row per indicator × unit × period that has a value."""

    columns: list[str] = Field(default_factory=lambda: list(COLUMNS))
    rows: list[list[CellValue]]
    meta: AnalyticsMeta

    def records(self) -> list[dict[str, CellValue]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def values(self) -> dict[tuple[str, str, str], float | None]:
        """(indicator, unit code, period) → value, for callers that want a lookup."""
        at = {c: i for i, c in enumerate(self.columns)}
        out: dict[tuple[str, str, str], float | None] = {}
        for row in self.rows:
            value = row[at["value"]]
            out[(str(row[at["indicator"]]), str(row[at["unit"]]), str(row[at["period"]]))] = (
                None if value is None else float(value))
        return out


@dataclass(frozen=True)
class _Ask:
    """A resolved request: what the engine is asked for, and how to label it."""

    indicators: list[Indicator]
    units: list[Unit]
    periods: list[Period]
    spans: dict[str, Span]
    tree_date: date


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
    ask = _resolve(catalog, request, today, user_units)
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


def _answer(catalog: Catalog, warehouse: Warehouse, ask: _Ask, request: AnalyticsRequest,
            today: date) -> AnalyticsResult:
    values = _values(catalog, warehouse, ask, request, today, ask.spans)
    rows: list[_Row] = []
    span_ids = [ask.spans[p.id].id for p in ask.periods]
    units = [(u.id, u.code, catalog.uid_of(u)) for u in ask.units]
    for ind in ask.indicators:
        places = _places(ind)
        code = ind.code
        for unit_id, unit_code, uid in units:
            for span_id in span_ids:
                found = values.get((code, unit_id, span_id))
                if found is None or found[0] is None:
                    continue
                rows.append(_Row(code, unit_code, uid, span_id, round(found[0], places),
                                 found[1]))
    if request.compare:
        _add_last_year(catalog, warehouse, ask, request, today, rows)
    if request.share_of_parent:
        _add_share(catalog, warehouse, ask, request, today, rows)
    if request.rank:
        _add_rank(catalog, warehouse, ask, request, today, rows, values)
    # Built without validation: thousands of rows, every one made just above.
    return AnalyticsResult.model_construct(
        columns=list(COLUMNS), rows=[r.as_list() for r in rows],
        meta=_meta(catalog, ask, request, warehouse))


def _places(ind: Indicator) -> int:
    """Digits kept in answers: enough to drop float noise (0.30000000000000004)."""
    return max(ind.decimals, 6)


def _check_scope(catalog: Catalog, scope: Scope, ask: _Ask) -> None:
    """Every unit and indicator asked must be the principal's; totals of a unit in scope
    only ever include units below it, which are in scope too."""
    errors: list[FieldError] = []
    for unit in ask.units:
        if not scope.allows_unit(unit.id):
            errors.append(FieldError(field="units", value=unit.code,
                                     message=f"{unit.code} ({unit.name}) is outside the "
                                             "units of your account"))
    for ind in ask.indicators:
        if not scope.allows_indicator(catalog.indicator_ids[ind.code]):
            what = "is not public" if scope.principal.public_only else (
                "is outside the indicators of your account")
            errors.append(FieldError(field="indicators", value=ind.code,
                                     message=f"{ind.code} {what}"))
    if errors:
        if scope.principal.is_anonymous:
            raise Unauthenticated("Sign in to see these figures", errors)
        raise PermissionDenied("Some of what you asked for is outside your account", errors)


def _resolve(catalog: Catalog, request: AnalyticsRequest, today: date,
             user_units: Sequence[str]) -> _Ask:
    errors: list[FieldError] = []
    indicators: list[Indicator] = []
    for code in request.indicators:
        try:
            ind = catalog.indicator(code, field="indicators")
            if ind not in indicators:
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
            units.extend(_select(catalog, spec, tree_date, user_units))
        except FansipanError as exc:
            errors.extend(exc.errors or [FieldError(field="units", value=spec,
                                                    message=exc.message)])
    if errors:
        raise ValidationError("The analytics request cannot be answered", errors)
    periods = list(dict.fromkeys(periods))
    units = list({u.id: u for u in units}.values())
    if request.cumulative:
        for p in periods:
            if p.type in (PeriodType.DAY, PeriodType.WEEK):
                raise ValidationError("Year to date needs months, quarters or halves", [
                    FieldError(field="periods", value=p.id,
                               message="a cumulative is made of months; use a month, "
                                       "quarter, half-year or year")])
    cells = len(indicators) * len(units) * len(periods)
    if cells > MAX_CELLS:
        raise ValidationError("The request is too large", [FieldError(
            field="units", message=f"{cells} cells asked; ask for at most {MAX_CELLS} "
                                   "(fewer units, periods or indicators)")])
    spans = {p.id: _span(p, request.cumulative) for p in periods}
    return _Ask(indicators, units, periods, spans, tree_date)


def _span(period: Period, cumulative: bool) -> Span:
    if not cumulative:
        return Span.of(period)
    months = year_to_date(period)
    # A stretch that is itself a period (January–March = Q1) lets a stored Q1 win.
    kind = {1: PeriodType.MONTH, 3: PeriodType.QUARTER, 6: PeriodType.SIX_MONTH,
            12: PeriodType.YEAR}.get(len(months))
    return Span(f"{period.id}:ytd", months[0].start, months[-1].end,
                kind.rank if kind is not None else -2)


def _select(catalog: Catalog, spec: str, on: date, user_units: Sequence[str]) -> list[Unit]:
    h = catalog.hierarchy
    text = spec.strip()
    upper = text.upper()
    if upper in ("USER_ORGUNIT", "USER_ORGUNIT_CHILDREN"):
        mine = [catalog.unit(u, on, field="units") for u in user_units] or h.roots(on)
        if upper == "USER_ORGUNIT":
            return mine
        return [kid for u in mine for kid in h.children(u.id, on)]
    if upper.startswith("LEVEL-"):
        return h.at_level(_level(text[6:], spec), on)
    ref, _, rest = text.partition("/")
    unit = catalog.unit(ref, on, field="units")
    if not rest:
        return [unit]
    if rest.lower() == "children":
        return h.children(unit.id, on)
    if rest.lower() == "descendants":
        return h.descendants(unit.id, on)
    if rest.lower().startswith("level-"):
        return h.descendants(unit.id, on, level=_level(rest[6:], spec))
    raise ValidationError("Unknown unit selector", [FieldError(
        field="units", value=spec,
        message="use CODE, CODE/children, CODE/descendants, CODE/level-N, LEVEL-N, "
                "USER_ORGUNIT or USER_ORGUNIT_CHILDREN")])


def _level(text: str, spec: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValidationError("Bad level", [FieldError(
            field="units", value=spec, message="a level is a whole number from 1 (the top)")])
    return int(text)


Values = dict[tuple[str, int, str], tuple[float | None, int]]


def _values(
    catalog: Catalog,
    warehouse: Warehouse,
    ask: _Ask,
    request: AnalyticsRequest,
    today: date,
    spans: dict[str, Span],
    units: Sequence[Unit] | None = None,
) -> Values:
    """Cell values for the asked indicators (derived ones from their parts)."""
    formulas = {i.code: parse_formula(i.formula) for i in catalog.indicators.values()
                if i.formula is not None}
    expanded: dict[str, Formula] = {}
    base: dict[str, Indicator] = {}
    for ind in ask.indicators:
        if ind.formula is None:
            base[ind.code] = ind
        else:
            expanded[ind.code] = expand(ind.code, formulas)
            for ref in expanded[ind.code].references:
                base[ref] = catalog.indicators[ref]
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
    out: Values = {(codes[ind], unit, pid): (value, sources)
                   for ind, unit, pid, value, sources in cells}
    for code, formula in expanded.items():
        for unit in unit_list:
            for span in spans.values():
                parts = {ref: out.get((ref, unit.id, span.id), (None, 0))
                         for ref in formula.references}
                value = formula.evaluate({k: v for k, (v, _) in parts.items()})
                if value is not None:
                    out[(code, unit.id, span.id)] = (value, min(n for _, n in parts.values()))
    return out


def _add_last_year(catalog: Catalog, warehouse: Warehouse, ask: _Ask,
                   request: AnalyticsRequest, today: date, rows: list[_Row]) -> None:
    shifted: dict[str, Span] = {}
    for p in ask.periods:
        s = _span(p.same_period_last_year(), request.cumulative)
        shifted[ask.spans[p.id].id] = s
    before = _values(catalog, warehouse, ask, request, today,
                     {s.id: s for s in shifted.values()})
    by_uid = _by_uid(catalog, ask)
    for row in rows:
        unit = by_uid[row.unit_uid]
        prev = before.get((row.indicator, unit.id, shifted[row.period].id))
        if prev is None or prev[0] is None:
            continue
        row.last_year = round(prev[0], _places(catalog.indicators[row.indicator]))
        if row.value is not None:
            row.change = row.value - prev[0]
            row.change_pct = None if prev[0] == 0 else 100 * row.change / abs(prev[0])


def _by_uid(catalog: Catalog, ask: _Ask) -> dict[str, Unit]:
    return {catalog.uid_of(u): u for u in ask.units}


def _add_share(catalog: Catalog, warehouse: Warehouse, ask: _Ask,
               request: AnalyticsRequest, today: date, rows: list[_Row]) -> None:
    h = catalog.hierarchy
    parents = {u.id: h.parent(u.id, ask.tree_date) for u in ask.units}
    parent_units = list({p.id: p for p in parents.values() if p}.values())
    if not parent_units:
        return
    above = _values(catalog, warehouse, ask, request, today, ask.spans, parent_units)
    by_uid = _by_uid(catalog, ask)
    for row in rows:
        ind = catalog.indicators[row.indicator]
        parent = parents.get(by_uid[row.unit_uid].id)
        if parent is None or ind.formula is not None or ind.agg_units is not Aggregation.SUM:
            continue  # a share only means something for quantities that add up
        total = above.get((row.indicator, parent.id, row.period))
        if total and total[0] and row.value is not None:
            row.share_of_parent = 100 * row.value / total[0]


def _add_rank(catalog: Catalog, warehouse: Warehouse, ask: _Ask,
              request: AnalyticsRequest, today: date, rows: list[_Row],
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
        values.update(_values(catalog, warehouse, ask, request, today, ask.spans, missing))
    family_of = {u.id: key for key, family in families.items() for u in family}
    ranked: dict[tuple[str, int | None, str], list[float]] = {}
    for (code, unit_id, pid), (value, _) in values.items():
        if value is not None and unit_id in family_of:
            # Rounded as the rows are, so a value shown equal to another ranks equal.
            shown = round(value, _places(catalog.indicators[code]))
            ranked.setdefault((code, family_of[unit_id], pid), []).append(shown)
    for scores in ranked.values():
        scores.sort()
    by_uid = _by_uid(catalog, ask)
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


def _meta(catalog: Catalog, ask: _Ask, request: AnalyticsRequest,
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


LABELLED = {
    "vi": ("chỉ tiêu", "tên chỉ tiêu", "đơn vị tính", "mã đơn vị", "đơn vị", "kỳ", "tên kỳ",
           "giá trị", "cùng kỳ năm trước", "thay đổi", "thay đổi (%)",
           "tỷ trọng trong cấp trên (%)", "xếp hạng", "trong số"),
    "en": ("indicator", "indicator name", "unit of measure", "unit code", "unit", "period",
           "period name", "value", "same period last year", "change", "change (%)",
           "share of parent (%)", "rank", "out of"),
}


def labelled_table(result: AnalyticsResult, lang: str) -> tuple[list[str], list[list[CellValue]]]:
    """The answer with names and labels beside the codes, for CSV and spreadsheets."""
    lang = "en" if lang == "en" else "vi"
    meta = result.meta
    out: list[list[CellValue]] = []
    for r in result.records():
        ind = meta.indicators[str(r["indicator"])]
        unit = meta.units[str(r["unit_uid"])]
        period = meta.periods[str(r["period"])]
        out.append([
            r["indicator"], ind["name_en"] if lang == "en" else ind["name_vi"],
            ind["unit_en"] if lang == "en" else ind["unit_vi"], r["unit"], unit["name"],
            r["period"], period["label_en"] if lang == "en" else period["label_vi"],
            r["value"], r["last_year"], r["change"], r["change_pct"], r["share_of_parent"],
            r["rank"], r["rank_of"],
        ])
    return list(LABELLED[lang]), out
