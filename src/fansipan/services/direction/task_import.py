"""A directive's task list from a spreadsheet: the template, and importing it back.

The template names the directive and lists the units its user may assign to; filled in
and sent back, every row is checked like a task sent by the API, and the whole list is
assigned or, if any row is wrong, none of it, with every problem named by its row.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.calendar import WorkingCalendar
from fansipan.errors import FieldError, NotFound, ValidationError
from fansipan.exchange.task_sheets import read_task_sheet, write_task_template
from fansipan.services.catalog import load_catalog
from fansipan.services.direction.records import TaskScope
from fansipan.services.direction.shapes import TargetRef, TaskCreate
from fansipan.services.direction.tasks import create_tasks
from fansipan.services.trust.access import require
from fansipan.store.direction_tables import DirectiveRow


class ImportedTasks(BaseModel):
    directive: int
    created: int
    tasks: list[int]


def _directive(session: Session, directive_id: int) -> DirectiveRow:
    row = session.get(DirectiveRow, directive_id)
    if row is None:
        raise NotFound("Không có văn bản chỉ đạo này / No such directive", [FieldError(
            field="directive", value=str(directive_id), message="record the directive first")])
    return row


def task_template(*, session: Session, principal: Principal, directive_id: int) -> bytes:
    """The XLSX template for a directive's tasks (leaders: the units they may assign to)."""
    require(principal, Permission.ASSIGN_TASKS)
    with session.begin():
        catalog = load_catalog(session)
        directive = _directive(session, directive_id)
        scope = TaskScope(catalog, principal)
        on = directive.issued_on
        units = sorted((u for u in catalog.hierarchy.in_force(on) if scope.reaches(u.id)),
                       key=lambda u: (u.level.value != "province", u.level.value == "commune",
                                      u.code))
        title = (f"Danh sách nhiệm vụ theo văn bản {directive.number} ngày "
                 f"{on:%d/%m/%Y} / Tasks of directive {directive.number}")
        days = "ngày làm việc" if directive.working_days else "ngày"
        note = (f"Mỗi dòng một nhiệm vụ. Ghi thời hạn dd/mm/yyyy, hoặc số {days} kể từ ngày "
                "giao. Mã đơn vị xem ở trang \"Don vi\". One task a row; a deadline as "
                "dd/mm/yyyy or a number of days; unit codes on the sheet \"Don vi\".")
        return write_task_template(title, note, [(u.code, u.name) for u in units])


def import_tasks(*, session: Session, principal: Principal, directive_id: int, data: bytes,
                 calendar: WorkingCalendar) -> ImportedTasks:
    """Assign the tasks of a filled-in template, all or nothing (audited)."""
    require(principal, Permission.ASSIGN_TASKS)
    rows = read_task_sheet(data)
    if not rows:
        raise ValidationError("Tệp chưa có nhiệm vụ nào / The file has no task", [FieldError(
            field="file", message="fill in one row per task below the header")])
    with session.begin():
        _directive(session, directive_id)
    problems = [FieldError(field=f, message=m, row=r.row) for r in rows for f, m in r.problems]
    items: list[TaskCreate] = []
    numbers: list[int] = []
    for r in rows:
        try:
            items.append(TaskCreate(
                directive=directive_id, title=r.title, description=r.description,
                lead_unit=r.lead_unit, co_units=list(r.co_units), deadline=r.deadline,
                within_days=r.within_days, indicators=list(r.indicators),
                target=TargetRef(indicator=r.target[0], unit=r.target[1],
                                 period=r.target[2]) if r.target else None))
            numbers.append(r.row)
        except PydanticError as exc:  # what the API's schema refuses, said per row
            problems.extend(FieldError(field=".".join(str(p) for p in e["loc"]) or "row",
                                       message=e["msg"], row=r.row) for e in exc.errors())
    if not items:
        raise ValidationError(
            f"{len(problems)} lỗi; chưa ghi nhiệm vụ nào / {len(problems)} problem(s); no task "
            "was saved", sorted(problems, key=lambda e: e.row or 0))
    created = create_tasks(session=session, principal=principal, items=items,
                           calendar=calendar, source="xlsx", rows=numbers, problems=problems)
    return ImportedTasks(directive=directive_id, created=len(created), tasks=created)


def template_name(directive_id: int, today: date) -> str:
    return f"nhiem-vu-{directive_id}-{today:%Y%m%d}.xlsx"
