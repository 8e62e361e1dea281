"""The public side of field reports: send one (phone first), follow it by its number and
rate the handling, see every report on a map; the photos.

Nothing here needs an account. What is shown comes from the reports' public views: no
name, phone, e-mail, officer or internal note ever reaches these pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from fansipan.errors import FansipanError, FieldError, ValidationError
from fansipan.exchange.images import MAX_BYTES, CleanImage, clean_image
from fansipan.http.deps import SessionDep
from fansipan.services.citizens.feedback_map import public_map
from fansipan.services.citizens.forms import report_form
from fansipan.services.citizens.reports import PublicQuery, get_photo, get_public_report
from fansipan.services.citizens.submissions import MAX_PHOTOS, Receipt, submit_form
from fansipan.services.citizens.workflow import rate_report
from fansipan.web.deps import Lang, Mark, Viewer, page_router
from fansipan.web.feedback_figures import map_figure
from fansipan.web.i18n import translate
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
MAX_FIELDS = 120
Service = Annotated[str | None, Query(max_length=40)]
ReportId = Annotated[str | None, Query(max_length=24)]


def _form_page(request: Request, session: SessionDep, lang: str, service: str | None, *,
               status: int = 200, errors: list[FieldError] | None = None,
               typed: dict[str, list[str]] | None = None) -> Response:
    form = report_form(session=session, service=service, on=date.today())
    by_field: dict[str, list[str]] = {}
    for e in errors or []:
        by_field.setdefault(e.field, []).append(e.message)
    return render(request, "feedback_new.html", status=status,
                  title=translate("fb_new_title", lang), form=form, errors=errors or [],
                  field_errors=by_field, typed=typed or {}, max_photos=MAX_PHOTOS,
                  body_class="feedback")


@router.get("/feedback/new")
def feedback_new(request: Request, session: SessionDep, lang: Lang,
                 service: Service = None) -> Response:
    return _form_page(request, session, lang, service)


@router.post("/feedback/new")
async def feedback_submit(request: Request, session: SessionDep, viewer: Viewer,
                          lang: Lang) -> Response:
    pairs: list[tuple[str, str]] = []
    uploads: list[bytes] = []
    async with request.form(max_files=MAX_PHOTOS + 1, max_fields=MAX_FIELDS) as form:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if name == "media" and value.filename:
                    uploads.append(await value.read(MAX_BYTES + 1))
            elif name != "csrf_token":
                pairs.append((name, value))
    typed: dict[str, list[str]] = {}
    for name, value in pairs:
        typed.setdefault(name, []).append(value)
    service = (typed.get("service_code") or [""])[0] or None

    def work() -> Response:
        try:
            photos = _clean(uploads)
            receipt = submit_form(session=session, principal=viewer,
                                  pairs=_named(pairs), photos=photos,
                                  per_hour=request.app.state.settings.reports_per_hour)
        except FansipanError as exc:
            if exc.status in (401, 403, 429):
                raise
            errors = exc.errors or [FieldError(field="*", message=exc.message)]
            return _form_page(request, session, lang, service, status=422, errors=errors,
                              typed=typed)
        return _receipt_page(request, lang, receipt)

    return await run_in_threadpool(work)


def _clean(uploads: list[bytes]) -> list[CleanImage]:
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError("Quá nhiều ảnh / Too many photos", [FieldError(
            field="media", message=f"tối đa {MAX_PHOTOS} ảnh / at most {MAX_PHOTOS} photos")])
    return [clean_image(data, field="media") for data in uploads]


def _named(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The page asks for one full name; Open311 keeps a family and a given name."""
    out = [(k, v) for k, v in pairs if k != "full_name"]
    full = next((v.strip() for k, v in pairs if k == "full_name" and v.strip()), "")
    if full:
        *family, given = full.split()
        out.append(("first_name", given))
        if family:
            out.append(("last_name", " ".join(family)))
    return out


def _receipt_page(request: Request, lang: str, receipt: Receipt) -> Response:
    return render(request, "feedback_receipt.html", title=translate(
        "fb_received_title", lang, id=receipt.request_id), receipt=receipt,
        body_class="feedback")


@router.get("/feedback/track")
def feedback_track(request: Request, session: SessionDep, lang: Lang,
                   id: ReportId = None) -> Response:
    report = get_public_report(session=session, request_id=id) if id else None
    return render(request, "feedback_track.html", title=translate("fb_track_title", lang),
                  report=report, asked=id or "", message="", errors=[], body_class="feedback")


@router.post("/feedback/track")
async def feedback_rate(request: Request, session: SessionDep, viewer: Viewer,
                        lang: Lang) -> Response:
    async with request.form(max_fields=10) as form:
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
    request_id = fields.get("id", "")[:24]
    key = fields.get("key", "")[:100]
    satisfied = fields.get("satisfied")

    def work() -> Response:
        message, errors = "", []
        if satisfied not in ("yes", "no"):
            errors = [FieldError(field="satisfied", message=translate("fb_pick_rating", lang))]
        else:
            try:
                rate_report(session=session, principal=viewer, request_id=request_id,
                            key=key, satisfied=satisfied == "yes",
                            note=fields.get("note", "").strip()[:1000] or None)
                message = translate("fb_rated", lang)
            except FansipanError as exc:
                if exc.status == 404:
                    raise
                errors = exc.errors or [FieldError(field="*", message=exc.message)]
        report = get_public_report(session=session, request_id=request_id)
        return render(request, "feedback_track.html", status=422 if errors else 200,
                      title=translate("fb_track_title", lang), report=report,
                      asked=request_id, message=message, errors=errors, body_class="feedback")

    return await run_in_threadpool(work)


def _map_query(service: str | None, status: str | None) -> PublicQuery:
    """Open311's default window: the last 90 days, at most 1,000 reports."""
    now = datetime.now(UTC)
    return PublicQuery(service_codes=(service,) if service else (),
                       statuses=frozenset({status}) if status in ("open", "closed")
                       else frozenset(), start=now - timedelta(days=90), end=now, limit=1000)


Status = Annotated[str | None, Query(pattern="^(open|closed)?$")]


@router.get("/feedback/map")
def feedback_map(request: Request, session: SessionDep, lang: Lang, service: Service = None,
                 status: Status = None) -> Response:
    data = public_map(session=session, query=_map_query(service, status), lang=lang)
    return render(request, "feedback_map.html", title=translate("fb_map_title", lang),
                  data=data, charts=True, figure=map_figure(data, lang), service=service or "",
                  state_filter=status or "")


@router.get("/feedback/map.{fmt}")
def feedback_map_table(fmt: str, session: SessionDep, mark: Mark, lang: Lang,
                       service: Service = None, status: Status = None) -> Response:
    data = public_map(session=session, query=_map_query(service, status), lang=lang)
    t = partial(translate, lang=lang)
    table = Table(name="phan-anh", title=t("fb_map_title"),
                  keys=["request_id", "service_code", "service_name", "status", "state",
                        "commune", "agency", "requested_at", "expected_at", "lat", "long"],
                  labels=[t("fb_number"), t("code"), t("fb_category"), "Open311", t("fb_status"),
                          t("fb_commune"), t("fb_agency"), t("fb_received"), t("fb_deadline"),
                          "lat", "long"])
    for r in data.reports:
        table.rows.append([r.request_id, r.service_code,
                           r.service_name_en if lang == "en" else r.service_name_vi, r.status,
                           r.state_en if lang == "en" else r.state_vi, r.commune_name or "",
                           (r.agency_name_en if lang == "en" else r.agency_name_vi) or "",
                           r.requested_at, r.expected_at, r.lat, r.long])
    return download(table, check_format(fmt), mark=mark, lang=lang)


@router.get("/feedback/photos/{name}")
def feedback_photo(name: Annotated[str, Path(max_length=80)], session: SessionDep,
                   viewer: Viewer) -> Response:
    sha = name.partition(".")[0]
    photo = get_photo(session=session, principal=viewer, sha256=sha)
    return Response(photo.data, media_type=photo.media_type, headers={
        "cache-control": "no-cache", "content-disposition": "inline"})

