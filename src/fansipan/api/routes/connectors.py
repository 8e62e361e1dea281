"""Connectors: `/api/v1/connectors` — pull sources and upward push targets, each run as
its owner on its schedule or by hand, with their run history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool

from fansipan.api.exchange_context import note
from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.principals import PrincipalDep
from fansipan.http.uploads import spool_dir
from fansipan.services.citizens.dossier_pull import PULL_TARGETS
from fansipan.services.exchange.connector_runs import Runtime, run_connector
from fansipan.services.exchange.connectors import (
    ConnectorCreate,
    ConnectorPublic,
    ConnectorUpdate,
    RunPublic,
    create_connector,
    get_connector,
    list_connectors,
    list_runs,
    update_connector,
)

router = APIRouter(prefix="/connectors", tags=["administration"], dependencies=[AdminNetwork])
Name = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("")
def connectors_index(session: SessionDep, principal: PrincipalDep) -> list[ConnectorPublic]:
    """Every connector (administrators), or your own (integrators)."""
    return list_connectors(session=session, principal=principal)


@router.post("", status_code=201)
def connector_create(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                     data: ConnectorCreate) -> ConnectorPublic:
    """Register a pull source or a push target that runs as you (or, for an administrator,
    as the `owner` named), within that account's units and indicators; its address must be
    on the outbound allow-list and its `credential` names a secret of the secret store."""
    return create_connector(session=session, settings=settings, principal=principal, data=data)


@router.get("/{name}")
def connector_show(session: SessionDep, principal: PrincipalDep, name: Name) -> ConnectorPublic:
    return get_connector(session=session, principal=principal, name=name)


@router.patch("/{name}")
def connector_update(session: SessionDep, settings: SettingsDep, principal: PrincipalDep,
                     name: Name, data: ConnectorUpdate) -> ConnectorPublic:
    """Change the address, credential, schedule or retries, switch it off or on; an
    administrator may give it another owner."""
    return update_connector(session=session, settings=settings, principal=principal,
                            name=name, data=data)


@router.post("/{name}/run")
async def connector_run(request: Request, settings: SettingsDep, principal: PrincipalDep,
                        name: Name) -> RunPublic:
    """Run now (with its retries) and answer with the run."""
    runtime = Runtime(spool=spool_dir(settings), settings=settings,
                      warehouse=request.app.state.warehouse, pull_targets=PULL_TARGETS)
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
