"""Units and agencies (đơn vị) for administrators: the list of every version, current or
ended, a new unit, and one version's rename or end.

Every change is `services.warehouse.unit_admin` (audited there), the same functions the
API and the CLI call; the pages only read the form and say the outcome.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError, Message, ValidationError, msg
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.errors import field_problems
from fansipan.locale import tr
from fansipan.services.trust.access import require
from fansipan.services.warehouse.unit_admin import UnitCreate, UnitEdit, add_unit, edit_unit
from fansipan.services.warehouse.unit_versions import (
    UnitVersion,
    UnitVersionQuery,
    list_unit_versions,
)
from fansipan.services.warehouse.units import get_unit
from fansipan.web.days import iso_day
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.labels import label
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
router.dependencies.append(AdminNetwork)
Text = Annotated[str, Query(max_length=100)]
Ref = Annotated[str, Path(min_length=1, max_length=100)]
LEVELS = ("province", "district", "commune", "agency")
STATUSES = ("current", "ended", "upcoming")
SHOWN = 1000  # rows of the page; a country's communes are in the downloads, whole
CREATE_FIELDS = ("code", "name_vi", "name_en", "level", "parent", "valid_from")


def _query(level: str, status: str, q: str) -> UnitVersionQuery:
    """The filters as typed; a choice that is not on the list is refused by name."""
    return UnitVersionQuery.model_validate({"level": level or None, "status": status or None,
                                            "text": q})


def _versions(session: Session, viewer: Principal, level: str, status: str,
              q: str) -> list[UnitVersion]:
    try:
        query = _query(level, status, q)
    except PydanticError as exc:
        raise RequestValidationError(exc.errors()) from None
    return list_unit_versions(session=session, principal=viewer, query=query)


def _list_page(request: Request, session: Session, viewer: Principal, lang: str, *,
               level: str = "", status: str = "", q: str = "", code: int = 200,
               message: Message | str = "", errors: list[FieldError] | None = None,
               typed: dict[str, str] | None = None) -> Response:
    units = _versions(session, viewer, level, status, q)
    asked = {k: v for k, v in (("level", level), ("status", status), ("q", q)) if v}
    return render(request, "admin_units.html", status=code, title=tr(lang, "Units"),
                  units=units, levels=LEVELS, statuses=STATUSES, message=message,
                  errors=errors or [], typed=typed or {},
                  filters={"level": level, "status": status, "q": q},
                  query=f"?{urlencode(asked)}" if asked else "", shown=SHOWN)


@router.get("/admin/units")
def units_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
               level: Text = "", status: Text = "", q: Text = "") -> Response:
    return _list_page(request, session, viewer, lang, level=level, status=status, q=q)


@router.get("/admin/units.{fmt}")
def units_table(fmt: str, session: SessionDep, viewer: Viewer, lang: Lang, level: Text = "",
                status: Text = "", q: Text = "") -> Response:
    form = check_format(fmt)
    units = _versions(session, viewer, level, status, q)
    _t = partial(tr, lang)
    table = Table(name="don-vi", title=_t("Units"),
                  keys=["uid", "code", "name", "name_en", "level", "parent", "parent_name",
                        "valid_from", "valid_to", "status"],
                  labels=[_t("Identifier"), _t("Code"), _t("Name"), _t("English name"),
                          _t("Level"), _t("Parent"), _t("Parent's name"), _t("Valid from"),
                          _t("Valid to"), _t("Status")])
    for u in units:
        table.rows.append([u.uid, u.code, u.name, u.name_en, label("level", u.level, lang),
                           u.parent, u.parent_name, u.valid_from, u.valid_to,
                           label("unit_status", u.status, lang)])
    return download(table, form, mark=None, lang=lang)


def _new_page(request: Request, lang: str, *, code: int = 200,
              errors: list[FieldError] | None = None,
              typed: dict[str, str] | None = None) -> Response:
    return render(request, "admin_unit_new.html", status=code, title=tr(lang, "New unit"),
                  levels=LEVELS, errors=errors or [], typed=typed or {})


@router.get("/admin/units/new")
def unit_new_page(request: Request, viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_METADATA)
    return _new_page(request, lang)


async def _fields(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    async with request.form(max_fields=20, max_files=0) as form:
        return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k in names}


@router.post("/admin/units/new")
async def unit_create(request: Request, session: SessionDep, viewer: Viewer,
                      lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_METADATA)
    fields = await _fields(request, CREATE_FIELDS)

    def work() -> Response:
        try:
            data = UnitCreate.model_validate({k: v for k, v in fields.items() if v} | (
                {"valid_from": iso_day(fields["valid_from"], "valid_from")}
                if fields.get("valid_from") else {}))
        except PydanticError as exc:
            return _new_page(request, lang, code=422, errors=field_problems(exc), typed=fields)
        except ValidationError as exc:
            return _new_page(request, lang, code=422, errors=exc.errors, typed=fields)
        try:
            made = add_unit(session=session, principal=viewer, data=data)
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            return _new_page(request, lang, code=exc.status, typed=fields, errors=exc.errors
                             or [FieldError(field="code", message=exc.message)])
        return _list_page(request, session, viewer, lang, q=made.code, message=msg(
            "Added the unit {code} ({name}).", code=made.code, name=made.name))

    return await run_in_threadpool(work)


def _edit_page(request: Request, session: Session, lang: str, ref: str, *, code: int = 200,
               message: Message | str = "", errors: list[FieldError] | None = None,
               typed: dict[str, str] | None = None) -> Response:
    unit = get_unit(session=session, ref=ref)
    return render(request, "admin_unit_edit.html", status=code,
                  title=tr(lang, "{name} — Units", name=unit.name), unit=unit,
                  message=message, errors=errors or [], typed=typed or {})


@router.get("/admin/units/{ref}/edit.json")
def unit_edit_json(ref: Ref, session: SessionDep, viewer: Viewer) -> Response:
    """The version the edit page changes, as the page shows it (the new-unit form is blank
    and has no twin: `/admin/units.json` lists every version)."""
    require(viewer, Permission.MANAGE_METADATA)
    unit = get_unit(session=session, ref=ref)
    return JSONResponse({"unit": unit.model_dump(mode="json")},
                        headers={"cache-control": "no-store"})


@router.get("/admin/units/{ref}/edit")
def unit_edit_page(ref: Ref, request: Request, session: SessionDep, viewer: Viewer,
                   lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_METADATA)
    return _edit_page(request, session, lang, ref)


def _edit_data(fields: dict[str, str]) -> UnitEdit:
    """What the form changes: the names as typed (an empty English name removes it), and
    an end date only when one is typed (an empty one leaves the unit as it is)."""
    given: dict[str, Any] = {"name_vi": fields.get("name_vi", ""),
                             "name_en": fields.get("name_en") or None}
    if fields.get("valid_to"):
        given["valid_to"] = iso_day(fields["valid_to"], "valid_to")
    return UnitEdit.model_validate(given)


@router.post("/admin/units/{ref}/edit")
async def unit_edit(ref: Ref, request: Request, session: SessionDep, viewer: Viewer,
                    lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_METADATA)
    fields = await _fields(request, ("name_vi", "name_en", "valid_to"))

    def work() -> Response:
        try:
            data = _edit_data(fields)
        except PydanticError as exc:
            return _edit_page(request, session, lang, ref, code=422, errors=field_problems(exc),
                              typed=fields)
        except ValidationError as exc:
            return _edit_page(request, session, lang, ref, code=422, errors=exc.errors,
                              typed=fields)
        try:
            changed = edit_unit(session=session, principal=viewer, ref=ref, data=data)
        except FansipanError as exc:
            if exc.status in (401, 403, 404):
                raise
            return _edit_page(request, session, lang, ref, code=exc.status, typed=fields,
                              errors=exc.errors or [FieldError(field="name_vi",
                                                               message=exc.message)])
        return _edit_page(request, session, lang, changed.uid, message=msg(
            "Saved the unit {code} ({name}).", code=changed.code, name=changed.name))

    return await run_in_threadpool(work)
