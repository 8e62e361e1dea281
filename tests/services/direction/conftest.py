"""A small world for the direction services: leaders and officers of two districts.

The people are principals as the trust layer makes them from a sign-in (roles, the unit
roots of their scope); the sign-in itself is tested with the accounts, and the HTTP
tests of direction go through real accounts and tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.domain.calendar import vietnam_calendar
from fansipan.services.catalog import load_catalog
from fansipan.services.direction.directives import create_directive
from fansipan.services.direction.shapes import DirectiveCreate, TaskCreate
from fansipan.services.direction.tasks import create_tasks

CALENDAR = vietnam_calendar()


@dataclass(frozen=True)
class Account:
    principal: Principal


@dataclass(frozen=True)
class People:
    leader: Account  # every unit
    district_leader: Account  # Bát Xát
    officer: Account  # Bát Xát
    foreign: Account  # an officer of Sa Pa
    reader: Account  # an approver of Bát Xát: reads, reports on nothing


def person(session: Session, name: str, *roles: Role, unit: str | None = None) -> Account:
    units: frozenset[int] = frozenset()
    if unit is not None:
        with session.begin():
            units = frozenset({load_catalog(session).unit(unit, date(2024, 1, 1)).id})
    return Account(Principal(kind=PrincipalKind.USER, name=name, id=None,
                             roles=frozenset(roles), all_units=unit is None, unit_ids=units,
                             all_indicators=True))


@pytest.fixture
def people(session: Session) -> People:
    return People(
        leader=person(session, "lanh.dao", Role.LEADER),
        district_leader=person(session, "lanh.dao.bx", Role.LEADER, unit="082"),
        officer=person(session, "can.bo.bx", Role.OFFICER, unit="082"),
        foreign=person(session, "can.bo.sp", Role.OFFICER, unit="088"),
        reader=person(session, "doc.bx", Role.APPROVER, unit="082"),
    )


def directive(session: Session, who: Account, *, number: str = "15/KH-UBND",
              issued_on: date = date(2022, 1, 20), working_days: bool = False) -> int:
    made = create_directive(session=session, principal=who.principal, data=DirectiveCreate(
        number=number, issued_on=issued_on, issuer="UBND tỉnh Lào Cai",
        issuer_unit="10" if issued_on < date(2025, 7, 1) else "15",
        excerpt="Kế hoạch thực hiện nhiệm vụ trọng tâm năm 2022", working_days=working_days))
    return made.id


def assign(session: Session, who: Account, directive_id: int, *, title: str = "Nhiệm vụ",
           lead: str = "082", deadline: date | None = date(2022, 6, 30),
           within_days: int | None = None, assigned_on: date | None = None,
           **extra: object) -> int:
    data = TaskCreate(directive=directive_id, title=title, lead_unit=lead, deadline=deadline,
                      within_days=within_days, assigned_on=assigned_on, **extra)  # type: ignore[arg-type]
    return create_tasks(session=session, principal=who.principal, items=[data],
                        calendar=CALENDAR)[0]
