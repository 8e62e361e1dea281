"""Accounts (tài khoản): people and connected systems, their roles and scopes.

Administrators manage every account; an integrator manages the connected systems
(`kind` client, token only) it owns, and only while they reach no unit beyond its own.
Every change is audited, and an initial or reset password is shown once and must be
changed at first sign-in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from fansipan.domain.access import (
    CLIENT_ROLES,
    Permission,
    Principal,
    PrincipalKind,
    Role,
    parse_roles,
)
from fansipan.errors import Conflict, FieldError, NotFound, PermissionDenied, ValidationError, msg
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require, units_in_scope
from fansipan.services.trust.audit import record
from fansipan.services.trust.delegation import check_account, check_delegation
from fansipan.services.trust.passwords import check_password, hash_password, random_password
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.security_tables import ApiTokenRow, AuthSessionRow, UserRow, UserScopeRow

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{2,63}$"

# Names end up in addresses (/admin/people/{name}); a name that ends as a page's download
# does would open the download of a shorter name instead of its own page.
DOWNLOAD_ENDINGS = (".json", ".csv", ".xlsx")


def _no_download_ending(value: str) -> str:
    if value.endswith(DOWNLOAD_ENDINGS):
        raise PydanticCustomError("name_download_ending", "must not end in .json, .csv or .xlsx")
    return value


# The name of an account, a connected system, a connector or a secret.
Name = Annotated[str, Field(pattern=USERNAME_PATTERN), AfterValidator(_no_download_ending)]


class ScopeWrite(BaseModel):
    all_units: bool = False
    units: list[str] = Field(default=[], max_length=500,
                             description="Unit codes (as in force on `units_as_of`) or uids; "
                                         "each unit's descendants come with it")
    units_as_of: date | None = None
    all_indicators: bool = True
    indicators: list[str] = Field(default=[], max_length=500)
    sectors: list[str] = Field(default=[], max_length=100)


class UserCreate(ScopeWrite):
    username: Name = Field(examples=["nguyen.van.a"])
    display_name: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=200)
    roles: list[Role] = Field(default=[], max_length=len(Role))
    password: str | None = Field(default=None, max_length=128,
                                 description="Leave out to have one generated; either way it "
                                             "must be changed at first sign-in")


class UserUpdate(BaseModel):
    display_name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    roles: list[Role] | None = Field(default=None, max_length=len(Role))
    active: bool | None = None
    scope: ScopeWrite | None = None
    owner: str | None = Field(default=None, max_length=64,
                              description="A connected system's owner, a person account "
                                          "(administrators only)")


class UnitRef(BaseModel):
    uid: str
    code: str
    name: str


class UserPublic(BaseModel):
    username: str
    kind: str
    display_name: str
    email: str
    roles: list[str]
    all_units: bool
    units: list[UnitRef]
    all_indicators: bool
    indicators: list[str]
    sectors: list[str]
    active: bool
    must_change_password: bool
    totp_enabled: bool
    locked_until: UtcDateTime | None
    password_changed_at: UtcDateTime | None
    created_at: UtcDateTime
    created_by: str
    owner: str | None = Field(default=None, description="Who answers for a connected system")


class UserCreated(BaseModel):
    user: UserPublic
    initial_password: str | None = Field(
        default=None, description="Shown once; the user must change it at first sign-in")


def _now() -> datetime:
    return datetime.now(UTC)


def _manage(principal: Principal, kind: str) -> None:
    """Administrators manage everyone; integrators only connected systems."""
    if kind == PrincipalKind.CLIENT.value and principal.can(Permission.MANAGE_CLIENTS):
        require(principal, Permission.MANAGE_CLIENTS)
        return
    require(principal, Permission.MANAGE_USERS)


def _may_manage_some(principal: Principal) -> None:
    """Refuse before looking anything up, so a refusal does not tell which names exist."""
    if not principal.can(Permission.MANAGE_CLIENTS):
        require(principal, Permission.MANAGE_USERS)


def owns(principal: Principal, user: UserRow) -> bool:
    """Whether the account is a connected system that `principal` owns."""
    return (user.kind == PrincipalKind.CLIENT.value and principal.kind is PrincipalKind.USER
            and principal.id is not None and user.owner_id == principal.id)


def manage_account(session: Session, principal: Principal, user: UserRow) -> None:
    """May `principal` manage this account? An integrator only a connected system it owns
    (another's is not found, as if it did not exist: a refusal would tell that the name
    is taken), and only while it reaches no unit beyond the integrator's own (else the
    integrator could borrow its reach)."""
    _manage(principal, user.kind)
    if principal.can(Permission.MANAGE_USERS):
        return
    if not owns(principal, user):
        raise _no_such_account(user.username)
    if user.all_units and not principal.all_units:
        raise PermissionDenied(msg("{username} reaches every unit; only an administrator may "
                                   "manage it", username=user.username))
    mine = units_in_scope(load_catalog(session), principal)
    theirs = principal_of(session, user).unit_ids
    catalog = load_catalog(session)
    if mine is not None and not {u for r in theirs for u in catalog.hierarchy.below_ever(r)
                                 } <= mine:
        raise PermissionDenied(msg("{username} reaches units outside yours; only an administrator "
                                   "may manage it", username=user.username))


def _scope_rows(catalog: Catalog, scope: ScopeWrite) -> list[tuple[str, str]]:
    """(kind, value) pairs for the scope, every reference checked against the catalogue."""
    on = scope.units_as_of or date.today()
    out: list[tuple[str, str]] = []
    errors: list[FieldError] = []
    for n, ref in enumerate(scope.units):
        try:
            out.append(("unit", catalog.uid_of(catalog.unit(ref, on, field=f"units.{n}"))))
        except (NotFound, ValidationError) as exc:
            errors.extend(exc.errors or [FieldError(field=f"units.{n}", value=ref,
                                                    message=exc.message)])
    for n, code in enumerate(scope.indicators):
        try:
            out.append(("indicator", catalog.indicator(code, field=f"indicators.{n}").code))
        except NotFound as exc:
            errors.extend(exc.errors)
    for n, sector in enumerate(scope.sectors):
        if sector not in catalog.sectors:
            errors.append(FieldError(field=f"sectors.{n}", value=sector,
                                     message=msg("there is no sector {sector}; known: {value}",
                                                 sector=repr(sector),
                                                 value=', '.join(catalog.sectors))))
        out.append(("sector", sector))
    if scope.all_indicators and (scope.indicators or scope.sectors):
        errors.append(FieldError(field="all_indicators", message=msg("set all_indicators to false "
                                                                     "when you list indicators or "
                                                                     "sectors")))
    if scope.all_units and scope.units:
        errors.append(FieldError(field="all_units", message=msg("set all_units to false when you "
                                                                "list units")))
    if errors:
        raise ValidationError(msg("The scope names things that do not exist"), errors)
    return sorted(set(out))


def create_user(*, session: Session, settings: Settings, principal: Principal,
                data: UserCreate, kind: PrincipalKind = PrincipalKind.USER) -> UserCreated:
    """Create an account; for a person, with an initial password to change at first sign-in."""
    _manage(principal, kind.value)
    if kind is PrincipalKind.CLIENT:
        if not set(data.roles) <= CLIENT_ROLES:
            raise ValidationError(msg("A connected system gets roles officer or leader only"), [
                FieldError(field="roles",
                           message=msg("use officer (to write) or leader (to read)"))])
        if data.password is not None:
            raise ValidationError(msg("A connected system signs in with a token, not a password"), [
                FieldError(field="password", message=msg("leave it out; issue a token instead"))])
    password = None
    if kind is PrincipalKind.USER:
        password = data.password or random_password()
        check_password(password, settings=settings, username=data.username)
    with audited_transaction(session):
        catalog = load_catalog(session)
        rows = _scope_rows(catalog, data)
        uid_to_id = {uid: i for i, uid in catalog.unit_uids.items()}
        check_delegation(principal, catalog, roles=data.roles, all_units=data.all_units,
                         unit_ids=[uid_to_id[v] for k, v in rows if k == "unit"],
                         all_indicators=data.all_indicators,
                         indicators=[v for k, v in rows if k == "indicator"],
                         sectors=[v for k, v in rows if k == "sector"])
        if session.scalar(select(UserRow.id).where(UserRow.username == data.username)):
            raise Conflict(msg("That username is taken"), [FieldError(
                field="username", value=data.username, message=msg("choose another username"))])
        now = _now()
        owner = (principal.id if kind is PrincipalKind.CLIENT
                 and principal.kind is PrincipalKind.USER else None)
        user = UserRow(
            username=data.username, kind=kind.value, owner_id=owner, display_name=data.display_name,
            email=data.email, password_hash=hash_password(password) if password else None,
            password_changed_at=now if password else None, must_change_password=bool(password),
            roles="|".join(sorted(r.value for r in data.roles)), all_units=data.all_units,
            all_indicators=data.all_indicators, active=True, failed_logins=0,
            totp_enabled=False, created_by=principal.actor, created_at=now, updated_at=now,
        )
        session.add(user)
        session.flush()
        session.add_all(UserScopeRow(user_id=user.id, kind=k, value=v) for k, v in rows)
        session.flush()
        record(session, principal, "user.create", target=data.username,
               detail={"kind": kind.value, "roles": sorted(r.value for r in data.roles),
                       "all_units": data.all_units, "scope": [f"{k}:{v}" for k, v in rows]})
        return UserCreated(user=_public(session, catalog, user),
                             initial_password=password if data.password is None else None)


def _check_given(session: Session, principal: Principal, catalog: Catalog,
                 user: UserRow) -> None:
    """The account as this change leaves it holds nothing its maker does not
    (`services.trust.delegation`); inside the change's transaction, so a refusal undoes it."""
    if not principal.can(Permission.MANAGE_USERS):
        session.flush()
        check_account(principal, catalog, principal_of(session, user))


def update_user(*, session: Session, settings: Settings, principal: Principal, username: str,
                data: UserUpdate) -> UserPublic:
    with audited_transaction(session):
        _may_manage_some(principal)
        user = _get(session, username)
        manage_account(session, principal, user)
        catalog = load_catalog(session)
        changed: dict[str, object] = {}
        if data.display_name is not None:
            user.display_name = changed["display_name"] = data.display_name
        if data.email is not None:
            user.email = changed["email"] = data.email
        if data.roles is not None:
            if user.kind == PrincipalKind.CLIENT.value and not set(data.roles) <= CLIENT_ROLES:
                raise ValidationError(
                    msg("A connected system gets roles officer or leader only"),
                    [FieldError(field="roles", message=msg("use officer or leader"))])
            if user.username == principal.name and Role.ADMIN not in data.roles and (
                    Role.ADMIN.value in user.roles.split("|")):
                raise Conflict(msg("You cannot take the admin role from yourself; ask another "
                                   "administrator"))
            user.roles = "|".join(sorted(r.value for r in data.roles))
            changed["roles"] = user.roles
        if data.active is not None:
            if not data.active and user.username == principal.name:
                raise Conflict(msg("You cannot disable your own account"))
            user.active = changed["active"] = data.active
            if not data.active:
                # Ended for good: enabling the account again brings none of them back.
                _revoke_sessions(session, user.id, principal.actor)
                changed["tokens_revoked"] = revoke_tokens(session, user.id,
                                                          by=f"disabled by {principal.actor}")
        if data.owner is not None:
            changed["owner"] = _give_owner(session, principal, user, data.owner)
        if data.scope is not None:
            rows = _scope_rows(catalog, data.scope)
            session.execute(delete(UserScopeRow).where(UserScopeRow.user_id == user.id))
            session.add_all(UserScopeRow(user_id=user.id, kind=k, value=v) for k, v in rows)
            user.all_units, user.all_indicators = data.scope.all_units, data.scope.all_indicators
            changed["scope"] = [f"{k}:{v}" for k, v in rows]
            changed["all_units"], changed["all_indicators"] = user.all_units, user.all_indicators
        user.updated_at = _now()
        if data.roles is not None or data.scope is not None:
            _check_given(session, principal, catalog, user)
        session.flush()
        record(session, principal, "user.update", target=username, detail=changed)
        return _public(session, catalog, user)


def _give_owner(session: Session, principal: Principal, user: UserRow, owner: str) -> str:
    """An administrator hands a connected system to another person account."""
    require(principal, Permission.MANAGE_USERS)
    if user.kind != PrincipalKind.CLIENT.value:
        raise ValidationError(msg("Only a connected system has an owner"), [FieldError(
            field="owner", message=msg("leave it out for a person's account"))])
    new = session.scalars(select(UserRow).where(UserRow.username == owner)).one_or_none()
    if new is None or new.kind != PrincipalKind.USER.value:
        raise ValidationError(msg("The owner must be a person's account"), [FieldError(
            field="owner", value=owner[:64], message=msg("name a person's account"))])
    user.owner_id = new.id
    return new.username


def reset_password(*, session: Session, principal: Principal, username: str) -> str:
    """A new initial password (shown once); ends the user's sessions and unlocks it."""
    password = random_password()
    with audited_transaction(session):
        require(principal, Permission.MANAGE_USERS)
        user = _get(session, username)
        if user.kind != PrincipalKind.USER.value:
            raise ValidationError(msg("A connected system has no password; issue it a new token"))
        user.password_hash, user.must_change_password = hash_password(password), True
        user.password_changed_at = user.updated_at = _now()
        user.failed_logins, user.locked_until = 0, None
        _revoke_sessions(session, user.id, principal.actor)
        tokens = revoke_tokens(session, user.id, by=f"password reset by {principal.actor}")
        record(session, principal, "user.reset_password", target=username,
               detail={"tokens_revoked": tokens})
    return password


def unlock_user(*, session: Session, principal: Principal, username: str) -> UserPublic:
    with audited_transaction(session):
        require(principal, Permission.MANAGE_USERS)
        user = _get(session, username)
        user.failed_logins, user.locked_until, user.updated_at = 0, None, _now()
        record(session, principal, "user.unlock", target=username)
        return _public(session, load_catalog(session), user)


def end_sessions(*, session: Session, principal: Principal, username: str) -> int:
    """An administrator ends every session of a user at once; returns how many."""
    with audited_transaction(session):
        require(principal, Permission.MANAGE_USERS)
        user = _get(session, username)
        ended = _revoke_sessions(session, user.id, principal.actor)
        record(session, principal, "user.end_sessions", target=username,
               detail={"sessions": ended})
    return ended


def _revoke_sessions(session: Session, user_id: int, by: str) -> int:
    result = session.execute(
        update(AuthSessionRow)
        .where(AuthSessionRow.user_id == user_id, AuthSessionRow.revoked_at.is_(None))
        .values(revoked_at=_now(), revoked_by=by)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def revoke_tokens(session: Session, user_id: int, *, by: str, keep: int | None = None) -> int:
    """Revoke every live API token of an account (but `keep`), inside the caller's
    transaction; returns how many. A token it minted dies with it (see tokens.py)."""
    stmt = update(ApiTokenRow).where(ApiTokenRow.user_id == user_id,
                                     ApiTokenRow.revoked_at.is_(None))
    if keep is not None:
        stmt = stmt.where(ApiTokenRow.id != keep)
    result = session.execute(stmt.values(revoked_at=_now(), revoked_by=by[:100]))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def has_accounts(*, session: Session) -> bool:
    """Whether any account (person or connected system) exists yet: a new store has none."""
    with session.begin():
        return session.scalar(select(UserRow.id).limit(1)) is not None


def list_users(*, session: Session, principal: Principal,
               kind: PrincipalKind | None = None) -> list[UserPublic]:
    with session.begin():
        if kind is PrincipalKind.CLIENT:
            _manage(principal, kind.value)
        else:
            require(principal, Permission.MANAGE_USERS)
        catalog = load_catalog(session)
        stmt = select(UserRow).order_by(UserRow.username)
        if kind is not None:
            stmt = stmt.where(UserRow.kind == kind.value)
        users = list(session.scalars(stmt))
        if not principal.can(Permission.MANAGE_USERS):  # an integrator: its own only
            users = [u for u in users if manages(session, principal, u)]
        return [_public(session, catalog, u) for u in users]


def manages(session: Session, principal: Principal, user: UserRow) -> bool:
    """Whether `principal` may manage the account (see `manage_account`)."""
    try:
        manage_account(session, principal, user)
    except (PermissionDenied, NotFound):
        return False
    return True


def get_user(*, session: Session, principal: Principal, username: str) -> UserPublic:
    with session.begin():
        if username != principal.name:
            _may_manage_some(principal)
        user = _get(session, username)
        if user.username != principal.name:
            manage_account(session, principal, user)
        return _public(session, load_catalog(session), user)


def get_account_row(session: Session, username: str) -> UserRow:
    """The stored account, inside the caller's transaction; NotFound when there is none."""
    return _get(session, username)


def _get(session: Session, username: str) -> UserRow:
    user = session.scalars(select(UserRow).where(UserRow.username == username)).one_or_none()
    if user is None:
        raise _no_such_account(username)
    return user


def _no_such_account(username: str, field: str = "username") -> NotFound:
    return NotFound(msg("No such account"), [FieldError(
        field=field, value=username, message=msg("there is no account by that name"))])


def _public(session: Session, catalog: Catalog, user: UserRow) -> UserPublic:
    scopes = session.scalars(select(UserScopeRow).where(UserScopeRow.user_id == user.id)
                             .order_by(UserScopeRow.id)).all()
    uid_to_id = {uid: i for i, uid in catalog.unit_uids.items()}
    units = []
    for s in scopes:
        if s.kind == "unit" and s.value in uid_to_id:
            unit = catalog.hierarchy.unit(uid_to_id[s.value])
            units.append(UnitRef(uid=s.value, code=unit.code, name=unit.name))
    return UserPublic(
        username=user.username, kind=user.kind, display_name=user.display_name,
        email=user.email, roles=[r for r in user.roles.split("|") if r],
        all_units=user.all_units, units=units, all_indicators=user.all_indicators,
        indicators=[s.value for s in scopes if s.kind == "indicator"],
        sectors=[s.value for s in scopes if s.kind == "sector"], active=user.active,
        must_change_password=user.must_change_password, totp_enabled=user.totp_enabled,
        locked_until=user.locked_until, password_changed_at=user.password_changed_at,
        created_at=user.created_at, created_by=user.created_by,
        owner=_owner_name(session, user),
    )


def _owner_name(session: Session, user: UserRow) -> str | None:
    owner = session.get(UserRow, user.owner_id) if user.owner_id is not None else None
    return owner.username if owner is not None else None


def principal_of(session: Session, user: UserRow, *, via: str = "",
                 ip: str | None = None, must_change: bool = False) -> Principal:
    """The principal an account acts as, with its scope roots resolved to unit ids."""
    scopes = session.execute(select(UserScopeRow.kind, UserScopeRow.value)
                             .where(UserScopeRow.user_id == user.id)).all()
    unit_uids = [v for k, v in scopes if k == "unit"]
    unit_ids: frozenset[int] = frozenset()
    if unit_uids:
        from fansipan.store.tables import UnitRow

        unit_ids = frozenset(session.scalars(select(UnitRow.id)
                                             .where(UnitRow.uid.in_(unit_uids))))
    return Principal(
        kind=PrincipalKind(user.kind), name=user.username, id=user.id,
        roles=parse_roles(user.roles), all_units=user.all_units, unit_ids=unit_ids,
        all_indicators=user.all_indicators,
        indicators=frozenset(v for k, v in scopes if k == "indicator"),
        sectors=frozenset(v for k, v in scopes if k == "sector"),
        must_change_password=must_change, via=via, ip=ip,
    )
