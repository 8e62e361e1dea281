"""`fansipan connectors`: pull sources and upward push targets."""

from __future__ import annotations

from pathlib import Path
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

app = typer.Typer(help="Pull sources and upward push targets.", no_args_is_help=True)


@app.command("add")
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
    with open_session(settings_from(data_dir)) as session:
        made = create_connector(session=session, principal=cli_principal(), data=data)
    every = (_("every {minutes} min", minutes=made.schedule_minutes) if made.schedule_minutes
             else _("by hand"))
    out.print(_("Registered {kind} connector {name} ({url}), run {every}.",
                kind=made.kind.value, name=made.name, url=made.url, every=every))


@app.command("list")
@friendly
def connectors_list(data_dir: DataDir = None) -> None:
    from fansipan.services.exchange.connectors import list_connectors

    with open_session(settings_from(data_dir)) as session:
        found = list_connectors(session=session, principal=cli_principal())
    table = Table(_("Name"), _("Kind"), _("URL"), _("Schedule"), _("Next run"),
                  title=_("Connectors"))
    for c in found:
        table.add_row(c.name, c.kind.value, c.url,
                      _("every {minutes} min", minutes=c.schedule_minutes)
                      if c.schedule_minutes else _("by hand"),
                      f"{c.next_run_at:%d/%m/%Y %H:%M}" if c.next_run_at else "")
    out.print(table)


@app.command("run")
@friendly
def connectors_run(name: str, data_dir: DataDir = None) -> None:
    """Run a connector now, with its retries; prints the run."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.exchange.connectors import Runtime, run_connector
    from fansipan.services.warehouse.setup import open_store
    from fansipan.store.engine import make_session_factory

    settings = settings_from(data_dir)
    engine = open_store(settings)
    try:
        run = run_connector(session_factory=make_session_factory(engine), principal=cli_principal(),
                            name=name, runtime=Runtime(spool=settings.data_dir / "spool",
                                                       warehouse=Warehouse()))
    finally:
        engine.dispose()
    out.print(_("{name}: {status} after {attempts} attempt(s); sent {sent}, imported "
                "{imported}, updated {updated}, ignored {ignored}, conflicts {conflicts}",
                name=name, status=run.status, attempts=run.attempts, sent=run.values_sent,
                imported=run.imported, updated=run.updated, ignored=run.ignored,
                conflicts=run.conflicts), highlight=False)
    if run.message:
        out.print(run.message, highlight=False)
    if run.status == "failed":
        raise typer.Exit(1)


@app.command("runs")
@friendly
def connectors_runs(name: str, data_dir: DataDir = None) -> None:
    """A connector's run history, newest first."""
    from fansipan.services.exchange.connectors import list_runs

    with open_session(settings_from(data_dir)) as session:
        runs = list_runs(session=session, principal=cli_principal(), name=name)
    table = Table(_("Run"), _("Started (UTC)"), _("Trigger"), _("Status"), _("Attempts"),
                  _("Sent"), _("Imported"), _("Updated"), _("Conflicts"),
                  title=_("Runs of {name}", name=name))
    for r in runs:
        table.add_row(str(r.id), f"{r.started_at:%d/%m/%Y %H:%M:%S}", r.trigger, r.status,
                      str(r.attempts), str(r.values_sent), str(r.imported), str(r.updated),
                      str(r.conflicts))
    out.print(table)
