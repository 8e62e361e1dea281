"""`fansipan serve --workers N`: the app of each worker process.

The supervising process hands its settings to the workers in the environment
(`FANSIPAN_*`, as an operator would set them), so each worker builds the same app. Every
worker has its own database pool and its own analytics engine, kept current from the
store's change log before each answer; jobs, sessions, throttles, lockouts and the
connector schedule's lease live in the store, so any worker answers any request.

Each worker listens on a socket of its own, bound to the same address with SO_REUSEPORT,
so the kernel spreads new connections evenly between the workers. On one socket shared
by all, the worker that wakes first accepts every connection waiting, and a keep-alive
connection stays with the worker that accepted it: fifty clients connecting at once
were held 46 by one worker and 4 by the other, which then sat idle. Linux lets only
processes of the same user join such a group of sockets.
"""

from __future__ import annotations

import errno
import os
import socket
import sys
from typing import Any

from fastapi import FastAPI

from fansipan.settings import Settings

WORKER_APP = "fansipan.api.workers:worker_app"


def prepare_workers(settings: Settings) -> None:
    """Put the settings the command line changed where the workers will read them."""
    os.environ["FANSIPAN_DATA_DIR"] = str(settings.data_dir.resolve())
    os.environ["FANSIPAN_HOST"] = settings.host
    os.environ["FANSIPAN_PORT"] = str(settings.port)
    os.environ["FANSIPAN_WORKERS"] = str(settings.workers)


def worker_app() -> FastAPI:
    """Called by uvicorn in each worker process."""
    from fansipan.api.app import create_app
    from fansipan.logs import configure_logging

    configure_logging()
    return create_app(Settings.from_env())


class SharedPort(socket.socket):
    """The supervisor's hold on the address: bound with SO_REUSEPORT, never listening.

    Handed to a worker process (pickled by multiprocessing), it arrives as a socket of
    the worker's own, bound to the same address; the worker listens on that one.
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (own_socket, (self.family, self.getsockname()))


def _bound(sock: socket.socket, address: tuple[Any, ...]) -> socket.socket:
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except BaseException:
        sock.close()
        raise
    return sock


def shared_port(host: str, port: int) -> tuple[socket.socket, socket.socket]:
    """Bind `host:port` for workers that will each listen on it with a socket of their own.

    Returns the address's socket and a guard to keep open as long: SO_REUSEPORT would let
    a second server of the same user join the address unnoticed and take half of its
    connections, so the guard (a name in Linux's abstract socket namespace, which only one
    process can hold and which goes with it) makes a second one fail as any taken address.
    """
    guard = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        guard.bind(f"\0fansipan-serve {host} {port}")
    except OSError:
        guard.close()
        raise OSError(errno.EADDRINUSE, f"another fansipan serve holds {host}:{port}") from None
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return _bound(SharedPort(family, socket.SOCK_STREAM), (host, port)), guard
    except BaseException:
        guard.close()
        raise


def own_socket(family: int, address: tuple[Any, ...]) -> socket.socket:
    """In a worker: its own socket on the supervisor's address, for it to listen on."""
    return _bound(socket.socket(family, socket.SOCK_STREAM), address)


def can_share_port() -> bool:
    return sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")
