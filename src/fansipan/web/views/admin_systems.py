"""Connected systems (hệ thống kết nối) and connectors, with their exchange log.

Administrators see every system, connector and log row; an integrator sees the systems
it owns (within its reach), the connectors it owns and those systems' log rows, as the API
already answers it. The pages only read: registering systems and connectors, and their
tokens, stay with the API, the CLI and the people pages.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import partial
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import JSONResponse, Response

from fansipan.domain.access import Principal
from fansipan.domain.local_time import VIETNAM
from fansipan.http.deps import AdminNetwork, SessionDep
from fansipan.locale import tr
from fansipan.services.exchange.clients import list_exchange_clients
from fansipan.services.exchange.connectors import get_connector, list_connectors, list_runs
from fansipan.services.exchange.exchange_log import ExchangeLogEntry, LogQuery, search_systems_log
from fansipan.web.days import read_day
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.labels import label
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
router.dependencies.append(AdminNetwork)
Text = Annotated[str, Query(max_length=100)]
Name = Annotated[str, Path(min_length=1, max_length=100)]
LOG_PAGE = 100


def _log(request: Request, session: SessionDep, viewer: Principal, client: str, outcome: str,
         since: str, until: str, limit: int) -> list[ExchangeLogEntry]:
    first, last = read_day(since, "since"), read_day(until, "until")
    query = LogQuery(
        client=client or None, outcome=outcome or None,
        since=datetime.combine(first, time(0), tzinfo=VIETNAM) if first else None,
        until=(datetime.combine(last + timedelta(days=1), time(0), tzinfo=VIETNAM)
               - timedelta(microseconds=1)) if last else None, limit=limit)
    return search_systems_log(session=session, principal=viewer, query=query,
                              writer=getattr(request.app.state, "exchange_log", None))


@router.get("/admin/systems")
def systems_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang,
                 client: Text = "", outcome: Text = "", since: Text = "",
                 until: Text = "") -> Response:
    clients = list_exchange_clients(session=session, principal=viewer)
    connectors = list_connectors(session=session, principal=viewer)
    entries = _log(request, session, viewer, client, outcome, since, until, LOG_PAGE)
    return render(request, "admin_systems.html", title=tr(lang, "Connected systems"),
                  clients=clients, connectors=connectors, entries=entries,
                  typed={"client": client, "outcome": outcome, "since": since, "until": until},
                  page=LOG_PAGE)


@router.get("/admin/systems.{fmt}")
def systems_log_table(fmt: str, request: Request, session: SessionDep, viewer: Viewer,
                      lang: Lang, client: Text = "", outcome: Text = "", since: Text = "",
                      until: Text = "") -> Response:
    """The exchange log as the page filters it (the newest 5.000 rows at most)."""
    form = check_format(fmt)
    entries = _log(request, session, viewer, client, outcome, since, until, 5000)
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


@router.get("/admin/systems/connectors/{name}.json")
def connector_json(name: Name, session: SessionDep, viewer: Viewer) -> Response:
    found = get_connector(session=session, principal=viewer, name=name)
    runs = list_runs(session=session, principal=viewer, name=name)
    return JSONResponse({"connector": found.model_dump(mode="json"),
                         "runs": [r.model_dump(mode="json") for r in runs]},
                        headers={"cache-control": "no-store"})


@router.get("/admin/systems/connectors/{name}")
def connector_page(name: Name, request: Request, session: SessionDep, viewer: Viewer,
                   lang: Lang) -> Response:
    found = get_connector(session=session, principal=viewer, name=name)
    runs = list_runs(session=session, principal=viewer, name=name)
    return render(request, "admin_connector.html",
                  title=tr(lang, "Connector {name}", name=found.name), connector=found,
                  runs=runs)
