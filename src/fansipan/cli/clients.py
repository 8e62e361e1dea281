"""`fansipan clients`: connected systems (API clients), their keys and their log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import (
    DataDir,
    _,
    cli_principal,
    figure,
    friendly,
    many,
    open_session,
    out,
    parse_date,
    settings_from,
)

app = typer.Typer(help="Connected systems (API clients), their keys and their log.",
                  no_args_is_help=True)


@app.command("add")
@friendly
def clients_add(
    name: Annotated[str, typer.Argument(help="The client id: lower-case letters, digits, . _ -")],
    agency: Annotated[str, typer.Option(help="Code of the owning agency.")],
    units: Annotated[list[str], typer.Option(
        "--units", help="Unit codes (repeat or separate by commas); units below come along.")],
    indicators: Annotated[list[str] | None, typer.Option(
        "--indicators", help="Limit to these indicator codes (default: every one).")] = None,
    read: Annotated[bool, typer.Option("--read", help="May read data.")] = False,
    write: Annotated[bool, typer.Option("--write", help="May write data.")] = False,
    report: Annotated[bool, typer.Option(
        "--report", help="May post citizens' reports through Open311.")] = False,
    contact: Annotated[str, typer.Option(help="Who to call about this system.")] = "",
    expires_days: Annotated[int, typer.Option(help="Days until the key expires.")] = 365,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date (YYYY-MM-DD) unit codes are read as of; default today.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Register a connected system; prints its id and key once."""
    from fansipan.services.exchange.clients import ClientRegistration, register_client

    settings = settings_from(data_dir)
    data = ClientRegistration(
        name=name, agency=agency, contact=contact, units=many(units),
        units_as_of=parse_date(as_of, "--as-of"), indicators=many(indicators),
        read=read or not (write or report), write=write, report=report,
        expires_in_days=expires_days)
    with open_session(settings) as session:
        made = register_client(session=session, settings=settings, principal=cli_principal(),
                               data=data)
    out.print(_("Registered [bold]{client}[/bold] for {agency} ({roles}).",
                client=made.client_id, agency=made.agency, roles=", ".join(made.roles)),
              highlight=False)
    out.print(_("Client id: [bold]{client}[/bold]", client=made.client_id), highlight=False)
    out.print(_("Key:       [bold]{key}[/bold]", key=made.key), highlight=False)
    expiry = made.expires_at.strftime("%d/%m/%Y") if made.expires_at else _("never")
    if report:
        out.print(_("The key is shown only now and expires on {expiry}. Use HTTP Basic with the "
                    "id and key at /dhis2/api, or 'Authorization: Bearer <key>' at /api/v1, or "
                    "as the api_key of Open311 at /open311/v2.", expiry=expiry), highlight=False)
    else:
        out.print(_("The key is shown only now and expires on {expiry}. Use HTTP Basic with the "
                    "id and key at /dhis2/api, or 'Authorization: Bearer <key>' at /api/v1.",
                    expiry=expiry), highlight=False)


@app.command("list")
@friendly
def clients_list(data_dir: DataDir = None) -> None:
    """Every connected system with its agency, roles and state."""
    from fansipan.services.exchange.clients import list_exchange_clients

    with open_session(settings_from(data_dir)) as session:
        found = list_exchange_clients(session=session, principal=cli_principal())
    table = Table(_("Client id"), _("Agency"), _("Roles"), _("Contact"), _("Active"),
                  title=_("{count} connected systems", count=len(found)))
    for c in found:
        table.add_row(c.client_id, c.agency or "", ", ".join(c.roles), c.contact,
                      _("yes") if c.active else _("no"))
    out.print(table)


@app.command("keys")
@friendly
def clients_keys(name: str, data_dir: DataDir = None) -> None:
    """A system's keys (never the keys themselves: their ids, prefixes and dates)."""
    from fansipan.services.trust.tokens import list_tokens

    with open_session(settings_from(data_dir)) as session:
        keys = list_tokens(session=session, principal=cli_principal(), owner=name)
    table = Table(_("Id"), _("Name"), _("Prefix"), _("Created"), _("Expires"), _("Last used"),
                  _("Revoked"), title=_("Keys of {name}", name=name))
    for k in keys:
        table.add_row(str(k.id), k.name, k.prefix, f"{k.created_at:%d/%m/%Y}",
                      f"{k.expires_at:%d/%m/%Y}" if k.expires_at else _("never"),
                      f"{k.last_used_at:%d/%m/%Y %H:%M}" if k.last_used_at else "",
                      _("yes") if k.revoked else "")
    out.print(table)


@app.command("new-key")
@friendly
def clients_new_key(name: str, expires_days: Annotated[int, typer.Option()] = 365,
                    data_dir: DataDir = None) -> None:
    """Issue another key (to rotate: issue, hand over, then revoke the old one)."""
    from fansipan.services.trust.tokens import TokenCreate, issue_token

    settings = settings_from(data_dir)
    with open_session(settings) as session:
        issued = issue_token(session=session, settings=settings, principal=cli_principal(),
                             owner=name, data=TokenCreate(name="key", expires_in_days=expires_days))
    out.print(_("Key {id} for {name}: [bold]{token}[/bold] (shown only now)",
                id=issued.info.id, name=name, token=issued.token), highlight=False)


@app.command("revoke")
@friendly
def clients_revoke(name: str, key_id: int, data_dir: DataDir = None) -> None:
    """Revoke one key at once."""
    from fansipan.services.trust.tokens import revoke_token

    with open_session(settings_from(data_dir)) as session:
        revoke_token(session=session, principal=cli_principal(), owner=name, token_id=key_id)
    out.print(_("Revoked key {id} of {name}.", id=key_id, name=name))


@app.command("log")
@friendly
def clients_log(
    client: Annotated[str | None, typer.Option(help="Only this client.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write every matching request as CSV to this file.")] = None,
    limit: Annotated[int, typer.Option(help="Rows shown on screen.")] = 50,
    data_dir: DataDir = None,
) -> None:
    """Requests made by connected systems: who, what, how many values, when, result."""
    import csv

    from fansipan.exchange.cells import csv_row
    from fansipan.services.exchange.exchange_log import FIELDS, LogQuery, export_log, search_log

    start = parse_date(since, "--since")
    query = LogQuery(client=client, since=datetime.combine(start, datetime.min.time())
                     if start else None, limit=limit)
    with open_session(settings_from(data_dir)) as session:
        if output is not None:
            with output.open("w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(("id", *FIELDS))
                n = 0
                for entry in export_log(session=session, principal=cli_principal(), query=query):
                    row = entry.model_dump(mode="json")
                    writer.writerow(csv_row([row["id"], *(row[k] for k in FIELDS)]))
                    n += 1
            out.print(_("Wrote {count} requests to {file}.", count=figure(n), file=output))
            return
        entries = search_log(session=session, principal=cli_principal(), query=query)
    table = Table(_("At (UTC)"), _("Client"), _("Request"), _("Status"), _("In"), _("Out"),
                  _("Imported"), _("Updated"), _("Ignored"),
                  title=_("Latest {count} requests", count=len(entries)))
    for e in entries:
        table.add_row(f"{e.at:%d/%m/%Y %H:%M:%S}", e.client, f"{e.method} {e.path}",
                      str(e.status), str(e.values_in), str(e.values_out), str(e.imported),
                      str(e.updated), str(e.ignored))
    out.print(table)
