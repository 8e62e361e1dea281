"""`fansipan metadata export|import`: the catalogue and the units between instances."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fansipan.cli.common import (
    DataDir,
    _,
    cli_principal,
    friendly,
    open_session,
    out,
    settings_from,
)

app = typer.Typer(help="The catalogue and the units between instances.", no_args_is_help=True)


@app.command("export")
@friendly
def metadata_export(
    file: Annotated[Path, typer.Argument(help="The file to write (JSON).", dir_okay=False)],
    data_dir: DataDir = None,
    dhis2: Annotated[bool, typer.Option("--dhis2", help="DHIS2's metadata shape.")] = False,
) -> None:
    """Write the catalogue and the units to a file."""
    from fansipan.services.exchange.metadata import export_metadata

    with open_session(settings_from(data_dir)) as session:
        doc = export_metadata(session=session, principal=cli_principal(),
                              shape="dhis2" if dhis2 else "json")
    file.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    out.print(_("Metadata written to {path}.", path=str(file)))


@app.command("import")
@friendly
def metadata_import(
    file: Annotated[Path, typer.Argument(help="A metadata file (either shape).", exists=True,
                                         dir_okay=False)],
    data_dir: DataDir = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Count what would change; change nothing.")] = False,
) -> None:
    """Import a metadata file: what is missing is added, what differs updated."""
    from fansipan.cli.catalogue import read_json
    from fansipan.services.exchange.metadata import import_metadata

    document = read_json(file)
    with open_session(settings_from(data_dir)) as session:
        summary = import_metadata(session=session, principal=cli_principal(),
                                  document=document, dry_run=dry_run)
    out.print(_("Dry run: nothing was changed.") if dry_run else _("Metadata imported."))
    for kind, label in (("sectors", _("Sectors")), ("groups", _("Indicator groups")),
                        ("indicators", _("Indicators")), ("units", _("Units")),
                        ("parents", _("Parent links")), ("successions", _("Successions"))):
        c = getattr(summary, kind)
        out.print(_("{what}: {created} created, {updated} updated, {unchanged} unchanged",
                    what=label, created=c.created, updated=c.updated, unchanged=c.unchanged))
