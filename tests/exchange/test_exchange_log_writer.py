"""The exchange log's writer: a request queues its row and goes on, whatever the writer does.

`record` runs on the server's event loop, once a connected system's response has gone;
a flush may wait seconds for SQLite's write lock, and every request of the process
waited with it while `record` took the flush's lock.
"""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any

from fansipan.services.exchange.exchange_log import LogWriter


class _SlowStore:
    """A session factory whose sessions wait (as for a busy store) until released."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.written: list[dict[str, Any]] = []

    def __call__(self) -> _SlowStore:
        return self

    def __enter__(self) -> _SlowStore:
        self.entered.set()
        assert self.release.wait(30)
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def begin(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def execute(self, _statement: object, rows: list[dict[str, Any]]) -> None:
        self.written.extend(rows)


def test_recording_a_row_does_not_wait_for_a_flush_that_waits_for_the_store() -> None:
    store = _SlowStore()
    writer = LogWriter(store)  # type: ignore[arg-type]
    writer.record({"n": 1})  # starts the writer's thread, whose flush now waits
    assert store.entered.wait(30)
    started = time.perf_counter()
    for n in range(2, 12):
        writer.record({"n": n})
    waited = time.perf_counter() - started
    store.release.set()
    writer.close()
    assert waited < 0.5, waited
    assert sorted(row["n"] for row in store.written) == list(range(1, 12))


def test_flush_returns_once_every_row_queued_before_it_is_written() -> None:
    store = _SlowStore()
    store.release.set()
    writer = LogWriter(store)  # type: ignore[arg-type]
    for n in range(3):
        writer.record({"n": n})
    writer.flush()
    assert sorted(row["n"] for row in store.written) == [0, 1, 2]
    writer.close()
