"""Accounts and public data for the demo: no default password anywhere.

On the first run the demo creates an administrator `admin` with a random password,
shown once, which must be changed at first sign-in, and marks the demo's indicators
public so the read-only API and dashboard work without signing in. Later runs find
accounts in place and change nothing.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.services.trust.accounts import UserCreate, create_user
from fansipan.services.trust.audit import record
from fansipan.settings import Settings
from fansipan.store.audit import audited_transaction
from fansipan.store.security_tables import UserRow
from fansipan.store.tables import IndicatorRow

DEMO_ADMIN = "admin"


def prepare_demo_access(*, session: Session, settings: Settings) -> str | None:
    """The demo administrator's initial password when it was just created, else None."""
    with session.begin():
        if session.scalar(select(UserRow.id).limit(1)) is not None:
            return None
    system = Principal.system("demo")
    with audited_transaction(session):
        session.execute(update(IndicatorRow).values(public=True))
        record(session, system, "indicator.visibility", target="*",
               detail={"public": True, "why": "demo: every indicator is illustrative"})
    created = create_user(session=session, settings=settings, principal=system, data=UserCreate(
        username=DEMO_ADMIN, display_name="Demo administrator",
        roles=[Role.ADMIN, Role.LEADER, Role.OFFICER, Role.APPROVER], all_units=True))
    return created.initial_password
