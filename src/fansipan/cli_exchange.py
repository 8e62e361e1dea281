"""`fansipan clients`, `fansipan import`, `fansipan export`, `fansipan template` and
`fansipan connectors`: the exchange hub from the command line.

Registered on the main command by `fansipan.cli`. The CLI runs on the server with the
database's own credentials, so it acts as the system, signed `cli:<operating-system user>`
in the audit log.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from fansipan.cli import DataDir, _cli, _date, _session, _settings, app, err, friendly, out

clients_app = typer.Typer(help="Connected systems (API clients), their keys and their log.",
                          no_args_is_help=True)
connectors_app = typer.Typer(help="Pull sources and upward push targets.", no_args_is_help=True)
app.add_typer(clients_app, name="clients")
app.add_typer(connectors_app, name="connectors")


def _many(values: list[str] | None) -> list[str]:
    """Repeated options, each possibly comma-separated: --units 082,088 --units 089."""
    return [v.strip() for given in values or [] for v in given.split(",") if v.strip()]


# -- clients ----------------------------------------------------------------------------------


@clients_app.command("add")
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
    contact: Annotated[str, typer.Option(help="Who to call about this system.")] = "",
    expires_days: Annotated[int, typer.Option(help="Days until the key expires.")] = 365,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date (YYYY-MM-DD) unit codes are read as of; default today.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Register a connected system; prints its id and key once."""
    from fansipan.services.exchange.clients import ClientRegistration, register_client

    settings = _settings(data_dir)
    data = ClientRegistration(
        name=name, agency=agency, contact=contact, units=_many(units),
        units_as_of=_date(as_of, "--as-of"), indicators=_many(indicators),
        read=read or not write, write=write, expires_in_days=expires_days)
    with _session(settings) as session:
        made = register_client(session=session, settings=settings, principal=_cli(), data=data)
    out.print(f"Registered [bold]{made.client_id}[/bold] for {made.agency} "
              f"({', '.join(made.roles)}).", highlight=False)
    out.print(f"Client id: [bold]{made.client_id}[/bold]", highlight=False)
    out.print(f"Key:       [bold]{made.key}[/bold]", highlight=False)
    expiry = made.expires_at.strftime("%d/%m/%Y") if made.expires_at else "never"
    out.print(f"The key is shown only now and expires on {expiry}. Use HTTP Basic with the "
              "id and key at /dhis2/api, or 'Authorization: Bearer <key>' at /api/v1.")


@clients_app.command("list")
@friendly
def clients_list(data_dir: DataDir = None) -> None:
    """Every connected system with its agency, roles and state."""
    from fansipan.services.exchange.clients import list_exchange_clients

    with _session(_settings(data_dir)) as session:
        found = list_exchange_clients(session=session, principal=_cli())
    table = Table("client id", "agency", "roles", "contact", "active",
                  title=f"{len(found)} connected systems")
    for c in found:
        table.add_row(c.client_id, c.agency or "", ", ".join(c.roles), c.contact,
                      "yes" if c.active else "no")
    out.print(table)


@clients_app.command("keys")
@friendly
def clients_keys(name: str, data_dir: DataDir = None) -> None:
    """A system's keys (never the keys themselves: their ids, prefixes and dates)."""
    from fansipan.services.trust.tokens import list_tokens

    with _session(_settings(data_dir)) as session:
        keys = list_tokens(session=session, principal=_cli(), owner=name)
    table = Table("id", "name", "prefix", "created", "expires", "last used", "revoked",
                  title=f"Keys of {name}")
    for k in keys:
        table.add_row(str(k.id), k.name, k.prefix, f"{k.created_at:%d/%m/%Y}",
                      f"{k.expires_at:%d/%m/%Y}" if k.expires_at else "never",
                      f"{k.last_used_at:%d/%m/%Y %H:%M}" if k.last_used_at else "",
                      "yes" if k.revoked else "")
    out.print(table)


@clients_app.command("new-key")
@friendly
def clients_new_key(name: str, expires_days: Annotated[int, typer.Option()] = 365,
                    data_dir: DataDir = None) -> None:
    """Issue another key (to rotate: issue, hand over, then revoke the old one)."""
    from fansipan.services.trust.tokens import TokenCreate, issue_token

    settings = _settings(data_dir)
    with _session(settings) as session:
        issued = issue_token(session=session, settings=settings, principal=_cli(), owner=name,
                             data=TokenCreate(name="key", expires_in_days=expires_days))
    out.print(f"Key {issued.info.id} for {name}: [bold]{issued.token}[/bold] (shown only now)",
              highlight=False)


@clients_app.command("revoke")
@friendly
def clients_revoke(name: str, key_id: int, data_dir: DataDir = None) -> None:
    """Revoke one key at once."""
    from fansipan.services.trust.tokens import revoke_token

    with _session(_settings(data_dir)) as session:
        revoke_token(session=session, principal=_cli(), owner=name, token_id=key_id)
    out.print(f"Revoked key {key_id} of {name}.")


@clients_app.command("log")
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

    from fansipan.services.exchange.exchange_log import FIELDS, LogQuery, export_log, search_log

    start = _date(since, "--since")
    query = LogQuery(client=client, since=datetime.combine(start, datetime.min.time())
                     if start else None, limit=limit)
    with _session(_settings(data_dir)) as session:
        if output is not None:
            with output.open("w", newline="", encoding="utf-8") as f:
                writer = csv.writer(f)
                writer.writerow(("id", *FIELDS))
                n = 0
                for entry in export_log(session=session, principal=_cli(), query=query):
                    row = entry.model_dump(mode="json")
                    writer.writerow([row["id"], *(row[k] for k in FIELDS)])
                    n += 1
            out.print(f"Wrote {n} requests to {output}.")
            return
        entries = search_log(session=session, principal=_cli(), query=query)
    table = Table("at (UTC)", "client", "request", "status", "in", "out", "imported",
                  "updated", "ignored", title=f"Latest {len(entries)} requests")
    for e in entries:
        table.add_row(f"{e.at:%d/%m/%Y %H:%M:%S}", e.client, f"{e.method} {e.path}",
                      str(e.status), str(e.values_in), str(e.values_out), str(e.imported),
                      str(e.updated), str(e.ignored))
    out.print(table)


# -- import, export, template -----------------------------------------------------------------


@app.command("import")
@friendly
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    format: Annotated[str, typer.Option(
        help="auto, json, csv, xlsx, dhis2_json or dhis2_csv.")] = "auto",
    strategy: Annotated[str, typer.Option(
        help="create_and_update, create, update or delete.")] = "create_and_update",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; save nothing.")] = False,
    partial: Annotated[bool, typer.Option(
        "--partial", help="Save the valid rows even when others are refused.")] = False,
    source: Annotated[str, typer.Option(help="Source recorded with each value.")] = "import",
    data_dir: DataDir = None,
) -> None:
    """Import a file (JSON, CSV, XLSX, DHIS2), with a progress bar; all or nothing by default."""
    from fansipan.domain.rows import ImportFormat, WriteStrategy
    from fansipan.services.exchange.imports import ImportOptions, run_import

    options = ImportOptions(format=ImportFormat(format), strategy=WriteStrategy(strategy),
                            dry_run=dry_run, atomic=not partial, source=source)
    size = file.stat().st_size
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  TextColumn("{task.fields[rows]:,} rows"), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err) as bar, _session(
            _settings(data_dir)) as session:
        task = bar.add_task(f"Importing {file.name}", total=size, rows=0)
        summary = run_import(session=session, path=file, options=options, principal=_cli(),
                             file_name=file.name,
                             progress=lambda rows, done: bar.update(task, completed=done,
                                                                    rows=rows))
        bar.update(task, completed=size)
    count = summary.import_count
    out.print(f"{summary.status.value}: {summary.description_vi} / {summary.description}",
              highlight=False)
    out.print(f"rows {summary.rows:,}; imported {count.imported:,}, updated {count.updated:,}, "
              f"ignored {count.ignored:,}, deleted {count.deleted:,}")
    for c in summary.conflicts[:50]:
        where = f"row {c.row}" if c.row else "file"
        out.print(f"  {where}, {c.field}: {c.message_vi} / {c.message}", highlight=False)
    if summary.conflict_count > 50:
        out.print(f"  … and {summary.conflict_count - 50:,} more")
    if summary.status.value == "ERROR":
        raise typer.Exit(1)


@app.command("export")
@friendly
def export_values(
    format: Annotated[str, typer.Option(
        help="json, csv, xlsx, dhis2, dhis2-csv, sdmx-ml or sdmx-csv.")] = "csv",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write (default: standard output).")] = None,
    indicator: Annotated[list[str] | None, typer.Option(help="Indicator codes.")] = None,
    sector: Annotated[list[str] | None, typer.Option(help="Indicator groups.")] = None,
    unit: Annotated[list[str] | None, typer.Option(help="Unit codes.")] = None,
    children: Annotated[bool, typer.Option("--children", help="Units below too.")] = False,
    period: Annotated[list[str] | None, typer.Option(help="Periods (2024, 2024Q1, …).")] = None,
    start: Annotated[str | None, typer.Option(help="Periods from (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Periods to (YYYY-MM-DD).")] = None,
    last_updated: Annotated[str | None, typer.Option(
        "--last-updated", help="Changed on or after this date (YYYY-MM-DD).")] = None,
    changed_after: Annotated[int | None, typer.Option(
        "--changed-after", help="Only values changed after this change number.")] = None,
    uids: Annotated[bool, typer.Option("--uids/--codes",
                                       help="DHIS2 formats: uids or codes.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Export stored values; filters combine."""
    from fansipan.services.exchange.exports import ExportFormat, ExportQuery, export_to

    since = _date(last_updated, "--last-updated")
    query = ExportQuery(
        indicators=_many(indicator), sectors=_many(sector), units=_many(unit),
        children=children, periods=_many(period), start=_date(start, "--start"),
        end=_date(end, "--end"), changed_after=changed_after,
        last_updated=datetime.combine(since, datetime.min.time()) if since else None)
    fmt = ExportFormat(format)
    with Progress(TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err) as bar, _session(_settings(data_dir)) as session:
        task = bar.add_task(f"Exporting {fmt.value}", total=None)

        def write(target: IO[bytes]) -> int:
            return export_to(session=session, principal=_cli(), query=query, fmt=fmt,
                             out=target, uids=uids,
                             progress=lambda n: bar.update(task, completed=n))

        if output is None:
            rows = write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as f:
                rows = write(f)
    err.print(f"Exported {rows:,} values{f' to {output}' if output else ''}.")


@app.command("template")
@friendly
def template(
    sector: Annotated[str, typer.Option(help="Indicator group (telecom, postal, …).")],
    unit: Annotated[str, typer.Option(help="Unit code.")],
    period: Annotated[str, typer.Option(help="Period (2024, 2024Q1, 2024-03).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx to write.")],
    data_dir: DataDir = None,
) -> None:
    """Write the XLSX entry template of an indicator group × unit × period."""
    from fansipan.services.exchange.templates import TemplateRequest, entry_template

    with _session(_settings(data_dir)) as session:
        content = entry_template(session=session, principal=_cli(), request=TemplateRequest(
            sector=sector, unit=unit, period=period))
    output.write_bytes(content)
    out.print(f"Wrote the template to {output}; fill in the value column and run "
              f"'fansipan import {output}'.")


# -- connectors -------------------------------------------------------------------------------


@connectors_app.command("add")
@friendly
def connectors_add(
    spec: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False,
        help="A JSON file describing the connector (see docs/exchange.md).")],
    data_dir: DataDir = None,
) -> None:
    """Register a pull source or a push target from its JSON description."""
    from fansipan.services.exchange.connectors import ConnectorCreate, create_connector

    data = ConnectorCreate.model_validate_json(spec.read_text(encoding="utf-8"))
    with _session(_settings(data_dir)) as session:
        made = create_connector(session=session, principal=_cli(), data=data)
    every = f"every {made.schedule_minutes} min" if made.schedule_minutes else "by hand"
    out.print(f"Registered {made.kind.value} connector {made.name} ({made.url}), run {every}.")


@connectors_app.command("list")
@friendly
def connectors_list(data_dir: DataDir = None) -> None:
    from fansipan.services.exchange.connectors import list_connectors

    with _session(_settings(data_dir)) as session:
        found = list_connectors(session=session, principal=_cli())
    table = Table("name", "kind", "url", "schedule", "next run", title="Connectors")
    for c in found:
        table.add_row(c.name, c.kind.value, c.url,
                      f"{c.schedule_minutes} min" if c.schedule_minutes else "by hand",
                      f"{c.next_run_at:%d/%m/%Y %H:%M}" if c.next_run_at else "")
    out.print(table)


@connectors_app.command("run")
@friendly
def connectors_run(name: str, data_dir: DataDir = None) -> None:
    """Run a connector now, with its retries; prints the run."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.exchange.connectors import Runtime, run_connector
    from fansipan.services.warehouse.setup import open_store
    from fansipan.store.engine import make_session_factory

    settings = _settings(data_dir)
    engine = open_store(settings)
    try:
        run = run_connector(session_factory=make_session_factory(engine), principal=_cli(),
                            name=name, runtime=Runtime(spool=settings.data_dir / "spool",
                                                       warehouse=Warehouse()))
    finally:
        engine.dispose()
    out.print(f"{name}: {run.status} after {run.attempts} attempt(s); sent {run.values_sent}, "
              f"imported {run.imported}, updated {run.updated}, ignored {run.ignored}, "
              f"conflicts {run.conflicts}", highlight=False)
    if run.message:
        out.print(run.message, highlight=False)
    if run.status == "failed":
        raise typer.Exit(1)


@connectors_app.command("runs")
@friendly
def connectors_runs(name: str, data_dir: DataDir = None) -> None:
    """A connector's run history, newest first."""
    from fansipan.services.exchange.connectors import list_runs

    with _session(_settings(data_dir)) as session:
        runs = list_runs(session=session, principal=_cli(), name=name)
    table = Table("run", "started (UTC)", "trigger", "status", "attempts", "sent", "imported",
                  "updated", "conflicts", title=f"Runs of {name}")
    for r in runs:
        table.add_row(str(r.id), f"{r.started_at:%d/%m/%Y %H:%M:%S}", r.trigger, r.status,
                      str(r.attempts), str(r.values_sent), str(r.imported), str(r.updated),
                      str(r.conflicts))
    out.print(table)
