"""Imports: upload a file, read its summary and every rejected row; get the template."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from fansipan.api.deps import SessionDep
from fansipan.domain.access import Permission
from fansipan.errors import FieldError, ValidationError
from fansipan.services.access import require
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.i18n import translate
from fansipan.web.importing import MAX_BYTES, FileImporter, ImportOutcome
from fansipan.web.pages import render

router = page_router()


def _importer(request: Request) -> FileImporter:
    importer: FileImporter = request.app.state.web_importer
    return importer


@router.get("/imports")
def imports_page(request: Request, viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.WRITE_DATA)
    return render(request, "imports.html", title=translate("imports_title", lang), outcome=None)


@router.post("/imports")
async def imports_upload(request: Request, session: SessionDep, viewer: Viewer,
                         lang: Lang) -> Response:
    require(viewer, Permission.WRITE_DATA)  # before reading a byte of the upload
    async with request.form() as form:  # closes the upload's temporary file
        upload = form.get("file")
        if not isinstance(upload, StarletteUpload):
            raise ValidationError("Choose a file to upload", [FieldError(
                field="file", message="send a CSV or XLSX file in the field 'file'")])
        content = await upload.read(MAX_BYTES + 1)
        name = (upload.filename or "upload")[:200]

    def work() -> ImportOutcome:
        return _importer(request).import_file(session=session, principal=viewer,
                                              file_name=name, content=content, lang=lang)

    outcome = await run_in_threadpool(work)
    return render(request, "imports.html", status=200 if outcome.ok else 422,
                  title=translate("imports_title", lang), outcome=outcome)


@router.get("/imports/template.xlsx")
def imports_template(request: Request, viewer: Viewer) -> Response:
    require(viewer, Permission.WRITE_DATA)
    return Response(_importer(request).template(), media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"content-disposition": 'attachment; filename="fansipan-template.xlsx"'})
