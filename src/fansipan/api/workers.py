"""`fansipan serve --workers N`: the app of each worker process.

The supervising process hands its settings to the workers in the environment
(`FANSIPAN_*`, as an operator would set them), so each worker builds the same app. Every
worker has its own database pool and its own analytics engine, kept current from the
store's change log before each answer; jobs, sessions, throttles, lockouts and the
connector schedule's lease live in the store, so any worker answers any request.
"""

from __future__ import annotations

import os

from fastapi import FastAPI

from fansipan.settings import Settings

WORKER_APP = "fansipan.api.workers:worker_app"


def prepare_workers(settings: Settings) -> None:
    """Put the settings the command line changed where the workers will read them."""
    os.environ["FANSIPAN_DATA_DIR"] = str(settings.data_dir.resolve())
    os.environ["FANSIPAN_HOST"] = settings.host
    os.environ["FANSIPAN_PORT"] = str(settings.port)
    os.environ["FANSIPAN_WORKERS"] = str(settings.workers)


def worker_app() -> FastAPI:
    """Called by uvicorn in each worker process."""
    from fansipan.api.app import create_app
    from fansipan.logs import configure_logging

    configure_logging()
    return create_app(Settings.from_env())
