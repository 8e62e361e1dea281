"""Load the reference data shipped in the package into the store (idempotently)."""

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
from fansipan.store.audit import AuditRecord, append_events
from fansipan.store.tables import (
    IndicatorRow,
    SectorRow,
    UnitParentRow,
    UnitRow,
    UnitSuccessionRow,
)

REFORM_DATE = date(2025, 7, 1)
# Province-level successions of the 2025 reform (Resolution 202/2025/QH15): the
# commune table lists communes only; the provinces merged whole into the new 15.
PROVINCE_SUCCESSIONS = (("10", "15"), ("15", "15"))


@dataclass(frozen=True)
class LoadSummary:
    units: int
    successions: int
    indicators: int
    sectors: int


def unit_uid(code: str, level: str, valid_from: date | None, valid_to: date | None) -> str:
    return make_uid("unit", code, level, str(valid_from or ""), str(valid_to or ""))


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
        )
        for r in ref.read_indicators()
    ]
    check_catalogue(items)
    return items


def load_reference_data(*, session: Session) -> LoadSummary:
    """Insert what is missing; rows already present (by uid or code) are kept as they are."""
    with session.begin():
        sectors = _load_sectors(session)
        indicators = _load_indicators(session)
        units, successions = _load_units(session)
        if sectors or indicators or units or successions:
            append_events(session, [AuditRecord(
                action="reference.load", actor="reference", actor_kind="system",
                target="shipped reference data",
                detail={"sectors": sectors, "indicators": indicators, "units": units,
                        "successions": successions})])
    return LoadSummary(units=units, successions=successions,
                       indicators=indicators, sectors=sectors)


def _load_sectors(session: Session) -> int:
    have = set(session.scalars(select(SectorRow.code)))
    rows = [s for s in ref.read_sectors() if s.code not in have]
    session.add_all(
        SectorRow(code=s.code, name_vi=s.name_vi, name_en=s.name_en, sort=s.sort) for s in rows
    )
    session.flush()
    return len(rows)


def _load_indicators(session: Session) -> int:
    have = set(session.scalars(select(IndicatorRow.code)))
    new = [i for i in catalogue_indicators() if i.code not in have]
    session.add_all(
        IndicatorRow(
            uid=indicator_uid(i.code), code=i.code, name_vi=i.name_vi, name_en=i.name_en,
            unit_vi=i.unit_vi, unit_en=i.unit_en, sector=i.sector,
            value_type=i.value_type.value, kind=i.kind.value, agg_units=i.agg_units.value,
            agg_time=i.agg_time.value, direction=i.direction.value, decimals=i.decimals,
            periodicity=i.periodicity.value, levels="|".join(i.levels), formula=i.formula,
            min_value=i.min_value, max_value=i.max_value,
            description_vi=i.description_vi, description_en=i.description_en,
        )
        for i in new
    )
    session.flush()
    return len(new)


def _load_units(session: Session) -> tuple[int, int]:
    existing = {r.uid: r for r in session.scalars(select(UnitRow))}
    rows: list[tuple[UnitRow, str | None]] = []
    added = 0
    for u in ref.read_units():
        uid = unit_uid(u.code, u.level, u.valid_from, u.valid_to)
        row = existing.get(uid)
        if row is None:
            row = UnitRow(uid=uid, code=u.code, name_vi=u.name, name_en=None, level=u.level,
                          valid_from=u.valid_from, valid_to=u.valid_to)
            session.add(row)
            added += 1
        rows.append((row, u.parent_code))
    for a in ref.read_agencies():
        uid = unit_uid(a.code, "agency", a.valid_from, a.valid_to)
        row = existing.get(uid)
        if row is None:
            row = UnitRow(uid=uid, code=a.code, name_vi=a.name_vi, name_en=a.name_en,
                          level="agency", valid_from=a.valid_from, valid_to=a.valid_to)
            session.add(row)
            added += 1
        rows.append((row, a.parent_code))
    session.flush()
    if added:
        _link_parents(session, rows)
    successions = _load_successions(session, [r for r, _ in rows])
    return added, successions


def _version_at(rows: list[UnitRow], code: str, on: date | None) -> UnitRow | None:
    """The version of `code` in force on `on` (codes are reused across the reform)."""
    versions = [r for r in rows if r.code == code and r.level != "agency"]
    if on is None:
        return versions[0] if len(versions) == 1 else None
    live = [
        r for r in versions
        if (r.valid_from is None or r.valid_from <= on) and (r.valid_to is None or on <= r.valid_to)
    ]
    if len(live) == 1:
        return live[0]
    # A unit that ended earlier (Tà Chải, merged in 2024) is still the one the code names.
    ended = sorted((r for r in versions if r.valid_to is not None and r.valid_to < on),
                   key=lambda r: r.valid_to or on)
    return ended[-1] if not live and ended else None


def _link_parents(session: Session, rows: list[tuple[UnitRow, str | None]]) -> None:
    linked = set(session.scalars(select(UnitParentRow.child_id)))
    units = [r for r, _ in rows]
    for row, parent_code in rows:
        if not parent_code or row.id in linked:
            continue
        # The parent is the version in force while the child is: on its last day if
        # it ended, else on its first day, else today.
        on = row.valid_to or row.valid_from or date.today()
        parent = _version_at(units, parent_code, on)
        if parent is None:
            raise ValueError(f"unit {row.code} names parent {parent_code}, not in force on {on}")
        session.add(UnitParentRow(child_id=row.id, parent_id=parent.id,
                                  valid_from=row.valid_from, valid_to=row.valid_to))
    session.flush()


def _load_successions(session: Session, units: list[UnitRow]) -> int:
    have = {(r.old_id, r.new_id) for r in session.scalars(select(UnitSuccessionRow))}
    last_day = REFORM_DATE - timedelta(days=1)
    pairs: list[tuple[UnitRow, UnitRow, date, str]] = []
    for s in ref.read_successions():
        old = _version_at(units, s.old_code, s.effective - timedelta(days=1))
        new = _version_at(units, s.new_code, s.effective)
        if old is None or new is None:
            raise ValueError(f"succession {s.old_code} → {s.new_code} names a unit not loaded")
        change = "kept" if s.change.strip().lower().startswith("giữ") else "merged"
        pairs.append((old, new, s.effective, change))
    for old_code, new_code in PROVINCE_SUCCESSIONS:
        old = _version_at(units, old_code, last_day)
        new = _version_at(units, new_code, REFORM_DATE)
        if old is not None and new is not None:
            pairs.append((old, new, REFORM_DATE, "merged"))
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
