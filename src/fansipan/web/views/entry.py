"""Data entry for officers: a grid of one unit × one period × one indicator group."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from fansipan.errors import FansipanError, FieldError
from fansipan.http.deps import SessionDep
from fansipan.locale import tr
from fansipan.services.warehouse.approvals import change_state
from fansipan.services.warehouse.entry import entry_grid, save_entry
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.formatting import period_name
from fansipan.web.pages import render

router = page_router()

PeriodQuery = Query(default=None, max_length=24, description="A month, quarter or year")
UnitQuery = Query(default=None, max_length=40, description="A unit code or uid")
SectorQuery = Query(default=None, max_length=40, description="An indicator group (sector)")
MAX_FIELDS = 500


def _render(request: Request, session: SessionDep, viewer: Viewer, lang: str,
            unit: str | None, period: str | None, sector: str | None, *, status: int = 200,
            message: str = "", errors: list[FieldError] | None = None,
            field_errors: dict[str, list[str]] | None = None,
            typed: dict[str, str] | None = None) -> Response:
    grid = entry_grid(session=session, principal=viewer, unit=unit, period=period,
                      sector=sector, lang=lang)
    return render(request, "entry.html", status=status, title=tr(lang, "Enter data"),
                  grid=grid, message=message, field_errors=field_errors or {}, errors=errors or [],
                  typed=typed or {})


@router.get("/entry")
def entry_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
               unit: str | None = UnitQuery, period: str | None = PeriodQuery,
               sector: str | None = SectorQuery) -> Response:
    return _render(request, session, viewer, lang, unit, period, sector)


@router.post("/entry")
async def entry_save(request: Request, session: SessionDep, viewer: Viewer,
                     lang: Lang) -> Response:
    form = await request.form()
    fields = {str(k): str(v) for k, v in list(form.multi_items())[:MAX_FIELDS * 2 + 10]
              if isinstance(v, str)}
    unit, period, sector = fields.get("unit", ""), fields.get("period", ""), fields.get("sector")
    action = fields.get("action", "save")
    values = {k[2:]: v for k, v in fields.items() if k.startswith("v:")}
    comments = {k[2:]: v for k, v in fields.items() if k.startswith("c:")}
    if not unit or not period:
        return _render(request, session, viewer, lang, unit or None, period or None, sector,
                       status=422, errors=[FieldError(field="unit", message=tr(
                           lang, "Choose unit, period and group"))])
    def work() -> Response:
        result = save_entry(session=session, principal=viewer, unit=unit, period=period,
                            values=values, comments=comments, lang=lang)
        if not result.saved:
            general = [FieldError(field="*", message=m) for m in result.errors.pop("*", [])]
            return _render(request, session, viewer, lang, unit, period, sector, status=422,
                           field_errors=result.errors, errors=general, typed=values)
        out = result.outcome
        message = tr(lang, "Saved: {created} new, {updated} changed, {unchanged} unchanged.",
                     created=out.created, updated=out.updated, unchanged=out.unchanged)
        if action == "submit":
            try:
                done = change_state(session=session, principal=viewer, unit=unit,
                                    period=period, action="submit")
            except FansipanError as exc:
                return _render(request, session, viewer, lang, unit, period, sector,
                               status=exc.status, message=message,
                               errors=exc.errors or [FieldError(field="approval",
                                                                message=exc.message)])
            message += " " + tr(lang, "Submitted {unit}, {period} for approval.",
                                unit=done.unit_name,
                                period=period_name(done.period, lang))
        return _render(request, session, viewer, lang, unit, period, sector, message=message)

    return await run_in_threadpool(work)
