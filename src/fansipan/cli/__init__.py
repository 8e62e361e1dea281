"""The `fansipan` command: thin wrappers that parse, call a service and print."""

from __future__ import annotations

import typer

from fansipan.cli import (
    audit,
    backups,
    clients,
    connectors,
    dossiers,
    feedback,
    foresight,
    indicators,
    metadata,
    outbound,
    reports,
    secrets,
    server,
    store,
    targets,
    tasks,
    transfers,
    units,
    users,
)

app = typer.Typer(help="Fansipan: the intelligent operations centre.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
app.add_typer(store.app, name="db")
app.add_typer(units.app, name="units")
app.add_typer(indicators.app, name="indicators")
app.add_typer(targets.app, name="targets")
app.add_typer(clients.app, name="clients")
app.add_typer(connectors.app, name="connectors")
app.add_typer(secrets.app, name="secrets")
app.add_typer(outbound.app, name="outbound")
app.add_typer(users.app, name="users")
app.add_typer(audit.app, name="audit")
app.add_typer(feedback.app, name="feedback")
app.add_typer(dossiers.app, name="dossiers")
app.add_typer(tasks.app, name="tasks")
app.add_typer(reports.issuers, name="report-issuer")
app.add_typer(foresight.app, name="alerts")
app.add_typer(metadata.app, name="metadata")
app.command()(server.demo)
app.command()(server.serve)
app.command()(foresight.forecast)
app.command("import")(transfers.import_file)
app.command("export")(transfers.export_values)
app.command()(transfers.template)
app.command()(backups.backup)
app.command()(backups.restore)
app.command()(reports.report)


def main() -> None:
    app(prog_name="fansipan")
