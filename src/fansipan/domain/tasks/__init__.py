"""Key tasks (nhiệm vụ trọng tâm): their history, status on a day and completion rate.

- `events`: what can happen to a task (progress, extension, completion, cancellation,
  reopening), one frozen fact each;
- `history`: the task as assigned, the legal moves, and its state on any day;
- `statuses`: the status on a day in the Government's words;
- `rates`: the completion rate over tasks fallen due, per unit, directive or year.
"""

from fansipan.domain.tasks.events import (
    Cancelled,
    Completed,
    DeadlineExtended,
    ProgressReported,
    Reopened,
    TaskEvent,
)
from fansipan.domain.tasks.history import Extension, Phase, Task, TaskState, replay
from fansipan.domain.tasks.rates import (
    CompletionRate,
    by_directive,
    by_unit,
    by_year,
    completion_rate,
    completion_rates,
    count_statuses,
    format_percent,
)
from fansipan.domain.tasks.statuses import (
    TaskEvaluation,
    TaskStatus,
    evaluate_task,
    evaluate_tasks,
)

__all__ = [
    "Cancelled",
    "Completed",
    "CompletionRate",
    "DeadlineExtended",
    "Extension",
    "Phase",
    "ProgressReported",
    "Reopened",
    "Task",
    "TaskEvaluation",
    "TaskEvent",
    "TaskState",
    "TaskStatus",
    "by_directive",
    "by_unit",
    "by_year",
    "completion_rate",
    "completion_rates",
    "count_statuses",
    "evaluate_task",
    "evaluate_tasks",
    "format_percent",
    "replay",
]
