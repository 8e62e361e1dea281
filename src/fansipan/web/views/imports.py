"""Imports: upload a file, read its summary and every rejected row; get a template."""

from __future__ import annotations

from fastapi import Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Permission
from fansipan.domain.periods import parse_period
from fansipan.http.deps import SessionDep, SettingsDep
from fansipan.http.uploads import spool
from fansipan.locale import tr
from fansipan.services.exchange.templates import TemplateRequest, template_file_name
from fansipan.services.trust.access import require
from fansipan.services.warehouse.entry import entry_grid
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.importing import FileImporter, ImportOutcome
from fansipan.web.pages import render

router = page_router()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _importer(request: Request) -> FileImporter:
    importer: FileImporter = request.app.state.web_importer
    return importer


def _page(request: Request, session: SessionDep, viewer: Viewer, lang: str,
          outcome: ImportOutcome | None, status: int = 200) -> Response:
    # The template picker offers what the entry grid offers: the viewer's units, groups.
    grid = entry_grid(session=session, principal=viewer, unit=None, period=None, sector=None,
                      lang=lang)
    return render(request, "imports.html", status=status,
                  title=tr(lang, "Import data from a file"), outcome=outcome, grid=grid)


@router.get("/imports")
def imports_page(request: Request, session: SessionDep, viewer: Viewer,
                 lang: Lang) -> Response:
    require(viewer, Permission.WRITE_DATA)
    return _page(request, session, viewer, lang, None)


@router.post("/imports")
async def imports_upload(request: Request, session: SessionDep, settings: SettingsDep,
                         viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.WRITE_DATA)  # before reading a byte of the upload
    upload = await spool(request, settings)  # the one upload path, with its one limit

    def work() -> Response:
        try:
            outcome = _importer(request).import_file(
                session=session, principal=viewer, file_name=upload.file_name or "upload",
                path=upload.path, lang=lang)
        finally:
            upload.path.unlink(missing_ok=True)
        return _page(request, session, viewer, lang, outcome,
                     status=200 if outcome.ok else 422)

    return await run_in_threadpool(work)


@router.get("/imports/template.xlsx")
def imports_template(request: Request, session: SessionDep, viewer: Viewer,
                     sector: str = Query(min_length=1, max_length=40),
                     unit: str = Query(min_length=1, max_length=40),
                     period: str = Query(min_length=1, max_length=24)) -> Response:
    # The form shows the period's name ("Tháng 11/2026"); the file is named by its code.
    period = parse_period(period).id
    body = _importer(request).template(session=session, principal=viewer, sector=sector,
                                       unit=unit, period=period)
    name = template_file_name(session=session, request=TemplateRequest(
        sector=sector, unit=unit, period=period))
    return Response(body, media_type=XLSX, headers={
        "content-disposition": f'attachment; filename="{name}"'})
