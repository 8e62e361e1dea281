"""A large write is checked on a stage while the store stays open: an officer's entry
saved in the middle of it goes through at once (on SQLite, too, whose one write lock the
import used to hold from its first row to its last), the import then takes it into
account, and stays all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.domain.estimates import ValueStatus
from fansipan.domain.rows import RawValue, WriteStrategy
from fansipan.services.trust.audit import verify_chain
from fansipan.services.warehouse import writes
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.services.warehouse.writes import ValueWriter
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.tables import ChangeRow, DataValueRow, IndicatorRow, UnitRow

MONTHS = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(120)]
SHARED = MONTHS[100]  # in the file, and saved by the officer while the file is checked


def _stored(session: Session, period: str) -> float | None:
    with session.begin():
        return session.scalar(
            select(DataValueRow.value).join(IndicatorRow,
                                            IndicatorRow.id == DataValueRow.indicator_id)
            .join(UnitRow, UnitRow.id == DataValueRow.unit_id)
            .where(IndicatorRow.code == "VT_TRAM_5G", UnitRow.code == "02647",
                   DataValueRow.period == period, DataValueRow.deleted.is_(False)))


def _file(store_url: str, saved: list[str]) -> Iterator[RawValue]:
    """The file's rows; after the first chunks are staged, an officer saves two values
    through a connection of their own, as the server would."""
    engine = make_engine(store_url)
    try:
        for n, period in enumerate(MONTHS, start=1):
            if n == 80:
                with make_session_factory(engine)() as other:
                    write_values(session=other, actor="officer", source="web", items=[
                        DataValueWrite(indicator="VT_TRAM_5G", unit="02647", period=SHARED,
                                       value=9),
                        DataValueWrite(indicator="VT_TRAM_5G", unit="02647",
                                       period="2030-01", value=3)])
                saved.append("saved")
            yield RawValue(n, "VT_TRAM_5G", "02647", period, n)
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writes, "CHUNK", 25)


def test_an_entry_saved_during_a_large_import_goes_through(
        session: Session, store_url: str) -> None:
    saved: list[str] = []
    writer = ValueWriter(session=session, source="import", actor="tests")
    with writer:
        writer.add(_file(store_url, saved))
    out = writer.outcome
    assert saved == ["saved"] and out.staged and out.committed
    # The shared key was created by the officer meanwhile: the import updates it.
    assert (out.created, out.updated, out.rows) == (119, 1, 120)
    assert _stored(session, SHARED) == 101 and _stored(session, "2030-01") == 3
    assert out.last_change is not None and out.first_change is not None
    assert out.last_change - out.first_change + 1 == 120
    report = verify_chain(session=session)
    assert report.ok, report.problems


def test_a_key_taken_meanwhile_refuses_an_all_or_nothing_import(
        session: Session, store_url: str) -> None:
    saved: list[str] = []
    writer = ValueWriter(session=session, source="import", actor="tests",
                         strategy=WriteStrategy.CREATE)
    with writer:
        writer.add(_file(store_url, saved))
    out = writer.outcome
    assert saved == ["saved"] and not out.committed
    assert [(c.row, c.code) for c in out.conflicts] == [(101, "exists")]
    # Nothing of the file was saved; the officer's two values were.
    assert _stored(session, MONTHS[0]) is None
    assert _stored(session, SHARED) == 9 and _stored(session, "2030-01") == 3
    assert verify_chain(session=session).ok


def _statuses(session: Session, period: str) -> tuple[str, float | None]:
    with session.begin():
        row = session.execute(
            select(DataValueRow.status, DataValueRow.estimate_value)
            .join(IndicatorRow, IndicatorRow.id == DataValueRow.indicator_id)
            .join(UnitRow, UnitRow.id == DataValueRow.unit_id)
            .where(IndicatorRow.code == "VT_TRAM_5G", UnitRow.code == "02647",
                   DataValueRow.period == period)).one()
        return str(row[0]), row[1]


def _estimates(session: Session, values: dict[str, float]) -> None:
    write_values(session=session, actor="officer", source="web", items=[
        DataValueWrite(indicator="VT_TRAM_5G", unit="02647", period=p, value=v,
                       status=ValueStatus.ESTIMATE) for p, v in values.items()])


def test_a_staged_import_of_official_figures_replaces_estimates_and_keeps_them(
        session: Session, store_url: str) -> None:
    # Estimates of two months; the file brings the official figures: the same number for
    # one (still a change: the figure becomes official), another number for the other.
    _estimates(session, {MONTHS[4]: 5, MONTHS[9]: 77})
    saved: list[str] = []
    writer = ValueWriter(session=session, source="import", actor="tests")
    with writer:
        writer.add(_file(store_url, saved))
    out = writer.outcome
    assert out.staged and out.committed
    assert (out.created, out.updated, out.unchanged) == (117, 3, 0)
    assert _stored(session, MONTHS[4]) == 5 and _statuses(session, MONTHS[4]) == (
        "official", 5)
    assert _stored(session, MONTHS[9]) == 10 and _statuses(session, MONTHS[9]) == (
        "official", 77)
    assert _statuses(session, MONTHS[0]) == ("official", None)
    with session.begin():
        marked = session.execute(select(ChangeRow.period, ChangeRow.old_status,
                                        ChangeRow.new_status)
                                 .where(ChangeRow.batch == out.batch,
                                        ChangeRow.old_status.is_not(None))).all()
    assert sorted(marked) == [(MONTHS[4], "estimate", None), (MONTHS[9], "estimate", None)]
    report = verify_chain(session=session)
    assert report.ok, report.problems


def test_a_large_write_of_estimates_is_staged(session: Session) -> None:
    _estimates(session, dict.fromkeys(MONTHS[:60], 1.0))
    assert _statuses(session, MONTHS[59]) == ("estimate", None)
    writer = ValueWriter(session=session, source="web", actor="tests", estimate=True)
    with writer:
        writer.add(RawValue(n, "VT_TRAM_5G", "02647", p, 2) for n, p in
                   enumerate(MONTHS, start=1))
    out = writer.outcome
    assert out.staged and out.committed
    assert (out.created, out.updated) == (60, 60)
    assert _statuses(session, MONTHS[0]) == ("estimate", None)
    assert _statuses(session, MONTHS[119]) == ("estimate", None)
    with session.begin():
        marked = session.execute(select(ChangeRow.period, ChangeRow.old_status,
                                        ChangeRow.new_status)
                                 .where(ChangeRow.batch == out.batch)).all()
    assert sorted(marked) == sorted([(p, "estimate", "estimate") for p in MONTHS[:60]]
                                    + [(p, None, "estimate") for p in MONTHS[60:]])
    report = verify_chain(session=session)
    assert report.ok, report.problems


def test_a_staged_estimate_never_replaces_an_official_figure(session: Session) -> None:
    write_values(session=session, actor="officer", source="web", items=[DataValueWrite(
        indicator="VT_TRAM_5G", unit="02647", period=MONTHS[70], value=7)])
    writer = ValueWriter(session=session, source="web", actor="tests", estimate=True)
    with writer:
        writer.add(RawValue(n, "VT_TRAM_5G", "02647", p, 2) for n, p in
                   enumerate(MONTHS, start=1))
    out = writer.outcome
    assert out.staged and not out.committed
    assert [(c.row, c.code) for c in out.conflicts] == [(71, "estimate_over_official")]
    assert _stored(session, MONTHS[0]) is None and _stored(session, MONTHS[70]) == 7
    assert _statuses(session, MONTHS[70]) == ("official", None)


def _state(session: Session, unit: str, batch: str) -> tuple[list[Any], list[Any]]:
    """A unit's values (period, value, deleted, status, estimate kept) and the changes
    of one write (period, operation, old and new value, old and new status)."""
    with session.begin():
        values = session.execute(
            select(DataValueRow.period, DataValueRow.value, DataValueRow.deleted,
                   DataValueRow.status, DataValueRow.estimate_value)
            .join(UnitRow, UnitRow.id == DataValueRow.unit_id).where(UnitRow.code == unit)
            .order_by(DataValueRow.period)).all()
        changes = session.execute(
            select(ChangeRow.period, ChangeRow.operation, ChangeRow.old_value,
                   ChangeRow.new_value, ChangeRow.old_status, ChangeRow.new_status)
            .where(ChangeRow.batch == batch).order_by(ChangeRow.period)).all()
    return [tuple(v) for v in values], [tuple(c) for c in changes]


def test_a_staged_write_of_estimates_does_what_the_direct_way_does(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same write, staged for one commune and direct for another, over the same
    estimates, official figures and deleted values, leaves the same values and changes."""
    outcomes = {}
    for unit, chunk in (("02647", 25), ("02683", 1000)):
        monkeypatch.setattr(writes, "CHUNK", 1000)
        items = ([DataValueWrite(indicator="VT_TRAM_5G", unit=unit, period=p, value=1,
                                 status=ValueStatus.ESTIMATE) for p in MONTHS[:30]]
                 + [DataValueWrite(indicator="VT_TRAM_5G", unit=unit, period=p, value=5)
                    for p in MONTHS[30:50]])
        write_values(session=session, actor="officer", source="web", items=items)
        gone = ValueWriter(session=session, source="web", actor="officer",
                           strategy=WriteStrategy.DELETE)
        with gone:  # a deleted estimate and a deleted official figure
            gone.add(RawValue(n, "VT_TRAM_5G", unit, p, None) for n, p in
                     enumerate(MONTHS[25:30] + MONTHS[45:50], start=1))
        monkeypatch.setattr(writes, "CHUNK", chunk)
        # Odd rows are estimates: over estimates, over nothing, over official figures
        # (refused), over deleted values; even rows are official figures.
        writer = ValueWriter(session=session, source="import", actor="tests", atomic=False,
                             estimate=frozenset(range(1, 121, 2)))
        with writer:
            writer.add(RawValue(n, "VT_TRAM_5G", unit, p, n * 10 if n % 7 else 1)
                       for n, p in enumerate(MONTHS, start=1))
        out = writer.outcome
        assert out.staged is (chunk == 25) and out.committed
        outcomes[unit] = ((out.created, out.updated, out.deleted, out.unchanged),
                          [(c.row, c.code) for c in out.conflicts],
                          _state(session, unit, out.batch))
    staged, direct = outcomes["02647"], outcomes["02683"]
    assert staged == direct
    assert {code for _row, code in staged[1]} == {"estimate_over_official"}
    statuses = {(s[4], s[5]) for s in staged[2][1]}
    assert statuses >= {("estimate", "estimate"), ("estimate", None), (None, "estimate"),
                        (None, None)}
    report = verify_chain(session=session)
    assert report.ok, report.problems


# Values whose shortest form is long, tiny, huge, or a whole number sent as such.
AWKWARD = [0.1, 1 / 3, 1e-7, 123456789012.5, 0.1 + 0.2, 5, 2.5e-320, 1e22, 0.0, 7.25]


def _events(session: Session, batch: str) -> list[dict[str, Any]]:
    from fansipan.store.security_tables import AuditEventRow

    with session.begin():
        details = session.scalars(select(AuditEventRow.detail)
                                  .where(AuditEventRow.action == "data.write")
                                  .order_by(AuditEventRow.id)).all()
    found = [json.loads(d) for d in details]
    return [d for d in found if d["batch"] == batch]


def _staged_write(session: Session, values: dict[str, float], *,
                  strategy: WriteStrategy = WriteStrategy.CREATE_AND_UPDATE
                  ) -> writes.WriteOutcome:
    writer = ValueWriter(session=session, source="import", actor="tests", strategy=strategy)
    with writer:
        writer.add(RawValue(n, "KTXH_THU_NSNN", "10", p, v)
                   for n, (p, v) in enumerate(values.items(), start=1))
    assert writer.outcome.staged and writer.outcome.committed
    return writer.outcome


def test_the_digest_of_staged_creations_is_made_from_the_stage(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest lines of created values are put together from the stage, not read back
    from the change log, and say exactly what the change log says (the chain verifies),
    for awkward numbers too; updates and deletes are read back, in the same events."""
    from fansipan.store import stage

    read_back: list[tuple[int, int]] = []
    change_rows = stage.change_rows

    def spy(conn: Any, first: int, last: int, **kw: Any) -> Any:
        read_back.append((first, last))
        return change_rows(conn, first, last, **kw)

    monkeypatch.setattr(stage, "change_rows", spy)
    first = {p: AWKWARD[n % len(AWKWARD)] for n, p in enumerate(MONTHS[:60])}
    out = _staged_write(session, first)
    assert out.created == 60 and read_back == []
    assert [(e["created"], e.get("part")) for e in _events(session, out.batch)] == [
        (25, None), (25, 2), (10, 3)]
    # 20 new keys (created first, in key order), 30 changed values, 10 left as they were:
    # the first event holds 20 creations and 5 updates.
    second = {p: first[p] * 2 + 1 if n < 30 else first[p] for n, p in enumerate(MONTHS[:40])}
    second |= {p: AWKWARD[n % len(AWKWARD)] / 7 for n, p in enumerate(MONTHS[60:80])}
    again = _staged_write(session, second)
    assert (again.created, again.updated, again.unchanged) == (20, 30, 10)
    assert [(e["created"], e["updated"]) for e in _events(session, again.batch)] == [
        (20, 5), (0, 25)]
    assert again.first_change is not None
    assert read_back == [(again.first_change + 20, again.first_change + 24),
                         (again.first_change + 25, again.first_change + 49)]
    gone = _staged_write(session, dict.fromkeys(MONTHS[50:80], 0.0),
                         strategy=WriteStrategy.DELETE)
    assert gone.deleted == 30
    report = verify_chain(session=session)
    assert report.ok, report.problems


def test_a_staged_digest_reads_the_change_log_when_record_ids_are_not_in_step(
        session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the created values' record ids not follow their change numbers one for one,
    their digest lines are read back from the change log, and still verify."""
    from fansipan.store import stage

    monkeypatch.setattr(stage, "created_offset", lambda *_a: None)
    out = _staged_write(session, {p: AWKWARD[n % len(AWKWARD)]
                                  for n, p in enumerate(MONTHS[:60])})
    assert out.created == 60
    report = verify_chain(session=session)
    assert report.ok, report.problems
