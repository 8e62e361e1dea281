"""`fansipan dossiers`: public-service dossiers from the one-stop shop."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import (
    DataDir,
    cli_principal,
    err,
    friendly,
    open_session,
    out,
    settings_from,
)

app = typer.Typer(help="Public-service dossiers: import, the period's figures.",
                  no_args_is_help=True)


@app.command("import")
@friendly
def dossiers_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    format: Annotated[str, typer.Option(help="auto, json, csv or xlsx.")] = "auto",
    partial: Annotated[bool, typer.Option(
        "--partial", help="Save the good records even when others are refused.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Import dossiers (JSON, CSV, XLSX): a number seen before is a correction; the same
    file twice changes nothing. All or nothing unless --partial."""
    from fansipan.exchange.dossiers_io import detect, read_records
    from fansipan.services.citizens.dossier_import import import_dossiers

    with file.open("rb") as stream:
        fmt = format if format != "auto" else detect(stream.read(4096), file.name)
        stream.seek(0)
        with open_session(settings_from(data_dir)) as session:
            summary = import_dossiers(session=session, principal=cli_principal(),
                                      records=read_records(stream, fmt), atomic=not partial,
                                      source=f"import:{file.name}"[:100])
    out.print(f"{summary.rows:,} dossiers read: {summary.created:,} new, "
              f"{summary.corrected:,} corrected, {summary.unchanged:,} unchanged, "
              f"{summary.refused:,} refused", highlight=False)
    for p in summary.problems[:50]:
        err.print(f"row {p.get('row')}, {p['field']}: {p['message']}", highlight=False,
                  soft_wrap=True)
    if summary.refused and not summary.committed:
        err.print("nothing was saved / chưa lưu gì", highlight=False)
        raise typer.Exit(1)


@app.command("summary")
@friendly
def dossiers_summary(
    period: Annotated[str, typer.Option(help="A month, quarter or year: 2026-03, 2026Q1.")],
    by: Annotated[str, typer.Option(help="agency, unit or procedure.")] = "agency",
    data_dir: DataDir = None,
) -> None:
    """The period's figures, best on-time rate first, with both denominators."""
    from fansipan.domain.numbers import format_number
    from fansipan.domain.periods import parse_period
    from fansipan.services.citizens.dossiers import names_of, period_summaries
    from fansipan.services.citizens.moments import now

    column = {"agency": "agency_code", "unit": "unit_code", "procedure": "procedure_code"}
    if by not in column:
        err.print("error: --by takes agency, unit or procedure")
        raise typer.Exit(2)
    at = now()
    with open_session(settings_from(data_dir)) as session:
        found = period_summaries(session=session, principal=cli_principal(),
                                 period=parse_period(period), by=(column[by],), at=at)
        names = names_of(session=session, codes=[k[0] for k in found], at=at)

    def pct(value: float | None) -> str:
        return "—" if value is None else format_number(value, 1, "vi") + " %"

    table = Table(by, "received", "handled", "early", "on time", "late", "open overdue",
                  "on time (766)", "on time (with overdue)", title=f"Dossiers {period}")
    ordered = sorted(found.items(), key=lambda kv: -(kv[1].on_time_rate_handled.percent or -1))
    for key, s in ordered:
        table.add_row(names.get(key[0], key[0]), str(s.received), str(s.handled),
                      str(s.early), str(s.on_time), str(s.late), str(s.open_overdue),
                      pct(s.on_time_rate_handled.percent),
                      pct(s.on_time_rate_with_overdue.percent))
    out.print(table)
