"""`fansipan db`: the database schema."""

from __future__ import annotations

import typer

from fansipan.cli.common import DataDir, _, friendly, out, settings_from

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
@friendly
def db_upgrade(data_dir: DataDir = None) -> None:
    """Create or migrate the database schema to the newest version."""
    from fansipan.services.warehouse.setup import upgrade

    before, after = upgrade(settings_from(data_dir))
    if before == after:
        out.print(_("The database is up to date (revision {revision}).", revision=after))
    elif before:
        out.print(_("Upgraded the database from {before} to {after}.", before=before,
                    after=after))
    else:
        out.print(_("Upgraded the database from empty to {after}.", after=after))
