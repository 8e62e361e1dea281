"""A separate process that imports one file as a background job, as a server does.

    python -m tests.support.job_process STORE_URL SPOOL_DIR FILE [--die-after-commit |
                                                                   --die-mid-way |
                                                                   --die-while-applying]

Spools FILE, submits it to a real `JobRunner` and prints "job <id>" once the job is
queued; prints "done" when it has finished. With `--die-after-commit` the process kills
itself with SIGKILL the instant after the transaction that saved the values commits
(before the runner has done anything else): what a power cut or an OOM kill does. With
`--die-mid-way` it writes in chunks of 50 rows and kills itself once the first chunk of
a larger file has been checked, long before anything is committed. With
`--die-while-applying` it writes in chunks of 50 rows, so the file is staged, and kills
itself inside the transaction that applies the stage, once the file's new values are in
`data_values` but before that transaction commits (it prints "applying" first).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, event, text
from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.services.exchange.imports import ImportOptions
from fansipan.services.exchange.intake import Upload, receive
from fansipan.services.exchange.jobs import JobRunner, Progress
from fansipan.services.exchange.spool import spool_file
from fansipan.services.warehouse import writes
from fansipan.store import stage
from fansipan.store.engine import make_engine, make_session_factory


def main() -> int:
    url, spool, source = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    engine = make_engine(url)
    factory = make_session_factory(engine)
    if "--die-after-commit" in sys.argv:
        probe = make_engine(url)
        with probe.connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM data_values")).scalar_one()

        @event.listens_for(Session, "after_commit")
        def _killed(_session: Session) -> None:
            # The first commit after which more values are stored is the import's own.
            with probe.connect() as conn:
                if conn.execute(text("SELECT count(*) FROM data_values")).scalar_one() > stored:
                    os.kill(os.getpid(), signal.SIGKILL)
    if "--die-mid-way" in sys.argv:
        writes.CHUNK = 50
        probe_mid = make_engine(url)
        advance = Progress.advance

        def _advance(self: Progress, rows: int, done_bytes: int) -> None:
            advance(self, rows, done_bytes)
            if rows < writes.CHUNK:
                return
            # Killed once the heartbeat has put this progress in the store.
            for _ in range(600):
                with probe_mid.connect() as conn:
                    if conn.execute(text("SELECT rows_read FROM jobs WHERE id = :i"),
                                    {"i": self.id}).scalar_one() >= rows:
                        break
                time.sleep(0.05)
            os.kill(os.getpid(), signal.SIGKILL)

        Progress.advance = _advance  # type: ignore[method-assign]
    if "--die-while-applying" in sys.argv:
        writes.CHUNK = 50
        apply_creates = stage.apply_creates

        def _apply_creates(conn: Connection, first: int, **kw: Any) -> int:
            made = apply_creates(conn, first, **kw)
            staged = conn.exec_driver_sql("SELECT count(*) FROM fsp_stage").scalar_one()
            print("applying", made, "of", staged, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
            return made

        stage.apply_creates = _apply_creates

    runner = JobRunner(factory, spool=spool, heartbeat_seconds=0.2)
    with spool_file(spool, "upload", ".part") as handle, source.open("rb") as f:
        shutil.copyfileobj(f, handle)
    upload = Upload(Path(handle.name), source.stat().st_size, source.name, "text/csv")
    with factory() as session:
        intake = receive(session=session, session_factory=factory, runner=runner,
                         principal=Principal.system("tests"), upload=upload,
                         options=ImportOptions(), background=True)
    print("job", intake.job, flush=True)
    runner.wait(str(intake.job), timeout=600)
    print("done", flush=True)
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
