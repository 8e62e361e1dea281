"""Runs scheduled connectors when they are due, on one thread of the server."""

from __future__ import annotations

import logging
import threading

from fansipan.domain.access import Principal
from fansipan.services.exchange.connector_runs import Runtime, run_connector
from fansipan.services.exchange.connectors import due_connectors
from fansipan.store.engine import SessionFactory

log = logging.getLogger("fansipan.connectors")


class ConnectorScheduler:
    def __init__(self, session_factory: SessionFactory, runtime: Runtime,
                 every_seconds: float = 30.0) -> None:
        self.session_factory = session_factory
        self.runtime = runtime
        self.every = every_seconds
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="fansipan-connectors",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def run_due(self) -> int:
        """Run every connector that is due now; returns how many ran."""
        with self.session_factory() as session:
            names = due_connectors(session=session)
        for name in names:
            if self._stop.is_set():
                break
            run = run_connector(session_factory=self.session_factory, name=name,
                                principal=Principal.system("scheduler"), runtime=self.runtime,
                                trigger="schedule")
            log.info("connector %s ran: %s", name, run.status)
        return len(names)

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.run_due()
            except Exception:  # a bad run must not stop the schedule
                log.exception("scheduled connectors failed")
