"""`fansipan connectors`: pull sources and upward push targets, each run as its owner."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import DataDir, cli_principal, friendly, open_session, out, settings_from

app = typer.Typer(help="Kết nối kéo và đẩy số liệu / Pull sources and upward push targets.",
                  no_args_is_help=True)


@app.command("add")
@friendly
def connectors_add(
    spec: Annotated[Path, typer.Argument(
        exists=True, dir_okay=False,
        help="A JSON file describing the connector (see docs/exchange.md).")],
    owner: Annotated[str | None, typer.Option(
        help="The account it runs as (its scope bounds the connector); overrides the file's "
             "'owner'.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Register a pull source or a push target from its JSON description."""
    from fansipan.services.exchange.connectors import ConnectorCreate, create_connector

    data = ConnectorCreate.model_validate_json(spec.read_text(encoding="utf-8"))
    if owner is not None:
        data = data.model_copy(update={"owner": owner})
    settings = settings_from(data_dir)
    with open_session(settings) as session:
        made = create_connector(session=session, settings=settings, principal=cli_principal(),
                                data=data)
    every = f"{made.schedule_minutes} phút/min" if made.schedule_minutes else "thủ công/by hand"
    out.print(f"Đã đăng ký / Registered {made.kind.value} connector {made.name} ({made.url}) "
              f"as {made.owner}, run {every}.", highlight=False)


@app.command("list")
@friendly
def connectors_list(data_dir: DataDir = None) -> None:
    """Every connector, its owner, and what keeps it from running, if anything."""
    from fansipan.services.exchange.connectors import list_connectors

    with open_session(settings_from(data_dir)) as session:
        found = list_connectors(session=session, principal=cli_principal())
    table = Table("tên / name", "loại / kind", "chủ / owner", "cơ quan / agency", "url",
                  "bí mật / credential", "lịch / schedule", "chạy tiếp / next run",
                  "vấn đề / problem", title="Kết nối / Connectors")
    for c in found:
        table.add_row(c.name, c.kind.value, c.owner or "—", c.agency or "—", c.url,
                      c.credential, f"{c.schedule_minutes} min" if c.schedule_minutes else "—",
                      f"{c.next_run_at:%d/%m/%Y %H:%M}" if c.next_run_at else "",
                      ("off; " if not c.active else "") + c.problem[:80])
    out.print(table)


@app.command("set")
@friendly
def connectors_set(
    name: str,
    credential: Annotated[str | None, typer.Option(
        help="Name of a secret to send ('' for none).")] = None,
    owner: Annotated[str | None, typer.Option(help="Another account to run as.")] = None,
    url: Annotated[str | None, typer.Option(help="A new address.")] = None,
    schedule: Annotated[int | None, typer.Option(
        help="Run every N minutes (0: by hand only).")] = None,
    active: Annotated[bool | None, typer.Option("--on/--off", help="Switch it on or off.")
                      ] = None,
    data_dir: DataDir = None,
) -> None:
    """Change a connector: its credential, owner, address, schedule, or switch it off."""
    from fansipan.services.exchange.connectors import ConnectorUpdate, update_connector

    settings = settings_from(data_dir)
    data = ConnectorUpdate(credential=credential, owner=owner, url=url,
                           schedule_minutes=schedule, active=active)
    with open_session(settings) as session:
        done = update_connector(session=session, settings=settings, principal=cli_principal(),
                                name=name, data=data)
    out.print(f"Đã cập nhật / Updated {done.name}: owner {done.owner}, credential "
              f"{done.credential or '—'}, {'on' if done.active else 'off'}"
              + (f"; {done.problem}" if done.problem else ""), highlight=False)


@app.command("run")
@friendly
def connectors_run(name: str, data_dir: DataDir = None) -> None:
    """Run a connector now, as its owner, with its retries; prints the run."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.citizens.dossier_pull import PULL_TARGETS
    from fansipan.services.exchange.connector_runs import Runtime, run_connector
    from fansipan.services.warehouse.setup import open_store
    from fansipan.store.engine import make_session_factory

    settings = settings_from(data_dir)
    engine = open_store(settings)
    try:
        run = run_connector(session_factory=make_session_factory(engine), principal=cli_principal(),
                            name=name, runtime=Runtime(spool=settings.data_dir / "spool",
                                                       settings=settings, warehouse=Warehouse(),
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
