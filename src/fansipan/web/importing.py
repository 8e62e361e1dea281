"""What the imports page needs from the exchange hub, in the page's terms.

`FileImporter` is the page's whole dependency: import a file all or nothing, and give
an entry template. `HubImporter` implements it with the exchange hub's services
(`services.imports.run_import`, `services.templates.entry_template`), so files go
through the same readers (CSV with Vietnamese or English headers, XLSX, JSON, DHIS2),
the one write path, scopes, locks and audit as `POST /api/v1/imports`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session

from fansipan.domain.access import Principal
from fansipan.domain.rows import ImportStatus
from fansipan.services.exchange.imports import ImportOptions, run_import
from fansipan.services.exchange.templates import TemplateRequest, entry_template

SOURCE = "web-import"


@dataclass(frozen=True)
class RejectedRow:
    row: int | None  # the line in the file (the header is line 1)
    field: str
    message: str
    value: str | None


@dataclass(frozen=True)
class ImportOutcome:
    file_name: str
    rows: int
    created: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0
    message: str = ""
    rejected: list[RejectedRow] = field(default_factory=list)
    more: int = 0  # problems counted but not listed

    @property
    def ok(self) -> bool:
        return not self.rejected and not self.message


class FileImporter(Protocol):
    def import_file(self, *, session: Session, principal: Principal, file_name: str,
                    path: Path, lang: str = "vi") -> ImportOutcome: ...

    def template(self, *, session: Session, principal: Principal, sector: str, unit: str,
                 period: str) -> bytes: ...


class HubImporter:
    """The exchange hub's import and template services."""

    def import_file(self, *, session: Session, principal: Principal, file_name: str,
                    path: Path, lang: str = "vi") -> ImportOutcome:
        summary = run_import(session=session, path=path, principal=principal,
                             options=ImportOptions(source=SOURCE), file_name=file_name)
        en = lang == "en"
        rejected = [RejectedRow(c.row, c.field, c.message if en else c.message_vi, c.value)
                    for c in summary.conflicts]
        count = summary.import_count
        ok = summary.status is ImportStatus.SUCCESS
        return ImportOutcome(
            file_name, summary.rows, count.imported, count.updated, count.ignored,
            count.deleted, message="" if ok else (
                summary.description if en else summary.description_vi),
            rejected=rejected, more=summary.conflict_count - len(rejected))

    def template(self, *, session: Session, principal: Principal, sector: str, unit: str,
                 period: str) -> bytes:
        return entry_template(session=session, principal=principal, request=TemplateRequest(
            sector=sector, unit=unit, period=period))
