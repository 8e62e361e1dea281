"""Enforcing roles and scopes in the services: the one place every front end passes.

`require(principal, permission)` refuses what a role does not grant. `data_scope`
turns a principal's scope roots into the unit and indicator ids it may touch, and
`Scope.where` / `Scope.check` apply them to a query or to the rows of a write. A new
router protects its data by calling these through its service, never by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal, readable_indicators
from fansipan.errors import FieldError, Message, PermissionDenied, Unauthenticated, msg
from fansipan.services.catalog import Catalog, request_kept
from fansipan.store.tables import IndicatorRow

S = TypeVar("S", bound=Select[Any])

_WHAT: dict[Permission, Message] = {
    Permission.READ_DATA: msg("read data"),
    Permission.READ_CHANGES: msg("read the change feed"),
    Permission.WRITE_DATA: msg("enter or import data (role officer)"),
    Permission.WRITE_TARGETS: msg("set targets (role officer)"),
    Permission.SUBMIT: msg("submit a period for approval (role officer)"),
    Permission.APPROVE: msg("approve or reopen a period (role approver)"),
    Permission.MANAGE_USERS: msg("manage accounts (role admin)"),
    Permission.MANAGE_CLIENTS: msg("manage connected systems (role integrator or admin)"),
    Permission.MANAGE_METADATA: msg("change indicators and units (role admin)"),
    Permission.READ_AUDIT: msg("read the audit log (role admin)"),
    Permission.READ_RECORDS: msg("read field reports and dossiers (roles leader, officer, "
                                 "approver)"),
    Permission.HANDLE_REPORTS: msg("handle field reports (role officer)"),
    Permission.SUBMIT_REPORTS: msg("post citizens' reports (a connected system with role "
                                   "reporter)"),
    Permission.ASSIGN_TASKS: msg("assign key tasks, extend or cancel them (role leader)"),
    Permission.UPDATE_TASKS: msg("report on key tasks (role officer of the lead unit)"),
    Permission.ISSUE_REPORTS: msg("give a report its number (role officer or leader)"),
    Permission.MANAGE_ALERTS: msg("manage alert rules (role admin)"),
    Permission.MANAGE_SECRETS: msg("keep the credentials of remote systems (role admin)"),
    Permission.MANAGE_OUTBOUND: msg("change the outbound allow-list (role admin)"),
}


def describe(permission: Permission) -> Message:
    """What a permission lets one do, in words ("enter or import data (role officer)")."""
    return _WHAT[permission]


def require(principal: Principal, permission: Permission) -> None:
    """Raise unless the principal holds `permission` and may act at all."""
    if principal.must_change_password:
        raise PermissionDenied(
            msg("Change your initial password first (POST /api/v1/auth/password, or sign in to the "
                "web interface); until then this account can do nothing else")
        )
    if principal.can(permission):
        return
    if principal.is_anonymous:
        raise Unauthenticated(
            msg("Sign in to {what}: POST /api/v1/auth/login, or send an API token as "
                "'Authorization: Bearer <token>'", what=_WHAT[permission])
        )
    raise PermissionDenied(msg("Your account ({name}) may not {what}", name=principal.name,
                               what=_WHAT[permission]))


@dataclass(frozen=True)
class Scope:
    """The units and indicators a principal reaches; `None` means every one."""

    principal: Principal
    unit_ids: frozenset[int] | None
    indicator_ids: frozenset[int] | None

    def allows(self, indicator_id: int, unit_id: int) -> bool:
        return self.allows_unit(unit_id) and self.allows_indicator(indicator_id)

    def allows_unit(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids

    def allows_indicator(self, indicator_id: int) -> bool:
        return self.indicator_ids is None or indicator_id in self.indicator_ids

    def where(self, stmt: S, *, unit: ColumnElement[int] | Any = None,
              indicator: ColumnElement[int] | Any = None) -> S:
        """`stmt` limited to the scope through the given unit and indicator columns."""
        if unit is not None and self.unit_ids is not None:
            stmt = stmt.where(unit.in_(sorted(self.unit_ids)))
        if indicator is not None and self.indicator_ids is not None:
            stmt = stmt.where(indicator.in_(sorted(self.indicator_ids)))
        return stmt

    def check_rows(self, catalog: Catalog, rows: Iterable[tuple[int, int, int]]) -> None:
        """Refuse a write when any (row, indicator id, unit id) lies outside the scope."""
        errors: list[FieldError] = []
        for row, indicator_id, unit_id in rows:
            if not self.allows_unit(unit_id):
                unit = catalog.hierarchy.unit(unit_id)
                errors.append(FieldError(
                    field="unit", row=row, value=unit.code,
                    message=msg("{code} ({name}) is outside the units of your account",
                                code=unit.code, name=unit.name),
                ))
            elif not self.allows_indicator(indicator_id):
                code = catalog.indicator_codes[indicator_id]
                errors.append(FieldError(
                    field="indicator", row=row, value=code,
                    message=msg("{code} is outside the indicators of your account", code=code),
                ))
        if errors:
            raise PermissionDenied(
                msg("{count} row(s) are outside what {name} may write; nothing was saved. Ask an "
                    "administrator to extend your scope, or remove those rows", count=len(errors),
                    name=self.principal.name), errors,
            )

    def check_unit(self, catalog: Catalog, unit_id: int) -> None:
        if not self.allows_unit(unit_id):
            unit = catalog.hierarchy.unit(unit_id)
            raise self._denied(msg("{unit} is outside the units of your account",
                                   unit=f"{unit.code} ({unit.name})"))

    def check_indicator(self, catalog: Catalog, indicator_id: int) -> None:
        if not self.allows_indicator(indicator_id):
            code = catalog.indicator_codes[indicator_id]
            raise self._denied(msg("{code} is not public", code=code)
                               if self.principal.public_only
                               else msg("{code} is outside the indicators of your account",
                                        code=code))

    def _denied(self, message: Message) -> Exception:
        if self.principal.is_anonymous:
            return Unauthenticated(msg("{message}; sign in to see it", message=message))
        return PermissionDenied(message)


def data_scope(session: Session, catalog: Catalog, principal: Principal) -> Scope:
    """The principal's scope, resolved against the catalogue (inside the caller's txn).

    A derived indicator is in it only when all its parts are, unless an administrator
    confirmed that it discloses them: the rate and one part would give the other.
    A request's session works it out once per principal and catalogue (a page asks it
    of every service it calls), again after the session writes.
    """
    kept = request_kept(session)
    key = ("data_scope", principal)
    found = kept.get(key) if kept is not None else None
    if isinstance(found, tuple) and found[0] is catalog:
        return found[1]  # type: ignore[no-any-return]
    scope = _work_out_scope(session, catalog, principal)
    if kept is not None:
        kept[key] = (catalog, scope)
    return scope


def _work_out_scope(session: Session, catalog: Catalog, principal: Principal) -> Scope:
    unit_ids = units_in_scope(catalog, principal)
    indicator_ids: frozenset[int] | None = None
    if principal.public_only or not principal.all_indicators:
        flags = session.execute(
            select(IndicatorRow.code, IndicatorRow.public, IndicatorRow.discloses_parts)
            .where(IndicatorRow.public.is_(True) | IndicatorRow.discloses_parts.is_(True))).all()
        disclosed = {code for code, _, discloses in flags if discloses}
        if principal.public_only:
            allowed = {code for code, public, _ in flags if public}
        else:
            allowed = {code for code, ind in catalog.indicators.items()
                       if code in principal.indicators or ind.sector in principal.sectors}
        readable = readable_indicators(allowed, catalog.parts_ever, disclosed)
        indicator_ids = frozenset(catalog.indicator_ids[c] for c in readable
                                  if c in catalog.indicator_ids)
    return Scope(principal=principal, unit_ids=unit_ids, indicator_ids=indicator_ids)


def units_in_scope(catalog: Catalog, principal: Principal) -> frozenset[int] | None:
    """The unit ids a principal reaches: its roots and all ever below them (None: all)."""
    if principal.all_units:
        return None
    found: set[int] = set()
    for root in principal.unit_ids:
        if root in catalog.unit_uids:  # a unit removed from the store reaches nothing
            found |= catalog.hierarchy.below_ever(root)
    return frozenset(found)
