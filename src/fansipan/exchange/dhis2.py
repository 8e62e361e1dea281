"""DHIS2 Web API shapes: id schemes, import strategies, the import summary web message.

Kept to what DHIS2's documentation promises clients, so DHIS2 tools and client
libraries read our answers as they read DHIS2's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from fansipan.domain.rows import IdScheme, ImportFormat, ImportStatus, WriteStrategy
from fansipan.errors import FieldError, ValidationError, msg


class _Conflict(Protocol):
    @property
    def row(self) -> int | None: ...
    @property
    def field(self) -> str: ...
    @property
    def value(self) -> str | None: ...
    @property
    def message(self) -> str: ...
    @property
    def message_vi(self) -> str: ...
    @property
    def code(self) -> str: ...


class _Count(Protocol):
    @property
    def imported(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def ignored(self) -> int: ...
    @property
    def deleted(self) -> int: ...


class ImportSummaryShape(Protocol):
    """What DHIS2's web message needs of an import summary (the exchange hub's has it)."""

    @property
    def status(self) -> ImportStatus: ...
    @property
    def format(self) -> ImportFormat: ...
    @property
    def strategy(self) -> WriteStrategy: ...
    @property
    def dry_run(self) -> bool: ...
    @property
    def atomic(self) -> bool: ...
    @property
    def description(self) -> str: ...
    @property
    def import_count(self) -> _Count: ...
    @property
    def conflicts(self) -> Sequence[_Conflict]: ...


SYSTEM_VERSION = "2.40.0"  # the DHIS2 Web API version whose aggregate data API we follow

_STRATEGIES = {
    "CREATE": WriteStrategy.CREATE, "NEW": WriteStrategy.CREATE,
    "UPDATE": WriteStrategy.UPDATE, "UPDATES": WriteStrategy.UPDATE,
    "CREATE_AND_UPDATE": WriteStrategy.CREATE_AND_UPDATE,
    "NEW_AND_UPDATES": WriteStrategy.CREATE_AND_UPDATE,
    "DELETE": WriteStrategy.DELETE, "DELETES": WriteStrategy.DELETE,
}


def strategy(text: str | None) -> WriteStrategy:
    if not text:
        return WriteStrategy.CREATE_AND_UPDATE
    found = _STRATEGIES.get(text.strip().upper())
    if found is None:
        raise ValidationError(msg("Unknown importStrategy"), [FieldError(
            field="importStrategy", value=text[:40],
            message=msg("use CREATE, UPDATE, CREATE_AND_UPDATE or DELETE"))])
    return found


def scheme(text: str | None, field: str, default: IdScheme = IdScheme.UID) -> IdScheme:
    if not text:
        return default
    value = text.strip().upper()
    if value == "UID":
        return IdScheme.UID
    if value == "CODE":
        return IdScheme.CODE
    raise ValidationError(msg("{field} {text} is not supported", field=field,
                              text=repr(text[:40])), [FieldError(
        field=field, value=text[:40],
        message=msg("Fansipan reads UID or CODE; names and attributes are not unique enough"))])


def schemes(id_scheme: str | None, data_element: str | None,
            org_unit: str | None) -> tuple[IdScheme, IdScheme]:
    """(indicator scheme, unit scheme): the specific parameter wins over idScheme."""
    general = scheme(id_scheme, "idScheme")
    return (scheme(data_element, "dataElementIdScheme", general),
            scheme(org_unit, "orgUnitIdScheme", general))


def web_message(summary: ImportSummaryShape) -> dict[str, Any]:
    """DHIS2's web message around its import summary (HTTP 200, or 409 on conflicts)."""
    offset = 2 if summary.format in (ImportFormat.CSV, ImportFormat.DHIS2_CSV,
                                     ImportFormat.XLSX) else 1
    conflicts = []
    rejected: set[int] = set()
    for c in summary.conflicts:
        index = (c.row - offset) if c.row is not None else None
        if index is not None:
            rejected.add(index)
        conflicts.append({
            "object": c.value or "", "objects": {c.field: c.value or ""},
            "value": f"{c.message} / {c.message_vi}", "errorCode": c.code,
            "property": c.field, "indexes": [index] if index is not None else []})
    count = summary.import_count
    response: dict[str, Any] = {
        "responseType": "ImportSummary", "status": summary.status.value,
        "importOptions": {"dryRun": summary.dry_run,
                          "importStrategy": summary.strategy.value.upper(),
                          "atomicMode": "ALL" if summary.atomic else "NONE"},
        "description": summary.description,
        "importCount": {"imported": count.imported, "updated": count.updated,
                        "ignored": count.ignored, "deleted": count.deleted},
        "conflicts": conflicts, "rejectedIndexes": sorted(rejected),
        "dataSetComplete": "false",
    }
    if summary.status is ImportStatus.SUCCESS:
        return {"httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
                "message": "Import was successful.", "response": response}
    if summary.status is ImportStatus.WARNING:
        return {"httpStatus": "Conflict", "httpStatusCode": 409, "status": "WARNING",
                "message": "One more conflicts encountered, please check import summary.",
                "response": response}
    return {"httpStatus": "Conflict", "httpStatusCode": 409, "status": "ERROR",
            "message": "An error occurred, please check import summary.", "response": response}


def job_message(job_id: str) -> dict[str, Any]:
    """DHIS2's answer to `async=true`: where to follow the import."""
    return {"httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
            "message": "Initiated DATAVALUE_IMPORT",
            "response": {"responseType": "JobConfigurationWebMessageResponse", "id": job_id,
                         "name": "DATAVALUE_IMPORT", "jobType": "DATAVALUE_IMPORT",
                         "relativeNotifierEndpoint":
                             f"/dhis2/api/system/tasks/DATAVALUE_IMPORT/{job_id}"}}
