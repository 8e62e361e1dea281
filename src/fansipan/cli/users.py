"""`fansipan users`: accounts, the first administrator, resets, unlocks."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import (
    DataDir,
    _,
    cli_principal,
    friendly,
    open_session,
    out,
    settings_from,
)
from fansipan.domain.access import Role

app = typer.Typer(help="Accounts: the first administrator, resets, unlocks.", no_args_is_help=True)


def show_password(username: str, password: str | None) -> None:
    if password:
        out.print(_("Initial password for [bold]{username}[/bold]: [bold]{password}[/bold]",
                    username=username, password=password), highlight=False)
        out.print(_("It is shown only now. Hand it over in person or by a secure channel; "
                    "it must be changed at first sign-in."))


@app.command("create-admin")
@friendly
def users_create_admin(
    username: Annotated[str, typer.Argument(help="Lower-case letters, digits, . _ -")],
    data_dir: DataDir = None,
    display_name: Annotated[str, typer.Option(help="The person's name.")] = "",
) -> None:
    """Create an administrator with a random initial password (there is no default)."""
    from fansipan.services.trust.accounts import UserCreate, create_user

    settings = settings_from(data_dir)
    with open_session(settings) as session:
        created = create_user(session=session, settings=settings, principal=cli_principal(),
                              data=UserCreate(username=username, display_name=display_name,
                                              roles=[Role.ADMIN], all_units=True))
    out.print(_("Created administrator {username}.", username=username))
    show_password(username, created.initial_password)


@app.command("create")
@friendly
def users_create(
    username: str,
    role: Annotated[list[Role], typer.Option(help="Repeat for several roles.")],
    data_dir: DataDir = None,
    unit: Annotated[list[str] | None, typer.Option(
        help="A unit code or uid; its descendants come with it. Repeat for several.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date (YYYY-MM-DD) unit codes are read as of; default today.")] = None,
    all_units: Annotated[bool, typer.Option("--all-units", help="Every unit.")] = False,
    indicator: Annotated[list[str] | None, typer.Option(help="Limit to these indicators.")] = None,
    sector: Annotated[list[str] | None, typer.Option(help="Limit to these sectors.")] = None,
    display_name: Annotated[str, typer.Option(help="The person's name.")] = "",
) -> None:
    """Create a person's account with roles and a scope; prints its initial password once."""

    from fansipan.services.trust.accounts import UserCreate, create_user

    settings = settings_from(data_dir)
    data = UserCreate(
        username=username, display_name=display_name, roles=role, units=unit or [],
        units_as_of=date.fromisoformat(as_of) if as_of else None, all_units=all_units,
        indicators=indicator or [], sectors=sector or [],
        all_indicators=not (indicator or sector),
    )
    with open_session(settings) as session:
        created = create_user(session=session, settings=settings, principal=cli_principal(),
                              data=data)
    out.print(_("Created {username} ({roles}).", username=username,
                roles=", ".join(created.user.roles)))
    show_password(username, created.initial_password)


@app.command("list")
@friendly
def users_list(data_dir: DataDir = None) -> None:
    """Every account with its roles, scope and state."""
    from fansipan.services.trust.accounts import list_users

    with open_session(settings_from(data_dir)) as session:
        users = list_users(session=session, principal=cli_principal())
    table = Table(_("Username"), _("Kind"), _("Roles"), _("Units"), _("Active"),
                  _("Locked until"), title=_("{count} accounts", count=len(users)))
    for u in users:
        units = _("all") if u.all_units else ", ".join(f"{x.code} {x.name}" for x in u.units)
        table.add_row(u.username, u.kind, ", ".join(u.roles), units,
                      _("yes") if u.active else _("no"),
                      u.locked_until.strftime("%d/%m/%Y %H:%M") if u.locked_until else "")
    out.print(table)


@app.command("reset-password")
@friendly
def users_reset_password(username: str, data_dir: DataDir = None) -> None:
    """A new initial password (shown once); the user's sessions end."""
    from fansipan.services.trust.accounts import reset_password

    with open_session(settings_from(data_dir)) as session:
        password = reset_password(session=session, principal=cli_principal(), username=username)
    show_password(username, password)


@app.command("unlock")
@friendly
def users_unlock(username: str, data_dir: DataDir = None) -> None:
    """Lift a lockout after failed sign-ins."""
    from fansipan.services.trust.accounts import unlock_user

    with open_session(settings_from(data_dir)) as session:
        unlock_user(session=session, principal=cli_principal(), username=username)
    out.print(_("{username} is unlocked.", username=username))


@app.command("end-sessions")
@friendly
def users_end_sessions(username: str, data_dir: DataDir = None) -> None:
    """Sign a user out everywhere, now."""
    from fansipan.services.trust.accounts import end_sessions

    with open_session(settings_from(data_dir)) as session:
        ended = end_sessions(session=session, principal=cli_principal(), username=username)
    out.print(_("Ended {count} session(s) of {username}.", count=ended, username=username))


@app.command("link-sso")
@friendly
def users_link_sso(
    username: str,
    subject: Annotated[str, typer.Argument(help="The person's sub at the identity platform.")],
    data_dir: DataDir = None,
) -> None:
    """Link an account to the identity platform by subject; it loses its local password."""
    from fansipan.services.trust.sso_links import SsoLink, link_account

    settings = settings_from(data_dir)
    with open_session(settings) as session:
        link_account(session=session, settings=settings, principal=cli_principal(),
                     data=SsoLink(username=username, subject=subject))
    out.print(_("{username} now signs in through the identity platform (subject {subject}); "
                "its local password and second factor were removed.", username=username,
                subject=subject))


@app.command("unlink-sso")
@friendly
def users_unlink_sso(username: str, data_dir: DataDir = None) -> None:
    """Undo a link; the account then has no password until one is reset."""
    from fansipan.services.trust.sso_links import unlink_account

    settings = settings_from(data_dir)
    with open_session(settings) as session:
        unlink_account(session=session, principal=cli_principal(), username=username)
    out.print(_("{username} no longer signs in through the identity platform; reset its "
                "password to sign in locally.", username=username))
