"""People (tài khoản) for administrators: the list, a new account, and one account's page
with its roles and units, second factor, sessions and tokens.

Every action is a service of `services.trust` (audited there); the pages only read the
form and say the outcome. A new or reset password is shown once, on the answer to the
form that made it, which is never cached.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, TypedDict

from fastapi import Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fansipan.domain.access import Principal, Role
from fansipan.errors import FansipanError, FieldError, Message, ValidationError, msg
from fansipan.http.deps import AdminNetwork, SessionDep, SettingsDep
from fansipan.http.errors import field_problems
from fansipan.locale import tr
from fansipan.services.trust.accounts import (
    ScopeWrite,
    UserCreate,
    UserUpdate,
    create_user,
    end_sessions,
    get_user,
    list_users,
    reset_password,
    unlock_user,
    update_user,
)
from fansipan.services.trust.oversight import (
    end_session,
    list_account_tokens,
    list_sessions,
    revoke_account_token,
)
from fansipan.settings import Settings
from fansipan.web.days import iso_day
from fansipan.web.deps import Lang, Viewer, page_router
from fansipan.web.labels import label, labels
from fansipan.web.pages import render
from fansipan.web.tables import Table, check_format, download

router = page_router()
router.dependencies.append(AdminNetwork)
Username = Annotated[str, Path(min_length=1, max_length=64)]
ROLES = [r.value for r in Role]
ACTIONS = ("disable", "enable", "reset_password", "unlock", "end_sessions", "end_session",
           "revoke_token", "access")


class _Whom(TypedDict):
    session: Session
    principal: Principal
    username: str


def _codes(text: str) -> list[str]:
    """Codes typed into one field: separated by commas, semicolons or spaces."""
    return [c for c in text.replace(";", ",").replace(" ", ",").split(",") if c]


def _scope(fields: dict[str, str]) -> dict[str, object]:
    units, indicators, sectors = (_codes(fields.get(k, "")) for k in
                                  ("units", "indicators", "sectors"))
    return {"all_units": fields.get("all_units") == "on" and not units, "units": units,
            "units_as_of": iso_day(fields.get("units_as_of"), "units_as_of") or None,
            "all_indicators": not (indicators or sectors), "indicators": indicators,
            "sectors": sectors}


def _roles(form_roles: list[str]) -> list[str]:
    return [r for r in form_roles if r in ROLES]


def _list_page(request: Request, session: SessionDep, viewer: Principal, lang: str, *,
               status: int = 200, message: str = "", secret: str = "",
               errors: list[FieldError] | None = None,
               typed: dict[str, str] | None = None) -> Response:
    people = list_users(session=session, principal=viewer)
    return render(request, "admin_people.html", status=status, title=tr(lang, "People"),
                  people=people, roles=ROLES, message=message, secret=secret,
                  errors=errors or [], typed=typed or {})


@router.get("/admin/people")
def people_page(request: Request, session: SessionDep, viewer: Viewer, lang: Lang) -> Response:
    return _list_page(request, session, viewer, lang)


@router.get("/admin/people.{fmt}")
def people_table(fmt: str, session: SessionDep, viewer: Viewer, lang: Lang) -> Response:
    form = check_format(fmt)
    people = list_users(session=session, principal=viewer)
    _t = partial(tr, lang)
    table = Table(name="tai-khoan", title=_t("People"),
                  keys=["username", "kind", "display_name", "email", "roles", "all_units",
                        "units", "active", "locked_until", "totp_enabled",
                        "must_change_password", "created_at", "created_by"],
                  labels=[_t("Username"), _t("Kind"), _t("Name"), _t("E-mail"), _t("Roles"),
                          _t("Every unit"), _t("Units"), _t("Active"), _t("Locked until"),
                          _t("Second factor"), _t("Must change password"), _t("Created"),
                          _t("Created by")])
    for p in people:
        table.rows.append([p.username, label("account", p.kind, lang), p.display_name, p.email,
                           labels("role", p.roles, lang), p.all_units,
                           ", ".join(u.code for u in p.units), p.active, p.locked_until,
                           p.totp_enabled, p.must_change_password, p.created_at, p.created_by])
    return download(table, form, mark=None, lang=lang)


@router.post("/admin/people")
async def people_create(request: Request, session: SessionDep, settings: SettingsDep,
                        viewer: Viewer, lang: Lang) -> Response:
    async with request.form(max_fields=20) as form:
        fields = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
        roles = _roles([v for v in form.getlist("roles") if isinstance(v, str)])

    def work() -> Response:
        typed = {k: v for k, v in fields.items() if k not in ("csrf_token", "password")}
        try:
            data = UserCreate.model_validate({
                "username": fields.get("username", ""),
                "display_name": fields.get("display_name", ""),
                "email": fields.get("email", ""), "roles": roles, **_scope(fields)})
        except PydanticError as exc:
            return _list_page(request, session, viewer, lang, status=422,
                              errors=field_problems(exc), typed=typed)
        except ValidationError as exc:
            return _list_page(request, session, viewer, lang, status=422, errors=exc.errors,
                              typed=typed)
        try:
            made = create_user(session=session, settings=settings, principal=viewer, data=data)
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            return _list_page(request, session, viewer, lang, status=exc.status, typed=typed,
                              errors=exc.errors or [FieldError(field="username",
                                                               message=exc.message)])
        return _list_page(request, session, viewer, lang, secret=made.initial_password or "",
                          message=msg("Created the account {username}.",
                                      username=made.user.username))

    return await run_in_threadpool(work)


def _person_page(request: Request, session: SessionDep, viewer: Principal, lang: str,
                 username: str, *, status: int = 200, message: str = "", secret: str = "",
                 errors: list[FieldError] | None = None) -> Response:
    person = get_user(session=session, principal=viewer, username=username)
    return render(request, "admin_person.html", status=status,
                  title=tr(lang, "{name} — People", name=person.username), person=person,
                  sessions=list_sessions(session=session, principal=viewer, username=username),
                  tokens=list_account_tokens(session=session, principal=viewer,
                                             username=username),
                  roles=ROLES, message=message, secret=secret, errors=errors or [])


@router.get("/admin/people/{username}.json")
def person_json(username: Username, session: SessionDep, viewer: Viewer) -> Response:
    person = get_user(session=session, principal=viewer, username=username)
    sessions = list_sessions(session=session, principal=viewer, username=username)
    tokens = list_account_tokens(session=session, principal=viewer, username=username)
    return JSONResponse({"account": person.model_dump(mode="json"),
                         "sessions": [s.model_dump(mode="json") for s in sessions],
                         "tokens": [t.model_dump(mode="json") for t in tokens]},
                        headers={"cache-control": "no-store"})


@router.get("/admin/people/{username}")
def person_page(username: Username, request: Request, session: SessionDep, viewer: Viewer,
                lang: Lang) -> Response:
    return _person_page(request, session, viewer, lang, username)


@router.post("/admin/people/{username}")
async def person_action(username: Username, request: Request, session: SessionDep,
                        settings: SettingsDep, viewer: Viewer, lang: Lang) -> Response:
    async with request.form(max_fields=20) as form:
        fields = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
        roles = _roles([v for v in form.getlist("roles") if isinstance(v, str)])

    def work() -> Response:
        action = fields.get("action", "")
        if action not in ACTIONS:
            return _person_page(request, session, viewer, lang, username, status=422,
                                errors=[FieldError(field="action", value=action[:40],
                                                   message=msg("choose one of the buttons"))])
        try:
            said, secret = _act(session, settings, viewer, username, action, fields, roles)
        except PydanticError as exc:
            return _person_page(request, session, viewer, lang, username, status=422,
                                errors=field_problems(exc))
        except FansipanError as exc:
            if exc.status in (401, 403):
                raise
            return _person_page(request, session, viewer, lang, username, status=exc.status,
                                errors=exc.errors or [FieldError(field="action",
                                                                 message=exc.message)])
        return _person_page(request, session, viewer, lang, username, message=said,
                            secret=secret)

    return await run_in_threadpool(work)


def _act(session: SessionDep, settings: Settings, viewer: Principal, username: str,
         action: str, fields: dict[str, str], roles: list[str]) -> tuple[Message, str]:
    """Do one action of the account's page; (what to say, a password to show once)."""
    me = _Whom(session=session, principal=viewer, username=username)
    if action in ("disable", "enable"):
        update_user(**me, settings=settings, data=UserUpdate(active=action == "enable"))
        return (msg("The account is enabled again; it signs in anew.") if action == "enable"
                else msg("The account is disabled; its sessions and tokens have ended.")), ""
    if action == "reset_password":
        password = reset_password(**me)
        return msg("A new initial password was made; give it to the person, who must "
                   "change it at the next sign-in."), password
    if action == "unlock":
        unlock_user(**me)
        return msg("The account is unlocked."), ""
    if action == "end_sessions":
        ended = end_sessions(**me)
        return msg("{count} session(s) ended.", count=ended), ""
    if action == "end_session":
        end_session(**me, ref=fields.get("session", ""))
        return msg("The session has ended."), ""
    if action == "revoke_token":
        raw = fields.get("token", "")
        if not raw.isdigit():
            raise ValidationError(msg("No such token"), [FieldError(
                field="token_id", value=raw[:20], message=msg("list the tokens to see their ids"))])
        token = revoke_account_token(**me, token_id=int(raw))
        return msg("The token {name} is revoked.", name=token.name), ""
    update_user(**me, settings=settings, data=UserUpdate(
        roles=[Role(r) for r in roles], scope=ScopeWrite.model_validate(_scope(fields))))
    return msg("Saved the roles and units."), ""

