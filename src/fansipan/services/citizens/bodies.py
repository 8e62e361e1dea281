"""The bodies reports and dossiers go to, and which of them a principal reaches.

A body is a unit: an agency (a department, the power company, the operations centre) or
a commune whose People's Committee deals with the matter. An officer's scope (units and
all below them) says which bodies are theirs: an officer of the Department of
Construction sees the department's reports and dossiers, an officer with the whole
province sees every body's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, false, or_
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from fansipan.domain.access import Principal
from fansipan.domain.local_time import start_of_day
from fansipan.domain.units import Unit, UnitLevel
from fansipan.errors import FieldError, PermissionDenied, ValidationError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.citizens.moments import stored
from fansipan.services.trust.access import units_in_scope

BODY_LEVELS = (UnitLevel.AGENCY, UnitLevel.COMMUNE)


def body_unit(catalog: Catalog, code: str, on: date) -> Unit | None:
    """The agency or commune `code` names on `on`, if one is in force then."""
    for unit in catalog.hierarchy.versions(code):
        if unit.level in BODY_LEVELS and unit.in_force(on):
            return unit
    return None


def body_name(catalog: Catalog, code: str | None, on: date) -> str | None:
    if code is None:
        return None
    unit = body_unit(catalog, code, on)
    if unit is not None:
        return unit.name
    versions = catalog.hierarchy.versions(code)
    return versions[-1].name if versions else code


def body_name_en(catalog: Catalog, code: str | None, on: date) -> str | None:
    if code is None:
        return None
    unit = body_unit(catalog, code, on) or next(iter(catalog.hierarchy.versions(code)), None)
    if unit is None:
        return code
    return unit.name_en or unit.name


def require_body(catalog: Catalog, code: str, days: tuple[date, ...], *,
                 field: str = "agency") -> Unit:
    """The body `code` names, which must be in force on every one of `days`."""
    units = [body_unit(catalog, code, d) for d in days]
    if any(u is None for u in units):
        missing = [d for d, u in zip(days, units, strict=True) if u is None]
        raise ValidationError(
            "Cơ quan xử lý không hợp lệ / The responsible body is not valid",
            [FieldError(field=field, value=code,
                        message=f"không có cơ quan hay xã, phường mã {code} hoạt động ngày "
                                f"{missing[0]:%d/%m/%Y}; chọn cơ quan trong danh sách / there "
                                f"is no agency or commune {code} in force on "
                                f"{missing[0]:%d/%m/%Y}; pick one from the list")])
    found = units[0]
    if found is None:  # for the type checker: checked above
        raise AssertionError(code)
    return found


@dataclass(frozen=True)
class Reach:
    """The bodies a principal reaches. A code names one unit only together with a date
    (codes were reused across the 2025 reform), so a code of which only some versions
    are in scope is reachable only on their days; the others are reachable always."""

    everything: bool = False
    codes: frozenset[str] = frozenset()
    spans: tuple[tuple[str, date | None, date | None], ...] = ()

    def allows(self, code: str, day: date) -> bool:
        if self.everything or code in self.codes:
            return True
        return any(c == code and (f is None or f <= day) and (t is None or day <= t)
                   for c, f, t in self.spans)

    def touches(self, code: str) -> bool:
        """Whether some version of `code` is reachable (to filter by it)."""
        return self.everything or code in self.codes or any(c == code for c, _, _ in self.spans)

    def where(self, code: Any, moment: Any) -> ColumnElement[bool] | None:
        """A condition on a code column and the moment its row is dated by (None: all)."""
        if self.everything:
            return None
        parts: list[ColumnElement[bool]] = []
        if self.codes:
            parts.append(code.in_(sorted(self.codes)))
        for c, first, last in self.spans:
            cond: list[ColumnElement[bool]] = [code == c]
            if first is not None:
                cond.append(moment >= stored(start_of_day(first)))
            if last is not None:
                cond.append(moment < stored(start_of_day(last + timedelta(days=1))))
            parts.append(and_(*cond))
        return or_(*parts) if parts else false()


def reach_of(catalog: Catalog, principal: Principal) -> Reach:
    """The bodies in a principal's scope (its units and every unit ever below them)."""
    ids = units_in_scope(catalog, principal)
    if ids is None:
        return Reach(everything=True)
    codes: set[str] = set()
    spans: list[tuple[str, date | None, date | None]] = []
    for code in sorted({catalog.hierarchy.unit(i).code for i in ids}):
        versions = catalog.hierarchy.versions(code)
        mine = [u for u in versions if u.id in ids]
        if len(mine) == len(versions):
            codes.add(code)
        else:
            spans.extend((code, u.valid_from, u.valid_to) for u in mine)
    return Reach(codes=frozenset(codes), spans=tuple(spans))


def check_body_in_scope(catalog: Catalog, principal: Principal, code: str, day: date | None,
                        *, what: str) -> None:
    """Refuse unless `code` (on `day`; any day when None) is one of the principal's bodies."""
    reach = reach_of(catalog, principal)
    if reach.allows(code, day) if day is not None else reach.touches(code):
        return
    raise PermissionDenied(
        f"{what} thuộc {code}, ngoài phạm vi tài khoản của bạn / {what} belongs to "
        f"{code}, outside the units of your account ({principal.name})",
        [FieldError(field="agency", value=code,
                    message="chỉ cơ quan xử lý mới xem và xử lý được / only the body "
                            "responsible may see and handle it")])


def bodies_on(catalog: Catalog, on: date) -> list[Unit]:
    """Every agency and commune in force on `on`: agencies first, then communes, by name."""
    units = [u for u in catalog.hierarchy.in_force(on) if u.level in BODY_LEVELS]
    return sorted(units, key=lambda u: (u.level is UnitLevel.COMMUNE, u.name))


def body_choices(*, session: Session, on: date) -> list[tuple[str, str]]:
    """(code, name) of every body a report or dossier can go to on `on`."""
    with session.begin():
        catalog = load_catalog(session)
    return [(u.code, u.name) for u in bodies_on(catalog, on)]
