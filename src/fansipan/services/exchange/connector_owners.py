"""Who a connector acts as: its owner's account as it stands now, narrowed to the units
and indicators the connector names.

A pull connector writes as its owner (so the owner must hold a role that writes, and
every unit it names must be the owner's); a push connector reads as its owner. This is
asked when the connector is made or changed and again at the start of every run, so a
disabled account, a lost role or a narrowed scope stops the runs that follow.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError, PermissionDenied, msg
from fansipan.services.catalog import Catalog
from fansipan.services.trust.access import data_scope
from fansipan.services.trust.accounts import principal_of
from fansipan.store.security_tables import UserRow


def connector_principal(session: Session, catalog: Catalog, *, connector: str,
                        owner: UserRow | None, pulls: bool, units: list[str],
                        units_as_of: date | None, indicators: list[str],
                        creating: bool) -> Principal:
    """The principal a connector runs as, or PermissionDenied saying what is missing."""
    if owner is None:
        raise PermissionDenied(
            f"Kết nối {connector} chưa có tài khoản chủ / The connector {connector} has no "
            "owner account to run as (it was made before connectors ran as their owner); an "
            f"administrator gives it one: fansipan connectors set {connector} --owner USER")
    if not owner.active:
        raise PermissionDenied(
            f"Tài khoản {owner.username} đã bị khóa / The owner account {owner.username} is "
            f"disabled, so {connector} does not run; re-enable the account or give the "
            "connector another owner")
    base = principal_of(session, owner, via=f"connector:{connector}")
    need, what = ((Permission.WRITE_DATA, "write data (role officer)") if pulls
                  else (Permission.READ_DATA, "read data"))
    if not base.can(need):
        raise PermissionDenied(
            f"{owner.username} không được {'ghi' if pulls else 'đọc'} số liệu / "
            f"{owner.username} may not {what}, and a {'pull' if pulls else 'push'} connector "
            f"{'writes' if pulls else 'reads'} as its owner; give the account that role, or "
            "have an administrator make the connector for an account that holds it")
    scope = data_scope(session, catalog, base)
    on = units_as_of or date.today()
    errors: list[FieldError] = []
    unit_ids: set[int] = set()
    codes: set[str] = set()
    for n, ref in enumerate(units):
        try:
            unit = catalog.unit(ref, on, field=f"units.{n}")
        except FansipanError as exc:
            errors.extend(exc.errors)
            continue
        if not scope.allows_unit(unit.id):
            errors.append(FieldError(field=f"units.{n}", value=ref, message=msg(
                "{code} ({name}) is outside the units of {owner}", code=unit.code,
                name=unit.name, owner=owner.username)))
        unit_ids.add(unit.id)
    for n, code in enumerate(indicators):
        try:
            indicator = catalog.indicator(code, field=f"indicators.{n}")
        except FansipanError as exc:
            errors.extend(exc.errors)
            continue
        if not scope.allows_indicator(catalog.indicator_ids[indicator.code]):
            errors.append(FieldError(field=f"indicators.{n}", value=code, message=msg(
                "{code} is outside the indicators of {owner}", code=code,
                owner=owner.username)))
        codes.add(indicator.code)
    if errors:
        raise PermissionDenied(
            f"Kết nối {connector} nêu đơn vị hoặc chỉ tiêu ngoài phạm vi của {owner.username} / "
            f"{connector} names units or indicators outside what {owner.username} may "
            f"{'write' if pulls else 'read'}; name only the owner's", errors)
    if creating and not units and not base.all_units:
        raise PermissionDenied(
            f"{owner.username} không nắm mọi đơn vị / Without units a connector reaches every "
            f"unit, and {owner.username} does not hold every unit; name the units it may "
            f"{'write' if pulls else 'read'}", [FieldError(field="units",
                                                           message=msg("name the owner's units"))])
    return Principal(
        kind=base.kind, name=base.name, id=base.id, roles=base.roles,
        all_units=base.all_units and not units,
        unit_ids=frozenset(unit_ids) if units else base.unit_ids,
        all_indicators=base.all_indicators and not indicators,
        indicators=frozenset(codes) if indicators else base.indicators,
        sectors=frozenset() if indicators else base.sectors, via=base.via)
