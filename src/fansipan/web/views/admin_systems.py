"""Connected systems (hệ thống kết nối) and connectors, with their exchange log.

Administrators see every system, connector and log row; an integrator sees the systems
it owns (within its reach), the connectors it owns and those systems' log rows,
as the API answers it. The list carries the forms to register a system and to add a
connector; `admin_clients` and `admin_connectors` handle them and one of each's page.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import partial
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.local_time import VIETNAM
from fansipan.errors import FieldError, Message
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.locale import tr
from fansipan.services.exchange.clients import list_exchange_clients
from fansipan.services.exchange.connectors import list_connectors
from fansipan.services.exchange.exchange_log import ExchangeLogEntry, LogQuery, search_systems_log
from fansipan.services.warehouse.units import list_units
from fansipan.web.days import read_day
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.form_errors import beside
from fansipan.web.labels import label
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
router.dependencies.append(AdminNetwork)
Text = Annotated[str, Query(max_length=100)]
LOG_PAGE = 100
# The fields of the two forms on the page, as the services name them.
CLIENT_FIELDS = ("name", "agency", "contact", "units", "units_as_of", "indicators", "read",
                 "expires_in_days")
CONNECTOR_FIELDS = ("name", "kind", "agency", "owner", "url", "format", "records",
                    "schedule_minutes", "credential", "units", "units_as_of", "indicators",
                    "periods", "retries", "retry_seconds")
# Where a problem the form has no field for is shown: a system's roles are its read,
# write and report boxes.
CLIENT_ALIASES = {"username": "name", "roles": "read", "write": "read", "report": "read",
                  "all_units": "units", "all_indicators": "indicators", "sectors": "indicators"}
CONNECTOR_ALIASES = {"mapping": "records", "target": "kind", "credential_env": "credential"}


def log_entries(request: Request, session: Session, viewer: Principal, client: str,
                outcome: str = "", since: str = "", until: str = "",
                limit: int = LOG_PAGE) -> list[ExchangeLogEntry]:
    first, last = read_day(since, "since"), read_day(until, "until")
    query = LogQuery(
        client=client or None, outcome=outcome or None,
        since=datetime.combine(first, time(0), tzinfo=VIETNAM) if first else None,
        until=(datetime.combine(last + timedelta(days=1), time(0), tzinfo=VIETNAM)
               - timedelta(microseconds=1)) if last else None, limit=limit)
    return search_systems_log(session=session, principal=viewer, query=query,
                              writer=getattr(request.app.state, "exchange_log", None))


def agency_names(session: Session, lang: str) -> dict[str, str]:
    """{code: name} of the agencies in force, in the page's language where they have one."""
    return {a.code: a.name_en if lang == "en" and a.name_en else a.name
            for a in list_units(session=session, level="agency")}


def systems_response(request: Request, session: Session, viewer: Principal, lang: str, *,
                     status: int = 200, form: str = "", typed: dict[str, str] | None = None,
                     errors: list[FieldError] | None = None, message: Message | str = "",
                     search: dict[str, str] | None = None) -> Response:
    """The list, the log and the two forms; `form` is the one sent back with `errors`."""
    asked = {"client": "", "outcome": "", "since": "", "until": ""} | (search or {})
    clients = list_exchange_clients(session=session, principal=viewer)
    connectors = list_connectors(session=session, principal=viewer)
    entries = log_entries(request, session, viewer, asked["client"], asked["outcome"],
                          asked["since"], asked["until"])
    errors = errors or []
    fields, aliases = ((CLIENT_FIELDS, CLIENT_ALIASES) if form == "client"
                       else (CONNECTOR_FIELDS, CONNECTOR_ALIASES))
    return render(request, "admin_systems.html", status=status,
                  title=tr(lang, "Connected systems"), clients=clients, connectors=connectors,
                  entries=entries, typed=asked, page=LOG_PAGE, form=form,
                  shown=typed or {}, errors=errors, message=message,
                  beside=beside(errors, fields, fallback="name", aliases=aliases),
                  agencies=agency_names(session, lang),
                  names_owner=viewer.can(Permission.MANAGE_USERS))


@router.get("/admin/systems")
def systems_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                 client: Text = "", outcome: Text = "", since: Text = "",
                 until: Text = "") -> Response:
    return systems_response(request, session, viewer, lang, search={
        "client": client, "outcome": outcome, "since": since, "until": until})


@router.get("/admin/systems.{fmt}")
def systems_log_table(fmt: str, request: Request, session: SessionDep, viewer: Viewer,
                      lang: Lang, client: Text = "", outcome: Text = "", since: Text = "",
                      until: Text = "") -> Response:
    """The exchange log as the page filters it (the newest 5.000 rows at most)."""
    form = check_format(fmt)
    entries = log_entries(request, session, viewer, client, outcome, since, until, 5000)
    _t = partial(tr, lang)
    table = Table(name="nhat-ky-trao-doi", title=_t("Exchange log"),
                  keys=["id", "at", "client", "method", "path", "status", "outcome",
                        "values_in", "values_out", "imported", "updated", "ignored",
                        "deleted", "duration_ms", "ip"],
                  labels=[_t("Request"), _t("Time"), _t("System"), _t("Method"), _t("Path"),
                          _t("Status code"), _t("Outcome"), _t("Values in"), _t("Values out"),
                          _t("Added"), _t("Updated"), _t("Ignored"), _t("Deleted"),
                          _t("Duration (ms)"), _t("Address")])
    for e in entries:
        table.rows.append([e.id, e.at, e.client, e.method, e.path, e.status,
                           label("outcome", e.outcome, lang), e.values_in, e.values_out,
                           e.imported, e.updated, e.ignored, e.deleted, e.duration_ms, e.ip])
    return download(table, form, mark=None, lang=lang)
