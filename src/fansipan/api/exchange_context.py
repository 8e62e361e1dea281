"""What a route tells the exchange log about a request (operation, values in and out).

Routes call `note(request, ...)`; `ExchangeLogMiddleware` reads it when the response
has gone, and logs the request if a connected system made it.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

KEY = "exchange"


def note(request: Request, **fields: Any) -> None:
    found: dict[str, Any] = getattr(request.state, KEY, None) or {}
    found.update(fields)
    setattr(request.state, KEY, found)


def note_summary(request: Request, operation: str, summary: Any) -> None:
    """Counts of an import summary (ours or a job's)."""
    count = summary.import_count
    note(request, operation=operation, values_in=summary.rows, imported=count.imported,
         updated=count.updated, ignored=count.ignored, deleted=count.deleted)
