"""The register of report numbers (sổ đăng ký văn bản đi): from 01 on 1 January each year,
for each issuing body, one number per report, never reused (Decree 30, Art. 15).

A number is taken in an audited transaction, which holds the audit chain's lock: two
people numbering reports at once get consecutive numbers, never the same one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.documents import number_line
from fansipan.errors import FieldError, NotFound
from fansipan.services.direction.records import require_reader
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.store.audit import audited_transaction
from fansipan.store.direction_tables import ReportIssuerRow, ReportNumberRow


class ReportNumber(BaseModel):
    issuer: str
    year: int
    number: int
    symbol: str
    number_line: str  # "Số: 05/BC-SKHCN"
    issued_on: date
    subject: str
    registered_by: str
    at: datetime


def _public(row: ReportNumberRow) -> ReportNumber:
    return ReportNumber(issuer=row.issuer, year=row.year, number=row.number, symbol=row.symbol,
                        number_line=number_line(row.number, row.symbol),
                        issued_on=row.issued_on, subject=row.subject,
                        registered_by=row.registered_by, at=row.at)


def take_number(*, session: Session, principal: Principal, issuer: str, issued_on: date,
                subject: str) -> ReportNumber:
    """The next number of the issuer's year, registered to this report (audited)."""
    require(principal, Permission.ISSUE_REPORTS)
    with audited_transaction(session):
        profile = session.get(ReportIssuerRow, issuer)
        if profile is None:
            raise NotFound("Không có cơ quan ban hành này / No such issuer", [FieldError(
                field="issuer", value=issuer,
                message="numbers are kept for the issuers an administrator set up")])
        year = issued_on.year
        last = session.scalar(select(func.max(ReportNumberRow.number)).where(
            ReportNumberRow.issuer == issuer, ReportNumberRow.year == year))
        row = ReportNumberRow(issuer=issuer, year=year, number=int(last or 0) + 1,
                              symbol=profile.symbol, issued_on=issued_on,
                              subject=subject[:500], registered_by=principal.actor,
                              at=datetime.now(UTC))
        session.add(row)
        session.flush()
        record(session, principal, "report.number", target=f"issuer:{issuer}",
               detail={"year": year, "number": row.number, "subject": subject[:200]})
        return _public(row)


def find_number(session: Session, issuer: str, year: int, number: int) -> ReportNumber:
    """A registered number (inside the caller's transaction), to print a report again."""
    row = session.scalar(select(ReportNumberRow).where(
        ReportNumberRow.issuer == issuer, ReportNumberRow.year == year,
        ReportNumberRow.number == number))
    if row is None:
        raise NotFound("Số này chưa được cấp / This number was not given", [FieldError(
            field="number", value=str(number),
            message=f"{issuer} has no report number {number:02d} in {year}; take the next "
                    "number with take_number=true, or leave the number blank for a draft")])
    return _public(row)


def list_numbers(*, session: Session, principal: Principal, issuer: str | None = None,
                 year: int | None = None) -> list[ReportNumber]:
    require_reader(principal)
    with session.begin():
        stmt = select(ReportNumberRow).order_by(ReportNumberRow.issuer, ReportNumberRow.year,
                                                ReportNumberRow.number)
        if issuer is not None:
            stmt = stmt.where(ReportNumberRow.issuer == issuer)
        if year is not None:
            stmt = stmt.where(ReportNumberRow.year == year)
        return [_public(r) for r in session.scalars(stmt)]
