"""What can happen to a key task after it is assigned, one frozen event per fact.

Nothing about a task is overwritten: a later deadline is a `DeadlineExtended` with the
document that granted it, a correction of progress is a new `ProgressReported`, and undoing
a completion or a cancellation takes an explicit `Reopened` with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ProgressReported:
    """The lead unit reports how far the task is (tiến độ), 0 to below 100 per cent.

    100 % is a completion and is recorded as `Completed`, so that progress and completion
    never disagree.
    """

    on: date
    percent: float
    note: str = ""


@dataclass(frozen=True)
class DeadlineExtended:
    """The assigning body moves the deadline later (gia hạn) by a document of its own."""

    on: date
    new_deadline: date
    document: str  # the number and symbol of the document, e.g. "125/UBND-TH"
    reason: str = ""


@dataclass(frozen=True)
class Completed:
    """The task is done (hoàn thành) on `on`."""

    on: date
    document: str = ""  # the report or document that shows it done
    note: str = ""


@dataclass(frozen=True)
class Cancelled:
    """The assigning body withdraws the task (hủy, thu hồi); it no longer counts."""

    on: date
    reason: str
    document: str = ""


@dataclass(frozen=True)
class Reopened:
    """A completed or cancelled task is open again (mở lại), for the reason given."""

    on: date
    reason: str


TaskEvent = ProgressReported | DeadlineExtended | Completed | Cancelled | Reopened
