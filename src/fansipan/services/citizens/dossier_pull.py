"""Pulling dossiers from the one-stop shop with the exchange hub's connectors.

A connector with `target: "dossiers"` fetches its URL (JSON or CSV) on its schedule,
with its retries and credentials, as any pull does; this imports what it fetched as
dossiers, within the units it was given, all or nothing. The connector's mapping may
name the source's fields (`fields`: ours → theirs), where its list is (`records`) and
translate its agency and area codes (`units`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal, PrincipalKind, Role
from fansipan.exchange.dossiers_io import read_records
from fansipan.exchange.mapping import FieldMapping
from fansipan.services.catalog import load_catalog
from fansipan.services.citizens.dossier_import import import_dossiers
from fansipan.services.exchange.connectors import ConnectorPublic, Pulled, PullTarget


def pull_dossiers(session: Session, connector: ConnectorPublic, path: Path) -> Pulled:
    config = connector.config
    mapping = FieldMapping.model_validate(config.get("mapping") or {})
    units = config.get("units") or []
    with session.begin():
        catalog = load_catalog(session)
        on = date.fromisoformat(config["units_as_of"]) if config.get("units_as_of") else (
            date.today())
        unit_ids = frozenset(catalog.unit(ref, on).id for ref in units)
    principal = Principal(kind=PrincipalKind.SYSTEM, name=f"connector:{connector.name}",
                          roles=frozenset({Role.OFFICER}), all_units=not units,
                          unit_ids=unit_ids, all_indicators=True)
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
