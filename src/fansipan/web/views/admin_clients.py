"""A connected system (hệ thống kết nối) from the web: registered, disabled or enabled,
given a new key or a key taken back, with its recent requests.

Every action is a service the API calls too (`exchange.clients.register_client`,
`trust.accounts.update_user`, `trust.tokens`), so an integrator manages here exactly the
systems those services let it manage, within its own units. A key is shown once, on the
answer to the form that made it (pages are never cached), and never again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Permission, Principal
from fansipan.errors import FansipanError, FieldError, Message, NotFound, ValidationError, msg
from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.errors import field_problems
from fansipan.http.refusals import audit_refusal
from fansipan.locale import tr
from fansipan.services.exchange.clients import (
    ClientPublic,
    ClientRegistration,
    list_exchange_clients,
    register_client,
)
from fansipan.services.trust.access import require
from fansipan.services.trust.accounts import UserUpdate, get_user, update_user
from fansipan.services.trust.tokens import TokenCreate, issue_token, list_tokens, revoke_token
from fansipan.settings import Settings
from fansipan.web.days import iso_day
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.form_errors import beside
from fansipan.web.pages import render
from fansipan.web.views.admin_systems import agency_names, log_entries, systems_response

router = page_router()
router.dependencies.append(AdminNetwork)
Client = Annotated[str, Path(min_length=1, max_length=64)]
ACTIONS = ("disable", "enable", "issue_token", "revoke_token")
RECENT = 20  # requests on a system's page; the list's log has the rest
TOKEN_FIELDS = ("token_name", "expires_in_days")
T = TypeVar("T")
U = TypeVar("U")


def codes(text: str) -> list[str]:
    """Codes typed into one field: separated by commas, semicolons or spaces."""
    return [c for c in text.replace(";", ",").replace(" ", ",").split(",") if c]


def find_client(session: Session, viewer: Principal, name: str) -> ClientPublic:
    """The system as the exchange services list it for this viewer, or NotFound (one the
    viewer may not manage is as absent as an unknown name)."""
    for client in list_exchange_clients(session=session, principal=viewer):
        if client.client_id == name:
            return client
    raise NotFound(msg("No such account"), [FieldError(
        field="username", value=name[:64], message=msg("there is no account by that name"))])


def _registration(fields: dict[str, str]) -> ClientRegistration:
    given: dict[str, Any] = {
        "name": fields.get("name", ""), "agency": fields.get("agency", ""),
        "contact": fields.get("contact", ""), "units": codes(fields.get("units", "")),
        "indicators": codes(fields.get("indicators", "")),
        "read": "read" in fields, "write": "write" in fields, "report": "report" in fields}
    if fields.get("expires_in_days"):  # empty: the service's default, never "no expiry"
        given["expires_in_days"] = fields["expires_in_days"]
    if fields.get("units_as_of"):
        given["units_as_of"] = iso_day(fields["units_as_of"], "units_as_of")
    return ClientRegistration.model_validate(given)


async def read_fields(request: Request) -> dict[str, str]:
    async with request.form(max_fields=20, max_files=0) as form:
        return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def created(again: Callable[[int, list[FieldError]], Response], parse: Callable[[], T],
            act: Callable[[T], U], done: Callable[[U], Response], *, refused: str,
            other: str) -> tuple[Response, FansipanError | None]:
    """A form that makes something: its fields read (`parse`), the service run (`act`),
    then the page of what it made (`done`). What the fields or the service refuse goes
    back to the form beside its field (`refused` for a 403 without one, `other` for the
    rest) and is handed on for the audit; a lost session (401) is raised as on any page."""
    try:
        data = parse()
    except PydanticError as exc:
        return again(422, field_problems(exc)), None
    except ValidationError as exc:
        return again(422, exc.errors), None
    try:
        made = act(data)
    except FansipanError as exc:
        if exc.status == 401:
            raise
        return again(exc.status, exc.errors or [FieldError(
            field=refused if exc.status == 403 else other, message=exc.message)]), exc
    return done(made), None


async def audited(request: Request, answer: tuple[Response, FansipanError | None]) -> Response:
    """A refusal the form shows beside its field is still a refused request: audited."""
    response, refused = answer
    if refused is not None and refused.status in (401, 403) and not refused.audited:
        await audit_refusal(request, refused)
    return response


@router.post("/admin/systems/clients")
async def client_register(request: Request, session: SessionDep, settings: SettingsDep,
                          viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_CLIENTS)
    fields = await read_fields(request)

    def work() -> tuple[Response, FansipanError | None]:
        return created(
            lambda status, errors: systems_response(request, session, viewer, lang,
                                                    status=status, form="client",
                                                    typed=fields, errors=errors),
            lambda: _registration(fields),
            lambda data: register_client(session=session, settings=settings,
                                         principal=viewer, data=data),
            lambda made: client_response(request, session, viewer, lang, made.client_id,
                                         secret=made.key, message=msg(
                                             "Registered the connected system {name}.",
                                             name=made.client_id)),
            refused="units", other="name")

    return await audited(request, await run_in_threadpool(work))


def client_response(request: Request, session: Session, viewer: Principal, lang: str,
                    name: str, *, status: int = 200, message: Message | str = "",
                    secret: str = "", errors: list[FieldError] | None = None,
                    typed: dict[str, str] | None = None) -> Response:
    client = find_client(session, viewer, name)
    errors = errors or []
    return render(request, "admin_client.html", status=status,
                  title=tr(lang, "{name} — Connected systems", name=client.client_id),
                  client=client, account=get_user(session=session, principal=viewer,
                                                  username=name),
                  tokens=list_tokens(session=session, principal=viewer, owner=name),
                  entries=log_entries(request, session, viewer, name, limit=RECENT),
                  recent=RECENT, message=message, secret=secret, errors=errors,
                  beside=beside(errors, TOKEN_FIELDS, fallback="action",
                                aliases={"name": "token_name", "token_id": "action"}),
                  shown=typed or {},
                  agency_names=agency_names(session, lang))


@router.get("/admin/systems/clients/{name}.json")
def client_json(name: Client, request: Request, session: SessionDep,
                viewer: Viewer) -> Response:
    client = find_client(session, viewer, name)
    account = get_user(session=session, principal=viewer, username=name)
    tokens = list_tokens(session=session, principal=viewer, owner=name)
    entries = log_entries(request, session, viewer, name, limit=RECENT)
    return JSONResponse({"system": client.model_dump(mode="json"),
                         "scope": account.model_dump(mode="json", include={
                             "all_units", "units", "all_indicators", "indicators",
                             "sectors"}),
                         "tokens": [t.model_dump(mode="json") for t in tokens],
                         "requests": [e.model_dump(mode="json") for e in entries]},
                        headers={"cache-control": "no-store"})


@router.get("/admin/systems/clients/{name}")
def client_page(name: Client, request: Request, session: SessionDep, viewer: Viewer,
                lang: Lang) -> Response:
    return client_response(request, session, viewer, lang, name)


@router.post("/admin/systems/clients/{name}")
async def client_action(name: Client, request: Request, session: SessionDep,
                        settings: SettingsDep, viewer: Viewer, lang: Lang) -> Response:
    require(viewer, Permission.MANAGE_CLIENTS)
    fields = await read_fields(request)

    def work() -> tuple[Response, FansipanError | None]:
        find_client(session, viewer, name)  # one the viewer may not manage: not found
        action = fields.get("action", "")
        try:
            if action not in ACTIONS:
                raise ValidationError(msg("choose one of the buttons"), [FieldError(
                    field="action", value=action[:40], message=msg("choose one of the buttons"))])
            said, secret = _act(session, settings, viewer, name, action, fields)
        except PydanticError as exc:
            return client_response(request, session, viewer, lang, name, status=422,
                                   errors=field_problems(exc), typed=fields), None
        except FansipanError as exc:
            if exc.status == 401:
                raise
            return client_response(request, session, viewer, lang, name, status=exc.status,
                                   typed=fields, errors=exc.errors or [
                                       FieldError(field="action", message=exc.message)]), exc
        return client_response(request, session, viewer, lang, name, message=said,
                               secret=secret), None

    return await audited(request, await run_in_threadpool(work))


def _act(session: Session, settings: Settings, viewer: Principal, name: str, action: str,
         fields: dict[str, str]) -> tuple[Message, str]:
    """Do one action of the system's page; (what to say, a key to show once)."""
    if action in ("disable", "enable"):
        update_user(session=session, settings=settings, principal=viewer, username=name,
                    data=UserUpdate(active=action == "enable"))
        return (msg("The system is enabled again; issue it a new key, the old ones stay "
                    "revoked.") if action == "enable"
                else msg("The system is disabled: its keys are revoked and it can no longer "
                         "sign in.")), ""
    if action == "revoke_token":
        raw = fields.get("token", "")
        if not raw.isdigit():
            raise ValidationError(msg("No such token"), [FieldError(
                field="token_id", value=raw[:20], message=msg("list the tokens to see their ids"))])
        token = revoke_token(session=session, principal=viewer, owner=name, token_id=int(raw))
        return msg("The token {name} is revoked.", name=token.name), ""
    given = {"name": fields.get("token_name", "")}
    if fields.get("expires_in_days"):  # empty: the service's default, never "no expiry"
        given["expires_in_days"] = fields["expires_in_days"]
    data = TokenCreate.model_validate(given)
    issued = issue_token(session=session, settings=settings, principal=viewer, owner=name,
                         data=data)
    return msg("Issued the key {name}.", name=issued.info.name), issued.token
