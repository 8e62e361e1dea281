"""One indicator for its administrator: the definition in force, every version of it
(what changed, from what to what, when and by whom), and the buttons to retire it with
a reason, bring it back, or delete it while it has never held data.

Retiring and deleting are `retire_indicator` and `delete_indicator`; the refusal of a
delete (values, targets, a formula naming it) is the service's message, shown as is.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Principal
from fansipan.errors import FansipanError, FieldError, Message, ValidationError, msg
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.http.errors import field_problems
from fansipan.locale import tr
from fansipan.services.foresight.regimes import RegimeWrite, list_regimes, set_regime
from fansipan.services.warehouse.catalogue_admin import (
    IndicatorRetire,
    delete_indicator,
    retire_indicator,
)
from fansipan.services.warehouse.catalogue_list import read_classes, read_indicator
from fansipan.services.warehouse.indicator_history import list_versions
from fansipan.web.days import iso_day
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.pages import render
from fansipan.web.views.admin_catalogue import catalogue_response

router = page_router()
router.dependencies.append(AdminNetwork)
Code = Annotated[str, Path(min_length=1, max_length=60)]
DONE: dict[str, Message] = {
    "created": msg("Added the indicator."),
    "edited": msg("Saved the definition; a change is a new version from the day given."),
}


def _page(request: Request, session: Session, viewer: Principal, lang: str, code: str, *,
          status: int = 200, message: Message | str = "",
          errors: list[FieldError] | None = None) -> Response:
    ind = read_indicator(session=session, principal=viewer, code=code)
    versions = list_versions(session=session, principal=viewer, code=ind.code)
    classes = read_classes(session=session, principal=viewer)
    regime = next((r for r in list_regimes(session=session) if r.indicator == ind.code), None)
    return render(request, "admin_indicator.html", status=status,
                  title=tr(lang, "{code} — Indicator catalogue", code=ind.code), ind=ind,
                  versions=versions, message=message, errors=errors or [],
                  sectors={s.code: s for s in classes.sectors},
                  groups={g.code: g for g in classes.groups}, today=date.today(),
                  regime=regime)


@router.get("/admin/catalogue/{code}.json")
def indicator_json(code: Code, session: SessionDep, viewer: Viewer) -> Response:
    ind = read_indicator(session=session, principal=viewer, code=code)
    versions = list_versions(session=session, principal=viewer, code=ind.code)
    return JSONResponse({"indicator": ind.model_dump(mode="json"),
                         "versions": [v.model_dump(mode="json") for v in versions]},
                        headers={"cache-control": "no-store"})


@router.get("/admin/catalogue/{code}")
def indicator_page(code: Code, request: Request, session: SessionDep, viewer: Viewer,
                   lang: Lang, done: Annotated[str, Query(max_length=20)] = "") -> Response:
    return _page(request, session, viewer, lang, code, message=DONE.get(done, ""))


@router.post("/admin/catalogue/{code}")
async def indicator_action(code: Code, request: Request, session: SessionDep,
                           viewer: Viewer, lang: Lang) -> Response:
    async with request.form(max_fields=10) as form:
        fields = {k: v.strip() for k, v in form.items() if isinstance(v, str)}

    def work() -> Response:
        action = fields.get("action", "")
        try:
            if action == "delete":
                delete_indicator(session=session, principal=viewer, code=code)
                return catalogue_response(request, session, viewer, lang, message=msg(
                    "Deleted the indicator {code}.", code=code))
            if action == "retire":
                said = _retire(session, viewer, code, fields)
            elif action == "regime":
                said = _regime(session, viewer, code, fields)
            elif action == "restore":
                retire_indicator(session=session, principal=viewer, code=code,
                                 data=IndicatorRetire(retired_from=None,
                                                      note=fields.get("note", "")))
                said = msg("The indicator takes values again.")
            else:
                raise ValidationError(msg("Unknown action"), [FieldError(
                    field="action", value=action[:40], message=msg("choose one of the buttons"))])
        except PydanticError as exc:
            return _page(request, session, viewer, lang, code, status=422,
                         errors=field_problems(exc))
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            return _page(request, session, viewer, lang, code, status=exc.status,
                         errors=exc.errors or [FieldError(field="action",
                                                          message=exc.message)])
        return _page(request, session, viewer, lang, code, message=said)

    return await run_in_threadpool(work)


def _retire(session: Session, viewer: Principal, code: str, fields: dict[str, str]) -> Message:
    """Retire from the day given; a reason is required, as it is kept in the audit log."""
    note = fields.get("note", "")
    if not note:
        raise ValidationError(msg("A reason is needed"), [FieldError(
            field="note", message=msg("say why the indicator is retired"))])
    data = IndicatorRetire.model_validate({"retired_from": iso_day(fields.get("retired_from"),
                                                                   "retired_from") or None,
                                           "note": note})
    if data.retired_from is None:
        raise ValidationError(msg("A day is needed"), [FieldError(
            field="retired_from", message=msg("give the first day it takes no values"))])
    retire_indicator(session=session, principal=viewer, code=code, data=data)
    return msg("Retired the indicator from {day}.", day=data.retired_from.strftime("%d/%m/%Y"))


def _regime(session: Session, viewer: Principal, code: str, fields: dict[str, str]) -> Message:
    """The reporting regime's deadline: working days after the cut-off, or a day of a
    month counted from the period's last month; the rest keeps the regime's defaults."""
    due = fields.get("due", "")
    data = RegimeWrite.model_validate({
        "due": due, "days": fields.get("days") or 2,
        "day": fields.get("day") or None if due == "day_of_month" else None,
        "month_offset": fields.get("month_offset") or 0,
        "effective_from": iso_day(fields.get("regime_from"), "regime_from") or None})
    set_regime(session=session, principal=viewer, indicator=code, data=data)
    return msg("Saved the reporting regime.")
