"""Names for people of the codes the pages show: periodicities, ways of adding up,
levels, directions, approval states, roles, audit outcomes and the sources data came from.

A code that has no name here is shown as it is (a client's own source name, say);
the test that reads every page in Vietnamese catches one a person would meet.
"""

from __future__ import annotations

from typing import Final

from fansipan.errors import Message, msg, pmsg
from fansipan.locale import say, tr

_LABELS: Final[dict[tuple[str, str], Message]] = {
    ("periodicity", "day"): msg("daily"),
    ("periodicity", "week"): msg("weekly"),
    ("periodicity", "month"): msg("monthly"),
    ("periodicity", "quarter"): msg("quarterly"),
    ("periodicity", "six_month"): msg("every six months"),
    ("periodicity", "year"): msg("yearly"),
    ("aggregation", "sum"): msg("added up"),
    ("aggregation", "average"): msg("averaged"),
    ("aggregation", "last"): msg("the latest figure"),
    ("aggregation", "min"): msg("the smallest figure"),
    ("aggregation", "max"): msg("the largest figure"),
    ("aggregation", "none"): msg("not combined"),
    ("level", "province"): pmsg("level", "province"),
    ("level", "district"): pmsg("level", "district"),
    ("level", "commune"): pmsg("level", "commune"),
    ("level", "agency"): pmsg("level", "agency"),
    ("value_type", "integer"): pmsg("value type", "whole number"),
    ("value_type", "number"): pmsg("value type", "number"),
    ("value_type", "percent"): pmsg("value type", "per cent"),
    ("kind", "amount"): pmsg("indicator kind", "amount (changes in per cent)"),
    ("kind", "rate"): pmsg("indicator kind", "rate (changes in points)"),
    ("kind", "index"): pmsg("indicator kind", "index (changes in points)"),
    ("kind", "denominator"): pmsg("indicator kind", "denominator (not ranked)"),
    ("unit_status", "current"): pmsg("unit status", "in force"),
    ("unit_status", "ended"): pmsg("unit status", "ended"),
    ("unit_status", "upcoming"): pmsg("unit status", "not yet in force"),
    ("succession", "merged"): pmsg("succession", "merged"),
    ("succession", "kept"): pmsg("succession", "kept"),
    ("succession", "split"): pmsg("succession", "split"),
    ("direction", "up"): msg("higher is better"),
    ("direction", "down"): msg("lower is better"),
    ("direction", "none"): msg("not judged"),
    ("approval", "open"): pmsg("approval state", "open"),
    ("approval", "submitted"): pmsg("approval state", "submitted, awaiting approval"),
    ("approval", "approved"): pmsg("approval state", "approved and locked"),
    ("role", "admin"): pmsg("role", "administrator"),
    ("role", "leader"): pmsg("role", "leader"),
    ("role", "officer"): pmsg("role", "data officer"),
    ("role", "approver"): pmsg("role", "approver"),
    ("role", "integrator"): pmsg("role", "integration administrator"),
    ("role", "reporter"): pmsg("role", "citizens' reporting app"),
    ("account", "user"): pmsg("account", "person"),
    ("account", "client"): pmsg("account", "connected system"),
    ("account", "system"): pmsg("account", "the system itself"),
    ("account", "anonymous"): pmsg("account", "anonymous visitor"),
    ("outcome", "ok"): pmsg("outcome", "done"),
    ("outcome", "failed"): pmsg("outcome", "failed"),
    ("outcome", "denied"): pmsg("outcome", "refused"),
    ("operation", "create"): pmsg("operation", "added"),
    ("operation", "update"): pmsg("operation", "changed"),
    ("operation", "delete"): pmsg("operation", "deleted"),
    ("audit", "user."): pmsg("audit", "accounts"),
    ("audit", "token."): pmsg("audit", "API tokens"),
    ("audit", "auth."): pmsg("audit", "sign-in and passwords"),
    ("audit", "data."): pmsg("audit", "data values"),
    ("audit", "target."): pmsg("audit", "targets"),
    ("audit", "approval."): pmsg("audit", "approvals"),
    ("audit", "indicator."): pmsg("audit", "indicators"),
    ("audit", "connector."): pmsg("audit", "connectors"),
    ("audit", "secret."): pmsg("audit", "secrets"),
    ("audit", "outbound."): pmsg("audit", "outbound addresses"),
    ("audit", "export"): pmsg("audit", "downloads"),
    ("audit", "authz."): pmsg("audit", "refused requests"),
    ("connector", "pull"): pmsg("connector", "pulls data in"),
    ("connector", "push"): pmsg("connector", "sends data out"),
    ("source", "demo"): msg("Illustrative dataset"),
    ("source", "targets"): msg("Targets set (plans)"),
    ("source", "web"): msg("Data entry on the web"),
    ("source", "web-import"): msg("File import on the web"),
    ("source", "import"): msg("File import (API)"),
    ("source", "api"): msg("API"),
    ("source", "dhis2"): msg("DHIS2 exchange"),
    ("source", "reference"): msg("Reference data"),
    ("source", "records"): msg("Counted from field reports and dossiers"),
    ("no_map", "reform"): msg(
        "Districts were abolished on 1 July 2025 and the new communes' boundaries are not "
        "available, so the figures are shown as coloured tiles and a table."),
    ("no_map", "communes"): msg(
        "No open-licensed commune boundaries exist yet, so communes are shown as coloured "
        "tiles and a table."),
}


def label(kind: str, code: str, lang: str) -> str:
    """The name of `code` among the `kind` codes, in `lang`; an unknown code as it is."""
    found = _LABELS.get((kind, str(code)))
    if found is not None:
        return say(found, lang)
    if kind == "source" and str(code).startswith("connector:"):
        return tr(lang, "Connector {name}", name=str(code).partition(":")[2])
    return str(code)


def labels(kind: str, codes: tuple[str, ...] | list[str], lang: str) -> str:
    """Several codes of one kind, joined for reading: "xã, huyện"."""
    return ", ".join(label(kind, c, lang) for c in codes)


def known(kind: str) -> list[str]:
    """The codes of `kind` that have a name (for tests and the catalogue)."""
    return [code for k, code in _LABELS if k == kind]
