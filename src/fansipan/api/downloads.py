"""Exports written to a spool file first, then streamed: errors are answered before the
first byte is sent, and memory stays flat for any size."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from fansipan.http.uploads import spool_dir
from fansipan.services.exchange.spool import spool_file
from fansipan.settings import Settings


async def spooled_download(settings: Settings, write: Callable[[IO[bytes]], int],
                           media_type: str, file_name: str | None = None,
                           on_rows: Callable[[int], None] | None = None) -> StreamingResponse:
    """Run `write` (a blocking export) into a spool file, then stream that file."""
    handle = spool_file(spool_dir(settings), "export")
    path = Path(handle.name)
    try:
        with handle:
            rows = await run_in_threadpool(write, handle)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if on_rows is not None:
        on_rows(rows)

    def chunks() -> Iterator[bytes]:
        try:
            with path.open("rb") as f:
                while block := f.read(1 << 20):
                    yield block
        finally:
            path.unlink(missing_ok=True)

    headers = {"Content-Disposition": f'attachment; filename="{file_name}"'} if file_name else {}
    return StreamingResponse(chunks(), media_type=media_type, headers=headers)
