"""A job's outcome is read from the store: a process killed (SIGKILL) the instant after
its import committed leaves a job that says what was saved; one killed mid-way leaves a
job that reads as interrupted, marked so for good by the next start, its spooled file
removed, and nothing saved."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.services.exchange.jobs import JobRunner, JobStatus, get_job
from fansipan.services.trust.audit import verify_chain
from fansipan.store.engine import make_engine, make_session_factory
from fansipan.store.exchange_tables import JobRow
from fansipan.store.security_tables import AuditEventRow
from fansipan.store.tables import ChangeRow, DataValueRow

ROOT = Path(__file__).resolve().parents[2]
ME = Principal.system("tests")


def _file(path: Path, months: int) -> Path:
    lines = ["indicator,unit,period,value"] + [
        f"VT_TRAM_5G,02647,{2000 + m // 12}-{m % 12 + 1:02d},{m}" for m in range(months)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _killed(store_url: str, spool: Path, source: Path, how: str,
            env: dict[str, str] | None = None) -> tuple[str, str]:
    """Run the job's process until it kills itself: the job's id and what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.job_process", store_url, str(spool),
         str(source), how], cwd=ROOT, capture_output=True, text=True, timeout=300,
        check=False, env={**os.environ, **(env or {})})
    assert done.returncode == -9, (done.returncode, done.stdout, done.stderr[-2000:])
    assert "done" not in done.stdout
    return done.stdout.split("job ", 1)[1].split()[0], done.stdout


def _values(session: Session) -> int:
    with session.begin():
        return int(session.scalar(select(func.count()).select_from(DataValueRow)) or 0)


def test_killed_just_after_commit_the_job_says_what_was_saved(
        store_url: str, session: Session, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    before = _values(session)
    job_id, _ = _killed(store_url, spool, _file(tmp_path / "a.csv", 240), "--die-after-commit")
    job = get_job(session=session, principal=ME, job_id=job_id)
    assert job.status is JobStatus.DONE and job.error is None
    assert job.summary is not None and job.summary.import_count.imported == 240
    assert job.rows_read == 240 and job.percent == 100.0
    assert _values(session) == before + 240
    assert [p.name for p in spool.iterdir()]  # the killed process left its upload behind
    engine = make_engine(store_url)
    try:
        assert JobRunner(make_session_factory(engine), spool=spool).reap() == []
    finally:
        engine.dispose()
    assert list(spool.iterdir()) == []
    assert get_job(session=session, principal=ME, job_id=job_id).status is JobStatus.DONE


def test_killed_mid_way_the_job_is_interrupted_and_its_spool_removed(
        store_url: str, session: Session, tmp_path: Path) -> None:
    spool = tmp_path / "spool"
    before = _values(session)
    job_id, _ = _killed(store_url, spool, _file(tmp_path / "b.csv", 240), "--die-mid-way")
    # Before any server starts again, the job already reads as interrupted: its process
    # is gone. Its progress was in the store.
    job = get_job(session=session, principal=ME, job_id=job_id)
    assert job.status is JobStatus.INTERRUPTED and job.summary is None
    assert job.error is not None and "chưa lưu gì" in job.error
    assert "nothing of it was saved" in job.error
    assert job.rows_read >= 50
    with session.begin():
        assert session.get(JobRow, job_id).status == "running"  # type: ignore[union-attr]
    leftovers = list(spool.iterdir())
    assert len(leftovers) == 1 and leftovers[0].name.startswith("upload-")
    engine = make_engine(store_url)
    try:
        assert JobRunner(make_session_factory(engine), spool=spool).reap() == [job_id]
    finally:
        engine.dispose()
    with session.begin():
        row = session.get(JobRow, job_id)
        assert row is not None and row.status == "interrupted" and row.finished_at
    assert list(spool.iterdir()) == []
    assert _values(session) == before


def test_killed_while_applying_a_staged_import_nothing_of_it_is_saved(
        store_url: str, session: Session, tmp_path: Path) -> None:
    """A file of several chunks is staged; the process dies inside the transaction that
    applies the stage, its new values already written there: none of them is saved, no
    change number or audit event is left, the job says so, and the stage and the spooled
    file are gone."""
    spool, temp = tmp_path / "spool", tmp_path / "sqlite-temp"
    temp.mkdir()
    before = _values(session)
    with session.begin():
        changes = session.scalar(select(func.count()).select_from(ChangeRow))
        events = session.scalar(select(func.count()).select_from(AuditEventRow))
    job_id, said = _killed(store_url, spool, _file(tmp_path / "c.csv", 240),
                           "--die-while-applying", env={"SQLITE_TMPDIR": str(temp)})
    # Killed in the apply step, the whole file checked, staged and its values written
    # (the heartbeat may not have stored the last progress: the apply holds the lock).
    assert "applying 240 of 240" in said
    job = get_job(session=session, principal=ME, job_id=job_id)
    assert job.status is JobStatus.INTERRUPTED and job.summary is None
    assert job.error is not None and "nothing of it was saved" in job.error
    assert _values(session) == before
    with session.begin():
        assert session.scalar(select(func.count()).select_from(ChangeRow)) == changes
        assert session.scalar(select(func.count()).select_from(AuditEventRow)) == events
    engine = make_engine(store_url)
    try:
        assert JobRunner(make_session_factory(engine), spool=spool).reap() == [job_id]
        # The stage was the dead connection's own: SQLite's temporary database (a file
        # it unlinks as soon as it opens it), PostgreSQL's temporary tables of a session
        # that ended with the process.
        if engine.dialect.name == "postgresql":
            for _ in range(100):
                with engine.connect() as conn:
                    left = conn.execute(text(
                        "SELECT count(*) FROM pg_class WHERE relname LIKE 'fsp\\_%' "
                        "AND relpersistence = 't'")).scalar_one()
                if not left:
                    break
                time.sleep(0.1)
            assert left == 0
    finally:
        engine.dispose()
    assert list(temp.iterdir()) == []
    assert list(spool.iterdir()) == []
    report = verify_chain(session=session)
    assert report.ok, report.problems
