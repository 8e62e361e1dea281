"""The metadata snapshot every service works from: the unit tree and the indicators.

Reading it is a handful of small queries; services load it once per call so a
change of metadata is seen by the next request without any cache to invalidate.
"""

from __future__ import annotations

import difflib
import json
import threading
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property
from typing import Any

from sqlalchemy import Select, event, func, select
from sqlalchemy.orm import ORMExecuteState, Session

from fansipan.domain.formulas import Formula, parse_formula
from fansipan.domain.indicator_versions import Version, formula_on
from fansipan.domain.indicators import Aggregation, Indicator, Kind, ValueType, parts_of
from fansipan.domain.periods import PeriodType
from fansipan.domain.targets import Direction
from fansipan.domain.uids import is_uid
from fansipan.domain.units import Hierarchy, ParentLink, Succession, Unit, UnitLevel
from fansipan.errors import FieldError, Message, NotFound, msg
from fansipan.store.catalogue_tables import (
    CatalogueVersionRow,
    IndicatorGroupRow,
    IndicatorVersionRow,
)
from fansipan.store.tables import (
    IndicatorRow,
    SectorRow,
    UnitParentRow,
    UnitRow,
    UnitSuccessionRow,
)


@dataclass(frozen=True)
class Sector:
    code: str
    name_vi: str
    name_en: str


@dataclass(frozen=True, eq=False)
class Catalog:
    hierarchy: Hierarchy
    indicators: dict[str, Indicator]
    indicator_ids: dict[str, int]
    indicator_uids: dict[str, str]
    unit_uids: dict[int, str]
    sectors: dict[str, Sector]
    # Changes whenever a unit, a parent link or a succession changes: the engine
    # rebuilds its tree tables when it does.
    tree_fingerprint: int = 0
    # Every stored version of a definition, oldest first, by code (none: never edited).
    versions: dict[str, tuple[Version, ...]] = field(default_factory=dict)
    groups: dict[str, Sector] = field(default_factory=dict)

    def formula_on(self, code: str, day: date) -> str | None:
        """The formula of `code` in force on `day` (a period is read under it)."""
        return formula_on(self.versions.get(code, ()), day, self.indicators[code].formula)

    def indicator(
        self, code: str, *, field: str = "indicator", row: int | None = None
    ) -> Indicator:
        found = self.indicators.get(code)
        if found is None:
            by_uid = {uid: c for c, uid in self.indicator_uids.items()}
            if code in by_uid:
                return self.indicators[by_uid[code]]
            raise NotFound(
                msg("Unknown indicator"),
                [FieldError(field=field, row=row, value=code,
                            message=unknown_message("indicator code", code, self.indicators))],
            )
        return found

    def unit(self, ref: str, on: date, *, field: str = "unit", row: int | None = None) -> Unit:
        """A unit by code (as in force on `on`) or by uid."""
        if is_uid(ref):
            for unit_id, uid in self.unit_uids.items():
                if uid == ref:
                    return self.hierarchy.unit(unit_id)
        try:
            return self.hierarchy.find(ref, on)
        except NotFound as exc:
            codes = {u.code for u in self.hierarchy}
            message = exc.message if ref in codes else unknown_message("unit code", ref, codes)
            raise NotFound(
                msg("Unknown unit"), [FieldError(field=field, row=row, value=ref,
                                                 message=message)]
            ) from None

    @cached_property
    def indicator_codes(self) -> dict[int, str]:
        return {i: c for c, i in self.indicator_ids.items()}

    @cached_property
    def formulas(self) -> dict[str, Formula]:
        """The derived indicators' formulas, parsed once per catalogue."""
        return {c: parse_formula(i.formula) for c, i in self.indicators.items()
                if i.formula is not None}

    @cached_property
    def parts(self) -> dict[str, frozenset[str]]:
        """Each derived indicator's parts, through derived parts too."""
        return parts_of(self.indicators)

    @cached_property
    def parts_ever(self) -> dict[str, frozenset[str]]:
        """The parts of every definition a derived indicator has had: what reading it,
        over any period, can reveal (access follows these, not only today's)."""
        past = {code: self.past_formulas(code) for code in self.versions}
        return parts_of(self.indicators, past)

    def past_formulas(self, code: str) -> list[str]:
        """The formulas of the stored versions of `code`'s definition, oldest first."""
        out = []
        for v in self.versions.get(code, ()):
            f = v.definition.get("formula")
            if isinstance(f, str) and f:
                out.append(f)
        return out

    def units_named(self, ref: str, *, field: str = "unit") -> list[Unit]:
        """Every unit a code has named through time, or the one unit a uid names."""
        if is_uid(ref):
            return [self.unit(ref, date.today(), field=field)]
        versions = self.hierarchy.versions(ref)
        if not versions:
            codes = {u.code for u in self.hierarchy}
            raise NotFound(msg("Unknown unit"), [FieldError(
                field=field, value=ref, message=unknown_message("unit code", ref, codes))])
        return versions

    def uid_of(self, unit: Unit) -> str:
        return self.unit_uids[unit.id]


_WHAT: dict[str, Message] = {
    "indicator code": msg("indicator code"),
    "unit code": msg("unit code"),
    "sector": msg("sector"),
    "indicator group": msg("indicator group"),
}


def unknown_message(what: str, given: str, known: object) -> Message:
    """"there is no unit code '99999'; did you mean '09999'?" (`what` in English)."""
    choices = [str(k) for k in known]  # type: ignore[attr-defined]
    close = difflib.get_close_matches(given, choices, n=3, cutoff=0.6)
    noun = _WHAT.get(what, what)
    if close:
        return msg("there is no {what} {given}; did you mean {options}?", what=noun,
                   given=repr(given), options=", ".join(repr(c) for c in close))
    return msg("there is no {what} {given}", what=noun, given=repr(given))


# The last catalogue read per database, with the version it was read at. Building the
# tree of a national instance (thousands of units) costs tens of milliseconds; the
# version check costs one small query.
_CACHE: dict[str, tuple[tuple[object, ...], Catalog]] = {}
_CACHE_LOCK = threading.Lock()


@cache
def _version_query() -> Select[Any]:
    """Built once: building its dozen subqueries cost five times what running it does."""
    parts = []
    for table in (UnitRow, UnitParentRow, UnitSuccessionRow, IndicatorRow,
                  IndicatorVersionRow):
        parts += [select(func.count()).select_from(table).scalar_subquery(),
                  select(func.max(table.id)).scalar_subquery()]
    parts.append(select(func.count()).select_from(SectorRow).scalar_subquery())
    parts.append(select(func.count()).select_from(IndicatorGroupRow).scalar_subquery())
    # Raised by the store on any change, renames and edits by another process included.
    parts.append(select(CatalogueVersionRow.version).scalar_subquery())
    return select(*parts)


def _metadata_version(session: Session) -> tuple[object, ...]:
    return tuple(session.execute(_version_query()).one())


_HOLD = "fansipan.catalog"
_forgotten = 0  # how many times forget_catalog ran: a held catalogue older is dropped


_KEPT = "fansipan.kept"


def hold_catalog(session: Session) -> None:
    """Let `session` check the catalogue's version once: a request's session, whose
    services each load the catalogue, sees one catalogue unless it writes."""
    session.info[_HOLD] = None
    session.info[_KEPT] = {}


def request_kept(session: Session) -> dict[object, object] | None:
    """What a request's session keeps of what it worked out (an access scope, the rows of
    the targets) until it writes or rolls back; None for any other session, which works
    everything out each time."""
    kept = session.info.get(_KEPT)
    return kept if isinstance(kept, dict) else None


@event.listens_for(Session, "after_flush")
def _release(session: Session, _context: object) -> None:
    # A write may have added units or indicators: the next load checks again.
    if _HOLD in session.info:
        session.info[_HOLD] = None
    if _KEPT in session.info:
        session.info[_KEPT] = {}


@event.listens_for(Session, "after_rollback")
def _release_on_rollback(session: Session) -> None:
    # A rollback expires the rows the session holds: none is handed out again.
    if _KEPT in session.info:
        session.info[_KEPT] = {}


@event.listens_for(Session, "do_orm_execute")
def _release_on_statement(state: ORMExecuteState) -> None:
    # An UPDATE or DELETE sent as a statement (publishing every indicator) flushes nothing.
    if not state.is_select and _KEPT in state.session.info:
        _release(state.session, None)


def load_catalog(session: Session) -> Catalog:
    """The catalogue, read again only when units, links or indicators were added."""
    held = session.info.get(_HOLD)
    if held is not None and held[0] == _forgotten:
        return held[1]  # type: ignore[no-any-return]
    forgotten = _forgotten
    version = _metadata_version(session)
    key = str(session.get_bind().engine.url)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None and cached[0] == version:
        catalog = cached[1]
    else:
        catalog = _read_catalog(session)
        with _CACHE_LOCK:
            _CACHE[key] = (version, catalog)
    if _HOLD in session.info:
        session.info[_HOLD] = (forgotten, catalog)
    return catalog


def forget_catalog() -> None:
    """Drop cached catalogues (after an edit that adds no row, such as a rename)."""
    global _forgotten
    with _CACHE_LOCK:
        _CACHE.clear()
        _forgotten += 1


def read_catalog(session: Session) -> Catalog:
    """The catalogue as this transaction sees it, never cached (a dry run's changes)."""
    return _read_catalog(session)


def _read_catalog(session: Session) -> Catalog:
    unit_rows = session.scalars(select(UnitRow)).all()
    units = [
        Unit(
            id=r.id, code=r.code, name=r.name_vi, name_en=r.name_en,
            level=UnitLevel(r.level), valid_from=r.valid_from, valid_to=r.valid_to,
        )
        for r in unit_rows
    ]
    links = [
        ParentLink(child_id=r.child_id, parent_id=r.parent_id,
                   valid_from=r.valid_from, valid_to=r.valid_to)
        for r in session.scalars(select(UnitParentRow))
    ]
    successions = [
        Succession(old_id=r.old_id, new_id=r.new_id, effective=r.effective,
                   change=r.change, share=r.share)
        for r in session.scalars(select(UnitSuccessionRow))
    ]
    indicator_rows = session.scalars(select(IndicatorRow).order_by(IndicatorRow.code)).all()
    fingerprint = hash((tuple(units), tuple(links), tuple(successions)))
    codes = {r.id: r.code for r in indicator_rows}
    versions: dict[str, list[Version]] = {}
    for v in session.scalars(select(IndicatorVersionRow).order_by(IndicatorVersionRow.version)):
        versions.setdefault(codes[v.indicator_id], []).append(
            Version(number=v.version, effective_from=v.effective_from,
                    definition=json.loads(v.definition)))
    return Catalog(
        hierarchy=Hierarchy(units, links, successions),
        indicators={r.code: indicator_from_row(r) for r in indicator_rows},
        indicator_ids={r.code: r.id for r in indicator_rows},
        indicator_uids={r.code: r.uid for r in indicator_rows},
        unit_uids={r.id: r.uid for r in unit_rows},
        sectors={
            r.code: Sector(r.code, r.name_vi, r.name_en)
            for r in session.scalars(select(SectorRow).order_by(SectorRow.sort))
        },
        tree_fingerprint=fingerprint,
        versions={c: tuple(vs) for c, vs in versions.items()},
        groups={
            r.code: Sector(r.code, r.name_vi, r.name_en)
            for r in session.scalars(select(IndicatorGroupRow).order_by(IndicatorGroupRow.sort))
        },
    )


def indicator_from_row(r: IndicatorRow) -> Indicator:
    return Indicator(
        code=r.code, name_vi=r.name_vi, name_en=r.name_en, sector=r.sector,
        unit_vi=r.unit_vi, unit_en=r.unit_en, value_type=ValueType(r.value_type),
        kind=Kind(r.kind), agg_units=Aggregation(r.agg_units), agg_time=Aggregation(r.agg_time),
        direction=Direction(r.direction), decimals=r.decimals,
        periodicity=PeriodType(r.periodicity),
        levels=tuple(x for x in r.levels.split("|") if x), formula=r.formula,
        min_value=r.min_value, max_value=r.max_value,
        description_vi=r.description_vi, description_en=r.description_en,
        source_vi=r.source_vi or "", source_en=r.source_en or "",
        record_dataset=r.record_dataset, group=r.group_code, retired_from=r.retired_from,
    )
