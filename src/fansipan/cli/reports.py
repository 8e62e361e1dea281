"""`fansipan report` and `fansipan report-issuer`: reports of results and who signs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fansipan.cli.common import (
    DataDir,
    cli_principal,
    err,
    friendly,
    open_session,
    out,
    parse_date,
    settings_from,
)

issuers = typer.Typer(help="Issuing bodies and how their reports are signed.",
                      no_args_is_help=True)


@friendly
def report(
    year: Annotated[int, typer.Option(help="The year reported on.")],
    format: Annotated[str, typer.Option(help="docx, xlsx or pdf.")] = "docx",
    period: Annotated[str, typer.Option(
        help="year, 6m, 9m, q1–q4 or m1–m12 (figures from 1 January to its end).")] = "year",
    unit: Annotated[str | None, typer.Option(
        help="Unit code or uid; default the top unit (the province).")] = None,
    output: Annotated[Path | None, typer.Option(
        help="File or folder to write to; default the current folder.")] = None,
    issuer: Annotated[str | None, typer.Option(help="Issuing body's code.")] = None,
    date: Annotated[str | None, typer.Option(
        "--date", help="The report's date (YYYY-MM-DD); default today.")] = None,
    take_number: Annotated[bool, typer.Option(
        "--take-number", help="Register the next number of the issuer's year.")] = False,
    number: Annotated[int | None, typer.Option(
        help="Print again with a number already registered.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Write "Báo cáo kết quả thực hiện chỉ tiêu, nhiệm vụ" from live data; prints the path."""
    from fansipan.analytics.warehouse import Warehouse
    from fansipan.services.direction.calendars import working_calendar
    from fansipan.services.direction.reports.content import ReportFormat, ReportRequest
    from fansipan.services.direction.reports.files import MEDIA, make_report

    if format not in {f.value for f in MEDIA}:
        err.print(f"[red]error:[/red] --format takes docx, xlsx or pdf, not {format!r}")
        raise typer.Exit(2)
    settings = settings_from(data_dir)
    request = ReportRequest(year=year, period=period, unit=unit, issuer=issuer,
                            issued_on=parse_date(date, "--date"), take_number=take_number,
                            number=number)
    with open_session(settings) as session:
        made = make_report(session=session, warehouse=Warehouse(), principal=cli_principal(),
                           request=request, fmt=ReportFormat(format), settings=settings,
                           calendar=working_calendar(settings),
                           step=lambda done, what: err.print(f"[dim]{what}[/dim]",
                                                             highlight=False))
    target = output or Path.cwd()
    path = target / made.name if target.is_dir() else target
    path.write_bytes(made.data)
    if made.number:
        err.print(f"Số / number {made.number:02d}", highlight=False)
    out.print(str(path), highlight=False, soft_wrap=True)


@issuers.command("set")
@friendly
def issuer_set(
    code: Annotated[str, typer.Argument(help="A code, e.g. so-kh-cn (an agency's code makes "
                                             "it the default while the agency exists).")],
    name: Annotated[str, typer.Option(help="The issuing body: Sở Khoa học và Công nghệ.")],
    symbol: Annotated[str, typer.Option(help="Symbol of its reports: BC-SKHCN.")],
    place: Annotated[str, typer.Option(help="Place on the date line: Lào Cai.")],
    signer: Annotated[str, typer.Option(help="The signer's full name.")],
    title: Annotated[str, typer.Option(help="The signer's title: Phó Giám đốc.")] = "",
    parent: Annotated[str, typer.Option(help="Parent body: UBND tỉnh Lào Cai.")] = "",
    authority: Annotated[list[str] | None, typer.Option(
        help="Prefix and whom, outermost first, e.g. 'KT.:Giám đốc' (repeatable).")] = None,
    recipient: Annotated[list[str] | None, typer.Option(
        help="A line of 'Nơi nhận' (repeatable).")] = None,
    archive: Annotated[str, typer.Option(help="Drafting unit for '- Lưu: VT, …'.")] = "VP",
    valid_from: Annotated[str | None, typer.Option(
        "--valid-from", help="First day it signs reports (YYYY-MM-DD).")] = None,
    valid_to: Annotated[str | None, typer.Option(
        "--valid-to", help="Last day it signs reports (YYYY-MM-DD).")] = None,
    data_dir: DataDir = None,
) -> None:
    """Create or replace an issuer's sign-off details (audited)."""
    from fansipan.services.direction.reports.issuers import IssuerWrite, set_issuer

    chain: list[tuple[str, str]] = []
    for item in authority or []:
        prefix, _, whom = item.partition(":")
        chain.append((prefix.strip(), whom.strip()))
    data = IssuerWrite(name=name, parent_body=parent, symbol=symbol, place=place,
                       signer_name=signer, signer_title=title, authority=chain,
                       recipients=list(recipient or []), archive=archive,
                       valid_from=parse_date(valid_from, "--valid-from"),
                       valid_to=parse_date(valid_to, "--valid-to"))
    with open_session(settings_from(data_dir)) as session:
        saved = set_issuer(session=session, principal=cli_principal(), code=code, data=data)
    out.print(json.dumps(saved.model_dump(mode="json"), ensure_ascii=False, indent=2),
              highlight=False)


@issuers.command("list")
@friendly
def issuer_list(data_dir: DataDir = None) -> None:
    """The issuing bodies and how they sign."""
    from fansipan.services.direction.reports.issuers import list_issuers

    with open_session(settings_from(data_dir)) as session:
        for i in list_issuers(session=session, principal=cli_principal()):
            chain = " ".join(f"{p} {w.upper()}" for p, w in i.authority)
            out.print(f"{i.code}: {i.name} ({i.symbol}), {chain} {i.signer_title} "
                      f"{i.signer_name}", highlight=False)
