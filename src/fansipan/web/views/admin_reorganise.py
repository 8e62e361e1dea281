"""A reorganisation (sắp xếp đơn vị hành chính) loaded from the web: upload, dry run, load.

The upload is checked and run dry by `services.warehouse.reorganisations.reorganise`,
which the API and the CLI call too; the page shows its report and keeps the file, with
its `.json` twin. "Apply" loads the kept file by its digest, so the plan loaded is the
plan previewed, and only for the administrator who ran it dry.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError, Message, ValidationError, msg
from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.locale import tr
from fansipan.services.trust.access import require
from fansipan.services.warehouse.reorganisations import (
    Reorganisation,
    ReorganisationReport,
    reorganise,
)
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.pages import render
from fansipan.web.reorganisation_files import (
    MAX_FILE,
    forget_file,
    keep_file,
    kept_file,
    kept_report,
    read_plan,
)

router = page_router()
router.dependencies.append(AdminNetwork)
PAGE = "/admin/units/reorganise"
Digest = Annotated[str, Path(min_length=1, max_length=64)]


def _page(request: Request, lang: str, *, code: int = 200,
          report: ReorganisationReport | None = None, plan: Reorganisation | None = None,
          digest: str = "", file_name: str = "", message: Message | str = "",
          errors: list[FieldError] | None = None) -> Response:
    return render(request, "admin_reorganise.html", status=code,
                  title=tr(lang, "Load a reorganisation"), report=report, plan=plan,
                  digest=digest, file_name=file_name, message=message, errors=errors or [])


@router.get(PAGE)
def reorganise_page(request: Request, viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_METADATA)
    return _page(request, lang)


async def _upload(request: Request, viewer: Principal) -> tuple[bytes, str]:
    async with request.form(max_fields=5, max_files=1) as form:
        # Refused inside the form's block, so the parser's temporary file is closed too.
        require(viewer, Permission.MANAGE_METADATA)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ValidationError(msg("The form has no file; choose the reorganisation "
                                      "file (JSON)"), [FieldError(field="file", message=msg(
                                          "choose a JSON file such as "
                                          "reorganisation_2025-07-01.json"))])
        body = await upload.read(MAX_FILE + 1)
        return body, upload.filename[:200]


def _dry_run(session: SessionDep, viewer: Principal, body: bytes) -> tuple[
        Reorganisation, ReorganisationReport]:
    plan = read_plan(body)
    return plan, reorganise(session=session, principal=viewer, plan=plan, dry_run=True)


@router.post(PAGE)
async def reorganise_dry_run(request: Request, session: SessionDep, settings: SettingsDep,
                             viewer: Viewer, lang: Lang) -> Response:
    try:
        body, file_name = await _upload(request, viewer)
    except ValidationError as exc:
        return _page(request, lang, code=exc.status, errors=exc.errors)

    def work() -> Response:
        try:
            plan, report = _dry_run(session, viewer, body)
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            return _page(request, lang, code=exc.status, file_name=file_name,
                         errors=exc.errors or [FieldError(field="file", message=exc.message)])
        return _page(request, lang, report=report, plan=plan, file_name=file_name,
                     digest=keep_file(settings, viewer, body, file_name=file_name,
                                      report=report))

    return await run_in_threadpool(work)


@router.post(f"{PAGE}/apply")
async def reorganise_apply(request: Request, session: SessionDep, settings: SettingsDep,
                           viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_METADATA)
    async with request.form(max_fields=5, max_files=0) as form:
        given = form.get("digest")
        digest = given.strip() if isinstance(given, str) else ""

    def work() -> Response:
        try:
            plan = read_plan(kept_file(settings, viewer, digest))
            report = reorganise(session=session, principal=viewer, plan=plan, dry_run=False)
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            return _page(request, lang, code=exc.status,
                         errors=exc.errors or [FieldError(field="file", message=exc.message)])
        forget_file(settings, viewer, digest)
        return _page(request, lang, report=report, plan=plan, message=msg(
            "The reorganisation from {day} is loaded.",
            day=report.effective.strftime("%d/%m/%Y")))

    return await run_in_threadpool(work)


@router.get(f"{PAGE}/{{digest}}.json")
def reorganise_report_json(digest: Digest, settings: SettingsDep, viewer: Viewer) -> Response:
    """The dry run's report as the page showed it, with the plan it read (the twin of the
    page that answered the upload; a loaded file's report is its audit event)."""
    require(viewer, Permission.MANAGE_METADATA)
    shown = kept_report(settings, viewer, digest)
    plan = read_plan(kept_file(settings, viewer, digest))
    return JSONResponse({"digest": digest, **shown, "plan": plan.model_dump(mode="json")},
                        headers={"cache-control": "no-store"})
