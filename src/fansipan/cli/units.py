"""`fansipan units`: administrative units and agencies."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table
from rich.tree import Tree

from fansipan.cli.common import (
    DataDir,
    _,
    cli_lang,
    dmy,
    friendly,
    open_session,
    out,
    parse_date,
    settings_from,
)
from fansipan.web.labels import label

app = typer.Typer(help="Administrative units and agencies.", no_args_is_help=True)


@app.command("list")
@friendly
def units_list(
    data_dir: DataDir = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Date (YYYY-MM-DD) the tree is shown as of; default today.")] = None,
    tree: Annotated[bool, typer.Option("--tree", help="Show as a tree.")] = False,
) -> None:
    """List the units in force on a date."""
    from fansipan.services.warehouse.units import list_units

    on = parse_date(as_of, "--as-of") or date.today()
    with open_session(settings_from(data_dir)) as session:
        units = list_units(session=session, as_of=on)
    if tree:
        nodes: dict[str, Tree] = {}
        root = Tree(_("Units in force on {day}", day=dmy(on)))
        for u in units:  # parents come before their children
            line = f"{u.code} {u.name} [dim]({label('level', u.level, cli_lang())})[/dim]"
            parent = nodes.get(u.parent) if u.parent else None
            nodes[u.code] = (parent or root).add(line)
        out.print(root)
        return
    table = Table(title=_("{count} units in force on {day}", count=len(units), day=dmy(on)))
    table.add_column(_("Code"), no_wrap=True)
    for header in (_("Name"), _("Level"), _("Parent"), _("Valid from"), _("Valid to")):
        table.add_column(header)
    for u in units:
        table.add_row(u.code, u.name, label("level", u.level, cli_lang()), u.parent or "",
                      dmy(u.valid_from), dmy(u.valid_to))
    out.print(table)
