"""The dossier page: agencies and areas ranked by the Decision 766 figures of a period,
and each agency's late dossiers; with their data twins."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from fansipan.domain.periods import parse_period
from fansipan.http.deps import SessionDep
from fansipan.services.citizens.dossier_page import DossierPage, dossier_page
from fansipan.services.citizens.dossiers import ListStatus, list_dossiers
from fansipan.web.deps import Lang, Mark, Viewer, page_router
from fansipan.web.i18n import translate
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
PeriodQ = Annotated[str | None, Query(max_length=24)]
By = Annotated[str, Query(pattern="^(agency|unit)$")]
Agency = Annotated[str, Query(min_length=1, max_length=40)]


@router.get("/dossiers")
def dossiers_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                  period: PeriodQ = None) -> Response:
    page = dossier_page(session=session, principal=viewer, period=period)
    return render(request, "dossiers.html", title=translate("dv_title", lang), page=page)


@router.get("/dossiers.{fmt}")
def dossiers_table(fmt: str, session: SessionDep, mark: Mark, viewer: Viewer, lang: Lang,
                   period: PeriodQ = None, by: By = "agency") -> Response:
    form = check_format(fmt)
    page = dossier_page(session=session, principal=viewer, period=period)
    return download(_ranking_table(page, by, lang), form, mark=mark, lang=lang)


def _ranking_table(page: DossierPage, by: str, lang: str) -> Table:
    t = partial(translate, lang=lang)
    rows = page.agencies if by == "agency" else page.units
    table = Table(name=f"ho-so-{by}-{page.period.id}", title=t("dv_title"),
                  keys=["rank", "code", "name", "received", "handled", "early", "on_time",
                        "late", "open_overdue", "on_time_rate_handled",
                        "on_time_rate_with_overdue", "average_days", "online_submission_rate",
                        "online_payment_rate", "electronic_result_rate", "digitisation_rate"],
                  labels=[t("rank"), t("code"), t("dv_body") if by == "agency" else t("unit"),
                          t("dv_received"), t("dv_handled"), t("dv_early"), t("dv_on_time"),
                          t("dv_late"), t("dv_open_overdue"), t("dv_rate_766"),
                          t("dv_rate_overdue"), t("dv_average_days"), t("dv_online"),
                          t("dv_paid_online"), t("dv_e_result"), t("dv_digitised")],
                  note=page.period.label(lang))
    for r in rows:
        s = r.summary
        table.rows.append([r.rank, r.code, r.name, s.received, s.handled, s.early, s.on_time,
                           s.late, s.open_overdue, s.on_time_rate_handled.percent,
                           s.on_time_rate_with_overdue.percent, s.average_days,
                           s.online_submission_rate.percent, s.online_payment_rate.percent,
                           s.electronic_result_rate.percent, s.digitisation_rate.percent])
    return table


@router.get("/dossiers/late")
def dossiers_late(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                  agency: Agency, period: PeriodQ = None) -> Response:
    page = dossier_page(session=session, principal=viewer, period=period)
    found = list_dossiers(session=session, principal=viewer, period=page.period,
                          agency=agency, status=ListStatus.LATE)
    name = next((r.name for r in page.agencies if r.code == agency), agency)
    return render(request, "dossiers_late.html", title=translate("dv_late_title", lang,
                                                                 body=name),
                  page=page, agency=agency, name=name, dossiers=found)


@router.get("/dossiers/late.{fmt}")
def dossiers_late_table(fmt: str, session: SessionDep, mark: Mark, viewer: Viewer, lang: Lang,
                        agency: Agency, period: PeriodQ = None) -> Response:
    form = check_format(fmt)
    chosen = parse_period(period) if period else None
    page = dossier_page(session=session, principal=viewer, period=period)
    found = list_dossiers(session=session, principal=viewer, period=chosen or page.period,
                          agency=agency, status=ListStatus.LATE)
    t = partial(translate, lang=lang)
    table = Table(name=f"ho-so-qua-han-{agency}-{page.period.id}", title=t("dv_late_h"),
                  keys=["number", "procedure_code", "procedure_name", "unit", "received_at",
                        "due_at", "effective_due", "completed_at", "status", "days_late"],
                  labels=[t("dv_number"), t("code"), t("dv_procedure"), t("unit"),
                          t("dv_received_at"), t("dv_due_at"), t("dv_effective_due"),
                          t("dv_completed_at"), t("fb_status"), t("dv_days_late")])
    for d in found:
        table.rows.append([d.number, d.procedure_code, d.procedure_name, d.unit_name or d.unit,
                           d.received_at, d.due_at, d.effective_due, d.completed_at,
                           d.status_en if lang == "en" else d.status_vi, d.days_late])
    return download(table, form, mark=mark, lang=lang)
