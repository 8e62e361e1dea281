"""Which server process is this, and is another one still alive?

`fansipan serve --workers N` runs N processes over one store; jobs, spooled files and
leases name the process that owns them, so a process that starts can tell the work of
a living neighbour from the leftovers of one that was killed. A process is named by its
host, the machine's boot, its pid and the moment it started (a pid alone is reused).
On the same machine liveness is read from the kernel; a process on another machine is
judged by its heartbeat in the store instead (see `jobs`).
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_PROC = Path("/proc")


@dataclass(frozen=True)
class Worker:
    host: str
    boot: str
    pid: int
    started: int  # clock ticks after boot (Linux); 0 where the kernel does not say

    @property
    def tag(self) -> str:
        """How the store names it: `host:boot:pid:start`."""
        return f"{self.host}:{self.boot}:{self.pid}:{self.started}"

    @property
    def file_tag(self) -> str:
        """How spooled file names carry it (the host is implied: files are local)."""
        return f"{self.pid}.{self.started}"


def _boot() -> str:
    try:
        return (_PROC / "sys/kernel/random/boot_id").read_text().strip()[:8] or "-"
    except OSError:
        return "-"


def _start_time(pid: int) -> int | None:
    """When process `pid` started, in clock ticks after boot; None when there is none."""
    try:
        stat = (_PROC / str(pid) / "stat").read_text()
    except FileNotFoundError:
        return None
    except OSError:
        return 0
    # The command name may hold spaces and parentheses: fields follow the last ")".
    fields = stat.rpartition(")")[2].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return 0


@cache
def _worker(pid: int) -> Worker:
    started = _start_time(pid) if _PROC.is_dir() else 0
    return Worker(host=socket.gethostname()[:60], boot=_boot(), pid=pid, started=started or 0)


def this_worker() -> Worker:
    """This process (a forked child is a process of its own)."""
    return _worker(os.getpid())


def parse_tag(tag: str) -> Worker | None:
    parts = tag.rsplit(":", 3)
    if len(parts) != 4:
        return None
    host, boot, pid, started = parts
    try:
        return Worker(host=host, boot=boot, pid=int(pid), started=int(started))
    except ValueError:
        return None


def is_alive(worker: Worker) -> bool | None:
    """Whether the process still runs: None when it ran on another machine."""
    me = this_worker()
    if worker.host != me.host:
        return None
    if worker.boot != me.boot:
        return False  # the machine has restarted since
    if worker.pid == me.pid:
        return worker.started == me.started
    if _PROC.is_dir():
        started = _start_time(worker.pid)
        return started is not None and (started == worker.started or not worker.started)
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def tag_alive(tag: str) -> bool | None:
    """`is_alive` for a stored tag; an unreadable tag is of no living process here."""
    worker = parse_tag(tag)
    if worker is None:
        return False if tag else None
    return is_alive(worker)
