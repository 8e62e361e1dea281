"""`fansipan outbound`: the addresses connectors may reach (the outbound allow-list)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from fansipan.cli.common import DataDir, cli_principal, friendly, open_session, out, settings_from

app = typer.Typer(help="Địa chỉ được phép kết nối ra / The outbound allow-list of connectors.",
                  no_args_is_help=True)


@app.command("allow")
@friendly
def outbound_allow(
    entry: Annotated[str, typer.Argument(
        help="A host name (api.example.vn, *.laocai.gov.vn), an address or a network.")],
    note: Annotated[str, typer.Option(help="What it is, who asked for it.")] = "",
    data_dir: DataDir = None,
) -> None:
    """Let connectors reach a host, an address or a network."""
    from fansipan.services.exchange.outbound import DestinationCreate, allow_destination

    with open_session(settings_from(data_dir)) as session:
        made = allow_destination(session=session, principal=cli_principal(),
                                 data=DestinationCreate(entry=entry, note=note))
    out.print(f"Đã cho phép / Allowed {made.entry} ({made.kind.value}).", highlight=False)


@app.command("list")
@friendly
def outbound_list(data_dir: DataDir = None) -> None:
    """The allow-list; everything else, and every non-public address, is refused."""
    from fansipan.services.exchange.outbound import list_destinations

    with open_session(settings_from(data_dir)) as session:
        found = list_destinations(session=session, principal=cli_principal())
    table = Table("id", "mục / entry", "loại / kind", "ghi chú / note", "thêm / added",
                  title=f"{len(found)} địa chỉ được phép / allowed destinations")
    for d in found:
        table.add_row(str(d.id), d.entry, d.kind.value, d.note,
                      f"{d.created_at:%d/%m/%Y} {d.created_by}")
    out.print(table)


@app.command("revoke")
@friendly
def outbound_revoke(entry: str, data_dir: DataDir = None) -> None:
    """Take an entry (as written, or its id) off the list; runs after this are refused."""
    from fansipan.services.exchange.outbound import revoke_destination

    with open_session(settings_from(data_dir)) as session:
        gone = revoke_destination(session=session, principal=cli_principal(), ref=entry)
    out.print(f"Đã gỡ / Revoked {gone.entry}.", highlight=False)
