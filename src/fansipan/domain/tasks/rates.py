"""The completion rate of key tasks, counted the way the Government Office counts it.

The denominator is the tasks that have fallen due: those completed (early, on time or
late) and those still open past their deadline. Open tasks within their deadline are not
in it, and cancelled tasks are nowhere. In 2017 the Government counted 16,051 tasks done
(14,068 on time, 1,983 late) and 223 open overdue, so 16,051 / 16,274 = 98,63 %, whatever
the 5,640 tasks still within their deadline would later become. Dividing by every task
assigned would make every unit look worse early in the year.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from fansipan.domain.numbers import format_number
from fansipan.domain.tasks.statuses import TaskEvaluation, TaskStatus

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class CompletionRate:
    """Counts of task statuses and the rates that follow from them."""

    done_on_time: int = 0
    done_late: int = 0
    open_in_time: int = 0  # in progress or not started, deadline not passed
    open_overdue: int = 0  # in progress or not started, deadline passed
    not_started: int = 0  # of the open ones, those with no progress yet (both kinds)
    cancelled: int = 0

    @property
    def total(self) -> int:
        """Every task counted, cancelled ones included."""
        return self.done + self.open_in_time + self.open_overdue + self.cancelled

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def due(self) -> int:
        """The denominator: tasks done, plus tasks open past their deadline."""
        return self.done + self.open_overdue

    def _share(self, part: int) -> float | None:
        return None if self.due == 0 else 100.0 * part / self.due

    @property
    def rate(self) -> float | None:
        """Per cent of the tasks fallen due that are done; None when none has fallen due."""
        return self._share(self.done)

    @property
    def on_time_rate(self) -> float | None:
        return self._share(self.done_on_time)

    @property
    def late_rate(self) -> float | None:
        return self._share(self.done_late)

    @property
    def overdue_rate(self) -> float | None:
        """Per cent of the tasks fallen due that are still open; 100 less `rate`."""
        return self._share(self.open_overdue)

    def __add__(self, other: CompletionRate) -> CompletionRate:
        return CompletionRate(
            done_on_time=self.done_on_time + other.done_on_time,
            done_late=self.done_late + other.done_late,
            open_in_time=self.open_in_time + other.open_in_time,
            open_overdue=self.open_overdue + other.open_overdue,
            not_started=self.not_started + other.not_started,
            cancelled=self.cancelled + other.cancelled,
        )

    def sentence(self, lang: str = "vi") -> str:
        """One line for a report, Vietnamese unless `lang` is "en"."""
        en = lang == "en"

        def n(value: int) -> str:
            return format_number(value, 0, "en" if en else "vi")

        if self.due == 0:
            if en:
                return f"No task has fallen due yet ({n(self.open_in_time)} within deadline)"
            return f"Chưa có nhiệm vụ nào đến hạn ({n(self.open_in_time)} nhiệm vụ trong hạn)"
        rate = format_percent(self.rate, lang=lang)
        if en:
            text = (
                f"{n(self.done)}/{n(self.due)} tasks fallen due completed ({rate}): "
                f"{n(self.done_on_time)} on time, {n(self.done_late)} late; "
                f"{n(self.open_overdue)} overdue and still open"
            )
        else:
            text = (
                f"Hoàn thành {n(self.done)}/{n(self.due)} nhiệm vụ đến hạn ({rate}), trong "
                f"đó {n(self.done_on_time)} đúng hạn, {n(self.done_late)} quá hạn; "
                f"{n(self.open_overdue)} nhiệm vụ quá hạn chưa hoàn thành"
            )
        return text


def format_percent(value: float | None, decimals: int = 2, lang: str = "vi") -> str:
    """98,63% in Vietnamese, 98.63% in English; a dash when there is no rate."""
    if value is None:
        return "-"
    return format_number(value, decimals, lang) + "%"


def count_statuses(statuses: Iterable[TaskStatus]) -> CompletionRate:
    """The completion rate of a collection of statuses."""
    c = Counter(statuses)
    return CompletionRate(
        done_on_time=c[TaskStatus.DONE_ON_TIME],
        done_late=c[TaskStatus.DONE_LATE],
        open_in_time=c[TaskStatus.IN_PROGRESS_ON_TIME] + c[TaskStatus.NOT_STARTED_ON_TIME],
        open_overdue=c[TaskStatus.IN_PROGRESS_OVERDUE] + c[TaskStatus.NOT_STARTED_OVERDUE],
        not_started=c[TaskStatus.NOT_STARTED_ON_TIME] + c[TaskStatus.NOT_STARTED_OVERDUE],
        cancelled=c[TaskStatus.CANCELLED],
    )


def completion_rate(evaluations: Iterable[TaskEvaluation]) -> CompletionRate:
    return count_statuses(e.status for e in evaluations)


def completion_rates(
    evaluations: Iterable[TaskEvaluation], key: Callable[[TaskEvaluation], K]
) -> dict[K, CompletionRate]:
    """One completion rate per group (`by_unit`, `by_directive`, `by_year` or your own)."""
    groups: dict[K, list[TaskStatus]] = {}
    for e in evaluations:
        groups.setdefault(key(e), []).append(e.status)
    return {k: count_statuses(v) for k, v in groups.items()}


def by_unit(e: TaskEvaluation) -> str:
    return e.unit


def by_directive(e: TaskEvaluation) -> str:
    return e.directive


def by_year(e: TaskEvaluation) -> int:
    """The year of assignment, as yearly follow-up reports count the tasks of a year."""
    return e.year
