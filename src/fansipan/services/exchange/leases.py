"""Leases: work that one server worker at a time may do, decided in the store.

`fansipan serve --workers N` runs N processes; the connector schedule must still run each
connector once, not N times, and the foresight refresher must handle each change (and
send each alert) once. A lease names its holder and lapses unless renewed; each
worker tries to take it every round, and gets it only when it holds it already or when
its holder stopped renewing (it died). Taking and renewing are one UPDATE each, so two
workers never both believe they hold it.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from fansipan.store.engine import SessionFactory
from fansipan.store.exchange_tables import LeaseRow

CONNECTOR_SCHEDULE = "connectors"
FORESIGHT = "foresight"  # the refresher, its daily chores and the sending of alerts
# Foresight's writes of forecasts, odds and alerts: the refresher's and a recomputation
# job's, which may run on different workers, one at a time.
FORESIGHT_WRITES = "foresight.writes"


def hold_lease(*, session: Session, name: str, holder: str, seconds: float) -> bool:
    """Take or renew the lease `name` for `holder` for `seconds`; whether it is held."""
    now = datetime.now(UTC)
    until = now + timedelta(seconds=seconds)
    with session.begin():
        taken = session.execute(
            update(LeaseRow).where(LeaseRow.name == name,
                                   or_(LeaseRow.holder == holder, LeaseRow.expires_at < now))
            .values(holder=holder, expires_at=until, renewed_at=now))
        if taken.rowcount:  # type: ignore[attr-defined]
            return True
        if session.get(LeaseRow, name) is not None:
            return False
    try:
        with session.begin():
            session.add(LeaseRow(name=name, holder=holder, expires_at=until, renewed_at=now))
    except IntegrityError:
        return False  # another worker made it first, and holds it
    return True


def release_lease(*, session: Session, name: str, holder: str) -> None:
    """Give the lease up at once (a worker that stops), so another may take it."""
    with session.begin():
        session.execute(update(LeaseRow).where(LeaseRow.name == name,
                                               LeaseRow.holder == holder)
                        .values(expires_at=datetime.now(UTC)))


def lease_holder(*, session: Session, name: str) -> str | None:
    """Who holds the lease now (None when nobody does)."""
    with session.begin():
        row = session.get(LeaseRow, name)
        if row is None:
            return None
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        return row.holder if expires > datetime.now(UTC) and row.holder else None


@contextlib.contextmanager
def exclusive(session_factory: SessionFactory, *, name: str, holder: str, seconds: float,
              poll: float = 0.2) -> Iterator[None]:
    """Hold the lease `name` for the block, waiting while another holds it (one holder at
    a time across processes; it lapses after `seconds` if its holder dies in the block)."""
    while True:
        with session_factory() as session:
            if hold_lease(session=session, name=name, holder=holder, seconds=seconds):
                break
        time.sleep(poll)
    try:
        yield
    finally:
        with contextlib.suppress(OperationalError, ProgrammingError), session_factory() as s:
            release_lease(session=s, name=name, holder=holder)
