"""Pulling dossiers from the one-stop shop with the exchange hub's connectors.

A connector with `target: "dossiers"` fetches its URL (JSON or CSV) on its schedule, as
its owner, to an allowed address, with its stored credential and its retries, as any
pull does; this imports what it fetched as dossiers, as the connector's principal (its
owner within the connector's units), all or nothing. The connector's mapping may name
the source's fields (`fields`: ours → theirs), where its list is (`records`), and
translate its agency and area codes (`units`: theirs → ours).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.exchange.dossiers_io import read_records
from fansipan.exchange.mapping import FieldMapping
from fansipan.services.citizens.dossier_import import import_dossiers
from fansipan.services.exchange.connector_runs import Pulled, PullTarget
from fansipan.services.exchange.connectors import ConnectorPublic


def pull_dossiers(session: Session, connector: ConnectorPublic, path: Path,
                  principal: Principal) -> Pulled:
    mapping = FieldMapping.model_validate(connector.config.get("mapping") or {})
    renames = {theirs: ours for ours, theirs in mapping.fields.items()}
    with path.open("rb") as stream:
        summary = import_dossiers(
            session=session, principal=principal,
            records=read_records(stream, connector.format, path=mapping.records,
                                 renames=renames, codes=mapping.units),
            source=f"connector:{connector.name}"[:100])
    problems = "; ".join(f"row {p.get('row')}, {p['field']}: {p['message']}"
                         for p in summary.problems[:20])
    message = (f"{summary.rows} dossiers: {summary.created} new, {summary.corrected} "
               f"corrected, {summary.unchanged} unchanged"
               + (f"; {summary.refused} refused, nothing saved: {problems}"
                  if summary.refused else ""))
    return Pulled(rows=summary.rows, imported=summary.created, updated=summary.corrected,
                  ignored=summary.unchanged, conflicts=summary.refused, message=message)


#: The record kinds this capability imports from pulls, for the hub's Runtime.
PULL_TARGETS: dict[str, PullTarget] = {"dossiers": pull_dossiers}
