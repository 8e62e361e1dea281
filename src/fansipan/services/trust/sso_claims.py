"""Roles and units from the identity platform's claims, as an administrator mapped them.

With `FANSIPAN_OIDC_ROLE_CLAIM` set (for example `groups`), every sign-in through the
platform sets the account's roles and units from the values of that claim through
`FANSIPAN_OIDC_ROLE_MAP`: the platform says which groups a person is in, Fansipan's
administrator says what each group may do here. A value the map does not name gives
nothing; administrators are never made this way. Indicator and sector scopes stay as
they are set in Fansipan. Every change is audited (`user.sso_roles`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fansipan.errors import NotFound, ValidationError
from fansipan.services.catalog import load_catalog
from fansipan.settings import Settings
from fansipan.store.audit import AuditRecord, append_events
from fansipan.store.security_tables import UserRow, UserScopeRow


def _values(claims: dict[str, Any], name: str) -> set[str]:
    found = claims.get(name)
    if isinstance(found, str):
        return {found}
    if isinstance(found, list):
        return {v for v in found if isinstance(v, str)}
    return set()


def apply_claims(session: Session, settings: Settings, user: UserRow, claims: dict[str, Any],
                 *, ip: str) -> None:
    """Inside the sign-in's transaction: roles and units as the mapped claims say."""
    if not settings.oidc_role_claim:
        return
    held = _values(claims, settings.oidc_role_claim)
    roles: set[str] = set()
    codes: set[str] = set()
    every_unit = False
    for value, role, units in settings.oidc_role_map:
        if value in held:
            roles.add(role)
            every_unit = every_unit or "*" in units
            codes.update(u for u in units if u != "*")
    catalog = load_catalog(session)
    uids: set[str] = set()
    unknown: list[str] = []
    for code in sorted(codes):
        try:
            uids.add(catalog.uid_of(catalog.unit(code, date.today())))
        except (NotFound, ValidationError):
            unknown.append(code)  # the map names a unit no longer in force: audited, skipped
    stored = sorted(session.scalars(select(UserScopeRow.value).where(
        UserScopeRow.user_id == user.id, UserScopeRow.kind == "unit")))
    new_roles, new_units = "|".join(sorted(roles)), [] if every_unit else sorted(uids)
    before = {"roles": user.roles, "all_units": user.all_units, "units": stored}
    after = {"roles": new_roles, "all_units": every_unit, "units": new_units}
    if before == after and not unknown:
        return
    user.roles, user.all_units = new_roles, every_unit
    session.execute(delete(UserScopeRow).where(UserScopeRow.user_id == user.id,
                                               UserScopeRow.kind == "unit"))
    session.add_all(UserScopeRow(user_id=user.id, kind="unit", value=uid) for uid in new_units)
    session.flush()
    append_events(session, [AuditRecord(
        action="user.sso_roles", actor="sso", actor_kind="system", ip=ip, target=user.username,
        detail={"claim": settings.oidc_role_claim, "values": sorted(held), "before": before,
                "after": after, "unknown_units": unknown})])
