"""A key task's status on a given day, in the words of QĐ 42/2014/QĐ-TTg follow-up reports.

The Government Office counts tasks as done on time, done late, open within the deadline
and open overdue (Báo cáo 1270/BC-TCTTTg). Two more statuses make the picture complete:

- *chưa thực hiện* (not started: no progress reported yet) is split like an open task,
  into within the deadline and overdue, because a task nobody started is still counted
  as open overdue once its deadline has passed; otherwise neglect would look better than
  a late start;
- *đã hủy* (cancelled) tasks are shown but counted nowhere.

A deadline is a whole day: a task due on D is within its deadline all of D and overdue
from D + 1. A task completed on D is on time when D is on or before the deadline in force
on D (the last extension recorded by then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fansipan.domain.bilingual import invalid
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.tasks.history import Phase, Task


class TaskStatus(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS_ON_TIME = "in_progress_on_time"
    IN_PROGRESS_OVERDUE = "in_progress_overdue"
    NOT_STARTED_ON_TIME = "not_started_on_time"
    NOT_STARTED_OVERDUE = "not_started_overdue"
    CANCELLED = "cancelled"

    def label(self, lang: str = "vi") -> str:
        """The status for people: Vietnamese unless `lang` is "en"."""
        vi, en = _LABELS[self]
        return en if lang == "en" else vi

    @property
    def is_done(self) -> bool:
        return self in (TaskStatus.DONE_ON_TIME, TaskStatus.DONE_LATE)

    @property
    def is_overdue(self) -> bool:
        """Open with its deadline passed (chưa hoàn thành – quá hạn)."""
        return self in (TaskStatus.IN_PROGRESS_OVERDUE, TaskStatus.NOT_STARTED_OVERDUE)

    @property
    def is_open_in_time(self) -> bool:
        """Open and still within its deadline (chưa hoàn thành – trong hạn)."""
        return self in (TaskStatus.IN_PROGRESS_ON_TIME, TaskStatus.NOT_STARTED_ON_TIME)

    @property
    def has_fallen_due(self) -> bool:
        """Counted in the completion rate's denominator: done, or open past its deadline."""
        return self.is_done or self.is_overdue


_LABELS: dict[TaskStatus, tuple[str, str]] = {
    TaskStatus.DONE_ON_TIME: ("Hoàn thành đúng hạn", "Completed on time"),
    TaskStatus.DONE_LATE: ("Hoàn thành quá hạn", "Completed late"),
    TaskStatus.IN_PROGRESS_ON_TIME: ("Đang thực hiện trong hạn", "In progress, within deadline"),
    TaskStatus.IN_PROGRESS_OVERDUE: ("Đang thực hiện quá hạn", "In progress, overdue"),
    TaskStatus.NOT_STARTED_ON_TIME: ("Chưa thực hiện (trong hạn)", "Not started, within deadline"),
    TaskStatus.NOT_STARTED_OVERDUE: ("Chưa thực hiện (quá hạn)", "Not started, overdue"),
    TaskStatus.CANCELLED: ("Đã hủy", "Cancelled"),
}


@dataclass(frozen=True)
class TaskEvaluation:
    """A task as it stood at the end of one day."""

    task_id: str
    unit: str
    directive: str
    year: int  # the year the task was assigned, as yearly follow-up reports group them
    day: date
    status: TaskStatus
    progress: float
    deadline: date  # in force on `day`; for a done task, the one in force on completion
    original_deadline: date
    extensions: int
    completed_on: date | None
    completed_by_target: bool
    cancelled_on: date | None
    cancel_reason: str
    days_late: int  # calendar days past the deadline: open overdue until `day`, or done late
    working_days_late: int | None  # the same in working days, when a calendar was given


def evaluate_task(
    task: Task,
    *,
    on: date,
    target_met_on: date | None = None,
    calendar: WorkingCalendar | None = None,
) -> TaskEvaluation:
    """The status of `task` at the end of day `on`.

    `target_met_on` is the day the task's linked target was found met (the caller decides
    that from the target's evaluation): a met target completes the task on that day unless
    the task had been cancelled by then, or was completed earlier. With `calendar`, the
    lateness is also counted in working days, so Tết does not make a task look later.
    """
    if on < task.assigned_on:
        raise invalid(
            "on",
            f"Nhiệm vụ {task.id} được giao ngày {_vn(task.assigned_on)}, sau ngày "
            f"{_vn(on)}; chọn một ngày từ ngày giao trở đi",
            f"Task {task.id} was assigned on {_vn(task.assigned_on)}, after {_vn(on)}; ask "
            "about a day on or after the assignment",
            value=on.isoformat(),
        )
    if target_met_on is not None and task.target is None:
        raise invalid(
            "target_met_on",
            f"Nhiệm vụ {task.id} không gắn với chỉ tiêu nào; bỏ target_met_on hoặc gắn chỉ "
            "tiêu cho nhiệm vụ",
            f"Task {task.id} is linked to no target; drop target_met_on or link a target",
            value=target_met_on.isoformat(),
        )
    state = task.state_on(on)
    completed_on = state.completed_on if state.phase is Phase.DONE else None
    by_target = False
    if (
        target_met_on is not None
        and target_met_on <= on
        and task.state_on(target_met_on).phase is not Phase.CANCELLED
        and (completed_on is None or target_met_on < completed_on)
    ):
        completed_on, by_target = target_met_on, True

    if completed_on is not None:
        deadline = task.state_on(completed_on).deadline
        status = TaskStatus.DONE_ON_TIME if completed_on <= deadline else TaskStatus.DONE_LATE
        late_until = completed_on
        progress = 100.0
    elif state.phase is Phase.CANCELLED:
        deadline, status, late_until, progress = (
            state.deadline, TaskStatus.CANCELLED, None, state.progress
        )
    else:
        deadline, progress, late_until = state.deadline, state.progress, on
        overdue = on > deadline
        if progress > 0:
            status = TaskStatus.IN_PROGRESS_OVERDUE if overdue else TaskStatus.IN_PROGRESS_ON_TIME
        else:
            status = TaskStatus.NOT_STARTED_OVERDUE if overdue else TaskStatus.NOT_STARTED_ON_TIME

    days_late = 0
    working_late: int | None = None if calendar is None else 0
    if late_until is not None and late_until > deadline:
        days_late = (late_until - deadline).days
        if calendar is not None:
            working_late = calendar.working_days_between(deadline, late_until)
    return TaskEvaluation(
        task_id=task.id,
        unit=task.unit,
        directive=task.directive,
        year=task.assigned_on.year,
        day=on,
        status=status,
        progress=progress,
        deadline=deadline,
        original_deadline=task.deadline,
        extensions=len(task.state_on(completed_on or on).extensions),
        completed_on=completed_on,
        completed_by_target=by_target,
        cancelled_on=state.cancelled_on if status is TaskStatus.CANCELLED else None,
        cancel_reason=state.cancel_reason if status is TaskStatus.CANCELLED else "",
        days_late=days_late,
        working_days_late=working_late,
    )


def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def evaluate_tasks(
    tasks: Iterable[Task],
    *,
    on: date,
    targets_met_on: Mapping[str, date] | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[TaskEvaluation]:
    """Every task already assigned by the end of `on`, evaluated on that day.

    `targets_met_on` maps a target's identifier to the day it was found met; tasks linked
    to it take that day, the others ignore the mapping.
    """
    met = targets_met_on or {}
    return [
        evaluate_task(
            t, on=on, calendar=calendar,
            target_met_on=met.get(t.target) if t.target is not None else None,
        )
        for t in tasks
        if t.assigned_on <= on
    ]
