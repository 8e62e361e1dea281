"""A key task (nhiệm vụ) and its history: the legal moves and the state on any day.

A task is assigned by a directive (văn bản chỉ đạo) to a lead unit with a deadline: a
calendar date, or N working days from assignment where the directive says so. Everything
after that is an event (see `events`), replayed in order; an event that the state does
not allow is refused with a message that names the field and the fix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from fansipan.domain.bilingual import conflict, invalid
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.tasks.events import (
    Cancelled,
    Completed,
    DeadlineExtended,
    ProgressReported,
    Reopened,
    TaskEvent,
)


def _vn(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


class Phase(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Extension:
    """One deadline change as it took effect: when, to which day, by which document."""

    on: date
    deadline: date
    document: str
    reason: str


@dataclass(frozen=True)
class TaskState:
    """What the events recorded up to the end of one day say about a task."""

    phase: Phase
    progress: float
    deadline: date  # the effective deadline: the last extension's, or the original
    extensions: tuple[Extension, ...]
    completed_on: date | None
    cancelled_on: date | None
    cancel_reason: str


@dataclass(frozen=True)
class Task:
    """A key task as assigned, with every event since. Build it with `Task.assign`.

    `deadline` is the deadline first given, resolved to a date; `deadline_working_days` is
    set when the directive gave it as a number of working days from `assigned_on`.
    `target` names the linked target (chỉ tiêu) whose being met completes the task.
    """

    id: str
    title: str
    unit: str
    directive: str
    assigned_on: date
    deadline: date
    deadline_working_days: int | None = None
    target: str | None = None
    events: tuple[TaskEvent, ...] = ()

    def __post_init__(self) -> None:
        for name in ("id", "title", "unit", "directive"):
            if not str(getattr(self, name)).strip():
                raise invalid(
                    name,
                    f"Nhiệm vụ thiếu trường {name}; ghi giá trị cho trường này",
                    f"The task has no {name}; give it one",
                )
        for name in ("assigned_on", "deadline"):
            _check_day(name, getattr(self, name), row=None)
        if self.deadline < self.assigned_on:
            raise invalid(
                "deadline",
                f"Hạn {_vn(self.deadline)} trước ngày giao {_vn(self.assigned_on)}; ghi hạn "
                "từ ngày giao trở đi",
                f"The deadline {_vn(self.deadline)} is before the day of assignment "
                f"{_vn(self.assigned_on)}; give a deadline on or after it",
                value=self.deadline.isoformat(),
            )
        replay(self)  # refuses a history that breaks the rules

    @classmethod
    def assign(
        cls,
        *,
        id: str,
        title: str,
        unit: str,
        directive: str,
        assigned_on: date,
        deadline: date | None = None,
        within_working_days: int | None = None,
        calendar: WorkingCalendar | None = None,
        target: str | None = None,
    ) -> Task:
        """A new task with its deadline given either as a date or in working days."""
        if deadline is not None and within_working_days is None:
            resolved = deadline
        elif deadline is None and within_working_days is not None:
            if isinstance(within_working_days, bool) or within_working_days < 1 or (
                calendar is None
            ):
                raise invalid(
                    "within_working_days",
                    "Số ngày làm việc phải từ 1 trở lên và cần lịch ngày làm việc để tính hạn",
                    "Working days must be 1 or more, and a working-day calendar is needed "
                    "to count them",
                    value=within_working_days,
                )
            _check_day("assigned_on", assigned_on, row=None)
            resolved = calendar.add_working_days(assigned_on, within_working_days)
        else:
            raise invalid(
                "deadline",
                "Ghi hạn là một ngày (deadline) hoặc số ngày làm việc kể từ ngày giao "
                "(within_working_days), chỉ một trong hai",
                "Give the deadline either as a date (deadline) or as working days from "
                "assignment (within_working_days), exactly one of them",
            )
        return cls(
            id=id, title=title, unit=unit, directive=directive, assigned_on=assigned_on,
            deadline=resolved, deadline_working_days=within_working_days, target=target,
        )

    def record(self, event: TaskEvent) -> Task:
        """This task with one more event, or an error that says why the event is refused."""
        return replace(self, events=(*self.events, event))

    def state_on(self, day: date) -> TaskState:
        """The state at the end of `day`, from the events recorded up to then."""
        return replay(self, until=day)


def _check_day(name: str, value: object, *, row: int | None) -> None:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise invalid(
            name,
            f"Trường {name} phải là một ngày (năm-tháng-ngày), không phải {value!r}",
            f"{name} must be a calendar day (year-month-day), not {value!r}",
            value=value, row=row,
        )


def _text(value: str) -> bool:
    return bool(str(value).strip())


def replay(task: Task, *, until: date | None = None) -> TaskState:
    """The state after the task's events (those on or before `until` when given).

    Events must come in date order; events of the same day apply in the order listed.
    """
    phase = Phase.OPEN
    progress = 0.0
    progress_before_done = 0.0
    deadline = task.deadline
    extensions: list[Extension] = []
    completed_on: date | None = None
    cancelled_on: date | None = None
    cancel_reason = ""
    last = task.assigned_on
    for row, event in enumerate(task.events, start=1):
        _check_day("on", event.on, row=row)
        if event.on < last:
            raise invalid(
                "on",
                f"Sự kiện thứ {row} ngày {_vn(event.on)} đứng trước ngày "
                f"{_vn(last)} (ngày giao hoặc sự kiện trước); ghi sự kiện theo thứ tự ngày",
                f"Event {row} on {_vn(event.on)} is before {_vn(last)} (the assignment or "
                "the previous event); record events in date order",
                value=event.on.isoformat(), row=row,
            )
        last = event.on
        if until is not None and event.on > until:
            break
        if isinstance(event, ProgressReported):
            _refuse_unless_open(phase, row, "percent", completed_on, cancelled_on)
            progress = _checked_percent(event.percent, row)
        elif isinstance(event, DeadlineExtended):
            _refuse_unless_open(phase, row, "new_deadline", completed_on, cancelled_on)
            _check_extension(event, deadline, row)
            deadline = event.new_deadline
            extensions.append(
                Extension(event.on, event.new_deadline, event.document.strip(), event.reason)
            )
        elif isinstance(event, Completed):
            _refuse_unless_open(phase, row, "completed_on", completed_on, cancelled_on)
            phase, completed_on = Phase.DONE, event.on
            progress_before_done, progress = progress, 100.0
        elif isinstance(event, Cancelled):
            _refuse_unless_open(phase, row, "cancelled_on", completed_on, cancelled_on)
            if not _text(event.reason):
                raise invalid(
                    "reason", "Hủy nhiệm vụ phải ghi lý do (reason)",
                    "A cancellation needs its reason (reason)", row=row,
                )
            phase, cancelled_on, cancel_reason = Phase.CANCELLED, event.on, event.reason.strip()
        else:
            _check_reopen(event, phase, row)
            if phase is Phase.DONE:
                progress = progress_before_done
            phase, completed_on, cancelled_on, cancel_reason = Phase.OPEN, None, None, ""
    return TaskState(
        phase=phase, progress=progress, deadline=deadline, extensions=tuple(extensions),
        completed_on=completed_on, cancelled_on=cancelled_on, cancel_reason=cancel_reason,
    )


def _refuse_unless_open(phase: Phase, row: int, field: str, completed_on: date | None,
                        cancelled_on: date | None) -> None:
    if phase is Phase.DONE and completed_on is not None:
        raise conflict(
            field,
            f"Sự kiện thứ {row}: nhiệm vụ đã hoàn thành ngày {_vn(completed_on)}; muốn thay "
            "đổi thì ghi sự kiện mở lại (Reopened) có lý do trước",
            f"Event {row}: the task was completed on {_vn(completed_on)}; to change it, "
            "record a reopening (Reopened) with its reason first",
            row=row,
        )
    if phase is Phase.CANCELLED and cancelled_on is not None:
        raise conflict(
            field,
            f"Sự kiện thứ {row}: nhiệm vụ đã bị hủy ngày {_vn(cancelled_on)}; muốn thay đổi "
            "thì ghi sự kiện mở lại (Reopened) có lý do trước",
            f"Event {row}: the task was cancelled on {_vn(cancelled_on)}; to change it, "
            "record a reopening (Reopened) with its reason first",
            row=row,
        )


def _checked_percent(percent: object, row: int) -> float:
    if isinstance(percent, bool) or not isinstance(percent, int | float) or not math.isfinite(
        percent
    ):
        raise invalid(
            "percent", f"Tiến độ phải là một số từ 0 đến dưới 100, không phải {percent!r}",
            f"Progress must be a number from 0 to below 100, not {percent!r}",
            value=percent, row=row,
        )
    if percent >= 100:
        raise invalid(
            "percent",
            "Tiến độ 100% nghĩa là đã hoàn thành; ghi sự kiện hoàn thành (Completed) với "
            "ngày hoàn thành thay cho báo cáo tiến độ",
            "Progress of 100 % means the task is done; record a completion (Completed) "
            "with its date instead of a progress report",
            value=percent, row=row,
        )
    if percent < 0:
        raise invalid(
            "percent", f"Tiến độ không thể âm ({percent}); ghi một số từ 0 đến dưới 100",
            f"Progress cannot be negative ({percent}); give a number from 0 to below 100",
            value=percent, row=row,
        )
    return float(percent)


def _check_extension(event: DeadlineExtended, current: date, row: int) -> None:
    _check_day("new_deadline", event.new_deadline, row=row)
    if not _text(event.document):
        raise invalid(
            "document",
            "Gia hạn phải ghi số, ký hiệu văn bản cho phép gia hạn (document)",
            "An extension needs the number and symbol of the document that grants it "
            "(document)",
            row=row,
        )
    if event.new_deadline <= current:
        raise invalid(
            "new_deadline",
            f"Hạn mới {_vn(event.new_deadline)} không sau hạn hiện tại {_vn(current)}; gia "
            "hạn phải lùi hạn về sau",
            f"The new deadline {_vn(event.new_deadline)} is not after the current one "
            f"{_vn(current)}; an extension must move the deadline later",
            value=event.new_deadline.isoformat(), row=row,
        )
    if event.new_deadline < event.on:
        raise invalid(
            "new_deadline",
            f"Hạn mới {_vn(event.new_deadline)} đã qua vào ngày gia hạn {_vn(event.on)}; "
            "ghi hạn mới từ ngày gia hạn trở đi",
            f"The new deadline {_vn(event.new_deadline)} had already passed on the day of "
            f"the extension {_vn(event.on)}; give one on or after that day",
            value=event.new_deadline.isoformat(), row=row,
        )


def _check_reopen(event: Reopened, phase: Phase, row: int) -> None:
    if phase is Phase.OPEN:
        raise conflict(
            "reopened",
            f"Sự kiện thứ {row}: nhiệm vụ đang mở, không có gì để mở lại; bỏ sự kiện này",
            f"Event {row}: the task is open, there is nothing to reopen; drop this event",
            row=row,
        )
    if not _text(event.reason):
        raise invalid(
            "reason", "Mở lại nhiệm vụ phải ghi lý do (reason)",
            "Reopening a task needs its reason (reason)", row=row,
        )


__all__ = ["Extension", "Phase", "Task", "TaskState", "replay"]
