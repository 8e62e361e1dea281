"""The tasks panel the overview and the wall screen show: the year's completion rate,
the overdue tasks first, and what falls due in the next two weeks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Permission, Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.tasks import TaskStatus
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.shapes import TaskPublic
from fansipan.services.direction.task_rates import RateRow, group_rates, rate_row
from fansipan.services.direction.task_views import TaskQuery, list_tasks

SOON = timedelta(days=14)


@dataclass(frozen=True)
class TasksPanel:
    day: date
    year: int
    rate: RateRow
    counts: dict[TaskStatus, int]
    overdue: list[TaskPublic]
    soon: list[TaskPublic]
    more_overdue: int
    by_unit: list[RateRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def tasks_panel(*, session: Session, warehouse: Warehouse, principal: Principal,
                calendar: WorkingCalendar, year: int | None = None, unit: str | None = None,
                on: date | None = None, lang: str = "vi", limit: int = 5,
                tasks: list[TaskPublic] | None = None) -> TasksPanel | None:
    """The panel for a viewer, or None for one who may not see tasks (anonymous).

    `tasks`: the year's tasks already listed for the same viewer (a page that lists
    them passes them, so they are evaluated once)."""
    if principal.is_anonymous or not principal.can(Permission.READ_DATA):
        return None
    day = on or today_in_vietnam()
    chosen = year or day.year
    if tasks is None:
        tasks = list_tasks(session=session, warehouse=warehouse, principal=principal,
                           query=TaskQuery(year=chosen, unit=unit, on=day, lang=lang),
                           calendar=calendar)
    total, by_unit = group_rates(tasks, "unit", lang)
    overdue = [t for t in tasks if t.overdue]
    soon = sorted((t for t in tasks if t.status.is_open_in_time and t.deadline <= day + SOON),
                  key=lambda t: t.deadline)
    name = f"Nhiệm vụ năm {chosen}" if lang != "en" else f"Tasks of {chosen}"
    return TasksPanel(day=day, year=chosen, rate=rate_row("*", name, total, lang),
                      counts=dict(Counter(t.status for t in tasks)), overdue=overdue[:limit],
                      soon=soon[:limit], more_overdue=max(0, len(overdue) - limit),
                      by_unit=by_unit)
