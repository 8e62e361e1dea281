"""Record datasets counted into indicators: one transaction for a record change and for the
counts it moves.

A record (a field report, a dossier) is counted into indicator cells: one body × one
month. When records change, the cells they were in and the cells they are in now are
counted again from the records themselves, in the same transaction as the change, and
written through the one write path (`ValueWriter`) with source `records`. So:

- an indicator counted from records is an indicator like any other to analytics,
  targets, forecasts, alerts, the dashboard and reports, which never know the
  difference;
- the next answer after a committed change already has it (the analytics engine absorbs
  the change log before every answer; no batch job runs anywhere);
- a cell whose count did not move is not written (the writer finds it unchanged), so
  the change log holds one row per real change of a count, and any past figure is the
  value as of a change number or the last change of a day (`snapshots`);
- a count is never entered by hand: the writer refuses these indicators on every other
  path.

`CountingTransaction` is that transaction: open it, change the records on its session,
then `write(cells)`; it commits both or neither.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import Integer, case, func
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from fansipan.domain.rows import RawValue
from fansipan.services.catalog import Catalog
from fansipan.services.warehouse.datavalues import refusal
from fansipan.services.warehouse.writes import ValueWriter

RECORDS_SOURCE = "records"


@dataclass(frozen=True)
class Cell:
    """One indicator value counted from records: indicator × body × month."""

    indicator: str
    body: str  # the unit code of an agency or a commune
    month: date  # its first day
    value: float

    @property
    def period(self) -> str:
        return f"{self.month.year}-{self.month.month:02d}"


def month_of(day: date) -> date:
    return day.replace(day=1)


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows of a group meet `condition` (a grouped SUM of 1 or 0)."""
    return func.sum(case((condition, 1), else_=0), type_=Integer)


def as_day(value: object) -> date:
    """A date as a grouped query hands it back (SQLite: the text it stored)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


class CountingTransaction:
    """A write that changes records and the counts they move, all or nothing.

    The change lock is taken first (by the writer), so record changes are serialised
    with every other write and read the store as the last writer left it.
    """

    def __init__(self, session: Session, *, actor: str,
                 detail: dict[str, Any] | None = None) -> None:
        self.session = session
        self._writer = ValueWriter(session=session, source=RECORDS_SOURCE, actor=actor,
                                   counts=True, audit_detail=detail, lock_first=True)
        self._written = False

    def __enter__(self) -> CountingTransaction:
        self._writer.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._writer.__exit__(kind, exc, tb)
        out = self._writer.outcome
        if exc is None and out.conflict_count:
            # The records named a body or month the counts cannot hold: nothing was kept.
            raise refusal(out.conflicts, out.conflict_count)

    @property
    def catalog(self) -> Catalog:
        catalog = self._writer.catalog
        if catalog is None:
            raise RuntimeError("use CountingTransaction as a context manager")
        return catalog

    def write(self, cells: Iterable[Cell]) -> None:
        """Write the counted cells (once per transaction, after the records changed)."""
        if self._written:
            raise RuntimeError("a counting transaction writes its cells once")
        self._written = True
        self.session.flush()
        self._writer.add(RawValue(n, c.indicator, c.body, c.period, c.value, None)
                         for n, c in enumerate(cells, start=1))

