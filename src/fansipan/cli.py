"""The `fansipan` command: thin wrappers that parse, call a service and print."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from rich.tree import Tree
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.errors import FansipanError
from fansipan.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(help="Fansipan: the intelligent operations centre.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
units_app = typer.Typer(help="Administrative units and agencies.", no_args_is_help=True)
indicators_app = typer.Typer(help="The indicator catalogue.", no_args_is_help=True)
targets_app = typer.Typer(help="Targets and their evaluation.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(units_app, name="units")
app.add_typer(indicators_app, name="indicators")
app.add_typer(targets_app, name="targets")

out = Console()
err = Console(stderr=True)

DataDir = Annotated[Path | None, typer.Option(
    "--data-dir", help="Folder holding the SQLite store (default ./fansipan-data); "
    "ignored when FANSIPAN_DATABASE_URL is set.")]
Host = Annotated[str | None, typer.Option(help="Address to listen on.")]
Port = Annotated[int | None, typer.Option(help="Port to listen on.")]


def _settings(data_dir: Path | None = None, host: str | None = None,
              port: int | None = None) -> Settings:
    return Settings.from_env().with_overrides(data_dir=data_dir, host=host, port=port)


def friendly(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn domain and store errors into one line on stderr and exit code 1."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except FansipanError as exc:
            err.print(f"[red]error:[/red] {exc}", highlight=False, soft_wrap=True)
        except OperationalError as exc:
            err.print(f"[red]error:[/red] the database cannot be used: {exc.orig}",
                      highlight=False, soft_wrap=True)
        raise typer.Exit(1)

    return wrapper


@contextmanager
def _session(settings: Settings) -> Iterator[Session]:
    """A session whose engine is closed afterwards (the CLI may run inside a test)."""
    from fansipan.services.warehouse.setup import open_store
    from fansipan.store.engine import make_session_factory

    engine = open_store(settings)
    try:
        with make_session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


def _cli() -> Principal:
    """Who the audit trail names for a command typed at this machine."""
    return Principal.system(f"cli:{getpass.getuser()}")


@db_app.command("upgrade")
@friendly
def db_upgrade(data_dir: DataDir = None) -> None:
    """Create or migrate the database schema to the newest version."""
    from fansipan.services.warehouse.setup import upgrade

    before, after = upgrade(_settings(data_dir))
    if before == after:
        out.print(f"The database is up to date (revision {after}).")
    else:
        out.print(f"Upgraded the database from {before or 'empty'} to {after}.")


@app.command()
@friendly
def demo(
    data_dir: DataDir = None,
    host: Host = None,
    port: Port = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load and exit.")] = False,
) -> None:
    """Create (or reuse) a demo store with Lào Cai's data and start the server."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from fansipan.demo.setup import prepare_demo

    settings = _settings(data_dir, host, port)
    out.print(f"Demo store: {settings.store_url}")
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=out) as bar:
        task = bar.add_task("Loading illustrative demo values", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        ready = prepare_demo(settings, progress=advance)
    if ready.demo.skipped:
        out.print("The demo data was already loaded; reusing it.")
    else:
        out.print(f"Loaded {ready.reference.units} units, {ready.reference.indicators} "
                  f"indicators and {ready.demo.values} illustrative values "
                  f"(not official figures).")
    out.print("Every demo indicator is public: the API reads without signing in.")
    if ready.admin_password:
        out.print(f"Demo administrator: [bold]admin[/bold], initial password "
                  f"[bold]{ready.admin_password}[/bold] (shown only now; you must change it "
                  "at first sign-in).", highlight=False)
    if not no_serve:
        _serve(settings)


@app.command()
@friendly
def serve(data_dir: DataDir = None, host: Host = None, port: Port = None) -> None:
    """Serve the API and the dashboard."""
    settings = _settings(data_dir, host, port)
    settings.check_can_serve()
    _serve(settings)


def _serve(settings: Settings) -> None:
    import uvicorn

    from fansipan.api.app import create_app
    from fansipan.logs import configure_logging

    out.print(f"Fansipan is at [bold]http://{settings.host}:{settings.port}/[/bold] "
              f"(API docs: http://{settings.host}:{settings.port}/api/docs). Ctrl+C stops it.")
    configure_logging()
    # SIGTERM or Ctrl+C: stop accepting, let requests in flight finish (up to the
    # shutdown timeout), then close the database pool in the app's lifespan.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                log_config=None, access_log=False, proxy_headers=True,
                forwarded_allow_ips=settings.trusted_proxies,
                timeout_graceful_shutdown=settings.shutdown_timeout)


@units_app.command("list")
@friendly
def units_list(
    data_dir: DataDir = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date (YYYY-MM-DD) the tree is shown as of; default today.")] = None,
    tree: Annotated[bool, typer.Option("--tree", help="Show as a tree.")] = False,
) -> None:
    """List the units in force on a date."""
    from fansipan.services.warehouse.units import list_units

    on = _date(as_of, "--as-of") or date.today()
    with _session(_settings(data_dir)) as session:
        units = list_units(session=session, as_of=on)
    if tree:
        nodes: dict[str, Tree] = {}
        root = Tree(f"Units in force on {on:%d/%m/%Y}")
        for u in units:  # parents come before their children
            label = f"{u.code} {u.name} [dim]({u.level})[/dim]"
            parent = nodes.get(u.parent) if u.parent else None
            nodes[u.code] = (parent or root).add(label)
        out.print(root)
        return
    table = Table("code", "name", "level", "parent", "valid from", "valid to",
                  title=f"{len(units)} units in force on {on:%d/%m/%Y}")
    for u in units:
        table.add_row(u.code, u.name, u.level, u.parent or "",
                      _dmy(u.valid_from), _dmy(u.valid_to))
    out.print(table)


@indicators_app.command("list")
@friendly
def indicators_list(
    data_dir: DataDir = None,
    sector: Annotated[str | None, typer.Option(help="Only this sector.")] = None,
) -> None:
    """List the indicators of the catalogue."""
    from fansipan.services.warehouse.indicators import list_indicators

    with _session(_settings(data_dir)) as session:
        items = list_indicators(session=session, sector=sector)
    table = Table("code", "tên (vi)", "name (en)", "unit", "sector", "formula",
                  title=f"{len(items)} indicators")
    for i in items:
        table.add_row(i.code, i.name_vi, i.name_en, i.unit_vi, i.sector, i.formula or "")
    out.print(table)


@indicators_app.command("show")
@friendly
def indicators_show(code: str, data_dir: DataDir = None) -> None:
    """Show one indicator's definition."""
    from fansipan.services.warehouse.indicators import get_indicator

    with _session(_settings(data_dir)) as session:
        ind = get_indicator(session=session, code=code)
    for key, value in ind.model_dump().items():
        out.print(f"[bold]{key}[/bold]: {value}", highlight=False)


@targets_app.command("evaluate")
@friendly
def targets_evaluate(
    year: Annotated[int, typer.Option(help="The plan year.")],
    data_dir: DataDir = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluate as of this date (YYYY-MM-DD); default today.")] = None,
    lang: Annotated[str, typer.Option(help="vi or en.")] = "vi",
) -> None:
    """Evaluate the year's targets: met (đạt), exceeded (vượt), missed (không đạt)."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.domain.numbers import format_number
    from fansipan.services.insight.evaluation import evaluate_targets

    with _session(_settings(data_dir)) as session:
        report = evaluate_targets(session=session, warehouse=Warehouse(), year=year,
                                  as_of=_date(as_of, "--as-of"),
                                  lang="en" if lang == "en" else "vi")
    table = Table("indicator", "unit", "planned", "actual", "status",
                  title=f"Targets {year}")
    for item in report.items:
        actual = "—" if item.actual is None else format_number(item.actual, 2, lang)
        table.add_row(item.indicator_name, item.unit_name, format_number(item.planned, 2, lang),
                      actual, item.status_label)
    out.print(table)
    out.print(report.sentence, highlight=False)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]error:[/red] {option} takes a date as YYYY-MM-DD, not {text!r}")
        raise typer.Exit(2) from None


def _dmy(d: date | None) -> str:
    return d.strftime("%d/%m/%Y") if d else ""


# Each registers its commands: clients, import, export, connectors; accounts, audit, backups.
from fansipan import cli_exchange, cli_trust  # noqa: E402, F401


def main() -> None:
    app(prog_name="fansipan")


if __name__ == "__main__":
    main()
