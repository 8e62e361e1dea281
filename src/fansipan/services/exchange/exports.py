"""Exports (xuất số liệu): stored values, filtered and within the asker's scope, in any
format the exchange writes (JSON, CSV, XLSX, DHIS2 dataValueSets, SDMX).

`prepare_export` checks the request against the catalogue and the asker's scope and
turns it into store filters; `export_batches` streams the rows; the writers in
`fansipan.exchange.writers` turn them into bytes. Every export is audited.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import IO, Any, TypeVar

from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.periods import parse_period
from fansipan.domain.rows import IdScheme, ValueMark
from fansipan.errors import FansipanError, FieldError, NotFound, ValidationError, msg
from fansipan.services.catalog import Catalog, load_catalog, unknown_message
from fansipan.services.trust.access import Scope, data_scope, require
from fansipan.services.trust.audit import record_alone
from fansipan.services.warehouse.provenance import demo_mark, marked_name
from fansipan.store.export_arrow import no_codes, sqlite_file, stored_rows
from fansipan.store.export_sql import Filters, export_cursor

T = TypeVar("T")


class ExportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"
    DHIS2 = "dhis2"  # DHIS2 dataValueSet JSON
    DHIS2_CSV = "dhis2-csv"
    SDMX_ML = "sdmx-ml"  # SDMX-ML 2.1 structure-specific data
    SDMX_CSV = "sdmx-csv"


@dataclass(frozen=True)
class ExportQuery:
    indicators: Sequence[str] = ()  # codes or uids
    sectors: Sequence[str] = ()  # indicator groups (DHIS2's data sets and element groups)
    units: Sequence[str] = ()  # codes (every version) or uids
    children: bool = False  # with every unit ever below the ones named
    periods: Sequence[str] = ()
    start: date | None = None
    end: date | None = None
    last_updated: datetime | None = None
    changed_after: int | None = None
    include_deleted: bool = False
    limit: int | None = None
    indicator_scheme: IdScheme = IdScheme.AUTO
    unit_scheme: IdScheme = IdScheme.AUTO


def prepare_export(*, session: Session, principal: Principal, query: ExportQuery) -> Filters:
    """Store filters for a query, limited to the principal's scope; unknown names raise."""
    require(principal, Permission.READ_DATA)
    with session.begin():
        catalog = load_catalog(session)
        scope = data_scope(session, catalog, principal)
    errors: list[FieldError] = []
    indicator_ids: set[int] | None = None
    if query.indicators or query.sectors:
        indicator_ids = set()
        by_uid = {uid: code for code, uid in catalog.indicator_uids.items()}
        for ref in query.indicators:
            code: str | None = None
            if query.indicator_scheme is not IdScheme.UID and ref in catalog.indicators:
                code = ref
            elif query.indicator_scheme is not IdScheme.CODE:
                code = by_uid.get(ref)
            if code is None:
                errors.append(FieldError(field="indicator", value=ref, message=unknown_message(
                    f"indicator {'uid' if query.indicator_scheme is IdScheme.UID else 'code'}",
                    ref, catalog.indicators)))
                continue
            indicator_ids.add(catalog.indicator_ids[code])
        for sector in query.sectors:
            if sector not in catalog.sectors:
                errors.append(FieldError(field="sector", value=sector,
                                         message=msg("there is no indicator group {sector}; known: "
                                                     "{value}", sector=repr(sector),
                                                     value=', '.join(catalog.sectors))))
                continue
            indicator_ids |= {catalog.indicator_ids[c] for c, i in catalog.indicators.items()
                              if i.sector == sector}
    unit_ids: set[int] | None = None
    if query.units:
        unit_ids = set()
        for ref in query.units:
            try:
                named = catalog.units_named(ref)
            except FansipanError as exc:
                errors.extend(exc.errors)
                continue
            for unit in named:
                unit_ids |= (catalog.hierarchy.below_ever(unit.id) if query.children
                             else {unit.id})
    periods: list[str] = []
    for text in query.periods:
        try:
            periods.append(parse_period(text).id)
        except FansipanError as exc:
            errors.extend(exc.errors)
    if errors:
        raise NotFound(msg("The export names things that do not exist"), errors) if all(
            e.field in ("indicator", "unit", "sector") for e in errors) else ValidationError(
            msg("The export request is not valid"), errors)
    _check_asked(catalog, scope, query, indicator_ids if query.indicators else None)
    if scope.indicator_ids is not None:
        indicator_ids = (set(scope.indicator_ids) if indicator_ids is None
                         else indicator_ids & scope.indicator_ids)
    if scope.unit_ids is not None:
        unit_ids = set(scope.unit_ids) if unit_ids is None else unit_ids & scope.unit_ids
    return Filters(
        indicator_ids=sorted(indicator_ids) if indicator_ids is not None else None,
        unit_ids=sorted(unit_ids) if unit_ids is not None else None, periods=periods,
        start=query.start, end=query.end, updated_since=query.last_updated,
        changed_after=query.changed_after, include_deleted=query.include_deleted,
        limit=query.limit)


def _check_asked(catalog: Catalog, scope: Scope, query: ExportQuery,
                 named_indicators: set[int] | None) -> None:
    """Naming a unit or an indicator wholly outside the scope is refused, as reads are."""
    for ref in query.units:
        units = catalog.units_named(ref)
        if not any(scope.allows_unit(u.id) for u in units):
            scope.check_unit(catalog, units[0].id)
    for indicator_id in sorted(named_indicators or ()):
        scope.check_indicator(catalog, indicator_id)


def nothing_in_scope(filters: Filters) -> bool:
    """The asker's scope leaves no indicator or no unit to export."""
    return (filters.indicator_ids is not None and not filters.indicator_ids) or (
        filters.unit_ids is not None and not filters.unit_ids)


def export_batches(*, session: Session, filters: Filters) -> Iterator[Sequence[Any]]:
    """Rows in the order of `store.export_sql.COLUMNS`, in batches, in one read transaction."""
    if nothing_in_scope(filters):
        return
    with session.begin():
        yield from export_cursor(session, filters)


def audit_export(*, session: Session, principal: Principal, fmt: str, filters: Filters,
                 rows: int) -> None:
    """Record who exported what, and how many values (after the export has been written)."""
    record_alone(session, principal, "data.export", target=fmt, detail={
        "rows": rows, "indicators": len(filters.indicator_ids or []) or "all",
        "units": len(filters.unit_ids or []) or "all", "periods": list(filters.periods)[:50],
        "changed_after": filters.changed_after,
        "updated_since": filters.updated_since.isoformat() if filters.updated_since else None})


MEDIA = {
    ExportFormat.JSON: ("application/json", "json"),
    ExportFormat.CSV: ("text/csv; charset=utf-8", "csv"),
    ExportFormat.XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        "xlsx"),
    ExportFormat.DHIS2: ("application/json", "json"),
    ExportFormat.DHIS2_CSV: ("application/csv; charset=utf-8", "csv"),
    ExportFormat.SDMX_ML: ("application/vnd.sdmx.structurespecificdata+xml; version=2.1",
                           "xml"),
    ExportFormat.SDMX_CSV: ("application/vnd.sdmx.data+csv; version=1.0.0", "csv"),
}


def write_export(fmt: ExportFormat, batches: Iterable[Sequence[Sequence[Any]]], out: IO[bytes],
                 progress: Callable[[int], None] | None = None, *, uids: bool = True,
                 mark: ValueMark | None = None) -> int:
    """Write rows in a format; returns how many values were written. With `mark`, every
    row says what the values are (the illustrative demo data)."""
    from fansipan.exchange import sdmx_io, writers

    if fmt is ExportFormat.CSV:
        return writers.write_csv(batches, out, progress, mark=mark)
    if fmt is ExportFormat.JSON:
        return writers.write_json(batches, out, progress, mark=mark)
    if fmt is ExportFormat.XLSX:
        return writers.write_xlsx(batches, out, progress, mark=mark)
    if fmt is ExportFormat.DHIS2:
        return writers.write_dhis2_json(batches, out, progress, uids=uids, mark=mark)
    if fmt is ExportFormat.DHIS2_CSV:
        return writers.write_dhis2_csv(batches, out, progress, uids=uids, mark=mark)
    if fmt is ExportFormat.SDMX_ML:
        return sdmx_io.write_sdmx_ml(batches, out, progress, mark=mark)
    return sdmx_io.write_sdmx_csv(batches, out, progress, mark=mark)


def export_file_name(*, session: Session, stem: str, fmt: ExportFormat) -> str:
    """The file name an export is offered under: `-minh-hoa` before the extension when
    the store holds the illustrative demo data."""
    return f"{marked_name(stem, demo_mark(session=session))}.{MEDIA[fmt][1]}"


def write_csv_columnar(*, session: Session, filters: Filters, out: IO[bytes],
                       progress: Callable[[int], None] | None = None,
                       mark: ValueMark | None = None) -> int | None:
    """A CSV export of a SQLite store read column by column (`store.export_arrow`,
    `exchange.csv_columns`): the bytes `write_export` writes, several times sooner. None,
    with nothing written, when the store is not a SQLite file (PostgreSQL, a store in
    memory): the export then goes row by row."""
    path = sqlite_file(session)
    if path is None or session.in_transaction():
        # (In a transaction of its own, the export must see what it has not committed yet:
        # the row-by-row path refuses such a session, as it always has.)
        return None
    from fansipan.exchange.csv_columns import write_csv_columns

    if nothing_in_scope(filters):
        return write_csv_columns((), no_codes(), no_codes(), out, progress, mark=mark)
    # Reading the next batch (SQLite, in C) overlaps with writing this one; the reading
    # thread has stopped (`closing`) before the store's connection closes.
    with stored_rows(path, filters) as stored, closing(_read_ahead(stored.batches)) as batches:
        return write_csv_columns(batches, stored.indicators, stored.units, out, progress,
                                 mark=mark)


def _read_ahead(batches: Iterator[T]) -> Generator[T]:
    """The items of `batches`, each next one read on a thread while this one is used."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fansipan-export") as pool:
        ahead = pool.submit(next, batches, None)
        while (batch := ahead.result()) is not None:
            ahead = pool.submit(next, batches, None)
            yield batch


def export_to(*, session: Session, principal: Principal, query: ExportQuery,
              fmt: ExportFormat, out: IO[bytes], progress: Callable[[int], None] | None = None,
              uids: bool = True) -> int:
    """Check, write and audit one export; returns how many values it holds. A demo
    store's values are marked on every row."""
    filters = prepare_export(session=session, principal=principal, query=query)
    mark = demo_mark(session=session)
    rows = write_csv_columnar(session=session, filters=filters, out=out, progress=progress,
                              mark=mark) if fmt is ExportFormat.CSV else None
    if rows is None:
        rows = write_export(fmt, export_batches(session=session, filters=filters), out,
                            progress, uids=uids, mark=mark)
    audit_export(session=session, principal=principal, fmt=fmt.value, filters=filters,
                 rows=rows)
    return rows
