"""One form to add an indicator or change its definition, with a preview of a derived
indicator's values before anything is saved.

Adding goes through `create_indicator`, changing through `edit_indicator` (a new version
in force from the day given), previewing through `preview_formula`: the same services as
the API, so a formula is refused here exactly as there (unknown code, cycle, syntax),
named beside the formula field, and nothing is stored.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.errors import FansipanError, FieldError, ValidationError
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.errors import field_problems
from fansipan.locale import tr
from fansipan.services.insight.formula_preview import (
    FormulaPreview,
    FormulaPreviewResult,
    preview_formula,
)
from fansipan.services.warehouse.catalogue_admin import IndicatorEdit, edit_indicator
from fansipan.services.warehouse.catalogue_list import read_classes, read_indicator
from fansipan.services.warehouse.indicators import IndicatorCreate, create_indicator
from fansipan.web.deps import Lang, Viewer, WarehouseDep, page_router
from fansipan.web.indicator_form import (
    NOTHING_TO_PREVIEW,
    OPTIONS,
    Typed,
    beside_fields,
    codes,
    preview_defaults,
    read_form,
    shown_of,
)
from fansipan.web.pages import render

router = page_router()
router.dependencies.append(AdminNetwork)
Code = Annotated[str, Path(min_length=1, max_length=60)]


def _form(request: Request, session: Session, viewer: Principal, lang: str, *,
          code: str | None, shown: dict[str, str], levels: list[str], status: int = 200,
          errors: list[FieldError] | None = None,
          preview: FormulaPreviewResult | None = None, derived: bool = False) -> Response:
    classes = read_classes(session=session, principal=viewer)
    # A formula's problems are named by the indicator whose formula it is: on this form
    # that is the formula field.
    errors = [replace(e, field="formula") if e.field.isupper() else e for e in errors or []]
    title = (tr(lang, "Change {code}", code=code) if code else tr(lang, "New indicator"))
    return render(request, "admin_indicator_form.html", status=status, title=title,
                  code=code, shown=shown, levels=levels, options=OPTIONS, classes=classes,
                  errors=errors, beside=beside_fields(errors), preview=preview,
                  derived=derived or bool(shown.get("formula")))


@router.get("/admin/catalogue/new")
def new_form(request: Request, session: SessionDep, viewer: Viewer, lang: Lang) -> Response:
    shown = {"value_type": "number", "agg_units": "sum", "agg_time": "sum",
             "direction": "up", "periodicity": "month", "decimals": "0",
             **preview_defaults(date.today())}
    return _form(request, session, viewer, lang, code=None, shown=shown, levels=[])


@router.get("/admin/catalogue/{code}/edit")
def edit_form(code: Code, request: Request, session: SessionDep, viewer: Viewer,
              lang: Lang) -> Response:
    ind = read_indicator(session=session, principal=viewer, code=code)
    shown = {**shown_of(ind), **preview_defaults(date.today())}
    return _form(request, session, viewer, lang, code=ind.code, shown=shown,
                 levels=ind.levels, derived=ind.formula is not None)


@router.get("/admin/catalogue/{code}/edit.json")
def edit_form_json(code: Code, session: SessionDep, viewer: Viewer) -> Response:
    """The definition the edit form starts from, and its fields as the form shows them
    (the new-indicator form is blank and has no twin)."""
    ind = read_indicator(session=session, principal=viewer, code=code)
    return JSONResponse({"indicator": ind.model_dump(mode="json"),
                         "form": {**shown_of(ind), "levels": ind.levels}},
                        headers={"cache-control": "no-store"})


async def _read(request: Request) -> tuple[dict[str, str], list[str]]:
    async with request.form(max_fields=60) as form:
        fields = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
        levels = [v for v in form.getlist("levels") if isinstance(v, str)]
    return fields, levels


@router.post("/admin/catalogue/new")
async def new_save(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                   warehouse: WarehouseDep) -> Response:
    fields, levels = await _read(request)
    return await run_in_threadpool(_submit, request, session, viewer, lang, warehouse,
                                   None, fields, levels)


@router.post("/admin/catalogue/{code}/edit")
async def edit_save(code: Code, request: Request, session: SessionDep, viewer: Viewer,
                    lang: Lang, warehouse: WarehouseDep) -> Response:
    fields, levels = await _read(request)
    ind = await run_in_threadpool(read_indicator, session=session, principal=viewer,
                                  code=code)
    return await run_in_threadpool(_submit, request, session, viewer, lang, warehouse,
                                   ind.code, fields, levels)


def _submit(request: Request, session: Session, viewer: Principal, lang: str,
            warehouse: Warehouse, code: str | None, fields: dict[str, str],
            levels: list[str]) -> Response:
    """Preview or save; any refusal shows the form again as typed, with nothing stored."""
    typed = read_form(fields, levels, creating=code is None)

    def again(status: int, errors: list[FieldError],
              preview: FormulaPreviewResult | None = None) -> Response:
        return _form(request, session, viewer, lang, code=code, shown=typed.shown,
                     levels=typed.levels, status=status, errors=errors, preview=preview)

    if typed.errors:
        return again(422, typed.errors)
    try:
        if fields.get("action") == "preview":
            return again(200, [], _preview(session, warehouse, viewer, code, typed))
        saved = _save(session, viewer, code, typed)
    except PydanticError as exc:
        return again(422, field_problems(exc))
    except FansipanError as exc:
        if exc.status in (401, 403):
            raise
        return again(exc.status, exc.errors or [FieldError(field="formula",
                                                           message=exc.message)])
    done = "created" if code is None else "edited"
    return RedirectResponse(f"/admin/catalogue/{saved}?done={done}", status_code=303)


def _preview(session: Session, warehouse: Warehouse, viewer: Principal, code: str | None,
             typed: Typed) -> FormulaPreviewResult:
    formula = typed.data.get("formula") or ""
    if not formula:
        raise ValidationError(NOTHING_TO_PREVIEW, [FieldError(field="formula",
                                                              message=NOTHING_TO_PREVIEW)])
    data = FormulaPreview.model_validate({
        "formula": formula, "code": code, "units": codes(typed.shown["preview_units"]),
        "periods": codes(typed.shown["preview_periods"])})
    return preview_formula(session=session, warehouse=warehouse, principal=viewer, data=data)


def _save(session: Session, viewer: Principal, code: str | None, typed: Typed) -> str:
    """The code of the indicator added or changed."""
    if code is None:
        made = create_indicator(session=session, principal=viewer,
                                data=IndicatorCreate.model_validate(typed.data))
        return made.code
    changed = edit_indicator(session=session, principal=viewer, code=code,
                             data=IndicatorEdit.model_validate(typed.data))
    return changed.code
