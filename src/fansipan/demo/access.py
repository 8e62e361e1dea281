"""Accounts and public data for the demo: no default password anywhere.

On the first run the demo creates an administrator `admin` with a random password,
shown once, which must be changed at first sign-in, and marks the demo's indicators
public so the read-only API and dashboard work without signing in. Later runs find
accounts in place and change nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, Role
from fansipan.services.trust.accounts import UserCreate, create_user, has_accounts
from fansipan.services.warehouse.indicators import publish_all
from fansipan.settings import Settings

DEMO_ADMIN = "admin"


def prepare_demo_access(*, session: Session, settings: Settings) -> str | None:
    """The demo administrator's initial password when it was just created, else None."""
    if has_accounts(session=session):
        return None
    system = Principal.system("demo")
    publish_all(session=session, principal=system, why="demo: every indicator is illustrative")
    created = create_user(session=session, settings=settings, principal=system, data=UserCreate(
        username=DEMO_ADMIN, display_name="Quản trị hệ thống (minh họa)",
        roles=[Role.ADMIN, Role.LEADER, Role.OFFICER, Role.APPROVER], all_units=True))
    return created.initial_password
