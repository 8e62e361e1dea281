"""Reading dossiers: one with its replaced versions, lists (the late ones of a body), and
the period's figures per body, area or procedure as Decision 766 counts them.

An agency reads only the dossiers it handles (its scope's bodies); leaders of the province
read all. The figures are computed from the records as they stand at the moment asked
(`fansipan.domain.dossier_stats`), so the on-time rate is given over both denominators,
the second counting the dossiers overdue and still open at the period's end.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.dossier_stats import DossierSummary, summarise_dossiers
from fansipan.domain.dossiers import DossierStatus, classify_dossier, effective_due
from fansipan.domain.local_time import local_date, start_of_day
from fansipan.domain.periods import Period
from fansipan.errors import FieldError, NotFound
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.citizens.bodies import body_name, check_body_in_scope, reach_of
from fansipan.services.citizens.dossier_store import from_row
from fansipan.services.citizens.moments import loaded, maybe
from fansipan.services.citizens.moments import now as utc_now
from fansipan.services.citizens.moments import stored as to_store
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.store.citizens_tables import DossierHistoryRow, DossierRow

MAX_LIST = 1000


class DossierPublic(BaseModel):
    number: str
    procedure_code: str
    procedure_name: str
    agency: str
    agency_name: str | None
    unit: str
    unit_name: str | None
    received_at: UtcDateTime
    due_at: UtcDateTime
    effective_due: UtcDateTime = Field(description="The due moment moved later by the time "
                                                   "waiting for documents, as of now")
    completed_at: UtcDateTime | None
    pauses: list[dict[str, Any]]
    status: str
    status_vi: str
    status_en: str
    days_late: float | None = Field(description="How far past the moved due moment it was "
                                                "completed, or is now (open and overdue)")
    net_days: float | None
    submitted_online: bool
    online_service: str
    fee_payable: bool
    paid_online: bool
    electronic_result: bool
    digitised: bool
    version: int
    source: str
    updated_at: UtcDateTime
    history: list[dict[str, Any]] = Field(default=[], description="Versions a correction "
                                                                  "replaced, newest first")


def _public(catalog: Catalog, row: DossierRow, at: datetime,
            history: list[dict[str, Any]] | None = None) -> DossierPublic:
    dossier = from_row(row)
    status = classify_dossier(dossier, as_of=at) or DossierStatus.OPEN_WITHIN_TIME
    moment = dossier.completed_at if dossier.completed_at is not None else at
    due = effective_due(dossier, at=moment)
    late = (moment - due) / timedelta(days=1) if moment > due else None
    day = local_date(dossier.received_at)
    return DossierPublic(
        number=row.number, procedure_code=row.procedure_code,
        procedure_name=row.procedure_name, agency=row.agency_code,
        agency_name=body_name(catalog, row.agency_code, day), unit=row.unit_code,
        unit_name=body_name(catalog, row.unit_code, day), received_at=dossier.received_at,
        due_at=dossier.due_at, effective_due=due, completed_at=dossier.completed_at,
        pauses=[{"start": p.start, "end": p.end} for p in dossier.pauses],
        status=status.value, status_vi=status.label("vi"), status_en=status.label("en"),
        days_late=round(late, 2) if late is not None else None, net_days=row.net_days,
        submitted_online=row.submitted_online, online_service=row.online_service,
        fee_payable=row.fee_payable, paid_online=row.paid_online,
        electronic_result=row.electronic_result, digitised=row.digitised,
        version=row.version, source=row.source, updated_at=maybe(row.updated_at) or at,
        history=history or [])


def get_dossier(*, session: Session, principal: Principal, number: str,
                at: datetime | None = None) -> DossierPublic:
    require(principal, Permission.READ_RECORDS)
    with session.begin():
        catalog = load_catalog(session)
        row = session.scalars(select(DossierRow).where(
            DossierRow.number == number.strip())).one_or_none()
        if row is None:
            raise NotFound("Không có hồ sơ này / No such dossier", [FieldError(
                field="number", value=number[:60], message="kiểm tra lại số hồ sơ / check "
                                                          "the dossier number")])
        check_body_in_scope(catalog, principal, row.agency_code,
                            local_date(loaded(row.received_at)), what="Hồ sơ / The dossier")
        history = [{"version": h.version, "replaced_at": h.replaced_at.isoformat(),
                    "replaced_by": h.replaced_by, **json.loads(h.data)}
                   for h in session.scalars(select(DossierHistoryRow).where(
                       DossierHistoryRow.number == row.number)
                       .order_by(DossierHistoryRow.version.desc()))]
        return _public(catalog, row, at or utc_now(), history)


class ListStatus(StrEnum):
    ALL = "all"
    LATE = "late"  # handled late in the period, or open and overdue at its end
    HANDLED_LATE = "handled_late"
    OPEN_OVERDUE = "open_overdue"
    OPEN = "open"


def list_dossiers(*, session: Session, principal: Principal, period: Period,
                  agency: str | None = None, unit: str | None = None,
                  status: ListStatus = ListStatus.ALL, limit: int = 200,
                  at: datetime | None = None) -> list[DossierPublic]:
    """The dossiers of a period (received in it, completed in it, or open at its end),
    of the reader's bodies; `late` gives the drill-down of a ranking: the worst first."""
    require(principal, Permission.READ_RECORDS)
    moment = at or utc_now()
    start = start_of_day(period.start)
    end = start_of_day(period.end + timedelta(days=1))
    cutoff = min(end, moment)
    with session.begin():
        catalog = load_catalog(session)
        if agency:
            check_body_in_scope(catalog, principal, agency, None, what="Cơ quan / The body")
        stmt = _mine(_in_period(select(DossierRow), start, cutoff), catalog, principal)
        if agency:
            stmt = stmt.where(DossierRow.agency_code == agency)
        if unit:
            stmt = stmt.where(DossierRow.unit_code == unit)
        if status is ListStatus.HANDLED_LATE:
            stmt = stmt.where(DossierRow.status == "late",
                              DossierRow.completed_at >= to_store(start))
        elif status in (ListStatus.OPEN, ListStatus.OPEN_OVERDUE):
            stmt = stmt.where(or_(DossierRow.completed_at.is_(None),
                                  DossierRow.completed_at >= to_store(cutoff)))
        rows = session.scalars(stmt.order_by(DossierRow.received_at)).all()
        out = []
        for row in rows:
            shown = _public(catalog, row, cutoff)
            if status is ListStatus.OPEN_OVERDUE and shown.status != "open_overdue":
                continue
            if status is ListStatus.LATE and not (
                    shown.status == "open_overdue" or (
                        shown.status == "late" and shown.completed_at is not None
                        and shown.completed_at >= start)):
                continue
            out.append(shown)
        if status in (ListStatus.LATE, ListStatus.HANDLED_LATE, ListStatus.OPEN_OVERDUE):
            out.sort(key=lambda d: -(d.days_late or 0))
        return out[:min(limit, MAX_LIST)]


def _in_period(stmt: Select[DossierRow], start: datetime,
               cutoff: datetime) -> Select[DossierRow]:
    """Received before the cut-off and not completed before the period began."""
    return stmt.where(DossierRow.received_at < to_store(cutoff), or_(
        DossierRow.completed_at.is_(None), DossierRow.completed_at >= to_store(start)))


def _mine(stmt: Select[DossierRow], catalog: Catalog,
          principal: Principal) -> Select[DossierRow]:
    condition = reach_of(catalog, principal).where(DossierRow.agency_code,
                                                   DossierRow.received_at)
    return stmt if condition is None else stmt.where(condition)


def period_summaries(*, session: Session, principal: Principal, period: Period,
                     by: tuple[str, ...], at: datetime | None = None
                     ) -> dict[tuple[str, ...], DossierSummary]:
    """The period's figures for each group of `by` (agency_code, unit_code,
    procedure_code), as things stand at `at` (default now), for the reader's bodies."""
    require(principal, Permission.READ_RECORDS)
    moment = at or utc_now()
    start = start_of_day(period.start)
    end = start_of_day(period.end + timedelta(days=1))
    with session.begin():
        catalog = load_catalog(session)
        stmt = _mine(_in_period(select(DossierRow), start, min(end, moment)), catalog,
                     principal)
        dossiers = [from_row(r) for r in session.scalars(stmt)]
    return summarise_dossiers(dossiers, period=period, as_of=moment, by=by)


def names_of(*, session: Session, codes: list[str], at: datetime) -> dict[str, str]:
    with session.begin():
        catalog = load_catalog(session)
    day = local_date(at)
    return {c: body_name(catalog, c, day) or c for c in codes}

