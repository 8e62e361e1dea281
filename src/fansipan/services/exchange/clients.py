"""Connected systems (hệ thống kết nối) as the exchange hub sees them.

A connected system is an account of kind `client` with the roles it needs (leader to
read, officer to write) and a scope of units and indicators; its keys are API tokens,
shown once and kept only as keyed digests, revocable and expiring (see
`services.tokens`). The hub adds the owning agency and a contact, registration in one
step, and DHIS2-style HTTP Basic sign-in with the client's id and key.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal, PrincipalKind, Role
from fansipan.domain.units import Unit, UnitLevel
from fansipan.errors import (
    FieldError,
    NotFound,
    Unauthenticated,
    ValidationError,
    msg,
)
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.trust.accounts import (
    Name,
    UserCreate,
    create_user,
    manages,
)
from fansipan.services.trust.tokens import (
    TokenCreate,
    TokenIssued,
    issue_token,
    token_principal,
)
from fansipan.settings import Settings
from fansipan.store.exchange_tables import ExchangeClientRow
from fansipan.store.security_tables import UserRow

BASIC_HELP = ("Send HTTP Basic credentials: the client id as the user name and its key as "
              "the password")


class ClientRegistration(BaseModel):
    name: Name = Field(examples=["lgsp-so-yte"],
                       description="The client id: lower-case letters, digits, . _ -")
    agency: str = Field(min_length=1, max_length=40, examples=["SO_TTTT"],
                        description="Code of the owning agency (a unit of level agency)")
    contact: str = Field(default="", max_length=200)
    units: list[str] = Field(min_length=1, max_length=500, examples=[["10"]],
                             description="Unit codes (today's) or uids; descendants included")
    units_as_of: date | None = Field(default=None, description="Date unit codes are read "
                                                                "as of (default today)")
    indicators: list[str] = Field(default=[], max_length=500,
                                  description="Leave empty for every indicator")
    read: bool = True
    write: bool = False
    report: bool = Field(default=False, description="May post citizens' reports through "
                                                    "Open311 (the api_key is its key)")
    expires_in_days: int | None = Field(default=365, ge=1, le=3650)


class ClientRegistered(BaseModel):
    client_id: str
    key: str = Field(description="Shown once: store it now; it cannot be shown again")
    key_id: int
    expires_at: UtcDateTime | None
    agency: str
    roles: list[str]


def register_client(*, session: Session, settings: Settings, principal: Principal,
                    data: ClientRegistration) -> ClientRegistered:
    """Create the client's account, its first key and its exchange record."""
    require(principal, Permission.MANAGE_CLIENTS)
    if not (data.read or data.write or data.report):
        raise ValidationError("A client must be allowed to read, to write or to post reports",
                              [FieldError(field="read",
                                          message=msg("set read, write or report"))])
    with session.begin():
        agency = agency_unit(load_catalog(session), data.agency)
    roles = (([Role.LEADER] if data.read else []) + ([Role.OFFICER] if data.write else [])
             + ([Role.REPORTER] if data.report else []))
    create_user(session=session, settings=settings, principal=principal, kind=PrincipalKind.CLIENT,
                data=UserCreate(username=data.name, display_name=data.name, email=data.contact,
                                roles=roles, units=data.units, units_as_of=data.units_as_of,
                                all_indicators=not data.indicators, indicators=data.indicators))
    issued: TokenIssued = issue_token(
        session=session, settings=settings, principal=principal, owner=data.name,
        data=TokenCreate(name="key 1", expires_in_days=data.expires_in_days))
    with session.begin():
        user_id = session.scalar(select(UserRow.id).where(UserRow.username == data.name))
        session.add(ExchangeClientRow(user_id=user_id, agency_id=agency.id,
                                      contact=data.contact, created_at=datetime.now(UTC)))
    return ClientRegistered(client_id=data.name, key=issued.token, key_id=issued.info.id,
                            expires_at=issued.info.expires_at, agency=data.agency,
                            roles=[r.value for r in roles])


def agency_unit(catalog: Catalog, code: str) -> Unit:
    """The agency a code names: the version in force today, else the latest (an agency
    merged in 2025 still names the owner of a system registered for its history)."""
    agencies = sorted((u for u in catalog.hierarchy.versions(code)
                       if u.level is UnitLevel.AGENCY),
                      key=lambda u: (u.in_force(date.today()), u.valid_from or date.min),
                      reverse=True)
    if not agencies:
        known = sorted({u.code for u in catalog.hierarchy if u.level is UnitLevel.AGENCY})
        raise NotFound("Không có cơ quan này / Unknown agency", [FieldError(
            field="agency", value=code[:40],
            message=msg("there is no agency {code}; known: {value}", code=repr(code[:40]),
                        value=", ".join(known)))])
    return agencies[0]


def basic_principal(*, session: Session, settings: Settings, credentials: str,
                    ip: str) -> Principal:
    """The principal behind `Authorization: Basic base64(id:key)`."""
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated(BASIC_HELP) from None
    name, sep, key = decoded.partition(":")
    if not sep or not name or not key:
        raise Unauthenticated(BASIC_HELP)
    principal = token_principal(session=session, settings=settings, token=key, ip=ip)
    if principal.name != name:
        raise Unauthenticated("The client id and key do not belong together; check both")
    if principal.kind not in (PrincipalKind.CLIENT, PrincipalKind.USER):
        raise Unauthenticated(BASIC_HELP)
    return principal


class ClientPublic(BaseModel):
    client_id: str
    agency: str | None
    contact: str
    roles: list[str]
    active: bool
    created_at: UtcDateTime


def list_exchange_clients(*, session: Session, principal: Principal) -> list[ClientPublic]:
    """Administrators see every connected system; an integrator those it owns, while they
    reach no unit beyond its own."""
    require(principal, Permission.MANAGE_CLIENTS)
    with session.begin():
        catalog = load_catalog(session)
        rows = session.execute(
            select(UserRow, ExchangeClientRow).outerjoin(
                ExchangeClientRow, ExchangeClientRow.user_id == UserRow.id)
            .where(UserRow.kind == PrincipalKind.CLIENT.value).order_by(UserRow.username)).all()
        if not principal.can(Permission.MANAGE_USERS):  # an integrator: its own only
            rows = [r for r in rows if manages(session, principal, r[0])]
        return [ClientPublic(
            client_id=u.username,
            agency=catalog.hierarchy.unit(x.agency_id).code if x and x.agency_id else None,
            contact=x.contact if x else u.email, roles=[r for r in u.roles.split("|") if r],
            active=u.active, created_at=x.created_at if x else u.created_at) for u, x in rows]

