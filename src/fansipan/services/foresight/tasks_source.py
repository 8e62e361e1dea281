"""Where overdue-task alerts get their tasks: a small interface over the direction room.

The key tasks (nhiệm vụ trọng tâm) live in the direction room; `direction_tasks` reads
them. The rule and its watcher see only this interface, so a test (or a province whose
tasks live elsewhere) can hand the refresher another source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session

from fansipan.services.catalog import Catalog


@dataclass(frozen=True)
class OverdueTask:
    """A task past its deadline in force and not completed (nor cancelled)."""

    id: int
    title: str
    unit_id: int  # the lead unit
    deadline: date
    working_days_late: int


class TaskSource(Protocol):
    def overdue_tasks(self, session: Session, catalog: Catalog,
                      today: date) -> list[OverdueTask]: ...

