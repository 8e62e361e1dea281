"""`fansipan connectors`: pull sources and upward push targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import DataDir, cli_principal, friendly, open_session, out, settings_from

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
    every = f"every {made.schedule_minutes} min" if made.schedule_minutes else "by hand"
    out.print(f"Registered {made.kind.value} connector {made.name} ({made.url}), run {every}.")


@app.command("list")
@friendly
def connectors_list(data_dir: DataDir = None) -> None:
    from fansipan.services.exchange.connectors import list_connectors

    with open_session(settings_from(data_dir)) as session:
        found = list_connectors(session=session, principal=cli_principal())
    table = Table("name", "kind", "url", "schedule", "next run", title="Connectors")
    for c in found:
        table.add_row(c.name, c.kind.value, c.url,
                      f"{c.schedule_minutes} min" if c.schedule_minutes else "by hand",
                      f"{c.next_run_at:%d/%m/%Y %H:%M}" if c.next_run_at else "")
    out.print(table)


@app.command("run")
@friendly
def connectors_run(name: str, data_dir: DataDir = None) -> None:
    """Run a connector now, with its retries; prints the run."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.citizens.dossier_pull import PULL_TARGETS
    from fansipan.services.exchange.connectors import Runtime, run_connector
    from fansipan.services.warehouse.setup import open_store
    from fansipan.store.engine import make_session_factory

    settings = settings_from(data_dir)
    engine = open_store(settings)
    try:
        run = run_connector(session_factory=make_session_factory(engine), principal=cli_principal(),
                            name=name, runtime=Runtime(spool=settings.data_dir / "spool",
                                                       warehouse=Warehouse(),
                                                       pull_targets=PULL_TARGETS))
    finally:
        engine.dispose()
    out.print(f"{name}: {run.status} after {run.attempts} attempt(s); sent {run.values_sent}, "
              f"imported {run.imported}, updated {run.updated}, ignored {run.ignored}, "
              f"conflicts {run.conflicts}", highlight=False)
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
    table = Table("run", "started (UTC)", "trigger", "status", "attempts", "sent", "imported",
                  "updated", "conflicts", title=f"Runs of {name}")
    for r in runs:
        table.add_row(str(r.id), f"{r.started_at:%d/%m/%Y %H:%M:%S}", r.trigger, r.status,
                      str(r.attempts), str(r.values_sent), str(r.imported), str(r.updated),
                      str(r.conflicts))
    out.print(table)
