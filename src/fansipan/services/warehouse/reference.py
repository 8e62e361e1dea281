"""Load the reference data shipped in the package into the store (idempotently).

What is missing is added; what is there is kept as it is, so an administrator's edits
survive a reload. Two things are completed in place: an indicator made before sources
were recorded gets its shipped source, and a unit version the store holds already (same
code and level over an overlapping span, under another uid) is never added a second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.data import reference as ref
from fansipan.domain.indicators import Aggregation, Indicator, Kind, ValueType, check_catalogue
from fansipan.domain.periods import PeriodType
from fansipan.domain.targets import Direction
from fansipan.domain.uids import make_uid
from fansipan.services.warehouse.reorganisations import Reorganisation, apply_reorganisation
from fansipan.services.warehouse.unit_rows import unit_uid as unit_uid
from fansipan.services.warehouse.unit_rows import version_on
from fansipan.store.audit import AuditRecord, append_events
from fansipan.store.tables import (
    IndicatorRow,
    SectorRow,
    UnitParentRow,
    UnitRow,
    UnitSuccessionRow,
)

REFORM_DATE = date(2025, 7, 1)


@dataclass(frozen=True)
class LoadSummary:
    units: int
    successions: int
    indicators: int
    sectors: int
    sources: int = 0  # existing indicators whose empty source was filled in


def indicator_uid(code: str) -> str:
    return make_uid("indicator", code)


def catalogue_indicators() -> list[Indicator]:
    """The shipped catalogue as domain objects, checked as a whole."""
    items = [
        Indicator(
            code=r.code, name_vi=r.name_vi, name_en=r.name_en, sector=r.sector,
            unit_vi=r.unit_vi, unit_en=r.unit_en, value_type=ValueType(r.value_type),
            kind=Kind(r.kind), agg_units=Aggregation(r.agg_units or "none"),
            agg_time=Aggregation(r.agg_time or "none"),
            direction=Direction(r.direction), decimals=r.decimals,
            periodicity=PeriodType(r.periodicity), levels=r.levels, formula=r.formula,
            min_value=r.min_value, max_value=r.max_value,
            description_vi=r.description_vi, description_en=r.description_en,
            source_vi=r.source_vi, source_en=r.source_en,
            record_dataset=r.record_dataset,
        )
        for r in [*ref.read_indicators(), *ref.read_record_indicators()]
    ]
    check_catalogue(items)
    return items


def load_reference_data(*, session: Session) -> LoadSummary:
    """Insert what is missing; rows already present (by uid or code) are kept as they are."""
    with session.begin():
        sectors = _load_sectors(session)
        indicators, sources = _load_indicators(session)
        units, successions = _load_units(session)
        if sectors or indicators or units or successions or sources:
            append_events(session, [AuditRecord(
                action="reference.load", actor="reference", actor_kind="system",
                target="shipped reference data",
                detail={"sectors": sectors, "indicators": indicators, "units": units,
                        "successions": successions, "sources": sources})])
    return LoadSummary(units=units, successions=successions,
                       indicators=indicators, sectors=sectors, sources=sources)


def _load_sectors(session: Session) -> int:
    have = set(session.scalars(select(SectorRow.code)))
    rows = [s for s in ref.read_sectors() if s.code not in have]
    session.add_all(
        SectorRow(code=s.code, name_vi=s.name_vi, name_en=s.name_en, sort=s.sort) for s in rows
    )
    session.flush()
    return len(rows)


def _load_indicators(session: Session) -> tuple[int, int]:
    """New indicators added, and existing ones whose missing source was filled in."""
    have = {r.code: r for r in session.scalars(select(IndicatorRow))}
    shipped = catalogue_indicators()
    filled = 0
    for i in shipped:
        row = have.get(i.code)
        if row is not None and not row.source_vi and not row.source_en:
            row.source_vi, row.source_en = i.source_vi, i.source_en
            filled += 1
    new = [i for i in shipped if i.code not in have]
    session.add_all(
        IndicatorRow(
            uid=indicator_uid(i.code), code=i.code, name_vi=i.name_vi, name_en=i.name_en,
            unit_vi=i.unit_vi, unit_en=i.unit_en, sector=i.sector,
            value_type=i.value_type.value, kind=i.kind.value, agg_units=i.agg_units.value,
            agg_time=i.agg_time.value, direction=i.direction.value, decimals=i.decimals,
            periodicity=i.periodicity.value, levels="|".join(i.levels), formula=i.formula,
            min_value=i.min_value, max_value=i.max_value,
            description_vi=i.description_vi, description_en=i.description_en,
            source_vi=i.source_vi, source_en=i.source_en,
            record_dataset=i.record_dataset,
        )
        for i in new
    )
    session.flush()
    return len(new), filled


Shipped = tuple[str, str, str | None, str, date | None, date | None, str | None]


def _load_units(session: Session) -> tuple[int, int]:
    """The units before the 2025 reform from the unit list, then the reform through the
    reorganisation mechanism an administrator uses, then the agencies."""
    reform = Reorganisation.model_validate(ref.read_reorganisation())
    admin_units: list[Shipped] = [
        (u.code, u.name, None, u.level, u.valid_from, u.valid_to, u.parent_code)
        for u in ref.read_units() if u.valid_from is None or u.valid_from < reform.effective]
    added, rows = _add_units(session, admin_units)
    report = apply_reorganisation(session, reform, dry_run=False)
    agencies: list[Shipped] = [
        (a.code, a.name_vi, a.name_en, "agency", a.valid_from, a.valid_to, a.parent_code)
        for a in ref.read_agencies()]
    added_agencies, agency_rows = _add_units(session, agencies)
    units = [*rows, *agency_rows]
    successions = (_load_successions(session, units, reform.effective)
                   + _load_agency_successions(session, units))
    return (added + report.created_count + added_agencies,
            successions + report.successions_added)


def _add_units(session: Session, shipped: list[Shipped]) -> tuple[int, list[UnitRow]]:
    stored = list(session.scalars(select(UnitRow)))
    existing = {r.uid: r for r in stored}
    rows: list[tuple[UnitRow, str | None]] = []
    added = 0
    for code, name_vi, name_en, level, valid_from, valid_to, parent_code in shipped:
        uid = unit_uid(code, level, valid_from, valid_to)
        row = existing.get(uid)
        if row is None:
            row = _stored_overlap(stored, code, level, valid_from, valid_to)
        if row is None:
            row = UnitRow(uid=uid, code=code, name_vi=name_vi, name_en=name_en, level=level,
                          valid_from=valid_from, valid_to=valid_to)
            session.add(row)
            added += 1
        rows.append((row, parent_code))
    session.flush()
    if added:
        _link_parents(session, rows, stored)
    return added, [r for r, _ in rows]


def _stored_overlap(stored: list[UnitRow], code: str, level: str, valid_from: date | None,
                    valid_to: date | None) -> UnitRow | None:
    """A version of `code` stored before (under other dates) that overlaps this span: a
    code with a date must name one unit, so the stored one stands in for the shipped one
    rather than a second version being added beside it."""
    start, end = valid_from or date.min, valid_to or date.max
    return next((r for r in stored if r.code == code and r.level == level
                 and (r.valid_from or date.min) <= end and start <= (r.valid_to or date.max)),
                None)


def _link_parents(session: Session, rows: list[tuple[UnitRow, str | None]],
                  stored: list[UnitRow]) -> None:
    linked = set(session.scalars(select(UnitParentRow.child_id)))
    mine = {r.id for r, _ in rows}
    units = [r for r, _ in rows] + [r for r in stored if r.id not in mine]
    for row, parent_code in rows:
        if not parent_code or row.id in linked:
            continue
        # The parent is the version in force while the child is: on its last day if
        # it ended, else on its first day, else today.
        on = row.valid_to or row.valid_from or date.today()
        parent = version_on(units, parent_code, on)
        if parent is None:
            raise ValueError(f"unit {row.code} names parent {parent_code}, not in force on {on}")
        session.add(UnitParentRow(child_id=row.id, parent_id=parent.id,
                                  valid_from=row.valid_from, valid_to=row.valid_to))
    session.flush()


def _load_successions(session: Session, units: list[UnitRow], reform: date) -> int:
    """The communes' changes before the reform (its own come with its file)."""
    have = {(r.old_id, r.new_id) for r in session.scalars(select(UnitSuccessionRow))}
    pairs: list[tuple[UnitRow, UnitRow, date, str]] = []
    for s in ref.read_successions():
        if s.effective == reform:
            continue
        old = version_on(units, s.old_code, s.effective - timedelta(days=1))
        new = version_on(units, s.new_code, s.effective)
        if old is None or new is None:
            raise ValueError(f"succession {s.old_code} → {s.new_code} names a unit not loaded")
        change = "kept" if s.change.strip().lower().startswith("giữ") else "merged"
        pairs.append((old, new, s.effective, change))
    return _add_successions(session, have, pairs)


def _agency_version(units: list[UnitRow], code: str, on: date) -> UnitRow | None:
    live = [r for r in units if r.code == code and r.level == "agency"
            and (r.valid_from is None or r.valid_from <= on)
            and (r.valid_to is None or on <= r.valid_to)]
    return live[0] if len(live) == 1 else None


def _load_agency_successions(session: Session, units: list[UnitRow]) -> int:
    """Agencies whose work goes on in another (or in their own version under the new
    province), so an agency's series continues under the mapped hierarchy."""
    have = {(r.old_id, r.new_id) for r in session.scalars(select(UnitSuccessionRow))}
    pairs: list[tuple[UnitRow, UnitRow, date, str]] = []
    for s in ref.read_agency_successions():
        old = _agency_version(units, s.old_code, s.effective - timedelta(days=1))
        new = _agency_version(units, s.new_code, s.effective)
        if old is None or new is None:
            raise ValueError(f"agency succession {s.old_code} → {s.new_code} on "
                             f"{s.effective} names an agency not in force then")
        pairs.append((old, new, s.effective, s.change))
    return _add_successions(session, have, pairs)


def _add_successions(session: Session, have: set[tuple[int, int]],
                     pairs: list[tuple[UnitRow, UnitRow, date, str]]) -> int:
    added = 0
    for old, new, effective, change in pairs:
        if (old.id, new.id) in have:
            continue
        have.add((old.id, new.id))
        session.add(UnitSuccessionRow(old_id=old.id, new_id=new.id, effective=effective,
                                      change=change, share=1.0))
        added += 1
    session.flush()
    return added
