"""`fansipan targets`: targets and their evaluation."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import (
    DataDir,
    _,
    cli_lang,
    friendly,
    open_session,
    out,
    parse_date,
    say_if_illustrative,
    settings_from,
)

app = typer.Typer(help="Targets and their evaluation.", no_args_is_help=True)


@app.command("evaluate")
@friendly
def targets_evaluate(
    year: Annotated[int, typer.Option(help="The plan year.")],
    data_dir: DataDir = None,
    as_of: Annotated[str | None, typer.Option(
        "--as-of", help="Evaluate as of this date (YYYY-MM-DD); default today.")] = None,
    lang: Annotated[str | None, typer.Option(help="vi or en (default FANSIPAN_LANG).")] = None,
) -> None:
    """Evaluate the year's targets: met (đạt), exceeded (vượt), missed (không đạt)."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.insight.evaluation import evaluate_targets
    from fansipan.web.formatting import number

    lang = "en" if (lang or cli_lang()) == "en" else "vi"
    with open_session(settings_from(data_dir)) as session:
        report = evaluate_targets(session=session, warehouse=Warehouse(), year=year,
                                  as_of=parse_date(as_of, "--as-of"),
                                  lang=lang)
        illustrative = say_if_illustrative(session, out)
    title = _("Targets for {year}", year=year)
    table = Table(_("Indicator"), _("Unit"), _("Planned"), _("Actual"), _("Status"),
                  title=f"{title} (minh họa / illustrative)" if illustrative else title)
    for item in report.items:
        table.add_row(item.indicator_name, item.unit_name, number(item.planned, 2, lang),
                      number(item.actual, 2, lang), item.status_label)
    out.print(table)
    out.print(report.sentence, highlight=False)
