"""Administrative reorganisations (sắp xếp đơn vị hành chính) loaded as one change.

A reorganisation names its effective day, the new official list of units in force from
it and the succession links from the old units to the new ones. Loading it ends the old
units on the day before (with their parent links), adds the new ones and the links, all
or nothing, audited as one event. A dry run does the same inside a transaction that is
rolled back, and reports what the real load would do: the units ended and created, the
values and targets whose period spans the change, and where each ended unit's history
lands in the new tree. The shipped 2025 reform is loaded through the same function.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.periods.parsing import parse_period
from fansipan.domain.units import check_tree
from fansipan.errors import FansipanError, FieldError, ValidationError, msg
from fansipan.services.catalog import forget_catalog, read_catalog
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.services.warehouse.unit_rows import unit_uid, version_on
from fansipan.store.audit import audited_transaction
from fansipan.store.tables import (
    DataValueRow,
    IndicatorRow,
    TargetRow,
    UnitParentRow,
    UnitRow,
    UnitSuccessionRow,
)

LEVELS = ("province", "district", "commune")
SHOWN = 200  # rows of each list a report shows; the counts are always whole


class NewUnit(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    name_vi: str = Field(min_length=1, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    level: Literal["province", "district", "commune"]
    parent_code: str | None = Field(default=None, max_length=40)


class SuccessionLink(BaseModel):
    old_code: str = Field(min_length=1, max_length=40)
    new_code: str = Field(min_length=1, max_length=40)
    change: Literal["merged", "kept", "split"] = "merged"
    share: float = Field(default=1.0, gt=0, le=1)


class Reorganisation(BaseModel):
    """A reorganisation file (JSON); codes of old units are read as of the day before."""

    effective: date
    act: str = Field(default="", max_length=1000, description="The act that decides it")
    ends: list[str] = Field(default_factory=list, max_length=20_000, description=(
        "Codes of units (as of the day before) whose whole trees end, beside every unit "
        "named as an old unit in `successions`"))
    units: list[NewUnit] = Field(default_factory=list, max_length=20_000)
    successions: list[SuccessionLink] = Field(default_factory=list, max_length=50_000)


class UnitRef(BaseModel):
    code: str
    name: str
    level: str


class Spanning(BaseModel):
    kind: Literal["value", "target"]
    indicator: str
    unit: str
    period: str


class Mapped(BaseModel):
    old_code: str
    old_name: str
    values: int
    successors: list[UnitRef]


class ReorganisationReport(BaseModel):
    effective: date
    dry_run: bool
    ended: list[UnitRef]
    ended_count: int
    already_ended: int
    created: list[UnitRef]
    created_count: int
    kept_count: int
    successions_added: int
    spanning_values: int
    spanning_targets: int
    spanning: list[Spanning]
    mapped: list[Mapped]


def reorganise(*, session: Session, principal: Principal, plan: Reorganisation,
               dry_run: bool) -> ReorganisationReport:
    """Load a reorganisation (administrators only), or with `dry_run` say what it would do."""
    require(principal, Permission.MANAGE_METADATA)
    if dry_run:
        with session.begin():
            try:
                return apply_reorganisation(session, plan, dry_run=True)
            finally:
                session.rollback()
    with audited_transaction(session):
        report = apply_reorganisation(session, plan, dry_run=False)
        record(session, principal, "units.reorganise", target=plan.effective.isoformat(),
               detail={"act": plan.act[:300], "ended": report.ended_count,
                       "created": report.created_count, "kept": report.kept_count,
                       "successions": report.successions_added,
                       "spanning_values": report.spanning_values,
                       "spanning_targets": report.spanning_targets})
    forget_catalog()
    return report


def apply_reorganisation(session: Session, plan: Reorganisation, *,
                         dry_run: bool) -> ReorganisationReport:
    """The work, inside the caller's transaction (the reference load calls it too)."""
    eve = plan.effective - timedelta(days=1)
    stored = [r for r in session.scalars(select(UnitRow)) if r.level != "agency"]
    errors: list[FieldError] = []
    ending = _ending(session, plan, stored, eve, errors)
    new_rows, created, kept = _new_units(session, plan, stored, errors)
    links = _links(plan, stored, new_rows, eve, errors)
    if errors:
        raise ValidationError(msg("The reorganisation file has problems; nothing was "
                                  "changed"), errors)
    ended, already = _end(session, ending, eve)
    session.flush()
    _parents(session, plan, new_rows, stored, created, errors)
    if errors:
        raise ValidationError(msg("The reorganisation file has problems; nothing was "
                                  "changed"), errors)
    added = _add_links(session, links, plan.effective)
    session.flush()
    check_tree(read_catalog(session).hierarchy,
               msg("The reorganisation file has problems; nothing was changed"))
    spanning, values, targets = _spanning(session, [r.id for r in ending], plan.effective)
    mapped = _mapped(session, ending, plan.effective)
    return ReorganisationReport(
        effective=plan.effective, dry_run=dry_run,
        ended=[_ref(r) for r in ended[:SHOWN]], ended_count=len(ended),
        already_ended=already, created=[_ref(r) for r in created[:SHOWN]],
        created_count=len(created), kept_count=kept, successions_added=added,
        spanning_values=values, spanning_targets=targets, spanning=spanning[:SHOWN],
        mapped=mapped[:SHOWN])


def _ref(r: UnitRow) -> UnitRef:
    return UnitRef(code=r.code, name=r.name_vi, level=r.level)


def _ending(session: Session, plan: Reorganisation, stored: list[UnitRow], eve: date,
            errors: list[FieldError]) -> list[UnitRow]:
    """The units in force on the eve that end: named old units and the trees of `ends`."""
    out: dict[int, UnitRow] = {}
    for i, code in enumerate(plan.ends, start=1):
        row = version_on(stored, code, eve)
        if row is None:
            errors.append(FieldError(field="ends", row=i, value=code, message=msg(
                "no unit {code} is in force on {day}", code=code, day=eve.strftime("%d/%m/%Y"))))
            continue
        out[row.id] = row
    links = list(session.scalars(select(UnitParentRow)))
    children: dict[int, list[int]] = {}
    for link in links:
        if (link.valid_from or date.min) <= eve <= (link.valid_to or date.max):
            children.setdefault(link.parent_id, []).append(link.child_id)
    by_id = {r.id: r for r in stored}
    queue = list(out)
    while queue:
        for child in children.get(queue.pop(), []):
            if child in by_id and child not in out:
                out[child] = by_id[child]
                queue.append(child)
    for i, s in enumerate(plan.successions, start=1):
        row = version_on(stored, s.old_code, eve)
        if row is None:
            errors.append(FieldError(field="successions.old_code", row=i, value=s.old_code,
                                     message=msg("no unit {code} is in force on {day}",
                                                 code=s.old_code,
                                                 day=eve.strftime("%d/%m/%Y"))))
        else:
            out[row.id] = row
    return sorted(out.values(), key=lambda r: (LEVELS.index(r.level) if r.level in LEVELS
                                               else 9, r.code))


def _new_units(session: Session, plan: Reorganisation, stored: list[UnitRow],
               errors: list[FieldError]) -> tuple[dict[str, UnitRow], list[UnitRow], int]:
    """Rows of the plan's units by code: stored ones kept, missing ones made."""
    out: dict[str, UnitRow] = {}
    made: list[UnitRow] = []
    kept = 0
    for i, u in enumerate(plan.units, start=1):
        if u.code in out:
            errors.append(FieldError(field="units.code", row=i, value=u.code,
                                     message=msg("{code} appears twice", code=u.code)))
            continue
        uid = unit_uid(u.code, u.level, plan.effective, None)
        row = next((r for r in stored if r.uid == uid), None) or next(
            (r for r in stored if r.code == u.code and r.level == u.level
             and (r.valid_from or date.min) == plan.effective), None)
        if row is not None:
            kept += 1
        else:
            row = UnitRow(uid=uid, code=u.code, name_vi=u.name_vi, name_en=u.name_en,
                          level=u.level, valid_from=plan.effective, valid_to=None)
            session.add(row)
            made.append(row)
        out[u.code] = row
    return out, made, kept


def _links(plan: Reorganisation, stored: list[UnitRow], new_rows: dict[str, UnitRow],
           eve: date, errors: list[FieldError]) -> list[tuple[UnitRow, UnitRow, SuccessionLink]]:
    out = []
    for i, s in enumerate(plan.successions, start=1):
        old = version_on(stored, s.old_code, eve)
        new = new_rows.get(s.new_code) or version_on(stored, s.new_code, plan.effective)
        if new is None:
            errors.append(FieldError(field="successions.new_code", row=i, value=s.new_code,
                                     message=msg("{code} is neither in the new list nor in "
                                                 "force on {day}", code=s.new_code,
                                                 day=plan.effective.strftime("%d/%m/%Y"))))
        elif old is not None:
            out.append((old, new, s))
    return out


def _end(session: Session, ending: list[UnitRow], eve: date) -> tuple[list[UnitRow], int]:
    ended, already = [], 0
    ids = {r.id for r in ending}
    for row in ending:
        if row.valid_to is not None and row.valid_to <= eve:
            already += 1
            continue
        row.valid_to = eve
        ended.append(row)
    for link in session.scalars(select(UnitParentRow).where(UnitParentRow.child_id.in_(ids))):
        if link.valid_to is None or link.valid_to > eve:
            link.valid_to = eve
    return ended, already


def _parents(session: Session, plan: Reorganisation, new_rows: dict[str, UnitRow],
             stored: list[UnitRow], created: list[UnitRow], errors: list[FieldError]) -> None:
    made = {r.id for r in created}
    for i, u in enumerate(plan.units, start=1):
        row = new_rows.get(u.code)
        if row is None or row.id not in made or not u.parent_code:
            continue
        parent = new_rows.get(u.parent_code) or version_on(stored, u.parent_code,
                                                           plan.effective)
        if parent is None:
            errors.append(FieldError(field="units.parent_code", row=i, value=u.parent_code,
                                     message=msg("{code} is neither in the new list nor in "
                                                 "force on {day}", code=u.parent_code,
                                                 day=plan.effective.strftime("%d/%m/%Y"))))
            continue
        session.add(UnitParentRow(child_id=row.id, parent_id=parent.id,
                                  valid_from=plan.effective, valid_to=None))


def _add_links(session: Session, links: list[tuple[UnitRow, UnitRow, SuccessionLink]],
               effective: date) -> int:
    have = {(r.old_id, r.new_id) for r in session.scalars(select(UnitSuccessionRow))}
    added = 0
    for old, new, s in links:
        if (old.id, new.id) in have:
            continue
        have.add((old.id, new.id))
        session.add(UnitSuccessionRow(old_id=old.id, new_id=new.id, effective=effective,
                                      change=s.change, share=s.share))
        added += 1
    return added


def _spanning(session: Session, unit_ids: list[int],
              effective: date) -> tuple[list[Spanning], int, int]:
    """Values and targets of the ended units whose period runs across the change."""
    codes = {r.id: r.code for r in session.scalars(select(UnitRow).where(
        UnitRow.id.in_(unit_ids)))}
    names: dict[int, str] = dict(session.execute(select(IndicatorRow.id, IndicatorRow.code)).all())
    out: list[Spanning] = []
    values = 0
    for ind_id, unit_id, period in session.execute(select(
            DataValueRow.indicator_id, DataValueRow.unit_id, DataValueRow.period).where(
            DataValueRow.unit_id.in_(unit_ids), DataValueRow.deleted.is_(False),
            DataValueRow.period_start < effective, DataValueRow.period_end >= effective)):
        values += 1
        out.append(Spanning(kind="value", indicator=names[ind_id], unit=codes[unit_id],
                            period=period))
    targets = 0
    for ind_id, unit_id, period in session.execute(select(
            TargetRow.indicator_id, TargetRow.unit_id, TargetRow.period).where(
            TargetRow.unit_id.in_(unit_ids), TargetRow.deleted.is_(False))):
        try:
            p = parse_period(period)
        except FansipanError:
            continue
        if p.start < effective <= p.end:
            targets += 1
            out.append(Spanning(kind="target", indicator=names[ind_id], unit=codes[unit_id],
                                period=period))
    return out, values, targets


def _mapped(session: Session, ending: list[UnitRow], effective: date) -> list[Mapped]:
    """Where each ended unit's history lands in the tree in force from the change."""
    catalog = read_catalog(session)
    h = catalog.hierarchy
    counts: dict[int, int] = {}
    ids = [r.id for r in ending]
    for (unit_id,) in session.execute(select(DataValueRow.unit_id).where(
            DataValueRow.unit_id.in_(ids), DataValueRow.deleted.is_(False))):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    out = []
    for row in ending:
        successors = [UnitRef(code=u.code, name=u.name, level=u.level.value)
                      for u, _share in h.successors(row.id, effective)]
        out.append(Mapped(old_code=row.code, old_name=row.name_vi,
                          values=counts.get(row.id, 0), successors=successors))
    return out
