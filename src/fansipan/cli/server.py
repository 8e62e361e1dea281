"""`fansipan demo` and `fansipan serve`: load the demo, serve the API and the dashboard."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TimeElapsedColumn,
)

from fansipan.cli.common import DataDir, Host, Port, friendly, out, settings_from
from fansipan.settings import Settings


@friendly
def demo(
    data_dir: DataDir = None,
    host: Host = None,
    port: Port = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load and exit.")] = False,
) -> None:
    """Create (or reuse) a demo store with Lào Cai's data and start the server."""

    from fansipan.demo.setup import prepare_demo

    settings = settings_from(data_dir, host, port)
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
    if ready.citizens is not None and not ready.citizens.skipped:
        out.print(f"Loaded {ready.citizens.reports:,} illustrative field reports and "
                  f"{ready.citizens.dossiers:,} dossiers (minh họa).")
    out.print("Every demo indicator is public: the API reads without signing in.")
    if ready.admin_password:
        out.print(f"Demo administrator: [bold]admin[/bold], initial password "
                  f"[bold]{ready.admin_password}[/bold] (shown only now; you must change it "
                  "at first sign-in).", highlight=False)
    if not no_serve:
        run_server(settings)


@friendly
def serve(data_dir: DataDir = None, host: Host = None, port: Port = None) -> None:
    """Serve the API and the dashboard."""
    settings = settings_from(data_dir, host, port)
    settings.check_can_serve()
    run_server(settings)


def run_server(settings: Settings) -> None:
    import uvicorn

    from fansipan.api.app import create_app
    from fansipan.logs import configure_logging

    out.print(f"Fansipan is at [bold]http://{settings.host}:{settings.port}/[/bold] "
              f"(API docs: http://{settings.host}:{settings.port}/api/docs). Ctrl+C stops it.")
    configure_logging()
    # SIGTERM or Ctrl+C: stop accepting, let requests in flight finish (up to the
    # shutdown timeout), then close the database pool in the app's lifespan.
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                # X-Forwarded-* is read by the app itself (api/proxies.py), from the
                # proxies FANSIPAN_TRUSTED_PROXIES names only.
                log_config=None, access_log=False, proxy_headers=False,
                timeout_graceful_shutdown=settings.shutdown_timeout)
