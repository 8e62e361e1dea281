"""Sectors (lĩnh vực) and indicator groups (nhóm chỉ tiêu): added and renamed by an
administrator, each change audited with the old and the new names."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FieldError, ValidationError, msg
from fansipan.services.catalog import forget_catalog
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.store.audit import audited_transaction
from fansipan.store.catalogue_tables import IndicatorGroupRow
from fansipan.store.tables import SectorRow

CODE = r"[a-z][a-z0-9_]*"


class ClassWrite(BaseModel):
    name_vi: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    sort: int = Field(default=0, ge=0, le=10_000)


class ClassPublic(BaseModel):
    kind: str
    code: str
    name_vi: str
    name_en: str
    sort: int


Kind = Literal["sector", "group"]


def _table(kind: Kind) -> Any:
    """The table (the two have the same columns)."""
    return SectorRow if kind == "sector" else IndicatorGroupRow


def list_classes(*, session: Session, kind: Kind) -> list[ClassPublic]:
    table = _table(kind)
    with session.begin():
        rows = list(session.scalars(select(table).order_by(table.sort, table.code)))
    return [ClassPublic(kind=kind, code=r.code, name_vi=r.name_vi, name_en=r.name_en,
                        sort=r.sort) for r in rows]


def save_class(*, session: Session, principal: Principal, kind: Kind,
               code: str, data: ClassWrite) -> ClassPublic:
    """Add a sector or group, or rename it; audited (old and new names)."""
    require(principal, Permission.MANAGE_METADATA)
    if not re.fullmatch(CODE, code) or len(code) > 40:
        raise ValidationError(msg("Bad code"), [FieldError(field="code", value=code, message=msg(
            "a code is lower-case letters, digits and _ (at most 40), such as 'telecom'"))])
    table = _table(kind)
    with audited_transaction(session):
        row = session.get(table, code)
        before = None if row is None else {"name_vi": row.name_vi, "name_en": row.name_en,
                                           "sort": row.sort}
        if row is None:
            row = table(code=code)
            session.add(row)
        row.name_vi, row.name_en, row.sort = data.name_vi, data.name_en, data.sort
        record(session, principal, f"{kind}.{'create' if before is None else 'edit'}",
               target=code, detail={"old": before, "new": data.model_dump()})
    forget_catalog()
    return ClassPublic(kind=kind, code=code, **data.model_dump())

