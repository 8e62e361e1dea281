"""The app's job runner (kept in `http.runner`, which the pages share)."""

from __future__ import annotations

from fansipan.http.runner import RunnerDep, get_runner, runner_of

__all__ = ["RunnerDep", "get_runner", "runner_of"]
