"""`fansipan tasks`: key tasks, their completion rates, and task lists from XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import (
    DataDir,
    cli_principal,
    dmy,
    friendly,
    open_session,
    out,
    parse_date,
    settings_from,
)

app = typer.Typer(help="Key tasks (nhiệm vụ trọng tâm) and their completion.",
                  no_args_is_help=True)


@app.command("list")
@friendly
def tasks_list(
    year: Annotated[int | None, typer.Option(help="Year of assignment.")] = None,
    unit: Annotated[str | None, typer.Option(help="Lead unit, or a unit above it.")] = None,
    directive: Annotated[int | None, typer.Option(help="A directive's number.")] = None,
    on: Annotated[str | None, typer.Option(help="Judge them on this day (YYYY-MM-DD).")] = None,
    data_dir: DataDir = None,
) -> None:
    """The tasks, overdue first, with their status on the day."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.direction.calendars import working_calendar
    from fansipan.services.direction.task_views import TaskQuery, list_tasks

    settings = settings_from(data_dir)
    with open_session(settings) as session:
        found = list_tasks(session=session, warehouse=Warehouse(), principal=cli_principal(),
                           query=TaskQuery(year=year, unit=unit, directive=directive,
                                           on=parse_date(on, "--on")),
                           calendar=working_calendar(settings))
    table = Table("id", "nhiệm vụ / task", "chủ trì / lead", "hạn / deadline",
                  "tình trạng / status")
    for t in found:
        table.add_row(str(t.id), t.title, t.lead_unit.name, dmy(t.deadline), t.status_label)
    out.print(table)


@app.command("rates")
@friendly
def tasks_rates(
    by: Annotated[str, typer.Option(help="unit, directive or year.")] = "unit",
    year: Annotated[int | None, typer.Option(help="Year of assignment.")] = None,
    on: Annotated[str | None, typer.Option(help="Count on this day (YYYY-MM-DD).")] = None,
    data_dir: DataDir = None,
) -> None:
    """Completion rates: completed ÷ fallen due, on time and late apart."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.direction.calendars import working_calendar
    from fansipan.services.direction.task_rates import completion_rates
    from fansipan.services.direction.task_views import TaskQuery

    if by not in ("unit", "directive", "year"):
        raise typer.BadParameter("--by takes unit, directive or year")
    settings = settings_from(data_dir)
    with open_session(settings) as session:
        rates = completion_rates(session=session, warehouse=Warehouse(),
                                 principal=cli_principal(),
                                 query=TaskQuery(year=year, on=parse_date(on, "--on")),
                                 by=by,  # type: ignore[arg-type]
                                 calendar=working_calendar(settings))
    table = Table(by, "đến hạn / due", "đúng hạn / on time", "quá hạn / late",
                  "quá hạn chưa xong / overdue", "tỷ lệ / rate")
    for g in [*rates.groups, rates.total]:
        table.add_row(g.name, str(g.due), str(g.done_on_time), str(g.done_late),
                      str(g.open_overdue), g.rate_text)
    out.print(table)
    out.print(rates.total.sentence, highlight=False)


@app.command("template")
@friendly
def tasks_template(
    directive: Annotated[int, typer.Option(help="The directive's number in Fansipan.")],
    output: Annotated[Path | None, typer.Option(help="File or folder; default here.")] = None,
    data_dir: DataDir = None,
) -> None:
    """The XLSX template of a directive's task list; prints its path."""
    from datetime import date

    from fansipan.services.direction.task_import import task_template, template_name

    with open_session(settings_from(data_dir)) as session:
        data = task_template(session=session, principal=cli_principal(),
                             directive_id=directive)
    target = output or Path.cwd()
    path = target / template_name(directive, date.today()) if target.is_dir() else target
    path.write_bytes(data)
    out.print(str(path), highlight=False, soft_wrap=True)


@app.command("import")
@friendly
def tasks_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    directive: Annotated[int, typer.Option(help="The directive the tasks come from.")],
    data_dir: DataDir = None,
) -> None:
    """Assign the tasks of a filled-in template: all or nothing."""
    from fansipan.services.direction.calendars import working_calendar
    from fansipan.services.direction.task_import import import_tasks

    settings = settings_from(data_dir)
    with open_session(settings) as session:
        done = import_tasks(session=session, principal=cli_principal(),
                            directive_id=directive, data=file.read_bytes(),
                            calendar=working_calendar(settings))
    out.print(f"Đã giao {done.created} nhiệm vụ / {done.created} tasks assigned: "
              f"{', '.join(str(t) for t in done.tasks)}", highlight=False)
