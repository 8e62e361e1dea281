"""Several server workers, one refresher: only the holder of the foresight lease handles
changes (and sends messages), so each change is handled once; a worker that stops hands
the work over at once."""

from __future__ import annotations

from sqlalchemy.orm import Session

from fansipan.services.exchange.leases import (
    FORESIGHT,
    FORESIGHT_WRITES,
    hold_lease,
    lease_holder,
)
from fansipan.services.foresight.refresh import ForesightWorker, Refresher
from fansipan.store.exchange_tables import LeaseRow
from tests.services.foresight.conftest import COMMUNE, INDICATOR, put


def test_only_the_lease_holder_refreshes_and_a_stopped_one_hands_over(
        refresher: Refresher, session: Session, history: dict[str, float]) -> None:
    first = ForesightWorker(refresher, every_seconds=60)
    second = ForesightWorker(refresher, every_seconds=60)
    second.holder = f"{first.holder}-other"  # a worker process of its own
    assert first.holds_lease() and not second.holds_lease()
    with refresher.session_factory() as s:
        assert lease_holder(session=s, name=FORESIGHT) == first.holder

    second.refresh()  # not the holder: the changes wait
    waiting = refresher.backlog()
    assert waiting >= len(history)
    with refresher.session_factory() as s:  # a recomputation on another worker is writing
        assert hold_lease(session=s, name=FORESIGHT_WRITES, holder="recompute", seconds=1)
    first.refresh()  # waits for it, then writes
    assert refresher.backlog() == 0
    with refresher.session_factory() as s, s.begin():
        row = s.get(LeaseRow, FORESIGHT_WRITES)
        assert row is not None and row.holder == first.holder  # taken after it, let go
    with refresher.session_factory() as s:
        assert lease_holder(session=s, name=FORESIGHT_WRITES) is None
    assert refresher.progress.last_change > 0

    first.stop()  # gives the lease up: the other takes it at its next round
    put(session, INDICATOR, COMMUNE, {"2026-01": 700})
    assert refresher.backlog() == 1
    assert second.holds_lease()
    second.refresh()
    assert refresher.backlog() == 0
    assert not first.holds_lease()
    second.stop()
    with refresher.session_factory() as s:
        assert lease_holder(session=s, name=FORESIGHT) is None
