"""`fansipan demo` and `fansipan serve`: load the demo, serve the API and the dashboard."""

from __future__ import annotations

import logging
import sys
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TimeElapsedColumn,
)

from fansipan.cli.common import DataDir, Host, Port, _, figure, friendly, out, settings_from
from fansipan.settings import Settings

WORKER_HEALTHCHECK_SECONDS = 60  # how long a worker may take to answer its supervisor


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
    out.print(_("Demo store: {url}", url=settings.store_url))
    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=out) as bar:
        task = bar.add_task(_("Loading illustrative demo values"), total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        ready = prepare_demo(settings, progress=advance)
    if ready.demo.skipped:
        out.print(_("The demo data was already loaded; reusing it."))
    else:
        out.print(_("Loaded {units} units, {indicators} indicators and {values} illustrative "
                    "values (minh họa, not official figures).", units=ready.reference.units,
                    indicators=ready.reference.indicators, values=ready.demo.values))
    if ready.citizens is not None and not ready.citizens.skipped:
        out.print(_("Loaded {reports} illustrative field reports and {dossiers} dossiers "
                    "(minh họa).", reports=figure(ready.citizens.reports),
                    dossiers=figure(ready.citizens.dossiers)))
    out.print(_("Every demo indicator is public: the API reads without signing in."))
    if ready.admin_password:
        out.print(_("Demo administrator: [bold]admin[/bold], initial password [bold]{password}"
                    "[/bold] (shown only now; you must change it at first sign-in).",
                    password=ready.admin_password), highlight=False)
    if not no_serve:
        run_server(settings)


Workers = Annotated[int | None, typer.Option(
    "--workers", min=1, max=64,
    help="Server processes to run (default FANSIPAN_WORKERS, else 1); one per core.")]


@friendly
def serve(data_dir: DataDir = None, host: Host = None, port: Port = None,
          workers: Workers = None) -> None:
    """Serve the API and the dashboard."""
    settings = settings_from(data_dir, host, port).with_overrides(workers=workers)
    settings.check_can_serve()
    run_server(settings)


def run_server(settings: Settings) -> None:
    import uvicorn

    from fansipan.api.app import create_app
    from fansipan.api.workers import WORKER_APP, can_share_port, prepare_workers, shared_port
    from fansipan.logs import configure_logging

    many = settings.workers > 1
    site = f"http://{settings.host}:{settings.port}/"
    docs = f"http://{settings.host}:{settings.port}/api/docs"
    if many:
        out.print(_("Fansipan is at [bold]{site}[/bold] (API docs: {docs}), {workers} worker "
                    "processes. Ctrl+C stops it.", site=site, docs=docs,
                    workers=figure(settings.workers)))
    else:
        out.print(_("Fansipan is at [bold]{site}[/bold] (API docs: {docs}). Ctrl+C stops it.",
                    site=site, docs=docs))
    configure_logging()
    # SIGTERM or Ctrl+C: stop accepting, let requests in flight finish (up to the
    # shutdown timeout), then close the database pool in the app's lifespan.
    options: dict[str, object] = {
        "host": settings.host, "port": settings.port, "log_config": None,
        # X-Forwarded-* is read by the app itself (api/proxies.py), from the proxies
        # FANSIPAN_TRUSTED_PROXIES names only.
        "access_log": False, "proxy_headers": False,
        "timeout_graceful_shutdown": settings.shutdown_timeout}
    if many:
        # Each worker is a process of its own that builds its app from the same settings
        # (handed over in the environment); uvicorn restarts one that dies.
        prepare_workers(settings)
        # The supervisor kills a worker that does not answer its health check in time,
        # and one still starting (importing the app) cannot: on a busy machine the
        # default 5 s killed every worker before it started, over and over.
        options["timeout_worker_healthcheck"] = WORKER_HEALTHCHECK_SECONDS
        if not can_share_port():
            uvicorn.run(WORKER_APP, factory=True, workers=settings.workers,
                        **options)  # type: ignore[arg-type]
            return
        from uvicorn.config import STARTUP_FAILURE
        from uvicorn.supervisors import Multiprocess

        # uvicorn.run's way with several workers, but each worker listens on its own
        # socket on the address (api/workers.py), so connections are spread evenly.
        config = uvicorn.Config(WORKER_APP, factory=True, workers=settings.workers,
                                **options)  # type: ignore[arg-type]
        try:
            sock, guard = shared_port(settings.host, settings.port)
        except OSError as exc:  # the address is taken: as uvicorn.run says and exits
            logging.getLogger("uvicorn.error").error(exc)
            out.print(_("The address {address} is taken (another server, perhaps another "
                        "fansipan serve, holds it): stop that one or choose another "
                        "--port.", address=f"{settings.host}:{settings.port}"))
            sys.exit(STARTUP_FAILURE)
        try:
            Multiprocess(config, sockets=[sock]).run()
        finally:
            sock.close()
            guard.close()
    else:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
