"""`fansipan backup` and `fansipan restore`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fansipan.cli.common import (
    DataDir,
    _,
    cli_principal,
    figure,
    friendly,
    out,
    settings_from,
)


@friendly
def backup(
    dest: Annotated[Path, typer.Argument(help="The backup file to write.")],
    data_dir: DataDir = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace DEST.")] = False,
) -> None:
    """A consistent online backup (SQLite backup API, or pg_dump), with a manifest."""
    from fansipan.services.trust.backups import create_backup

    done = create_backup(settings=settings_from(data_dir), dest=dest, principal=cli_principal(),
                         overwrite=overwrite)
    out.print(_("Backed up {rows} rows in {tables} tables to {path} ({size} bytes); "
                "manifest {manifest}.", rows=figure(done.rows),
                tables=figure(done.tables), path=done.path, size=figure(done.size),
                manifest=done.manifest.name))


@friendly
def restore(
    src: Annotated[Path, typer.Argument(help="A file written by 'fansipan backup'.")],
    data_dir: DataDir = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="Overwrite a store that holds data (stop the server first).")] = False,
) -> None:
    """Restore into the configured store and check it is identical to the backup."""
    from fansipan.services.trust.backups import restore_backup

    done = restore_backup(settings=settings_from(data_dir), src=src, principal=cli_principal(),
                          replace=replace)
    out.print(_("Restored {rows} rows in {tables} tables; the content is identical to the "
                "backup.", rows=figure(done.rows), tables=figure(done.tables)))
