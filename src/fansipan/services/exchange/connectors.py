"""Connectors (kết nối): sources we pull from and parent instances we push up to.

A connector belongs to an owner account and an agency. It names only units and
indicators inside its owner's scope and runs as that owner (see `connector_owners`):
a pull writes only where the owner may write, a push reads only what the owner may
read. Its remote address must be on the outbound allow-list, and its credential, if
any, is a secret from the administrators' secret store, sent only to that secret's
origin. Integrators see, change and run only the connectors they own or made;
administrators see all. Runs are in `connector_runs`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal, PrincipalKind
from fansipan.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationError, msg
from fansipan.exchange import http
from fansipan.exchange.mapping import FieldMapping
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.exchange.clients import agency_unit
from fansipan.services.exchange.connector_owners import connector_principal
from fansipan.services.exchange.outbound import read_outbound
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.services.trust.accounts import Name
from fansipan.services.trust.audit import record
from fansipan.services.trust.secrets import check_use
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.exchange_tables import ConnectorRow, ConnectorRunRow
from fansipan.store.security_tables import UserRow

ENV_REMOVED = ("credential_env is no longer read: the server's environment is not a place "
               "for remote credentials. Ask an administrator to store the credential "
               "(fansipan secrets add NAME --origin URL --for OWNER) and name it in "
               "'credential'")


class ConnectorKind(StrEnum):
    PULL = "pull"
    PUSH = "push"


class ConnectorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name = Field(examples=["so-yte-tiem-chung"])
    kind: ConnectorKind
    agency: str = Field(min_length=1, max_length=40, examples=["so-tttt"],
                        description="Code of the agency the connector belongs to")
    owner: str | None = Field(default=None, max_length=64,
                              description="The account it runs as (default: you); only an "
                                          "administrator names another account")
    url: str = Field(min_length=8, max_length=1000, pattern=r"^https?://",
                     description="pull: the source's address; push: the parent's API base "
                                 "(http://parent/dhis2/api for Fansipan, …/api for DHIS2); "
                                 "it must be on the outbound allow-list")
    format: str = Field(default="json", pattern="^(json|csv)$",
                        description="pull: the source's format")
    mapping: FieldMapping = FieldMapping()
    schedule_minutes: int | None = Field(default=None, ge=1, le=60 * 24 * 31,
                                         description="Run every N minutes (empty: by hand)")
    retries: int = Field(default=3, ge=0, le=20)
    retry_seconds: float = Field(default=30.0, ge=0, le=3600)
    credential: str = Field(default="", max_length=100,
                            description="Name of a secret in the secret store (empty: none)")
    credential_env: str | None = Field(default=None, description="Removed; refused")
    units: list[str] = Field(default=[], max_length=500,
                             description="pull: the units it may write (empty: every unit, "
                                         "only for an owner who holds every unit); push: the "
                                         "one unit whose totals are sent")
    units_as_of: date | None = None
    indicators: list[str] = Field(default=[], max_length=500,
                                  description="pull: the indicators it may write (empty: the "
                                              "owner's); push: the indicators sent")
    periods: list[str] = Field(default=["LAST_12_MONTHS"], max_length=100,
                               description="push: periods sent, relative ones allowed")
    target: str = Field(default="values", pattern=r"^[a-z_]{1,40}$",
                        description="pull: what the source holds, data values (the "
                                    "default) or records another capability imports "
                                    "(dossiers)")

    @field_validator("credential_env")
    @classmethod
    def _no_environment(cls, value: str | None) -> None:
        if value is not None:
            raise PydanticCustomError("credential_env_removed", ENV_REMOVED)


class ConnectorUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, min_length=8, max_length=1000, pattern=r"^https?://")
    credential: str | None = Field(default=None, max_length=100,
                                   description="A secret's name; empty to send none")
    owner: str | None = Field(default=None, max_length=64, description="Administrators only")
    active: bool | None = None
    schedule_minutes: int | None = Field(default=None, ge=0, le=60 * 24 * 31,
                                         description="0: by hand only")
    retries: int | None = Field(default=None, ge=0, le=20)
    retry_seconds: float | None = Field(default=None, ge=0, le=3600)


class ConnectorPublic(BaseModel):
    name: str
    kind: ConnectorKind
    agency: str | None
    owner: str | None
    url: str
    format: str
    schedule_minutes: int | None
    retries: int
    retry_seconds: float
    credential: str
    active: bool
    problem: str = Field(description="Why it cannot run as it stands (empty: it can)")
    config: dict[str, Any]
    created_by: str
    created_at: UtcDateTime
    next_run_at: UtcDateTime | None


class RunPublic(BaseModel):
    id: int
    connector: str
    trigger: str
    status: str
    attempts: int
    values_sent: int
    imported: int
    updated: int
    ignored: int
    deleted: int
    conflicts: int
    message: str
    started_at: UtcDateTime
    finished_at: UtcDateTime | None


def legacy_problem(row: ConnectorRow) -> str:
    """What keeps a connector made before secrets and owners from running ('' if nothing)."""
    if row.credential_env and not row.credential:
        return (f"This connector names the environment variable {row.credential_env}, which "
                f"is no longer read. {ENV_REMOVED}, then: fansipan connectors set {row.name} "
                "--credential SECRET")
    if row.owner_id is None:
        return (f"This connector has no owner account to run as; an administrator gives it "
                f"one: fansipan connectors set {row.name} --owner USER")
    return ""


def public(session: Session, catalog: Catalog, row: ConnectorRow) -> ConnectorPublic:
    owner = session.get(UserRow, row.owner_id) if row.owner_id is not None else None
    agency = catalog.hierarchy.unit(row.agency_id).code if row.agency_id is not None else None
    return ConnectorPublic(
        name=row.name, kind=ConnectorKind(row.kind), agency=agency,
        owner=owner.username if owner else None, url=row.url, format=row.format,
        schedule_minutes=row.schedule_minutes, retries=row.retries,
        retry_seconds=row.retry_seconds, credential=row.credential, active=row.active,
        problem=legacy_problem(row), config=json.loads(row.config or "{}"),
        created_by=row.created_by, created_at=row.created_at, next_run_at=row.next_run_at)


def run_public(row: ConnectorRunRow, name: str) -> RunPublic:
    return RunPublic(id=row.id, connector=name, trigger=row.trigger, status=row.status,
                     attempts=row.attempts, values_sent=row.values_sent, imported=row.imported,
                     updated=row.updated, ignored=row.ignored, deleted=row.deleted,
                     conflicts=row.conflicts, message=row.message, started_at=row.started_at,
                     finished_at=row.finished_at)


def sees_all(principal: Principal) -> bool:
    return principal.kind is PrincipalKind.SYSTEM or principal.can(Permission.MANAGE_USERS)


def visible(session: Session, principal: Principal, name: str) -> ConnectorRow:
    """The connector `name`, if the principal may see it; else NotFound, as if it did not
    exist (a refusal would tell that the name is taken)."""
    require(principal, Permission.MANAGE_CLIENTS)
    row = session.scalars(select(ConnectorRow).where(ConnectorRow.name == name)).one_or_none()
    if row is not None and (sees_all(principal) or _own(principal, row)):
        return row
    raise NotFound(msg("No such connector"), [FieldError(
        field="name", value=name[:100], message=msg("list the connectors to see their names"))])


def _own(principal: Principal, row: ConnectorRow) -> bool:
    return (principal.id is not None and row.owner_id == principal.id) or (
        row.created_by == principal.actor)


def _owner(session: Session, principal: Principal, name: str | None) -> UserRow:
    """The account a new or changed connector runs as: the caller, or one an
    administrator (or the command line) names."""
    if name is None or name == principal.name:
        if principal.kind is PrincipalKind.SYSTEM or principal.id is None:
            raise ValidationError("Hãy nêu tài khoản chủ / Name the account the connector runs "
                                  "as", [FieldError(field="owner", message="give --owner USER "
                                                    "(a person or a connected system)")])
        user = session.get(UserRow, principal.id)
    else:
        if not sees_all(principal):
            raise PermissionDenied("Chỉ quản trị mới giao kết nối cho tài khoản khác / Only an "
                                   "administrator makes a connector run as another account")
        user = session.scalars(select(UserRow).where(UserRow.username == name)).one_or_none()
    if user is None:
        raise NotFound("Không có tài khoản này / No such account", [FieldError(
            field="owner", value=(name or principal.name)[:64],
            message=msg("there is no account by that name"))])
    return user


def _check_remote(session: Session, settings: Settings, *, url: str, credential: str,
                  owner_id: int) -> None:
    """The address is on the allow-list and the credential may go there (before saving)."""
    outbound = read_outbound(session, settings)
    try:
        http.check_url(url, outbound)
    except http.OutboundRefused as exc:
        raise ValidationError("Địa chỉ không có trong danh sách được phép / The address is "
                              "not one connectors may reach (outbound allow-list)", [FieldError(
                                  field="url", value=url[:200], message=msg(
                                      "connectors may not reach this address ({problem}); "
                                      "an administrator lists it with fansipan outbound "
                                      "allow", problem=exc.message))]) from None
    except http.FetchFailed as exc:
        raise ValidationError("Không kiểm tra được địa chỉ / The address cannot be checked "
                              "against the outbound allow-list", [FieldError(
                                  field="url", value=url[:200], message=msg(
                                      "the address cannot be checked ({problem})",
                                      problem=exc.message))]) from None
    if credential:
        try:
            check_use(session, name=credential, owner_id=owner_id, url=url)
        except NotFound as exc:  # named by the connector's field, not the secret store's
            raise NotFound(exc.message, [FieldError(
                field="credential", value=credential[:100],
                message=msg("there is no secret by that name; an administrator stores it "
                            "with fansipan secrets add"))]) from None


def create_connector(*, session: Session, settings: Settings, principal: Principal,
                     data: ConnectorCreate) -> ConnectorPublic:
    """Register a connector (integrators and administrators) within its owner's scope."""
    require(principal, Permission.MANAGE_CLIENTS)
    if data.kind is ConnectorKind.PUSH and (len(data.units) != 1 or not data.indicators):
        raise ValidationError("Kết nối đẩy gửi tổng của một đơn vị / A push connector sends "
                              "the totals of one unit", [FieldError(
                                  field="units", message=msg("name exactly one unit, and "
                                                             "the indicators to send"))])
    with audited_transaction(session):
        catalog = load_catalog(session)
        agency = agency_unit(catalog, data.agency)
        owner = _owner(session, principal, data.owner)
        connector_principal(session, catalog, connector=data.name, owner=owner,
                            pulls=data.kind is ConnectorKind.PULL, units=data.units,
                            units_as_of=data.units_as_of, indicators=data.indicators,
                            creating=True)
        if session.scalar(select(ConnectorRow.id).where(ConnectorRow.name == data.name)):
            raise Conflict("Tên kết nối đã có / That connector name is taken", [FieldError(
                field="name", value=data.name, message=msg("choose another name"))])
        _check_remote(session, settings, url=data.url, credential=data.credential,
                      owner_id=owner.id)
        now = datetime.now(UTC)
        row = ConnectorRow(
            name=data.name, kind=data.kind.value, url=data.url, format=data.format,
            config=data.model_dump_json(include={"mapping", "units", "units_as_of",
                                                 "indicators", "periods", "target"}),
            schedule_minutes=data.schedule_minutes, credential_env="",
            credential=data.credential, owner_id=owner.id, agency_id=agency.id,
            retries=data.retries, retry_seconds=data.retry_seconds, active=True,
            created_by=principal.actor, created_at=now, updated_at=now,
            next_run_at=now if data.schedule_minutes else None)
        session.add(row)
        session.flush()
        record(session, principal, "connector.create", target=data.name, detail={
            "kind": data.kind.value, "url": data.url, "owner": owner.username,
            "agency": agency.code, "credential": data.credential, "units": data.units,
            "indicators": data.indicators})
        return public(session, catalog, row)


def update_connector(*, session: Session, settings: Settings, principal: Principal,
                     name: str, data: ConnectorUpdate) -> ConnectorPublic:
    """Change a connector; what changes is checked as at creation, and audited."""
    with audited_transaction(session):
        row = visible(session, principal, name)
        catalog = load_catalog(session)
        changed: dict[str, object] = {}
        owner: UserRow | None = session.get(UserRow, row.owner_id) if row.owner_id else None
        if data.owner is not None:
            owner = _owner(session, principal, data.owner)
            row.owner_id = owner.id
            changed["owner"] = owner.username
        config = json.loads(row.config or "{}")
        if data.owner is not None:
            connector_principal(
                session, catalog, connector=name, owner=owner, pulls=row.kind == "pull",
                units=config.get("units") or [],
                units_as_of=date.fromisoformat(config["units_as_of"])
                if config.get("units_as_of") else None,
                indicators=config.get("indicators") or [], creating=True)
        if data.url is not None:
            row.url = changed["url"] = data.url
        if data.credential is not None:
            row.credential = changed["credential"] = data.credential
            row.credential_env = ""  # a choice made: the environment is not read again
        remote_changed = (data.url, data.credential, data.owner) != (None, None, None)
        if remote_changed and owner is not None:
            _check_remote(session, settings, url=row.url, credential=row.credential,
                          owner_id=owner.id)
        if data.active is not None:
            row.active = changed["active"] = data.active
        if data.schedule_minutes is not None:
            row.schedule_minutes = data.schedule_minutes or None
            changed["schedule_minutes"] = row.schedule_minutes
            row.next_run_at = datetime.now(UTC) if row.schedule_minutes else None
        if data.retries is not None:
            row.retries = changed["retries"] = data.retries
        if data.retry_seconds is not None:
            row.retry_seconds = changed["retry_seconds"] = data.retry_seconds
        row.updated_at = datetime.now(UTC)
        session.flush()
        record(session, principal, "connector.update", target=name, detail=changed)
        return public(session, catalog, row)


def get_connector(*, session: Session, principal: Principal, name: str) -> ConnectorPublic:
    with session.begin():
        row = visible(session, principal, name)
        return public(session, load_catalog(session), row)


def list_connectors(*, session: Session, principal: Principal) -> list[ConnectorPublic]:
    """Every connector for an administrator; an integrator's own for an integrator."""
    require(principal, Permission.MANAGE_CLIENTS)
    with session.begin():
        catalog = load_catalog(session)
        stmt = select(ConnectorRow).order_by(ConnectorRow.name)
        if not sees_all(principal):
            stmt = stmt.where(or_(ConnectorRow.owner_id == principal.id,
                                  ConnectorRow.created_by == principal.actor))
        return [public(session, catalog, r) for r in session.scalars(stmt)]


def list_runs(*, session: Session, principal: Principal, name: str,
              limit: int = 50) -> list[RunPublic]:
    with session.begin():
        row = visible(session, principal, name)
        runs = session.scalars(select(ConnectorRunRow).where(
            ConnectorRunRow.connector_id == row.id).order_by(ConnectorRunRow.id.desc())
            .limit(limit)).all()
        return [run_public(r, name) for r in runs]


def due_connectors(*, session: Session, now: datetime | None = None) -> list[str]:
    """Names of scheduled connectors whose next run is due."""
    moment = now or datetime.now(UTC)
    with session.begin():
        rows = session.scalars(select(ConnectorRow).where(
            ConnectorRow.active.is_(True), ConnectorRow.schedule_minutes.is_not(None))).all()
        return [r.name for r in rows if r.next_run_at is not None and _aware(
            r.next_run_at) <= moment]


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


__all__ = ["ConnectorCreate", "ConnectorKind", "ConnectorPublic", "ConnectorUpdate",
           "RunPublic", "create_connector", "due_connectors", "get_connector",
           "list_connectors", "list_runs", "update_connector"]
