"""`fansipan units`: administrative units and agencies."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.tree import Tree

from fansipan.cli.common import (
    DataDir,
    _,
    cli_lang,
    cli_principal,
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


@app.command("add")
@friendly
def units_add(
    code: str,
    name_vi: Annotated[str, typer.Option("--name-vi", help="Vietnamese name.")],
    level: Annotated[str, typer.Option(help="province, district, commune or agency.")],
    data_dir: DataDir = None,
    name_en: Annotated[str | None, typer.Option("--name-en", help="English name.")] = None,
    parent: Annotated[str | None, typer.Option(help="Parent's code as of --from.")] = None,
    valid_from: Annotated[str | None, typer.Option(
        "--from", help="First day (YYYY-MM-DD); default today.")] = None,
) -> None:
    """Add a unit or an agency."""
    from fansipan.cli.catalogue import validated
    from fansipan.services.warehouse.unit_admin import UnitCreate, add_unit

    data = validated(UnitCreate, {"code": code, "name_vi": name_vi, "name_en": name_en,
                                  "level": level, "parent": parent,
                                  "valid_from": parse_date(valid_from, "--from")})
    with open_session(settings_from(data_dir)) as session:
        made = add_unit(session=session, principal=cli_principal(), data=data)
    out.print(_("Unit {code} ({name}) added from {day}.", code=made.code, name=made.name,
                day=dmy(made.valid_from)))


@app.command("edit")
@friendly
def units_edit(
    ref: str,
    data_dir: DataDir = None,
    name_vi: Annotated[str | None, typer.Option("--name-vi", help="New Vietnamese name.")] = None,
    name_en: Annotated[str | None, typer.Option("--name-en", help="New English name.")] = None,
    valid_to: Annotated[str | None, typer.Option(
        "--to", help="Its last day (YYYY-MM-DD): ends it.")] = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="The version in force on this day (default today).")] = None,
) -> None:
    """Rename a unit, or end it."""
    from fansipan.cli.catalogue import validated
    from fansipan.services.warehouse.unit_admin import UnitEdit, edit_unit

    given: dict[str, object] = {}
    if name_vi is not None:
        given["name_vi"] = name_vi
    if name_en is not None:
        given["name_en"] = name_en
    if valid_to is not None:
        given["valid_to"] = parse_date(valid_to, "--to")
    with open_session(settings_from(data_dir)) as session:
        unit = edit_unit(session=session, principal=cli_principal(), ref=ref,
                         data=validated(UnitEdit, given), as_of=parse_date(as_of, "--as-of"))
    out.print(_("Unit {code} ({name}) changed.", code=unit.code, name=unit.name))


@app.command("reorganise")
@friendly
def units_reorganise(
    file: Annotated[Path, typer.Argument(help="The reorganisation file (JSON).", exists=True,
                                         dir_okay=False)],
    data_dir: DataDir = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Say what would change; change nothing.")] = False,
) -> None:
    """Load an administrative reorganisation: new units, succession links, one change."""
    from fansipan.cli.catalogue import read_json, validated
    from fansipan.services.warehouse.reorganisations import Reorganisation, reorganise

    plan = validated(Reorganisation, read_json(file))
    with open_session(settings_from(data_dir)) as session:
        report = reorganise(session=session, principal=cli_principal(), plan=plan,
                            dry_run=dry_run)
    out.print(_("Dry run: nothing was changed.") if dry_run else
              _("The reorganisation from {day} is loaded.", day=dmy(report.effective)))
    out.print(_("{ended} units end on the day before ({already} had ended already), "
                "{created} are created, {kept} were there already; {links} succession links "
                "added.", ended=report.ended_count, already=report.already_ended,
                created=report.created_count, kept=report.kept_count,
                links=report.successions_added))
    out.print(_("{values} values and {targets} targets have a period that spans the change.",
                values=report.spanning_values, targets=report.spanning_targets))
    table = Table(_("Old unit"), _("Values"), _("Its history goes to"),
                  title=_("The mapped history"))
    for m in report.mapped:
        table.add_row(f"{m.old_code} {m.old_name}", str(m.values),
                      ", ".join(f"{s.code} {s.name}" for s in m.successors))
    out.print(table)
