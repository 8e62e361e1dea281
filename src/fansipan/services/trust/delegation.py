"""What a non-administrator may give a connected system: no more than it holds itself.

A system's key acts with the system's roles and scope, and whoever registers the system
or mints its key holds that key. So an integrator gives a system only the units it
reaches, the indicators and sectors it reads, and the permissions it holds itself,
posting citizens' reports excepted (anyone may send one from the public page). Writing
data through a system therefore needs the officer role, as a pull connector does; reading
through one needs a role that reads the change feed (leader). Checked when a system is
registered, when its roles or scope change and when a key is minted for it. An
administrator manages every account and is not bounded so.
"""

from __future__ import annotations

from collections.abc import Iterable

from fansipan.domain.access import ROLE_PERMISSIONS, Permission, Principal, Role
from fansipan.errors import FieldError, PermissionDenied, msg
from fansipan.services.catalog import Catalog
from fansipan.services.trust.access import describe, units_in_scope

# What anyone may do from the public pages, so what anyone may let a system do.
ANYONE_MAY = frozenset({Permission.SUBMIT_REPORTS})


def check_delegation(principal: Principal, catalog: Catalog, *, roles: Iterable[Role],
                     all_units: bool, unit_ids: Iterable[int], all_indicators: bool,
                     indicators: Iterable[str], sectors: Iterable[str]) -> None:
    """Refuse, naming the first excess, what `principal` may not give (see above)."""
    if principal.can(Permission.MANAGE_USERS):
        return
    if all_units and not principal.all_units:
        raise PermissionDenied(msg("You may not give a connected system every unit: you do not "
                                   "hold every unit yourself"))
    mine = units_in_scope(catalog, principal)
    for unit_id in unit_ids:
        if mine is not None and unit_id not in mine:
            code = catalog.hierarchy.unit(unit_id).code if unit_id in catalog.unit_uids else ""
            raise PermissionDenied(msg("Unit {value} is outside your own units; a connected "
                                       "system can only get units you hold", value=code),
                                   [FieldError(field="units", value=code, message=msg(
                                       "outside your units"))])
    if not principal.all_indicators:
        if all_indicators:
            raise PermissionDenied(msg("You may not give a connected system every indicator: "
                                       "you read only some yourself; list them"), [FieldError(
                                           field="indicators", message=msg(
                                               "list indicators you read yourself"))])
        readable = set(principal.indicators) | {
            code for code, ind in catalog.indicators.items() if ind.sector in principal.sectors}
        for code in indicators:
            if code not in readable:
                raise PermissionDenied(msg("Indicator {value} is outside your own indicators; a "
                                           "connected system can only get indicators you read",
                                           value=code), [FieldError(
                                               field="indicators", value=code,
                                               message=msg("outside your indicators"))])
        for sector in sectors:
            if sector not in principal.sectors:
                raise PermissionDenied(msg("Sector {value} is outside your own sectors; a "
                                           "connected system can only get sectors you read",
                                           value=sector), [FieldError(
                                               field="sectors", value=sector,
                                               message=msg("outside your sectors"))])
    given: set[Permission] = set()
    for role in roles:
        given |= ROLE_PERMISSIONS[role]
    beyond = sorted(given - principal.permissions - ANYONE_MAY)
    if beyond:
        raise PermissionDenied(msg("A connected system may get only what you may do yourself; "
                                   "you may not {what}: ask an administrator to register it, or "
                                   "for that role", what=describe(beyond[0])), [FieldError(
                                       field="roles", value=beyond[0].value,
                                       message=msg("beyond your own roles"))])


def check_account(principal: Principal, catalog: Catalog, account: Principal) -> None:
    """`check_delegation` for an account as it stands (or would stand after a change)."""
    check_delegation(principal, catalog, roles=account.roles, all_units=account.all_units,
                     unit_ids=account.unit_ids, all_indicators=account.all_indicators,
                     indicators=account.indicators, sectors=account.sectors)
