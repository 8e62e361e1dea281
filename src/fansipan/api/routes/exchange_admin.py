"""The exchange hub's administration: `/api/v1/exchange/clients` (connected systems with
their agency and first key) and `/api/v1/exchange/log` (every request they made)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from fansipan.exchange.cells import LINE_END, csv_row
from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.services.exchange.clients import (
    ClientPublic,
    ClientRegistered,
    ClientRegistration,
    list_exchange_clients,
    register_client,
)
from fansipan.services.exchange.exchange_log import (
    FIELDS,
    ExchangeLogEntry,
    LogQuery,
    export_log,
    search_log,
)

router = APIRouter(prefix="/exchange", tags=["administration"], dependencies=[AdminNetwork])
Text = Annotated[str | None, Query(max_length=100)]


@router.get("/clients")
def exchange_clients(session: SessionDep, principal: PrincipalDep) -> list[ClientPublic]:
    """Connected systems with their owning agency and contact."""
    return list_exchange_clients(session=session, principal=principal)


@router.post("/clients", status_code=201)
def exchange_client_register(session: SessionDep, settings: SettingsDep,
                             principal: PrincipalDep,
                             data: ClientRegistration) -> ClientRegistered:
    """Register a system and issue its first key (shown once): id and key sign in with
    HTTP Basic at `/dhis2/api`, or the key alone as a Bearer token."""
    return register_client(session=session, settings=settings, principal=principal, data=data)


def _query(client: str | None, since: datetime | None, until: datetime | None,
           outcome: str | None, after_id: int, limit: int) -> LogQuery:
    return LogQuery(client=client, since=since, until=until, outcome=outcome,
                    after_id=after_id, limit=limit)


@router.get("/log")
def exchange_log(
    request: Request, session: SessionDep, principal: PrincipalDep, client: Text = None,
    since: datetime | None = None, until: datetime | None = None, outcome: Text = None,
    after_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> list[ExchangeLogEntry]:
    """Requests by connected systems, newest first (administrators)."""
    return search_log(session=session, principal=principal, writer=request.app.state.exchange_log,
                      query=_query(client, since, until, outcome, after_id, limit))


@router.get("/log.csv", response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "The log as CSV"}})
def exchange_log_csv(
    request: Request, session: SessionDep, principal: PrincipalDep, client: Text = None,
    since: datetime | None = None, until: datetime | None = None, outcome: Text = None,
    after_id: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> StreamingResponse:
    """The whole log (or the part asked for), oldest first, for an archive or a spreadsheet."""
    entries = export_log(session=session, principal=principal,
                         writer=request.app.state.exchange_log,
                         query=_query(client, since, until, outcome, after_id, 0))
    first = next(entries, None)  # checks permission before the response starts

    def lines() -> Iterator[bytes]:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator=LINE_END)
        buffer.write("\ufeff")  # so a spreadsheet reads the file as UTF-8
        writer.writerow(("id", *FIELDS))
        pending = [first] if first is not None else []
        for entry in [*pending, *entries]:
            row = entry.model_dump(mode="json")
            writer.writerow(csv_row([row["id"], *(row[f] for f in FIELDS)]))
            if buffer.tell() > 1 << 16:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()

    return StreamingResponse(lines(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="fansipan-exchange-log.csv"'})
