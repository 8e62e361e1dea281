"""Spooled files (uploads, pulled answers, exports on their way out), named after the
server process that made them, so the leftovers of a killed process can be told from
the files of a living one and removed.

A spooled file is `PREFIX-PID.START-RANDOM[SUFFIX]` in the data directory's `spool`
folder; `sweep` removes every file whose process is gone (see `workers`).
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from pathlib import Path
from typing import IO

from fansipan.services.exchange.workers import Worker, is_alive, this_worker

_OWNED = re.compile(r"^[a-z]+-(\d+)\.(\d+)-")
# Files from before spooled files carried their process: old enough, nobody reads them.
UNOWNED_AFTER_SECONDS = 24 * 3600


def spool_file(folder: Path, prefix: str, suffix: str = "") -> IO[bytes]:
    """A new file of this process, open for writing; the caller removes it."""
    folder.mkdir(parents=True, exist_ok=True)
    return tempfile.NamedTemporaryFile(
        dir=folder, prefix=f"{prefix}-{this_worker().file_tag}-", suffix=suffix,
        delete=False)


def owner(path: Path) -> Worker | None:
    """The process a spooled file belongs to, when its name says."""
    found = _OWNED.match(path.name)
    if found is None:
        return None
    me = this_worker()
    return Worker(host=me.host, boot=me.boot, pid=int(found.group(1)),
                  started=int(found.group(2)))


def sweep(folder: Path) -> list[Path]:
    """Remove the files of processes that no longer run; returns what was removed."""
    if not folder.is_dir():
        return []
    removed = []
    now = time.time()
    for path in folder.iterdir():
        if not path.is_file():
            continue
        worker = owner(path)
        if worker is None:
            stale = False
            with contextlib.suppress(OSError):
                stale = now - path.stat().st_mtime > UNOWNED_AFTER_SECONDS
            if not stale:
                continue
        elif is_alive(worker) is not False:
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed
