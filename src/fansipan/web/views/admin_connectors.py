"""Connectors (kết nối) from the web: added, changed, paused and resumed, with one
connector's page and its runs.

Every change is `exchange.connectors` (audited there), the same functions the API and
the CLI call: the connector names only its owner's units and indicators, its address must
be on the outbound allow-list and its credential is a stored secret, named. The form
sends every field; only what differs from the connector as it stands is changed.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError, Message, ValidationError, msg
from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.errors import field_problems
from fansipan.locale import tr
from fansipan.services.exchange.connectors import (
    ConnectorCreate,
    ConnectorPublic,
    ConnectorUpdate,
    create_connector,
    get_connector,
    list_runs,
    update_connector,
)
from fansipan.services.trust.access import require
from fansipan.web.days import iso_day
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.form_errors import beside
from fansipan.web.pages import render
from fansipan.web.views.admin_clients import audited, codes, created, read_fields
from fansipan.web.views.admin_systems import agency_names, systems_response

router = page_router()
router.dependencies.append(AdminNetwork)
Name = Annotated[str, Path(min_length=1, max_length=100)]
EDIT_FIELDS = ("url", "credential", "owner", "schedule_minutes", "retries", "retry_seconds")
ACTIONS = ("save", "disable", "enable")


def _creation(fields: dict[str, str]) -> ConnectorCreate:
    """The service's connector from the form: an empty field takes the service's default."""
    given: dict[str, Any] = {
        k: fields.get(k, "") for k in ("name", "kind", "agency", "url", "credential")}
    given["units"] = codes(fields.get("units", ""))
    given["indicators"] = codes(fields.get("indicators", ""))
    for name in ("owner", "format", "schedule_minutes", "retries", "retry_seconds"):
        if fields.get(name):
            given[name] = fields[name]
    if codes(fields.get("periods", "")):
        given["periods"] = codes(fields["periods"])
    if fields.get("records"):
        given["mapping"] = {"records": fields["records"]}
    if fields.get("units_as_of"):
        given["units_as_of"] = iso_day(fields["units_as_of"], "units_as_of")
    return ConnectorCreate.model_validate(given)


@router.post("/admin/systems/connectors")
async def connector_create(request: Request, session: SessionDep, settings: SettingsDep,
                           viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_CLIENTS)
    fields = await read_fields(request)

    def work() -> tuple[Response, FansipanError | None]:
        return created(
            lambda status, errors: systems_response(request, session, viewer, lang,
                                                    status=status, form="connector",
                                                    typed=fields, errors=errors),
            lambda: _creation(fields),
            lambda data: create_connector(session=session, settings=settings,
                                          principal=viewer, data=data),
            lambda made: RedirectResponse(f"/admin/systems/connectors/{made.name}"
                                          "?done=created", status_code=303),
            refused="owner", other="name")

    return await audited(request, await run_in_threadpool(work))


def connector_response(request: Request, session: Session, viewer: Principal, lang: str,
                       name: str, *, status: int = 200, message: Message | str = "",
                       errors: list[FieldError] | None = None,
                       typed: dict[str, str] | None = None) -> Response:
    found = get_connector(session=session, principal=viewer, name=name)
    errors = errors or []
    return render(request, "admin_connector.html", status=status,
                  title=tr(lang, "Connector {name}", name=found.name), connector=found,
                  runs=list_runs(session=session, principal=viewer, name=name),
                  message=message, errors=errors, shown=typed or shown_of(found),
                  beside=beside(errors, EDIT_FIELDS, fallback="url"),
                  names_owner=viewer.can(Permission.MANAGE_USERS),
                  agency_names=agency_names(session, lang))


def shown_of(connector: ConnectorPublic) -> dict[str, str]:
    """The edit form's fields as the connector stands."""
    return {"url": connector.url, "credential": connector.credential,
            "owner": connector.owner or "",
            "schedule_minutes": str(connector.schedule_minutes or ""),
            "retries": str(connector.retries), "retry_seconds": f"{connector.retry_seconds:g}"}


@router.get("/admin/systems/connectors/{name}.json")
def connector_json(name: Name, session: SessionDep, viewer: Viewer) -> Response:
    found = get_connector(session=session, principal=viewer, name=name)
    runs = list_runs(session=session, principal=viewer, name=name)
    return JSONResponse({"connector": found.model_dump(mode="json"),
                         "runs": [r.model_dump(mode="json") for r in runs]},
                        headers={"cache-control": "no-store"})


@router.get("/admin/systems/connectors/{name}")
def connector_page(name: Name, request: Request, session: SessionDep, viewer: Viewer,
                   lang: Lang, done: str = "") -> Response:
    said = msg("Added the connector {name}.", name=name) if done == "created" else ""
    return connector_response(request, session, viewer, lang, name, message=said)


@router.post("/admin/systems/connectors/{name}")
async def connector_change(name: Name, request: Request, session: SessionDep,
                           settings: SettingsDep, viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_CLIENTS)
    fields = await read_fields(request)

    def work() -> tuple[Response, FansipanError | None]:
        current = get_connector(session=session, principal=viewer, name=name)
        action = fields.get("action", "")
        typed = None if action != "save" else fields
        try:
            if action not in ACTIONS:
                raise ValidationError(msg("choose one of the buttons"), [FieldError(
                    field="action", value=action[:40], message=msg("choose one of the buttons"))])
            changes = ({"active": action == "enable"} if action != "save"
                       else _changes(current, fields))
            if not changes:
                return connector_response(request, session, viewer, lang, name,
                                          message=msg("Nothing to change.")), None
            update_connector(session=session, settings=settings, principal=viewer, name=name,
                             data=ConnectorUpdate.model_validate(changes))
        except PydanticError as exc:
            return connector_response(request, session, viewer, lang, name, status=422,
                                      errors=field_problems(exc), typed=typed), None
        except FansipanError as exc:
            if exc.status in (401, 404):
                raise
            return connector_response(request, session, viewer, lang, name,
                                      status=exc.status, typed=typed, errors=exc.errors or [
                                          FieldError(field="url", message=exc.message)]), exc
        said = {"save": msg("Saved the connector."),
                "disable": msg("The connector is paused: it does not run until it is resumed."),
                "enable": msg("The connector is resumed.")}[action]
        return connector_response(request, session, viewer, lang, name, message=said), None

    return await audited(request, await run_in_threadpool(work))


def _changes(current: ConnectorPublic, fields: dict[str, str]) -> dict[str, Any]:
    """The fields that differ from the connector as it stands (an empty schedule is by
    hand; an empty owner leaves it as it is)."""
    was = shown_of(current)
    changed: dict[str, Any] = {}
    for name in ("url", "credential", "schedule_minutes", "retries", "retry_seconds"):
        typed = fields.get(name, "")
        if typed != was[name]:
            changed[name] = typed or (0 if name == "schedule_minutes" else typed)
    if fields.get("owner") and fields["owner"] != was["owner"]:
        changed["owner"] = fields["owner"]
    return changed
