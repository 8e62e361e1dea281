"""`fansipan audit`: the hash-chained audit log."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from fansipan.cli.common import (
    DataDir,
    _,
    cli_lang,
    err,
    figure,
    friendly,
    open_session,
    out,
    settings_from,
)

app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


@app.command("verify")
@friendly
def audit_verify(data_dir: DataDir = None) -> None:
    """Recompute the hash chain and every data write's digest; exit 1 on any mismatch."""
    from fansipan.services.trust.audit import verify_chain

    with open_session(settings_from(data_dir)) as session:
        report = verify_chain(session=session)
    older = (_(", {count} older than the log", count=figure(report.changes_before_log))
             if report.changes_before_log else "")
    out.print(_("{events} audit events, {changes} changes covered{older}; head {head}… "
                "(event {last})", events=figure(report.events),
                changes=figure(report.changes_covered), older=older,
                head=report.last_hash[:16], last=report.last_id))
    if not report.ok:
        for problem in report.problems if cli_lang() == "en" else report.problems_vi:
            err.print(_("[red]tampering:[/red] {problem}", problem=problem), highlight=False)
        raise typer.Exit(1)
    out.print(_("[green]The audit log is intact.[/green]"))


@app.command("export")
@friendly
def audit_export(
    data_dir: DataDir = None,
    after: Annotated[int, typer.Option(help="Only events after this id.")] = 0,
    output: Annotated[Path | None, typer.Option(help="File to write (default stdout).")] = None,
) -> None:
    """Events as JSON lines, oldest first, for an archive on another system."""
    from fansipan.services.trust.audit import export_events

    target = output.open("w", encoding="utf-8") if output else sys.stdout
    count = 0
    try:
        with open_session(settings_from(data_dir)) as session:
            for event in export_events(session=session, after_id=after):
                target.write(json.dumps(event, ensure_ascii=False) + "\n")
                count += 1
    finally:
        if output:
            target.close()
    err.print(_("Exported {count} audit event(s).", count=figure(count)))
