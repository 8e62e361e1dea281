"""Dossiers imported from the one-stop shop: idempotent by number, corrections as updates,
audited, counted into the DVC indicators in the same transaction.

Each record is checked (the domain's consistency rules, a body handling it that is an
agency or a commune in force when it was received and when it was completed, an area in
force, the importer's scope). A number seen before with the same content changes
nothing; with other content it is a correction: the row is updated, its version goes up
and the version it replaces is kept in `dossier_history`. All or nothing by default: one
refused record and nothing is saved; `atomic=False` saves the good ones and lists the
others. One audit event per import names the counts and the corrected numbers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.local_time import local_date
from fansipan.domain.units import Unit
from fansipan.errors import FieldError, ValidationError
from fansipan.exchange.dossiers_io import DossierRecord, RecordProblem, parse_record
from fansipan.services.catalog import Catalog
from fansipan.services.citizens.bodies import Reach, body_unit, reach_of
from fansipan.services.citizens.dossier_counts import Key, dossier_cells
from fansipan.services.citizens.dossier_store import canonical, row_canonical, row_values
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.record_counts import CountingTransaction
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record_for
from fansipan.store.audit import append_events
from fansipan.store.citizens_bulk import insert_dossiers
from fansipan.store.citizens_tables import DossierHistoryRow, DossierRow

CHUNK = 5000
MAX_PROBLEMS = 1000


class DossierImportSummary(BaseModel):
    rows: int = Field(description="Records read")
    created: int
    corrected: int = Field(description="Numbers seen before, with other content")
    unchanged: int
    refused: int = Field(description="Records refused (with atomic, nothing was saved)")
    problems: list[dict[str, Any]] = Field(description="The first 1,000 problems")
    committed: bool
    atomic: bool

    @property
    def http_status(self) -> int:
        return 200 if not self.refused else 409


@dataclass
class _Tally:
    rows: int = 0
    created: int = 0
    corrected: int = 0
    unchanged: int = 0
    refused: int = 0
    problems: list[FieldError] = field(default_factory=list)
    corrected_numbers: list[str] = field(default_factory=list)
    cells: set[Key] = field(default_factory=set)

    def refuse(self, errors: Iterable[FieldError]) -> None:
        self.refused += 1
        for e in errors:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(e)


class _Refused(Exception):
    """An atomic import with refused records: everything rolls back."""


def import_dossiers(*, session: Session, principal: Principal,
                    records: Iterable[tuple[int, dict[str, Any]]], source: str = "import",
                    atomic: bool = True) -> DossierImportSummary:
    """Import records read by `fansipan.exchange.dossiers_io.read_records`."""
    require(principal, Permission.WRITE_DATA)
    tally = _Tally()
    seen: dict[str, int] = {}
    try:
        with CountingTransaction(session, actor=principal.actor,
                                 detail={"record": "dossiers", "source": source}) as tx:
            reach = reach_of(tx.catalog, principal)
            look = _Lookups(tx.catalog)
            for chunk in _chunks(iter(records)):
                good = _checked(look, reach, chunk, seen, tally)
                _store(session, good, principal.actor, source, tally)
            if atomic and tally.refused:
                raise _Refused
            tx.write(dossier_cells(session, tally.cells))
            append_events(session, [record_for(
                principal, "dossier.import", target=source[:200],
                detail={"rows": tally.rows, "created": tally.created,
                        "corrected": tally.corrected, "unchanged": tally.unchanged,
                        "refused": tally.refused,
                        "corrected_numbers": tally.corrected_numbers[:100]})])
    except _Refused:
        return _summary(tally, committed=False, atomic=atomic)
    return _summary(tally, committed=tally.created + tally.corrected > 0, atomic=atomic)


def refusal_of(summary: DossierImportSummary) -> ValidationError:
    """One error naming the refused records, for callers that raise."""
    return ValidationError(
        f"{summary.refused} hồ sơ bị từ chối; chưa lưu gì / {summary.refused} dossier(s) "
        "refused; nothing was saved",
        [FieldError(field=p["field"], row=p.get("row"), value=p.get("value"),
                    message=p["message"]) for p in summary.problems])


def _summary(t: _Tally, *, committed: bool, atomic: bool) -> DossierImportSummary:
    saved = committed
    return DossierImportSummary(
        rows=t.rows, created=t.created if saved or not atomic else 0,
        corrected=t.corrected if saved or not atomic else 0, unchanged=t.unchanged,
        refused=t.refused, problems=[e.as_dict() for e in t.problems], committed=saved,
        atomic=atomic)


def _chunks(records: Iterator[tuple[int, dict[str, Any]]]
            ) -> Iterator[list[tuple[int, dict[str, Any]]]]:
    while chunk := list(islice(records, CHUNK)):
        yield chunk


def _checked(look: _Lookups, reach: Reach,
             chunk: list[tuple[int, dict[str, Any]]], seen: dict[str, int],
             tally: _Tally) -> list[DossierRecord]:
    good: list[DossierRecord] = []
    for row, raw in chunk:
        tally.rows += 1
        parsed = parse_record(row, raw)
        if isinstance(parsed, RecordProblem):
            tally.refuse(parsed.errors)
            continue
        errors = _places(look, reach, parsed)
        number = parsed.dossier.number
        if number in seen:
            errors.append(FieldError(
                field="number", row=row, value=number,
                message=f"số hồ sơ đã có ở dòng {seen[number]} của tệp; gộp thành một dòng / "
                        f"the number is already on row {seen[number]} of this file; keep one"))
        if errors:
            tally.refuse(errors)
            continue
        seen[number] = row
        good.append(parsed)
    return good


class _Lookups:
    """Bodies and areas by code and day, each looked up once per import."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._bodies: dict[tuple[str, date], bool] = {}
        self._units: dict[tuple[str, date], bool] = {}

    def body(self, code: str, day: date) -> bool:
        key = (code, day)
        found = self._bodies.get(key)
        if found is None:
            found = self._bodies[key] = body_unit(self.catalog, code, day) is not None
        return found

    def unit(self, code: str, day: date) -> bool:
        key = (code, day)
        found = self._units.get(key)
        if found is None:
            found = self._units[key] = _in_force(self.catalog, code, day) is not None
        return found


def _places(look: _Lookups, reach: Reach, record: DossierRecord) -> list[FieldError]:
    dossier, row = record.dossier, record.row
    errors: list[FieldError] = []
    days = [local_date(dossier.received_at)]
    if dossier.completed_at is not None:
        days.append(local_date(dossier.completed_at))
    for day in days:
        if not look.body(dossier.agency_code, day):
            errors.append(FieldError(
                field="agency", row=row, value=dossier.agency_code,
                message=f"không có cơ quan hay xã, phường mã {dossier.agency_code} hoạt động "
                        f"ngày {day:%d/%m/%Y} / no agency or commune {dossier.agency_code} is "
                        f"in force on {day:%d/%m/%Y}"))
            break
    if not look.unit(dossier.unit_code, days[0]):
        errors.append(FieldError(
            field="unit", row=row, value=dossier.unit_code,
            message=f"không có địa bàn mã {dossier.unit_code} ngày {days[0]:%d/%m/%Y} / no "
                    f"unit {dossier.unit_code} is in force then"))
    if not reach.allows(dossier.agency_code, days[0]):
        errors.append(FieldError(
            field="agency", row=row, value=dossier.agency_code,
            message=f"{dossier.agency_code} nằm ngoài phạm vi tài khoản / "
                    f"{dossier.agency_code} is outside the units of your account"))
    return errors


def _in_force(catalog: Catalog, code: str, day: date) -> Unit | None:
    return next((u for u in catalog.hierarchy.versions(code) if u.in_force(day)), None)


def _store(session: Session, records: list[DossierRecord], actor: str, source: str,
           tally: _Tally) -> None:
    if not records:
        return
    numbers = [r.dossier.number for r in records]
    existing = {row.number: row for row in session.scalars(
        select(DossierRow).where(DossierRow.number.in_(numbers)))}
    now = utc_now()
    new: list[dict[str, Any]] = []
    for record in records:
        values = row_values(record.dossier, record.procedure_name)
        tally.cells.add((values["agency_code"], values["received_month"]))
        if values["completed_month"] is not None:
            tally.cells.add((values["agency_code"], values["completed_month"]))
        old = existing.get(record.dossier.number)
        if old is None:
            new.append({**values, "version": 1, "source": source, "updated_by": actor,
                        "updated_at": now})
            tally.created += 1
            continue
        before = row_canonical(old)
        if before == canonical(record.dossier, record.procedure_name):
            tally.unchanged += 1
            continue
        tally.cells.add((old.agency_code, old.received_month))
        if old.completed_month is not None:
            tally.cells.add((old.agency_code, old.completed_month))
        session.add(DossierHistoryRow(number=old.number, version=old.version,
                                      data=json.dumps(before, ensure_ascii=False),
                                      replaced_at=now, replaced_by=actor))
        for name, value in values.items():
            setattr(old, name, value)
        old.version += 1
        old.source, old.updated_by, old.updated_at = source, actor, now
        tally.corrected += 1
        tally.corrected_numbers.append(old.number)
    insert_dossiers(session, new)
    session.flush()
