"""Real `fansipan serve` processes on loopback for the tests of several workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    data_dir: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        """SIGKILL: what the OOM killer or a power cut does (no shutdown at all)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(url: str, data_dir: Path, *, workers: int = 1,
          env: dict[str, str] | None = None) -> Server:
    """A server on a free port of 127.0.0.1, once it answers /readyz."""
    port = free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    environment = {**os.environ, "FANSIPAN_DATABASE_URL": url, "FANSIPAN_PORT": str(port),
                   "FANSIPAN_HOST": "127.0.0.1", "FANSIPAN_DATA_DIR": str(data_dir),
                   "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "fansipan.cli", "serve", "--workers", str(workers)],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = Server(process, port, data_dir)
    deadline = time.monotonic() + 300  # workers import the app slowly on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit {process.returncode})")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("the server did not become ready within 300 s")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the workers of a supervisor)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found
