"""`fansipan import`, `export` and `template`: files in and out of the warehouse."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from fansipan.cli.common import (
    DataDir,
    _,
    cli_lang,
    cli_principal,
    err,
    figure,
    friendly,
    many,
    open_session,
    out,
    parse_date,
    say_if_illustrative,
    settings_from,
)
from fansipan.errors import Message, pmsg
from fansipan.locale import field_label, say

# DHIS2's status words stay as they are in English (clients know them); Vietnamese says them.
_STATUS: dict[str, Message] = {
    "SUCCESS": pmsg("import status", "SUCCESS"),
    "WARNING": pmsg("import status", "WARNING"),
    "ERROR": pmsg("import status", "ERROR"),
}


@friendly
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    format: Annotated[str, typer.Option(
        help="auto, json, csv, xlsx, dhis2_json or dhis2_csv.")] = "auto",
    strategy: Annotated[str, typer.Option(
        help="create_and_update, create, update or delete.")] = "create_and_update",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; save nothing.")] = False,
    partial: Annotated[bool, typer.Option(
        "--partial", help="Save the valid rows even when others are refused.")] = False,
    source: Annotated[str, typer.Option(help="Source recorded with each value.")] = "import",
    number_style: Annotated[str, typer.Option(
        help="How 1.234 is read: vi (1234), en (1.234), or auto (vi for a semicolon-separated "
             "file or Vietnamese headers, else refused as ambiguous).")] = "auto",
    data_dir: DataDir = None,
) -> None:
    """Import a file (JSON, CSV, XLSX, DHIS2), with a progress bar; all or nothing by default."""
    from fansipan.domain.numbers import NumberStyle
    from fansipan.domain.rows import ImportFormat, WriteStrategy
    from fansipan.services.exchange.imports import ImportOptions, run_import

    options = ImportOptions(format=ImportFormat(format), strategy=WriteStrategy(strategy),
                            dry_run=dry_run, atomic=not partial, source=source,
                            number_style=NumberStyle(number_style))
    size = file.stat().st_size
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                  TextColumn("{task.fields[rows]} " + _("rows")), TimeElapsedColumn(),
                  TimeRemainingColumn(), console=err) as bar, open_session(
            settings_from(data_dir)) as session:
        task = bar.add_task(_("Importing {file}", file=file.name), total=size, rows=figure(0))
        summary = run_import(session=session, path=file, options=options, principal=cli_principal(),
                             file_name=file.name,
                             progress=lambda rows, done: bar.update(task, completed=done,
                                                                    rows=figure(rows)))
        bar.update(task, completed=size)
    count = summary.import_count
    en = cli_lang() == "en"
    status = summary.status.value
    out.print(f"{say(_STATUS.get(status, status), cli_lang())}: "
              f"{summary.description if en else summary.description_vi}", highlight=False)
    out.print(_("rows {rows}; imported {imported}, updated {updated}, ignored {ignored}, "
                "deleted {deleted}", rows=figure(summary.rows), imported=figure(count.imported),
                updated=figure(count.updated), ignored=figure(count.ignored),
                deleted=figure(count.deleted)))
    for c in summary.conflicts[:50]:
        where = _("row {row}", row=c.row) if c.row else _("file")
        out.print(f"  {where}, {field_label(c.field, cli_lang())}: "
                  f"{c.message if en else c.message_vi}", highlight=False)
    if summary.conflict_count > 50:
        out.print(_("  … and {count} more", count=figure(summary.conflict_count - 50)))
    if summary.status.value == "ERROR":
        raise typer.Exit(1)


@friendly
def export_values(
    format: Annotated[str, typer.Option(
        help="json, csv, xlsx, dhis2, dhis2-csv, sdmx-ml or sdmx-csv.")] = "csv",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write (default: standard output).")] = None,
    indicator: Annotated[list[str] | None, typer.Option(help="Indicator codes.")] = None,
    sector: Annotated[list[str] | None, typer.Option(help="Indicator groups.")] = None,
    unit: Annotated[list[str] | None, typer.Option(help="Unit codes.")] = None,
    children: Annotated[bool, typer.Option("--children", help="Units below too.")] = False,
    period: Annotated[list[str] | None, typer.Option(help="Periods (2024, 2024Q1, …).")] = None,
    start: Annotated[str | None, typer.Option(help="Periods from (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option(help="Periods to (YYYY-MM-DD).")] = None,
    last_updated: Annotated[str | None, typer.Option(
        "--last-updated", help="Changed on or after this date (YYYY-MM-DD).")] = None,
    changed_after: Annotated[int | None, typer.Option(
        "--changed-after", help="Only values changed after this change number.")] = None,
    uids: Annotated[bool, typer.Option("--uids/--codes",
                                       help="DHIS2 formats: uids or codes.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Export stored values; filters combine."""
    from fansipan.services.exchange.exports import ExportFormat, ExportQuery, export_to

    since = parse_date(last_updated, "--last-updated")
    query = ExportQuery(
        indicators=many(indicator), sectors=many(sector), units=many(unit),
        children=children, periods=many(period), start=parse_date(start, "--start"),
        end=parse_date(end, "--end"), changed_after=changed_after,
        last_updated=datetime.combine(since, datetime.min.time()) if since else None)
    fmt = ExportFormat(format)
    with Progress(TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err) as bar, open_session(settings_from(data_dir)) as session:
        say_if_illustrative(session, err)
        task = bar.add_task(_("Exporting {format}", format=fmt.value), total=None)

        def write(target: IO[bytes]) -> int:
            return export_to(session=session, principal=cli_principal(), query=query, fmt=fmt,
                             out=target, uids=uids,
                             progress=lambda n: bar.update(task, completed=n))

        if output is None:
            rows = write(sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            with output.open("wb") as f:
                rows = write(f)
    err.print(_("Exported {count} values to {file}.", count=figure(rows), file=output) if output
              else _("Exported {count} values.", count=figure(rows)))


@friendly
def template(
    sector: Annotated[str, typer.Option(help="Indicator group (telecom, postal, …).")],
    unit: Annotated[str, typer.Option(help="Unit code.")],
    period: Annotated[str, typer.Option(help="Period (2024, 2024Q1, 2024-03).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The .xlsx to write.")],
    data_dir: DataDir = None,
) -> None:
    """Write the XLSX entry template of an indicator group × unit × period."""
    from fansipan.services.exchange.templates import TemplateRequest, entry_template

    with open_session(settings_from(data_dir)) as session:
        content = entry_template(session=session, principal=cli_principal(),
                                 request=TemplateRequest(sector=sector, unit=unit, period=period))
        say_if_illustrative(session, out)
    output.write_bytes(content)
    out.print(_("Wrote the template to {file}; fill in the value column and run "
                "'fansipan import {file}'.", file=output))
