"""The indicator catalogue (danh mục chỉ tiêu) for administrators: every indicator with
its sector, group, type and state, found by sector and by words typed with or without
accents; and the sectors and indicator groups, each added or renamed by a small form.

Reading goes through `catalogue_list`, writing through `classes.save_class`, as the API
does; the page only reads the form and says the outcome.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Literal

from fastapi import Query, Request
from fastapi.responses import Response
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Principal
from fansipan.errors import FansipanError, FieldError, Message, msg
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.errors import field_problems
from fansipan.locale import tr
from fansipan.services.warehouse.catalogue_list import (
    CataloguePage,
    CatalogueQuery,
    read_catalogue,
)
from fansipan.services.warehouse.classes import ClassWrite, save_class
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.labels import label
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
router.dependencies.append(AdminNetwork)
Text = Annotated[str, Query(max_length=100)]


def _read(session: Session, viewer: Principal, sector: str, q: str) -> CataloguePage:
    return read_catalogue(session=session, principal=viewer,
                          query=CatalogueQuery(sector=sector or None, text=q))


def catalogue_response(request: Request, session: Session, viewer: Principal, lang: str, *,
          sector: str = "", q: str = "", status: int = 200, message: Message | str = "",
          errors: list[FieldError] | None = None, form: str = "",
          typed: dict[str, str] | None = None) -> Response:
    found = _read(session, viewer, sector, q)
    return render(request, "admin_catalogue.html", status=status,
                  title=tr(lang, "Indicator catalogue"), found=found,
                  filters={"sector": sector, "q": q}, message=message, errors=errors or [],
                  form=form, typed=typed or {}, today=date.today())


@router.get("/admin/catalogue")
def catalogue_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                   sector: Text = "", q: Text = "") -> Response:
    return catalogue_response(request, session, viewer, lang, sector=sector, q=q)


@router.get("/admin/catalogue.{fmt}")
def catalogue_table(fmt: str, session: SessionDep, viewer: Viewer, lang: Lang,
                    sector: Text = "", q: Text = "") -> Response:
    """The list as the page filters it."""
    form = check_format(fmt)
    found = _read(session, viewer, sector, q)
    sectors = {s.code: s.name_en if lang == "en" else s.name_vi for s in found.sectors}
    groups = {g.code: g.name_en if lang == "en" else g.name_vi for g in found.groups}
    _t = partial(tr, lang)
    table = Table(name="danh-muc-chi-tieu", title=_t("Indicator catalogue"),
                  keys=["code", "name_vi", "name_en", "sector", "group", "value_type",
                        "unit_of_measure", "periodicity", "derived", "formula",
                        "retired_from"],
                  labels=[_t("Code"), _t("Name (Vietnamese)"), _t("Name (English)"),
                          _t("Sector"), _t("Indicator group"), _t("Value type"),
                          _t("Unit of measure"), _t("Reported"), _t("Derived"),
                          _t("Formula"), _t("Retired from")])
    for i in found.indicators:
        table.rows.append([i.code, i.name_vi, i.name_en, sectors.get(i.sector, i.sector),
                           groups.get(i.group or "", i.group or ""),
                           label("value_type", i.value_type, lang),
                           i.unit_en if lang == "en" else i.unit_vi,
                           label("periodicity", i.periodicity, lang), i.formula is not None,
                           i.formula or "", i.retired_from])
    return download(table, form, mark=None, lang=lang)


@router.post("/admin/catalogue/sectors")
async def sector_save(request: Request, session: SessionDep, viewer: Viewer,
                      lang: Lang) -> Response:
    """Add a sector, or rename one (the same code again)."""
    return await _save_class(request, session, viewer, lang, "sectors")


@router.post("/admin/catalogue/groups")
async def group_save(request: Request, session: SessionDep, viewer: Viewer,
                     lang: Lang) -> Response:
    """Add an indicator group, or rename one (the same code again)."""
    return await _save_class(request, session, viewer, lang, "groups")


async def _save_class(request: Request, session: Session, viewer: Principal, lang: str,
                      which: str) -> Response:
    async with request.form(max_fields=10) as form:
        fields = {k: v.strip() for k, v in form.items() if isinstance(v, str)}

    def work() -> Response:
        kind: Literal["sector", "group"] = "sector" if which == "sectors" else "group"
        typed = {k: v for k, v in fields.items() if k != "csrf_token"}
        again = partial(catalogue_response, request, session, viewer, lang, form=which, typed=typed)
        try:
            data = ClassWrite.model_validate({
                "name_vi": fields.get("name_vi", ""), "name_en": fields.get("name_en", ""),
                "sort": fields.get("sort", "") or 0})
            saved = save_class(session=session, principal=viewer, kind=kind,
                               code=fields.get("code", ""), data=data)
        except PydanticError as exc:
            return again(status=422, errors=field_problems(exc))
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            return again(status=exc.status, errors=exc.errors or [
                FieldError(field="code", message=exc.message)])
        said = (msg("Saved the sector {code}.", code=saved.code) if kind == "sector"
                else msg("Saved the indicator group {code}.", code=saved.code))
        return catalogue_response(request, session, viewer, lang, message=said)

    return await run_in_threadpool(work)
