"""Completion rates of key tasks per unit, per directive or per year, as the Government
Office counts them: completed ÷ fallen due, on time and late apart (domain.tasks.rates)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from typing import Literal

from pydantic import BaseModel
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.tasks import CompletionRate, count_statuses, format_percent
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.shapes import TaskPublic
from fansipan.services.direction.task_views import TaskQuery, list_tasks

Grouping = Literal["unit", "directive", "year"]


class RateRow(BaseModel):
    key: str
    name: str
    total: int
    done_on_time: int
    done_late: int
    open_in_time: int
    open_overdue: int
    not_started: int
    cancelled: int
    due: int
    rate: float | None
    on_time_rate: float | None
    late_rate: float | None
    rate_text: str  # "98,63%", "-" when nothing has fallen due
    sentence: str


class CompletionRates(BaseModel):
    day: date
    by: Grouping
    total: RateRow
    groups: list[RateRow]


def rate_row(key: str, name: str, rate: CompletionRate, lang: str) -> RateRow:
    return RateRow(key=key, name=name, total=rate.total, done_on_time=rate.done_on_time,
                   done_late=rate.done_late, open_in_time=rate.open_in_time,
                   open_overdue=rate.open_overdue, not_started=rate.not_started,
                   cancelled=rate.cancelled, due=rate.due, rate=rate.rate,
                   on_time_rate=rate.on_time_rate, late_rate=rate.late_rate,
                   rate_text=format_percent(rate.rate, lang=lang),
                   sentence=rate.sentence(lang))


def group_rates(tasks: Iterable[TaskPublic], by: Grouping,
                lang: str) -> tuple[CompletionRate, list[RateRow]]:
    """The rate of all the tasks and of each group, groups in a stable order."""
    keys: dict[Grouping, Callable[[TaskPublic], tuple[str, str]]] = {
        "unit": lambda t: (t.lead_unit.code, t.lead_unit.name),
        "directive": lambda t: (str(t.directive.id),
                                f"{t.directive.number} — {t.directive.excerpt}"),
        "year": lambda t: (str(t.assigned_on.year), str(t.assigned_on.year)),
    }
    key = keys[by]
    statuses: dict[tuple[str, str], list[TaskPublic]] = {}
    listed = list(tasks)
    for t in listed:
        statuses.setdefault(key(t), []).append(t)
    total = count_statuses(t.status for t in listed)
    rows = [rate_row(k, name, count_statuses(t.status for t in group), lang)
            for (k, name), group in sorted(statuses.items())]
    return total, rows


def completion_rates(*, session: Session, warehouse: Warehouse, principal: Principal,
                     query: TaskQuery, by: Grouping, calendar: WorkingCalendar,
                     ) -> CompletionRates:
    """The rates over the tasks the principal sees (the query narrows them)."""
    day = query.on or today_in_vietnam()
    tasks = list_tasks(session=session, warehouse=warehouse, principal=principal,
                       query=replace(query, on=day, status=()), calendar=calendar)
    total, rows = group_rates(tasks, by, query.lang)
    name = "Tất cả nhiệm vụ" if query.lang != "en" else "All tasks"
    return CompletionRates(day=day, by=by, total=rate_row("*", name, total, query.lang),
                           groups=rows)
