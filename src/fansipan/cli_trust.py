"""`fansipan users`, `fansipan audit`, `fansipan backup` and `fansipan restore`.

Registered on the main `fansipan` command by `fansipan.cli`. The CLI runs on the
server with the database's own credentials, so it acts as the system and signs its
audit events `cli:<operating-system user>`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli import DataDir, _cli, _session, _settings, app, err, friendly, indicators_app, out
from fansipan.domain.access import Role

users_app = typer.Typer(help="Accounts: the first administrator, resets, unlocks.",
                        no_args_is_help=True)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


def _show_password(username: str, password: str | None) -> None:
    if password:
        out.print(f"Initial password for [bold]{username}[/bold]: [bold]{password}[/bold]",
                  highlight=False)
        out.print("It is shown only now. Hand it over in person or by a secure channel; "
                  "it must be changed at first sign-in.")


@users_app.command("create-admin")
@friendly
def users_create_admin(
    username: Annotated[str, typer.Argument(help="Lower-case letters, digits, . _ -")],
    data_dir: DataDir = None,
    display_name: Annotated[str, typer.Option(help="The person's name.")] = "",
) -> None:
    """Create an administrator with a random initial password (there is no default)."""
    from fansipan.services.trust.accounts import UserCreate, create_user

    settings = _settings(data_dir)
    with _session(settings) as session:
        created = create_user(session=session, settings=settings, principal=_cli(),
                              data=UserCreate(username=username, display_name=display_name,
                                              roles=[Role.ADMIN], all_units=True))
    out.print(f"Created administrator {username}.")
    _show_password(username, created.initial_password)


@users_app.command("create")
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
    from datetime import date

    from fansipan.services.trust.accounts import UserCreate, create_user

    settings = _settings(data_dir)
    data = UserCreate(
        username=username, display_name=display_name, roles=role, units=unit or [],
        units_as_of=date.fromisoformat(as_of) if as_of else None, all_units=all_units,
        indicators=indicator or [], sectors=sector or [],
        all_indicators=not (indicator or sector),
    )
    with _session(settings) as session:
        created = create_user(session=session, settings=settings, principal=_cli(), data=data)
    out.print(f"Created {username} ({', '.join(created.user.roles)}).")
    _show_password(username, created.initial_password)


@users_app.command("list")
@friendly
def users_list(data_dir: DataDir = None) -> None:
    """Every account with its roles, scope and state."""
    from fansipan.services.trust.accounts import list_users

    with _session(_settings(data_dir)) as session:
        users = list_users(session=session, principal=_cli())
    table = Table("username", "kind", "roles", "units", "active", "locked until",
                  title=f"{len(users)} accounts")
    for u in users:
        units = "all" if u.all_units else ", ".join(f"{x.code} {x.name}" for x in u.units)
        table.add_row(u.username, u.kind, ", ".join(u.roles), units, "yes" if u.active else "no",
                      u.locked_until.strftime("%d/%m/%Y %H:%M") if u.locked_until else "")
    out.print(table)


@users_app.command("reset-password")
@friendly
def users_reset_password(username: str, data_dir: DataDir = None) -> None:
    """A new initial password (shown once); the user's sessions end."""
    from fansipan.services.trust.accounts import reset_password

    with _session(_settings(data_dir)) as session:
        password = reset_password(session=session, principal=_cli(), username=username)
    _show_password(username, password)


@users_app.command("unlock")
@friendly
def users_unlock(username: str, data_dir: DataDir = None) -> None:
    """Lift a lockout after failed sign-ins."""
    from fansipan.services.trust.accounts import unlock_user

    with _session(_settings(data_dir)) as session:
        unlock_user(session=session, principal=_cli(), username=username)
    out.print(f"{username} is unlocked.")


@users_app.command("end-sessions")
@friendly
def users_end_sessions(username: str, data_dir: DataDir = None) -> None:
    """Sign a user out everywhere, now."""
    from fansipan.services.trust.accounts import end_sessions

    with _session(_settings(data_dir)) as session:
        ended = end_sessions(session=session, principal=_cli(), username=username)
    out.print(f"Ended {ended} session(s) of {username}.")


@audit_app.command("verify")
@friendly
def audit_verify(data_dir: DataDir = None) -> None:
    """Recompute the hash chain and every data write's digest; exit 1 on any mismatch."""
    from fansipan.services.trust.audit import verify_chain

    with _session(_settings(data_dir)) as session:
        report = verify_chain(session=session)
    out.print(f"{report.events} audit events, {report.changes_covered} changes covered"
              + (f", {report.changes_before_log} older than the log"
                 if report.changes_before_log else "")
              + f"; head {report.last_hash[:16]}… (event {report.last_id})")
    if not report.ok:
        for problem in report.problems:
            err.print(f"[red]tampering:[/red] {problem}", highlight=False)
        raise typer.Exit(1)
    out.print("[green]The audit log is intact.[/green]")


@audit_app.command("export")
@friendly
def audit_export(
    data_dir: DataDir = None,
    after: Annotated[int, typer.Option(help="Only events after this id.")] = 0,
    output: Annotated[Path | None, typer.Option(help="File to write (default stdout).")] = None,
) -> None:
    """Events as JSON lines, oldest first, for an archive on another system."""
    from fansipan.services.trust.audit import export_events

    target = output.open("w", encoding="utf-8") if output else sys.stdout
    count = 0
    try:
        with _session(_settings(data_dir)) as session:
            for event in export_events(session=session, after_id=after):
                target.write(json.dumps(event, ensure_ascii=False) + "\n")
                count += 1
    finally:
        if output:
            target.close()
    err.print(f"Exported {count} audit event(s).")


@app.command()
@friendly
def backup(
    dest: Annotated[Path, typer.Argument(help="The backup file to write.")],
    data_dir: DataDir = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace DEST.")] = False,
) -> None:
    """A consistent online backup (SQLite backup API, or pg_dump), with a manifest."""
    from fansipan.services.trust.backups import create_backup

    done = create_backup(settings=_settings(data_dir), dest=dest, principal=_cli(),
                         overwrite=overwrite)
    out.print(f"Backed up {done.rows} rows in {done.tables} tables to {done.path} "
              f"({done.size:,} bytes); manifest {done.manifest.name}.")


@app.command()
@friendly
def restore(
    src: Annotated[Path, typer.Argument(help="A file written by 'fansipan backup'.")],
    data_dir: DataDir = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Overwrite a store that holds data (stop the server first).")] = False,
) -> None:
    """Restore into the configured store and check it is identical to the backup."""
    from fansipan.services.trust.backups import restore_backup

    done = restore_backup(settings=_settings(data_dir), src=src, principal=_cli(),
                          replace=replace)
    out.print(f"Restored {done.rows} rows in {done.tables} tables; the content is identical "
              "to the backup.")


@indicators_app.command("publish")
@friendly
def indicators_publish(
    code: Annotated[list[str], typer.Argument(help="Indicator codes.")],
    data_dir: DataDir = None,
    private: Annotated[bool, typer.Option("--private", help="Make them not public.")] = False,
) -> None:
    """Mark indicators public (anyone may read their values) or, with --private, not."""
    from fansipan.services.warehouse.indicators import IndicatorVisibility, set_visibility

    with _session(_settings(data_dir)) as session:
        for c in code:
            set_visibility(session=session, principal=_cli(), code=c,
                           data=IndicatorVisibility(public=not private))
    out.print(f"{len(code)} indicator(s) are now {'private' if private else 'public'}.")
