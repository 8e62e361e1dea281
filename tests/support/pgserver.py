"""A throwaway PostgreSQL server for the test session, started from the installed binaries.

Set FANSIPAN_TEST_POSTGRES_URL to use a server you run yourself instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"))
    if not candidates:
        raise RuntimeError(
            "PostgreSQL server binaries not found; run scripts/test.sh, which installs them "
            "(apt-get install postgresql), or set FANSIPAN_TEST_POSTGRES_URL"
        )
    return Path(candidates[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    root: Path
    port: int
    bindir: Path
    user: str | None  # the OS user the server runs as, when we are root

    @property
    def base_url(self) -> str:
        return f"postgresql+psycopg://fansipan@127.0.0.1:{self.port}"

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> None:
        data = self.root / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "fansipan",
                  "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C")
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200")
        self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-o", opts,
                  "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.root / "data"),
                      "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    bindir = _bindir()
    root = Path(tempfile.mkdtemp(prefix="fansipan-pg-"))
    user = None
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root; run it as the packaged service user.
        user = "postgres"
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
        root.chmod(0o700)
    server = PgServer(root=root, port=_free_port(), bindir=bindir, user=user)
    server.start()
    return server
