"""`fansipan secrets`: the secret store — credentials of remote systems, encrypted.

Values are read from a hidden prompt or from standard input, never from the command
line (it would stay in the shell's history and in the process list), and never printed.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import (
    DataDir,
    cli_principal,
    err,
    friendly,
    many,
    open_session,
    out,
    settings_from,
)

app = typer.Typer(help="Kho bí mật / The secret store: credentials of remote systems.",
                  no_args_is_help=True)


def _read_value(kind: str) -> str:
    hint = "id:key" if kind == "basic" else "token"
    if sys.stdin.isatty():
        value = str(typer.prompt(f"Giá trị / Value ({hint})", hide_input=True,
                                 confirmation_prompt=True))
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        err.print("[red]error:[/red] no value given (type it at the prompt, or send it on "
                  "standard input)")
        raise typer.Exit(2)
    return value


@app.command("add")
@friendly
def secrets_add(
    name: str,
    origin: Annotated[str, typer.Option(
        help="The only origin it is sent to, e.g. https://ioc.laocai.gov.vn")],
    users: Annotated[list[str], typer.Option(
        "--for", help="Accounts whose connectors may use it (repeat or separate by commas).")],
    kind: Annotated[str, typer.Option(
        help="basic ('id:key', sent as HTTP Basic) or bearer (a token).")] = "basic",
    data_dir: DataDir = None,
) -> None:
    """Store a credential; its value is asked for (hidden), or read from standard input."""
    from fansipan.services.trust.secrets import SecretCreate, add_secret

    value = _read_value(kind)
    settings = settings_from(data_dir)
    data = SecretCreate.model_validate({"name": name, "kind": kind, "value": value,
                                        "origin": origin, "users": many(users)})
    with open_session(settings) as session:
        made = add_secret(session=session, settings=settings, principal=cli_principal(),
                          data=data)
    out.print(f"Đã lưu / Stored {made.name} ({made.kind}) for {made.origin}, usable by "
              f"{', '.join(made.users)}.", highlight=False)


@app.command("list")
@friendly
def secrets_list(data_dir: DataDir = None) -> None:
    """Every secret: name, origin, who may use it, made, rotated, last used (never values)."""
    from fansipan.services.trust.secrets import list_secrets

    with open_session(settings_from(data_dir)) as session:
        found = list_secrets(session=session, principal=cli_principal())
    table = Table("tên / name", "loại / kind", "origin", "dùng bởi / users",
                  "tạo / created", "đổi / rotated", "dùng lần cuối / last used",
                  title=f"{len(found)} bí mật / secrets")
    for s in found:
        table.add_row(s.name, s.kind, s.origin, ", ".join(s.users),
                      f"{s.created_at:%d/%m/%Y} {s.created_by}",
                      f"{s.rotated_at:%d/%m/%Y} {s.rotated_by}" if s.rotated_at else "",
                      f"{s.last_used_at:%d/%m/%Y %H:%M} {s.last_used_by}"
                      if s.last_used_at else "")
    out.print(table)


@app.command("rotate")
@friendly
def secrets_rotate(
    name: str,
    users: Annotated[list[str] | None, typer.Option(
        "--for", help="Replace who may use it (default: keep).")] = None,
    data_dir: DataDir = None,
) -> None:
    """Give a secret a new value (asked for, hidden); the old one is gone at once."""
    from fansipan.services.trust.secrets import SecretRotate, rotate_secret

    value = _read_value("basic or bearer")
    settings = settings_from(data_dir)
    data = SecretRotate.model_validate({"value": value,
                                        "users": many(users) if users else None})
    with open_session(settings) as session:
        done = rotate_secret(session=session, settings=settings, principal=cli_principal(),
                             name=name, data=data)
    out.print(f"Đã đổi / Rotated {done.name}; usable by {', '.join(done.users)}.",
              highlight=False)


@app.command("delete")
@friendly
def secrets_delete(name: str, data_dir: DataDir = None) -> None:
    """Delete a secret that no connector names."""
    from fansipan.services.trust.secrets import delete_secret

    with open_session(settings_from(data_dir)) as session:
        delete_secret(session=session, principal=cli_principal(), name=name)
    out.print(f"Đã xóa / Deleted {name}.", highlight=False)


@app.command("rekey")
@friendly
def secrets_rekey(data_dir: DataDir = None) -> None:
    """Seal every secret again with the first key of FANSIPAN_SECRETS_KEY."""
    from fansipan.services.trust.secrets import rekey_secrets

    settings = settings_from(data_dir)
    with open_session(settings) as session:
        n = rekey_secrets(session=session, settings=settings, principal=cli_principal())
    out.print(f"Đã khóa lại / Re-sealed {n} secret(s) with the first key; older keys may now "
              "be removed from FANSIPAN_SECRETS_KEY.", highlight=False)
