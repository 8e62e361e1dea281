"""`fansipan feedback`: citizens' field reports (phản ánh hiện trường) at the console."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import DataDir, cli_principal, friendly, open_session, out, settings_from

app = typer.Typer(help="Citizens' field reports: categories, lists, one report.",
                  no_args_is_help=True)


@app.command("setup")
@friendly
def feedback_setup(data_dir: DataDir = None) -> None:
    """Add the shipped report categories that are missing (an administrator's later
    changes are kept)."""
    from fansipan.services.citizens.categories import load_categories

    with open_session(settings_from(data_dir)) as session:
        added = load_categories(session=session)
    out.print(f"{added} categories added.", highlight=False)


@app.command("list")
@friendly
def feedback_list(
    state: Annotated[str, typer.Option(help="open, overdue, closed or all.")] = "open",
    agency: Annotated[str | None, typer.Option(help="Only this body's reports.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    data_dir: DataDir = None,
) -> None:
    """The reports, overdue first, then open ones by deadline."""
    from fansipan.services.citizens.reports import InboxQuery, StateFilter, list_reports
    from fansipan.web.formatting import moment

    with open_session(settings_from(data_dir)) as session:
        inbox = list_reports(session=session, principal=cli_principal(), query=InboxQuery(
            states=StateFilter(state), agency=agency, limit=limit))
    table = Table("number", "category", "commune", "body", "received", "deadline", "state",
                  title=f"{inbox.total} reports ({inbox.open} open, {inbox.overdue} overdue)")
    for item in inbox.items:
        r = item.report
        table.add_row(r.request_id, r.service_name_vi, r.commune_name or "",
                      item.counted_at_name or item.counted_at, moment(r.requested_at),
                      moment(r.expected_at), r.state_vi + (" (quá hạn)" if r.overdue else ""))
    out.print(table)


@app.command("show")
@friendly
def feedback_show(request_id: Annotated[str, typer.Argument(help="PA-2026-000123")],
                  data_dir: DataDir = None) -> None:
    """One report with every step (staff view: the reporter's contact included)."""
    from fansipan.services.citizens.reports import get_staff_report
    from fansipan.web.formatting import moment

    with open_session(settings_from(data_dir)) as session:
        report = get_staff_report(session=session, principal=cli_principal(),
                                  request_id=request_id)
    r = report.public
    out.print(f"[bold]{r.request_id}[/bold] {r.service_name_vi} — {r.state_vi}"
              + (" (quá hạn / overdue)" if r.overdue else ""), highlight=False)
    out.print(f"body: {report.counted_at_name or report.counted_at}; commune: "
              f"{r.commune_name or '—'}; received {moment(r.requested_at)}; deadline "
              f"{moment(r.expected_at)}", highlight=False)
    if report.description:
        out.print(report.description, highlight=False)
    for a in report.answers:
        out.print(f"  {a.question_vi}: {a.value}", highlight=False)
    if report.reporter:
        who = report.reporter
        out.print(f"reporter (not public): {who.last_name or ''} {who.first_name or ''} "
                  f"{who.phone or ''} {who.email or ''}".rstrip(), highlight=False)
    table = Table("#", "when", "who", "step", "notes")
    for s in report.steps:
        notes = " / ".join(n for n in (s.agency, s.reason, s.public_note,
                                        f"[internal] {s.internal_note}" if s.internal_note
                                        else None) if n)
        table.add_row(str(s.seq), moment(s.at), s.actor, s.action_vi, notes)
    out.print(table)
