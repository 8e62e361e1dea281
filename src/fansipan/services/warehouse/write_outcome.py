"""What a write of values did, and the shapes its steps hand each other.

Kept apart from the write path (`services.warehouse.writes`) because every front end
reads a write's outcome: imports, forms, connectors, jobs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from fansipan.domain.rows import RawValue, ResolvedValue, RowConflict

# Called inside the write's own transaction just before it commits, with what it did:
# whatever it writes commits with the values or not at all (a job's outcome).
BeforeCommit = Callable[[Session, "WriteOutcome"], None]
Rows = Iterable[RawValue | tuple[Any, ...] | RowConflict]


@dataclass
class WriteOutcome:
    """What a write did (or, when not committed, would have done)."""

    batch: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    conflicts: list[RowConflict] = field(default_factory=list)
    conflict_count: int = 0
    rejected_rows: int = 0
    first_change: int | None = None
    last_change: int | None = None
    committed: bool = False
    staged: bool = False  # checked on a stage, then applied in one short transaction


@dataclass
class Checked:
    rows: int
    resolved: list[ResolvedValue]
    keys: list[tuple[int, int, str]]
    problems: list[RowConflict]
