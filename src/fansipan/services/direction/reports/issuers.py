"""Issuing bodies (cơ quan ban hành) and how their reports are signed.

Each profile says what a report's header and signature block print: the body and its
parent body, the symbol of its reports (BC-SKHCN), the place, who signs with which
authority (TM., KT., Q., TL., TUQ.), who receives it, and the drafting unit for
"- Lưu: VT, …", and the days on which it signs (a department merged into another stops
on the day of the merger). Administrators keep them. A report names its issuer by code;
without one, the profile that signs on the report's date is taken (the first by code
when several do).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.documents import Authority, number_line, place_date_line, signature_lines
from fansipan.domain.units import Unit
from fansipan.errors import FansipanError, FieldError, NotFound, ValidationError
from fansipan.services.direction.records import require_reader
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.store.audit import AuditRecord, append_events, audited_transaction
from fansipan.store.direction_tables import ReportIssuerRow

_PREFIXES = {a.value: a for a in Authority}


class IssuerWrite(BaseModel):
    name: str = Field(min_length=3, max_length=200, examples=["Sở Khoa học và Công nghệ"])
    parent_body: str = Field(default="", max_length=200, examples=["UBND tỉnh Lào Cai"])
    symbol: str = Field(min_length=2, max_length=40, examples=["BC-SKHCN"])
    place: str = Field(min_length=2, max_length=100, examples=["Lào Cai"])
    signer_name: str = Field(min_length=2, max_length=100, examples=["Nguyễn Văn An"])
    signer_title: str = Field(default="", max_length=100, examples=["Phó Giám đốc"])
    authority: list[tuple[str, str]] = Field(
        default_factory=list, max_length=3, examples=[[["KT.", "Giám đốc"]]],
        description="Outermost first: [prefix, on behalf of whom], prefix one of TM., Q., "
                    "KT., TL., TUQ.")
    recipients: list[str] = Field(default_factory=list, max_length=30,
                                  examples=[["UBND tỉnh (b/c)", "Lãnh đạo Sở"]])
    archive: str = Field(min_length=1, max_length=60, examples=["VP"])
    valid_from: date | None = Field(default=None, description="First day it signs reports")
    valid_to: date | None = Field(default=None, description="Last day it signs reports")

    @field_validator("authority")
    @classmethod
    def _prefixes(cls, value: list[tuple[str, str]]) -> list[tuple[str, str]]:
        for prefix, whom in value:
            if prefix not in _PREFIXES or not whom.strip():
                raise ValueError(f"{prefix!r}: use TM., Q., KT., TL. or TUQ. and name whom the "
                                 "signer acts for")
        return value


class IssuerPublic(IssuerWrite):
    code: str
    updated_by: str
    updated_at: datetime


def check_issuer(data: IssuerWrite) -> None:
    """Refuse what would print a document that breaks Decree 30 (symbol, place, signer)."""
    try:
        number_line(1, data.symbol)
        place_date_line(data.place, date(2020, 1, 1))
        signature_lines([(_PREFIXES[p], w) for p, w in data.authority],
                        data.signer_title or None, data.signer_name)
        if data.valid_from and data.valid_to and data.valid_to < data.valid_from:
            raise ValidationError("", [FieldError(field="valid_to",
                                                  value=data.valid_to.isoformat(),
                                                  message="on or after valid_from")])
    except FansipanError as exc:
        raise ValidationError("Thông tin ký báo cáo không đúng / The sign-off details are not "
                              "valid", exc.errors) from None


def set_issuer(*, session: Session, principal: Principal, code: str,
               data: IssuerWrite) -> IssuerPublic:
    """Create or replace a profile (administrators; audited)."""
    require(principal, Permission.MANAGE_METADATA)
    return save_issuer(session=session, actor=principal.actor, code=code, data=data,
                       principal=principal)


def save_issuer(*, session: Session, actor: str, code: str, data: IssuerWrite,
                principal: Principal | None = None) -> IssuerPublic:
    """`set_issuer` for trusted callers (the demo loader, the CLI)."""
    check_issuer(data)
    key = code.strip()
    if not key or len(key) > 60:
        raise ValidationError("Mã cơ quan ban hành / Issuer code", [FieldError(
            field="code", value=key, message="a code of 1 to 60 characters, e.g. so-kh-cn")])
    with audited_transaction(session):
        row = session.get(ReportIssuerRow, key)
        if row is None:
            row = ReportIssuerRow(code=key)
            session.add(row)
        row.name, row.parent_body, row.symbol = data.name.strip(), data.parent_body.strip(), \
            data.symbol.strip()
        row.place, row.signer_name = data.place.strip(), " ".join(data.signer_name.split())
        row.signer_title, row.archive = data.signer_title.strip(), data.archive.strip()
        row.authority = json.dumps(data.authority, ensure_ascii=False)
        row.recipients = json.dumps(data.recipients, ensure_ascii=False)
        row.valid_from, row.valid_to = data.valid_from, data.valid_to
        row.updated_by, row.updated_at = actor, datetime.now(UTC)
        session.flush()
        if principal is not None:
            record(session, principal, "report.issuer", target=f"issuer:{key}")
        else:
            append_events(session, [AuditRecord(action="report.issuer", actor=actor,
                                                actor_kind="system", target=f"issuer:{key}")])
        return issuer_public(row)


def issuer_public(row: ReportIssuerRow) -> IssuerPublic:
    return IssuerPublic(code=row.code, name=row.name, parent_body=row.parent_body,
                        symbol=row.symbol, place=row.place, signer_name=row.signer_name,
                        signer_title=row.signer_title,
                        authority=[tuple(a) for a in json.loads(row.authority or "[]")],
                        recipients=list(json.loads(row.recipients or "[]")),
                        archive=row.archive, valid_from=row.valid_from,
                        valid_to=row.valid_to, updated_by=row.updated_by,
                        updated_at=row.updated_at)


def list_issuers(*, session: Session, principal: Principal) -> list[IssuerPublic]:
    require_reader(principal)
    with session.begin():
        return [issuer_public(r) for r in session.scalars(
            select(ReportIssuerRow).order_by(ReportIssuerRow.code))]


def choose_issuer(session: Session, code: str | None, on: date) -> IssuerPublic | None:
    """The profile named, or the one in force on `on` (inside a transaction); None when
    there is no profile at all (the report is then a draft signed by the unit)."""
    rows = list(session.scalars(select(ReportIssuerRow).order_by(ReportIssuerRow.code)))
    if code:
        for r in rows:
            if r.code == code:
                return issuer_public(r)
        raise NotFound("Không có cơ quan ban hành này / No such issuer", [FieldError(
            field="issuer", value=code, message="known: " + (", ".join(
                r.code for r in rows) or "none; an administrator adds them"))])
    if not rows:
        return None
    signing = [r for r in rows if (r.valid_from is None or r.valid_from <= on)
               and (r.valid_to is None or on <= r.valid_to)]
    return issuer_public((signing or rows)[0])


def draft_issuer(unit: Unit) -> IssuerWrite:
    """Sign-off details for a unit that has no profile: its People's Committee, with the
    signer's name left for the office to fill in."""
    name = unit.name
    place = name
    for prefix in ("Tỉnh ", "Thành phố ", "Huyện ", "Thị xã ", "Xã ", "Phường ", "Thị trấn "):
        if name.startswith(prefix):
            place = name[len(prefix):]
            break
    return IssuerWrite(name=f"Ủy ban nhân dân {name[0].lower()}{name[1:]}", symbol="BC-UBND",
                       place=place, signer_name="(Họ và tên người ký)", signer_title="Chủ tịch",
                       authority=[("TM.", "Ủy ban nhân dân")], recipients=[], archive="VP")
