"""Runs scheduled connectors when they are due, on one thread of one server worker.

With several workers (`fansipan serve --workers N`) every worker runs this loop, but only
the one holding the connector schedule's lease in the store runs connectors; when that
worker dies its lease lapses and another takes over within a round or two.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.exc import OperationalError, ProgrammingError

from fansipan.domain.access import Principal
from fansipan.services.exchange.connector_runs import Runtime, run_connector
from fansipan.services.exchange.connectors import due_connectors
from fansipan.services.exchange.leases import CONNECTOR_SCHEDULE, hold_lease, release_lease
from fansipan.services.exchange.workers import this_worker
from fansipan.store.engine import SessionFactory

log = logging.getLogger("fansipan.connectors")


class ConnectorScheduler:
    def __init__(self, session_factory: SessionFactory, runtime: Runtime,
                 every_seconds: float = 30.0) -> None:
        self.session_factory = session_factory
        self.runtime = runtime
        self.every = every_seconds
        self.holder = this_worker().tag
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
        try:
            with self.session_factory() as session:
                release_lease(session=session, name=CONNECTOR_SCHEDULE, holder=self.holder)
        except (OperationalError, ProgrammingError):
            pass  # the store is gone or not migrated: the lease lapses by itself

    def holds_schedule(self) -> bool:
        """Take or renew the schedule's lease (three rounds long); whether this worker
        is the one that runs connectors now."""
        with self.session_factory() as session:
            return hold_lease(session=session, name=CONNECTOR_SCHEDULE, holder=self.holder,
                              seconds=3 * self.every)

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
        # The lease is claimed at start (so it is plain who holds it); connectors first
        # run one round later, as they always have.
        first = True
        while not self._stop.wait(0.0 if first else self.every):
            try:
                if self.holds_schedule() and not first:
                    self.run_due()
            except (OperationalError, ProgrammingError):
                log.warning("scheduled connectors skipped: the store is not ready")
            except Exception:  # a bad run must not stop the schedule
                log.exception("scheduled connectors failed")
            first = False
