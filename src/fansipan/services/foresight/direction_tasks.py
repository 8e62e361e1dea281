"""The overdue-task alerts' tasks, read from the direction room's store.

A task is overdue when it is still open after its deadline in force (an extension moves
it), counted in working days of the province's calendar: a task due on a Friday and still
open on the Monday after is one working day late, not three.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.services.catalog import Catalog
from fansipan.services.direction.calendars import working_calendar
from fansipan.services.foresight.tasks_source import OverdueTask
from fansipan.settings import Settings
from fansipan.store.direction_tables import TaskRow


class DirectionTasks:
    """Open key tasks past their deadline in force."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.calendar = working_calendar(settings)

    def overdue_tasks(self, session: Session, catalog: Catalog,
                      today: date) -> list[OverdueTask]:
        rows = session.scalars(select(TaskRow).where(
            TaskRow.phase == "open", TaskRow.current_deadline < today).order_by(TaskRow.id))
        late = ((row, self.calendar.working_days_between(row.current_deadline, today))
                for row in rows)
        return [OverdueTask(id=row.id, title=row.title, unit_id=row.lead_unit_id,
                            deadline=row.current_deadline, working_days_late=days)
                for row, days in late if days > 0]
