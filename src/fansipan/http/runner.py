"""The app's job runner, made on first use (nothing starts a thread at import time); the
API and the pages share it, so a job started from a page shows in /api/v1/jobs."""

from __future__ import annotations

import threading
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from fansipan.http.uploads import spool_dir
from fansipan.services.exchange.jobs import JobRunner

_LOCK = threading.Lock()


def runner_of(app: FastAPI) -> JobRunner:
    with _LOCK:
        runner: JobRunner | None = getattr(app.state, "jobs", None)
        if runner is None:
            runner = app.state.jobs = JobRunner(app.state.session_factory,
                                                spool=spool_dir(app.state.settings))
        return runner


def get_runner(request: Request) -> JobRunner:
    return runner_of(request.app)


RunnerDep = Annotated[JobRunner, Depends(get_runner)]
