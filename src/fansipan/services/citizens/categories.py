"""Report categories and their routing table: shipped defaults, read, and changed by an
administrator (audited).

The province ships with ten categories (`fansipan/data/citizens/categories.json`):
roads and landslides, electricity, water, environment, urban order, tourism services.
`load_categories` adds the ones missing, never overwriting an administrator's changes;
`save_category` creates or replaces one, its questions and its routes, after checking
that every body and area it names is a unit of the province.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.report_categories import (
    COMMUNE,
    Category,
    Choice,
    Question,
    category_problems,
)
from fansipan.domain.units import UnitLevel
from fansipan.errors import FieldError, NotFound, ValidationError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.trust.access import require
from fansipan.services.trust.audit import record
from fansipan.store.audit import AuditRecord, append_events, audited_transaction
from fansipan.store.citizens_tables import ServiceCategoryRow, ServiceRouteRow

SHIPPED = "citizens/categories.json"
#: Bodies a report can be given to: agencies, and communes' People's Committees.
BODY_LEVELS = (UnitLevel.AGENCY, UnitLevel.COMMUNE)


# --------------------------------------------------------------------------- shipped


@cache
def shipped_file() -> dict[str, Any]:
    resource = files("fansipan.data").joinpath(*SHIPPED.split("/"))
    data: dict[str, Any] = json.loads(resource.read_text(encoding="utf-8"))
    return data


def intake_body() -> str:
    """The body that holds a report until it is routed (the operations centre)."""
    return str(shipped_file()["intake_agency"])


def shipped_categories() -> list[Category]:
    """The categories the province ships with, checked."""
    out = []
    for n, raw in enumerate(shipped_file()["categories"], start=1):
        category = category_from_json(raw)
        problems = category_problems(category)
        if problems:
            raise ValueError(f"{SHIPPED}, category {n} ({category.code}): "
                             + "; ".join(f"{f}: {m}" for f, m in problems))
        out.append(category)
    return out


def category_from_json(raw: dict[str, Any]) -> Category:
    """A category from the shipped file's shape (also the API's, see CategoryWrite)."""
    questions = tuple(
        Question(code=q["code"], datatype=q["datatype"], description_vi=q["description_vi"],
                 description_en=q["description_en"], required=bool(q.get("required", False)),
                 variable=bool(q.get("variable", True)),
                 datatype_description=q.get("datatype_description"),
                 choices=tuple(Choice(c["key"], c["name_vi"], c["name_en"])
                               for c in q.get("values", [])))
        for q in raw.get("attributes", []))
    return Category(
        code=raw["code"], name_vi=raw["name_vi"], name_en=raw["name_en"],
        agency=raw["agency"], deadline_days=raw.get("deadline_days"),
        description_vi=raw.get("description_vi", ""),
        description_en=raw.get("description_en", ""), group_vi=raw.get("group_vi", ""),
        group_en=raw.get("group_en", ""), keywords=tuple(raw.get("keywords", [])),
        service_type=raw.get("type", "realtime"),
        routes=tuple(sorted((str(a), str(b)) for a, b in raw.get("routes", {}).items())),
        questions=questions, active=bool(raw.get("active", True)), sort=int(raw.get("sort", 0)))


def _questions_json(category: Category) -> str:
    return json.dumps([
        {"code": q.code, "datatype": q.datatype, "description_vi": q.description_vi,
         "description_en": q.description_en, "required": q.required, "variable": q.variable,
         "datatype_description": q.datatype_description,
         "values": [{"key": c.key, "name_vi": c.name_vi, "name_en": c.name_en}
                    for c in q.choices]}
        for q in category.questions], ensure_ascii=False)


# --------------------------------------------------------------------------- reading


def _category(row: ServiceCategoryRow, routes: list[ServiceRouteRow]) -> Category:
    raw = {"code": row.code, "name_vi": row.name_vi, "name_en": row.name_en,
           "agency": row.agency_code, "deadline_days": row.deadline_days,
           "description_vi": row.description_vi, "description_en": row.description_en,
           "group_vi": row.group_vi, "group_en": row.group_en,
           "keywords": [k for k in row.keywords.split("|") if k], "type": row.service_type,
           "routes": {r.area_code: r.agency_code for r in routes},
           "attributes": json.loads(row.attributes or "[]"), "active": row.active,
           "sort": row.sort}
    return category_from_json(raw)


def read_categories(session: Session, *, active_only: bool = True) -> list[Category]:
    """Every category in display order (inside the caller's transaction)."""
    stmt = select(ServiceCategoryRow).order_by(ServiceCategoryRow.sort, ServiceCategoryRow.code)
    if active_only:
        stmt = stmt.where(ServiceCategoryRow.active.is_(True))
    rows = session.scalars(stmt).all()
    routes: dict[str, list[ServiceRouteRow]] = {}
    for r in session.scalars(select(ServiceRouteRow)):
        routes.setdefault(r.category_code, []).append(r)
    return [_category(r, routes.get(r.code, [])) for r in rows]


def list_categories(*, session: Session, active_only: bool = True) -> list[Category]:
    """The categories (public reference data: anyone may read them)."""
    with session.begin():
        return read_categories(session, active_only=active_only)


def find_category(session: Session, code: str, *, active_only: bool = True) -> Category:
    """One category by code (inside the caller's transaction), or NotFound."""
    row = session.get(ServiceCategoryRow, code)
    if row is None or (active_only and not row.active):
        raise NotFound(f"Không có loại phản ánh {code} / No such report category",
                       [FieldError(field="service_code", value=code[:40],
                                   message="xem danh sách loại phản ánh / list the "
                                           "categories to see their codes")])
    routes = list(session.scalars(select(ServiceRouteRow).where(
        ServiceRouteRow.category_code == code)))
    return _category(row, routes)


# --------------------------------------------------------------------------- writing


class ChoiceWrite(BaseModel):
    key: str = Field(min_length=1, max_length=60)
    name_vi: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)


class QuestionWrite(BaseModel):
    code: str = Field(min_length=1, max_length=40)
    datatype: str = Field(examples=["string"])
    description_vi: str = Field(min_length=1, max_length=500)
    description_en: str = Field(min_length=1, max_length=500)
    required: bool = False
    variable: bool = True
    datatype_description: str | None = Field(default=None, max_length=300)
    values: list[ChoiceWrite] = Field(default=[], max_length=100)


class CategoryWrite(BaseModel):
    """A category as an administrator sends it (the shipped file has the same shape)."""

    name_vi: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    agency: str = Field(min_length=1, max_length=40, examples=["so-xay-dung", "@commune"],
                        description="The body responsible by default: an agency or "
                                    "commune code, or @commune (the report's commune)")
    deadline_days: int | None = Field(default=None, ge=0, le=130,
                                      description="Working days to deal with a report")
    description_vi: str = Field(default="", max_length=2000)
    description_en: str = Field(default="", max_length=2000)
    group_vi: str = Field(default="", max_length=100)
    group_en: str = Field(default="", max_length=100)
    keywords: list[str] = Field(default=[], max_length=20)
    type: str = Field(default="realtime", pattern="^(realtime|batch|blackbox)$")
    routes: dict[str, str] = Field(default={}, description="Area code → body, where it "
                                                           "differs from the default")
    attributes: list[QuestionWrite] = Field(default=[], max_length=50)
    active: bool = True
    sort: int = Field(default=0, ge=0, le=10_000)


class CategoryPublic(BaseModel):
    code: str
    name_vi: str
    name_en: str
    agency: str
    deadline_days: int | None
    group_vi: str
    group_en: str
    type: str
    routes: dict[str, str]
    questions: int
    active: bool


def category_public(category: Category) -> CategoryPublic:
    return CategoryPublic(code=category.code, name_vi=category.name_vi,
                          name_en=category.name_en, agency=category.agency,
                          deadline_days=category.deadline_days, group_vi=category.group_vi,
                          group_en=category.group_en, type=category.service_type,
                          routes=dict(category.routes), questions=len(category.questions),
                          active=category.active)


def check_bodies(catalog: Catalog, category: Category, on: date) -> list[FieldError]:
    """Every body named is an agency or commune in force on `on`; every area a unit."""
    errors: list[FieldError] = []

    def body_ok(code: str, field: str) -> None:
        if code == COMMUNE:
            return
        found = [u for u in catalog.hierarchy.versions(code) if u.in_force(on)]
        if not any(u.level in BODY_LEVELS for u in found):
            errors.append(FieldError(
                field=field, value=code,
                message=f"không có cơ quan hay xã, phường mã {code} đang hoạt động; dùng mã "
                        f"cơ quan (ví dụ so-xay-dung), mã xã hoặc {COMMUNE} / there is no "
                        f"agency or commune {code} in force; use an agency code such as "
                        f"so-xay-dung, a commune code, or {COMMUNE}"))

    body_ok(category.agency, "agency")
    for area, body in category.routes:
        if not any(u.in_force(on) for u in catalog.hierarchy.versions(area)):
            errors.append(FieldError(
                field=f"routes.{area}", value=area,
                message=f"không có địa bàn mã {area} đang có hiệu lực / there is no unit "
                        f"{area} in force"))
        body_ok(body, f"routes.{area}")
    return errors


def save_category(*, session: Session, principal: Principal, code: str,
                  data: CategoryWrite) -> CategoryPublic:
    """Create or replace a category, its questions and routes (administrators; audited)."""
    require(principal, Permission.MANAGE_METADATA)
    raw = data.model_dump()
    raw["code"] = code
    raw["attributes"] = [{**q, "values": q["values"]} for q in raw["attributes"]]
    category = category_from_json(raw)
    problems = category_problems(category)
    if problems:
        raise ValidationError(f"Loại phản ánh {code} chưa hợp lệ / Category {code} is not "
                              "valid", [FieldError(field=f, message=m) for f, m in problems])
    with audited_transaction(session):
        catalog = load_catalog(session)
        errors = check_bodies(catalog, category, date.today())
        if errors:
            raise ValidationError(f"Loại phản ánh {code} nêu đơn vị không tồn tại / "
                                  f"Category {code} names units that do not exist", errors)
        existed = session.get(ServiceCategoryRow, code) is not None
        _write(session, category, principal.actor)
        record(session, principal, "category.save", target=code,
               detail={"created": not existed, "agency": category.agency,
                       "deadline_days": category.deadline_days,
                       "routes": dict(category.routes), "active": category.active})
    return category_public(category)


def _write(session: Session, category: Category, actor: str) -> None:
    row = session.get(ServiceCategoryRow, category.code)
    if row is None:
        row = ServiceCategoryRow(code=category.code)
        session.add(row)
    row.name_vi, row.name_en = category.name_vi, category.name_en
    row.description_vi, row.description_en = category.description_vi, category.description_en
    row.group_vi, row.group_en = category.group_vi, category.group_en
    row.keywords = "|".join(category.keywords)
    row.service_type = category.service_type
    row.deadline_days = category.deadline_days
    row.agency_code = category.agency
    row.attributes = _questions_json(category)
    row.active, row.sort = category.active, category.sort
    row.updated_by, row.updated_at = actor, datetime.now(UTC)
    session.flush()
    session.execute(delete(ServiceRouteRow).where(ServiceRouteRow.category_code == category.code))
    session.add_all(ServiceRouteRow(category_code=category.code, area_code=a, agency_code=b)
                    for a, b in category.routes)
    session.flush()


def load_categories(*, session: Session) -> int:
    """Add the shipped categories that are missing; returns how many were added."""
    with audited_transaction(session):
        have = set(session.scalars(select(ServiceCategoryRow.code)))
        new = [c for c in shipped_categories() if c.code not in have]
        for category in new:
            _write(session, category, "reference")
        if new:
            append_events(session, [AuditRecord(
                action="category.load", actor="reference", actor_kind="system",
                target="shipped report categories",
                detail={"categories": [c.code for c in new]})])
    return len(new)
