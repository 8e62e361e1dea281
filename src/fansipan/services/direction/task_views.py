"""Tasks as readers see them: evaluated on a day, sorted overdue first, and filtered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.domain.tasks import TaskEvaluation, TaskStatus, evaluate_task
from fansipan.domain.units import Unit
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.direction.clock import today_in_vietnam
from fansipan.services.direction.records import (
    StoredTask,
    TaskScope,
    load_tasks,
    require_reader,
    target_key,
)
from fansipan.services.direction.shapes import (
    DirectiveRef,
    IndicatorBrief,
    TargetLink,
    TaskPublic,
    UnitBrief,
)
from fansipan.services.direction.task_targets import targets_met_on
from fansipan.store.direction_tables import TaskRow

MAX_TASKS = 5000  # one list; a province has hundreds of key tasks a year


@dataclass(frozen=True)
class TaskQuery:
    directive: int | None = None
    unit: str | None = None  # lead unit (code or uid) or any unit below it
    year: int | None = None  # year of assignment
    status: Sequence[TaskStatus] = ()
    on: date | None = None  # evaluate at the end of this day (default today)
    lang: str = "vi"


def unit_brief(catalog: Catalog, unit: Unit) -> UnitBrief:
    return UnitBrief(code=unit.code, uid=catalog.uid_of(unit), name=unit.name)


def directive_ref(stored: StoredTask) -> DirectiveRef:
    d = stored.directive
    return DirectiveRef(id=d.id, number=d.number, issued_on=d.issued_on, issuer=d.issuer,
                        excerpt=d.excerpt, working_days=d.working_days)


def task_public(catalog: Catalog, stored: StoredTask, e: TaskEvaluation, lang: str,
                met_on: dict[str, date]) -> TaskPublic:
    h = catalog.hierarchy
    row = stored.row
    target = None
    key = target_key(row)
    if key is not None and row.target_indicator_id and row.target_unit_id:
        code = catalog.indicator_codes[row.target_indicator_id]
        tunit = h.unit(row.target_unit_id)
        target = TargetLink(indicator=code, indicator_name=catalog.indicators[code].name(lang),
                            unit=tunit.code, unit_name=tunit.name,
                            period=row.target_period or "", met_on=met_on.get(key))
    return TaskPublic(
        id=row.id, directive=directive_ref(stored), title=row.title,
        description=row.description, lead_unit=unit_brief(catalog, h.unit(row.lead_unit_id)),
        co_units=[unit_brief(catalog, h.unit(u)) for u in stored.co_units],
        assigned_by=row.assigned_by, assigned_on=row.assigned_on, day=e.day, status=e.status,
        status_label=e.status.label(lang), overdue=e.status.is_overdue, progress=e.progress,
        deadline=e.deadline, original_deadline=e.original_deadline,
        deadline_working_days=row.deadline_working_days, extensions=e.extensions,
        completed_on=e.completed_on, completed_by_target=e.completed_by_target,
        cancelled_on=e.cancelled_on, cancel_reason=e.cancel_reason, days_late=e.days_late,
        working_days_late=e.working_days_late,
        indicators=[IndicatorBrief(code=catalog.indicator_codes[i],
                                   name=catalog.indicators[catalog.indicator_codes[i]].name(lang))
                    for i in stored.indicators],
        target=target, updated_at=row.updated_at)


# Overdue first (the most overdue at the top), then open ones by deadline, then the done
# ones (late before on time), cancelled last.
_ORDER = {TaskStatus.IN_PROGRESS_OVERDUE: 0, TaskStatus.NOT_STARTED_OVERDUE: 0,
          TaskStatus.NOT_STARTED_ON_TIME: 1, TaskStatus.IN_PROGRESS_ON_TIME: 1,
          TaskStatus.DONE_LATE: 2, TaskStatus.DONE_ON_TIME: 3, TaskStatus.CANCELLED: 4}


def overdue_first(t: TaskPublic) -> tuple[int, int, date, int]:
    return (_ORDER[t.status], -t.days_late, t.deadline, t.id)


def evaluate(*, session: Session, warehouse: Warehouse, catalog: Catalog,
             tasks: Sequence[StoredTask], on: date, calendar: WorkingCalendar,
             lang: str) -> list[TaskPublic]:
    """Each task (assigned by `on`) at the end of `on`; call outside a transaction."""
    met = targets_met_on(session=session, warehouse=warehouse, catalog=catalog, tasks=tasks,
                         on=on)
    out = []
    for stored in tasks:
        if stored.row.assigned_on > on:
            continue
        key = target_key(stored.row)
        found = met.get(key) if key is not None else None
        e = evaluate_task(stored.domain(), on=on, target_met_on=found, calendar=calendar)
        out.append(task_public(catalog, stored, e, lang, met))
    return out


def visible_tasks(session: Session, catalog: Catalog, scope: TaskScope,
                  query: TaskQuery) -> list[StoredTask]:
    """The stored tasks the query names and the scope shows (inside a transaction)."""
    stmt = select(TaskRow).order_by(TaskRow.id)
    if query.directive is not None:
        stmt = stmt.where(TaskRow.directive_id == query.directive)
    if query.year is not None:
        stmt = stmt.where(TaskRow.assigned_on >= date(query.year, 1, 1),
                          TaskRow.assigned_on <= date(query.year, 12, 31))
    if query.unit:
        day = query.on or today_in_vietnam()
        unit = catalog.unit(query.unit, day)
        below = catalog.hierarchy.below_ever(unit.id) | {unit.id}
        stmt = stmt.where(TaskRow.lead_unit_id.in_(sorted(below)))
    rows = list(session.scalars(stmt.limit(MAX_TASKS)))
    return [t for t in load_tasks(session, rows) if scope.sees(t)]


def list_tasks(*, session: Session, warehouse: Warehouse, principal: Principal,
               query: TaskQuery, calendar: WorkingCalendar) -> list[TaskPublic]:
    """The tasks the principal may see, overdue first."""
    require_reader(principal)
    on = query.on or today_in_vietnam()
    with session.begin():
        catalog = load_catalog(session)
        stored = visible_tasks(session, catalog, TaskScope(catalog, principal), query)
    out = evaluate(session=session, warehouse=warehouse, catalog=catalog, tasks=stored, on=on,
                   calendar=calendar, lang=query.lang)
    if query.status:
        out = [t for t in out if t.status in query.status]
    return sorted(out, key=overdue_first)
