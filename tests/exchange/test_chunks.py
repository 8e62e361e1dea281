"""Writes longer than one chunk: staged while the store stays open, checked on a helper
thread, duplicates found across chunks (naming the earlier row), one audit event per
chunk of changes, all or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from fansipan.domain.rows import RawValue
from fansipan.services.trust.audit import AuditQuery, search_events, verify_chain
from fansipan.services.warehouse import writes
from fansipan.services.warehouse.writes import ValueWriter
from tests.exchange.test_imports import counts


def rows(*months: int, value: int = 1, start: int = 1) -> list[RawValue]:
    return [RawValue(start + n, "VT_TRAM_5G", "02647", f"2024-{m:02d}", value)
            for n, m in enumerate(months)]


def write(session: Session, items: list[RawValue], *, atomic: bool = True) -> writes.WriteOutcome:
    writer = ValueWriter(session=session, source="tests", actor="tests", atomic=atomic)
    with writer:
        writer.add(items)
    return writer.outcome


def test_chunks_audit_and_duplicates_across_them(session: Session,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writes, "CHUNK", 3)
    out = write(session, rows(1, 2, 3, 4, 5, 6, 7))
    assert out.committed and out.created == 7
    assert verify_chain(session=session).ok
    events = search_events(session=session, principal=writes.Principal.system("t"),
                           query=AuditQuery(action="data.write"))
    assert len(events) == 3 and {e.detail.get("part") for e in events} == {None, 2, 3}
    before = counts(session)
    # Row 5 repeats row 1 (an earlier chunk); row 7 repeats row 3 (a value left unchanged).
    again = write(session, [*rows(8, 9, 1), *rows(11, 8, 12, start=4), *rows(1, start=7)])
    assert not again.committed
    dup = {c.row: c.message for c in again.conflicts}
    assert set(dup) == {5, 7}
    assert "row 1 " in dup[5] and "row 3 " in dup[7]
    assert counts(session) == before
    partial = write(session, [*rows(8, 9, 10), *rows(8, start=4)], atomic=False)
    assert partial.committed and partial.created == 3 and partial.rejected_rows == 1
    assert verify_chain(session=session).ok
