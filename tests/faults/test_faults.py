"""Nothing lost under faults: a killed import, two importers at once, a full disk, a
dropped PostgreSQL connection. Real processes, real stores, real signals."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from fansipan.errors import StoreUnavailable
from fansipan.services.trust.audit import verify_chain
from fansipan.services.warehouse.datavalues import DataValueWrite, write_values
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.tables import ChangeRow, DataValueRow

ROOT = Path(__file__).resolve().parents[2]
MONTHS = 78  # 151 communes × 78 months (2019-01 to 2025-06): 11,778 values in one batch


def _start(url: str, seed: int, months: int = MONTHS) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.support.writer", url, str(seed),
                             str(months)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})


def _counts(session: Session) -> tuple[int, int]:
    with session.begin():
        values = session.scalar(select(func.count()).select_from(DataValueRow)) or 0
        changes = session.scalar(select(func.count()).select_from(ChangeRow)) or 0
    return int(values), int(changes)


def _consistent(session: Session) -> None:
    """Every value's change number is in the log, and the audit chain covers it all."""
    with session.begin():
        orphans = session.scalar(select(func.count()).select_from(DataValueRow).where(
            DataValueRow.change_id.not_in(select(ChangeRow.id))))
    assert orphans == 0
    report = verify_chain(session=session)
    assert report.ok, report.problems


def test_an_import_killed_halfway_leaves_before_or_after(store_url: str,
                                                         session: Session) -> None:
    outcomes: list[tuple[str, bool]] = []
    for attempt in range(8):
        # At least three kills at random moments; a fast store may finish a batch before
        # the kill, so each further attempt kills sooner until one lands mid-write.
        if attempt >= 3 and any(killed for _, killed in outcomes):
            break
        before = _counts(session)
        proc = _start(store_url, seed=attempt + 1)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("writing"), line
        expected = int(line.split()[1])
        time.sleep(random.uniform(0.0, 0.6 / (1 + attempt)))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate(timeout=30)
        # Killed while it ran (its summary never printed), or it had finished already.
        killed = proc.returncode == -signal.SIGKILL and '"created"' not in rest
        after = _counts(session)
        if after == before:
            assert killed, "an import that ran to its end must have saved its batch"
            outcomes.append(("before", killed))
        else:
            # All of it or none of it: a whole batch adds one change per value.
            assert after[1] - before[1] == expected, (before, after)
            outcomes.append(("after", killed))
        _consistent(session)
    # An attempt whose import finished before the kill proves nothing about a kill.
    assert any(killed for _, killed in outcomes), outcomes


def test_two_importers_at_once_lose_no_write(store_url: str, session: Session) -> None:
    first, second = _start(store_url, seed=1, months=36), _start(store_url, seed=2, months=48)
    outputs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, outputs
    summaries = [json.loads(o.strip().splitlines()[-1]) for o in outputs]
    written = sum(s["created"] + s["updated"] for s in summaries)
    values, changes = _counts(session)
    assert changes == written  # every write of both is in the change log
    assert values == 151 * 48  # the union of both key sets, each key once
    with session.begin():
        finals = dict(session.execute(select(DataValueRow.period, DataValueRow.value)
                                      .where(DataValueRow.period >= "2022-01")).all())
    assert {v // 100_000 for v in finals.values()} == {2}  # only the second wrote 2022
    _consistent(session)


def test_a_full_disk_gives_a_clear_error_and_no_partial_data(tmp_path: Path,
                                                             sqlite_templates: object) -> None:
    url = sqlite_templates.new("reference", tmp_path)  # type: ignore[attr-defined]
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _small_disk(dbapi_conn: object, _record: object) -> None:
        # SQLite's own size cap answers exactly as a full disk does (SQLITE_FULL).
        cur = dbapi_conn.cursor()  # type: ignore[attr-defined]
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages + 20}")
        cur.close()

    items = [DataValueWrite(indicator="VT_TRAM_5G", unit="02647",
                            period=f"{2000 + m // 12}-{m % 12 + 1:02d}", value=m,
                            comment="x" * 500) for m in range(300)]
    with make_session_factory(engine)() as session:
        before = _counts(session)
        with pytest.raises(StoreUnavailable, match="disk is full; nothing was saved"):
            write_values(session=session, items=items, actor="tests", source="tests")
        assert _counts(session) == before
    engine.dispose()


@pytest.mark.postgres
def test_a_dropped_postgres_connection_gives_a_clear_error(pg_templates: object) -> None:
    url = next(pg_templates.new("reference"))  # type: ignore[attr-defined]
    engine = make_engine(url)
    try:
        proc = _start(url, seed=7)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("writing"), line
        name = url.rsplit("/", 1)[1]
        killed = 0
        with engine.connect() as conn:
            for _ in range(200):
                killed = conn.execute(text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :db AND pid <> pg_backend_pid() "
                    "AND state IN ('active', 'idle in transaction')"), {"db": name}
                ).scalar_one()
                conn.commit()
                if killed:
                    break
                time.sleep(0.01)
        out = proc.communicate(timeout=60)[0]
        with make_session_factory(engine)() as session:
            values, changes = _counts(session)
        if killed and proc.returncode == 3:
            assert "connection failed or was dropped); nothing was saved" in out, out
            assert (values, changes) == (0, 0)
        else:  # the batch committed before the connection could be cut
            assert proc.returncode == 0 and values == 151 * MONTHS, out
    finally:
        engine.dispose()
