"""Where overdue-task alerts get their tasks: a small interface over the direction room.

The key tasks (nhiệm vụ trọng tâm) live in the direction room. Until it is on this
branch's main, `NoTasks` answers that none is overdue; a `TaskSource` built on
direction's task service plugs in without touching the rule or its watcher.
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


class NoTasks:
    """No task room yet: nothing is overdue."""

    def overdue_tasks(self, session: Session, catalog: Catalog,
                      today: date) -> list[OverdueTask]:
        return []
