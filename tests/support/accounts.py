"""Accounts for tests, made through the services (CKAN-factories style), never by SQL."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.services.trust.accounts import UserCreate, UserUpdate, create_user, update_user
from fansipan.services.trust.auth import PasswordChange, change_password
from fansipan.services.trust.tokens import TokenCreate, issue_token
from fansipan.settings import Settings

PASSWORD = "a long enough test passphrase"
INITIAL = "an initial passphrase to change"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Account:
    username: str
    password: str | None
    token: str
    principal: Principal

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_account(
    session: Session,
    settings: Settings,
    *roles: Role,
    username: str | None = None,
    units: Sequence[str] = (),
    units_as_of: str | None = None,
    all_units: bool | None = None,
    indicators: Sequence[str] = (),
    sectors: Sequence[str] = (),
    kind: PrincipalKind = PrincipalKind.USER,
    owner: str | None = None,
) -> Account:
    """A ready account: initial password already changed, one API token issued; a
    connected system belongs to `owner` (a person's username), else to no one."""
    name = username or f"user{next(_numbers)}"
    system = Principal.system("tests")
    data = UserCreate(
        username=name, roles=list(roles), units=list(units), units_as_of=units_as_of,
        all_units=not units if all_units is None else all_units,
        all_indicators=not (indicators or sectors), indicators=list(indicators),
        sectors=list(sectors), password=INITIAL if kind is PrincipalKind.USER else None,
    )
    created = create_user(session=session, settings=settings, principal=system, data=data,
                          kind=kind)
    password = None
    if kind is PrincipalKind.USER:
        me = Principal(kind=PrincipalKind.USER, name=name, id=_id(session, name))
        change_password(session=session, settings=settings, principal=me,
                        data=PasswordChange(current_password=INITIAL, new_password=PASSWORD))
        password = PASSWORD
        issued = issue_token(session=session, settings=settings, principal=me,
                             data=TokenCreate(name="tests", current_password=PASSWORD))
    else:
        issued = issue_token(session=session, settings=settings, principal=system,
                             data=TokenCreate(name="tests"), owner=name)
    del created
    if owner is not None:
        update_user(session=session, settings=settings, principal=system, username=name,
                    data=UserUpdate(owner=owner))
    from fansipan.services.trust.tokens import token_principal

    principal = token_principal(session=session, settings=settings, token=issued.token,
                                ip="127.0.0.1")
    return Account(username=name, password=password, token=issued.token, principal=principal)


def _id(session: Session, username: str) -> int:
    from sqlalchemy import select

    from fansipan.store.security_tables import UserRow

    with session.begin():
        found = session.scalar(select(UserRow.id).where(UserRow.username == username))
    if found is None:
        raise LookupError(username)
    return int(found)
