"""`fansipan indicators`: the indicator catalogue."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.catalogue import register
from fansipan.cli.common import (
    DataDir,
    _,
    cli_lang,
    cli_principal,
    friendly,
    open_session,
    out,
    settings_from,
)

app = typer.Typer(help="The indicator catalogue.", no_args_is_help=True)
register(app)


@app.command("list")
@friendly
def indicators_list(
    data_dir: DataDir = None,
    sector: Annotated[str | None, typer.Option(help="Only this sector.")] = None,
) -> None:
    """List the indicators of the catalogue."""
    from fansipan.services.warehouse.indicators import list_indicators

    with open_session(settings_from(data_dir)) as session:
        items = list_indicators(session=session, sector=sector)
    en = cli_lang() == "en"
    table = Table(_("Code"), _("Name"), _("Unit of measure"), _("Sector"), _("Formula"),
                  title=_("{count} indicators", count=len(items)))
    for i in items:
        table.add_row(i.code, i.name_en if en else i.name_vi, i.unit_en if en else i.unit_vi,
                      i.sector, i.formula or "")
    out.print(table)


@app.command("show")
@friendly
def indicators_show(code: str, data_dir: DataDir = None) -> None:
    """Show one indicator's definition."""
    from fansipan.services.warehouse.indicators import get_indicator

    with open_session(settings_from(data_dir)) as session:
        ind = get_indicator(session=session, code=code)
    for key, value in ind.model_dump().items():
        out.print(f"[bold]{key}[/bold]: {value}", highlight=False)


@app.command("publish")
@friendly
def indicators_publish(
    code: Annotated[list[str], typer.Argument(help="Indicator codes.")],
    data_dir: DataDir = None,
    private: Annotated[bool, typer.Option("--private", help="Make them not public.")] = False,
    confirm_disclosure: Annotated[bool, typer.Option(
        "--confirm-disclosure",
        help="For a derived indicator whose parts are not public: confirm that publishing "
             "it discloses them (a rate and one part give the other).")] = False,
) -> None:
    """Mark indicators public (anyone may read their values) or, with --private, not.

    A derived indicator whose parts are not public is refused unless
    --confirm-disclosure says that publishing it may disclose them.
    """
    from fansipan.services.warehouse.indicators import IndicatorVisibility, set_visibility

    with open_session(settings_from(data_dir)) as session:
        for c in code:
            set_visibility(session=session, principal=cli_principal(), code=c,
                           data=IndicatorVisibility(public=not private,
                                                    discloses_parts=confirm_disclosure))
    out.print(_("{count} indicator(s) are now private.", count=len(code)) if private
              else _("{count} indicator(s) are now public.", count=len(code)))
