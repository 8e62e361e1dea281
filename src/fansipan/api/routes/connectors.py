"""Connectors: `/api/v1/connectors` — pull sources and upward push targets, run on their
schedule or by hand, with their run history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from fansipan.api.exchange_context import note
from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.http.uploads import spool_dir
from fansipan.services.citizens.dossier_pull import PULL_TARGETS
from fansipan.services.exchange.connectors import (
    ConnectorCreate,
    ConnectorPublic,
    RunPublic,
    Runtime,
    create_connector,
    list_connectors,
    list_runs,
    run_connector,
)

router = APIRouter(prefix="/connectors", tags=["administration"], dependencies=[AdminNetwork])
Name = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("")
def connectors_index(session: SessionDep, principal: PrincipalDep) -> list[ConnectorPublic]:
    return list_connectors(session=session, principal=principal)


@router.post("", status_code=201)
def connector_create(session: SessionDep, principal: PrincipalDep,
                     data: ConnectorCreate) -> ConnectorPublic:
    """Register a pull source or a push target; credentials stay in an environment
    variable on the server, named by `credential_env`."""
    return create_connector(session=session, principal=principal, data=data)


@router.post("/{name}/run")
async def connector_run(request: Request, settings: SettingsDep, principal: PrincipalDep,
                        name: Name) -> RunPublic:
    """Run now (with its retries) and answer with the run."""
    runtime = Runtime(spool=spool_dir(settings), warehouse=request.app.state.warehouse,
                      pull_targets=PULL_TARGETS)
    run = await run_in_threadpool(
        run_connector, session_factory=request.app.state.session_factory,
        principal=principal, name=name, runtime=runtime)
    note(request, operation=f"connector.run.{name}"[:40], values_in=run.values_sent)
    return run


@router.get("/{name}/runs")
def connector_runs(session: SessionDep, principal: PrincipalDep, name: Name,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 50) -> list[RunPublic]:
    """The run history, newest first."""
    return list_runs(session=session, principal=principal, name=name, limit=limit)
