"""The one write path for data values: check, compare, write in bulk, audit, all or nothing.

`ValueWriter` holds one transaction for a whole write, however long: rows arrive in
chunks (a file is read as it streams), each chunk is checked and compared with the
store set-based, then written with pre-reserved change numbers in a few statements.
Every chunk that changes anything becomes one audit event carrying the digest of its
change rows. At the end the transaction commits, or rolls back when the write is all
or nothing and any row was refused, or when it was a dry run, so a dry run reports
exactly what the real write would.

The change lock is taken first and held to the end: writers are serialised and change
numbers are committed in the order they are handed out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from types import TracebackType
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.numbers import NumberReading
from fansipan.domain.rows import IdScheme, RawValue, ResolvedValue, RowConflict, WriteStrategy
from fansipan.domain.value_rules import (
    duplicate,
    estimate_over_official,
    exists_already,
    locked,
    nothing_to_update,
)
from fansipan.errors import Conflict as LockedError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.trust.access import data_scope, require
from fansipan.services.trust.audit import record_for
from fansipan.services.warehouse.approvals import check_not_locked
from fansipan.services.warehouse.checks import RowChecker
from fansipan.store import bulk
from fansipan.store.audit import AuditRecord, append_events, canonical_time
from fansipan.store.changes import hold_change_lock, reserve_changes
from fansipan.store.failures import store_unavailable

CHUNK = 50_000  # rows checked and written per step; bounds memory for any file size
MAX_CONFLICTS = 1000  # conflicts listed in full; the rest are counted



@dataclass
class WriteOutcome:
    """What a write did (or, when not committed, would have done)."""

    batch: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    conflicts: list[RowConflict] = field(default_factory=list)
    conflict_count: int = 0
    rejected_rows: int = 0
    first_change: int | None = None
    last_change: int | None = None
    committed: bool = False


@dataclass
class _Checked:
    rows: int
    resolved: list[ResolvedValue]
    keys: list[tuple[int, int, str]]
    problems: list[RowConflict]


class ValueWriter:
    """Write many values in one transaction; use as a context manager around `add`."""

    def __init__(self, *, session: Session, source: str, actor: str | None = None,
                 principal: Principal | None = None,
                 strategy: WriteStrategy = WriteStrategy.CREATE_AND_UPDATE,
                 atomic: bool = True, dry_run: bool = False, catalog: Catalog | None = None,
                 indicator_scheme: IdScheme = IdScheme.AUTO,
                 unit_scheme: IdScheme = IdScheme.AUTO,
                 audit_detail: dict[str, Any] | None = None,
                 progress: Callable[[int], None] | None = None,
                 numbers: NumberReading | None = None,
                 counts: bool = False,
                 estimate: bool | AbstractSet[int] = False) -> None:
        """`estimate`: the rows are estimates (ước thực hiện) — all of them, or those whose
        row numbers are in the set; the others are official figures (domain.estimates)."""
        self.strategy = WriteStrategy(strategy)
        self._estimate = estimate
        if principal is not None:
            require(principal, Permission.WRITE_DATA)
            actor = principal.actor
        if not actor:
            raise ValueError("a write needs a principal or an actor")
        self.session, self.source, self.actor, self.principal = session, source, actor, principal
        self.atomic, self.dry_run = atomic, dry_run
        self.outcome = WriteOutcome(batch=uuid.uuid4().hex)
        self._catalog = catalog
        self._schemes = (indicator_scheme, unit_scheme)
        self._audit_detail = audit_detail or {}
        self._progress = progress
        self.numbers = numbers if numbers is not None else NumberReading()
        # Only the record counts (services.citizens) write indicators counted from records.
        self._counts = counts
        self._checker: RowChecker | None = None
        self._rejected_rows: set[int] = set()
        self._pending_unchanged: list[tuple[int, int, str, int]] = []
        self._first_of_write: int | None = None
        self._parts = 0
        self._now = datetime.now(UTC)
        self._digest_tail = "," + ",".join(json.dumps(x, ensure_ascii=False) for x in (
            source, actor, canonical_time(self._now), self.outcome.batch)) + "]\n"

    # -- the transaction ----------------------------------------------------------------------

    def __enter__(self) -> ValueWriter:
        self.session.begin()
        try:
            # Lock first: later reads then see every earlier writer's committed values.
            hold_change_lock(self.session)
            bulk.prepare_connection(self.session)
            catalog = self._catalog or load_catalog(self.session)
            self._catalog = catalog
            scope = (data_scope(self.session, catalog, self.principal)
                     if self.principal is not None else None)
            self._checker = RowChecker(catalog, deleting=self.strategy is WriteStrategy.DELETE,
                                       scope=scope, indicator_scheme=self._schemes[0],
                                       unit_scheme=self._schemes[1], numbers=self.numbers,
                                       counts=self._counts)
        except BaseException as exc:
            self._abandon(exc)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc is not None:
            self._abandon(exc)
            if isinstance(exc, OperationalError):
                raise store_unavailable(exc) from None
            return
        try:
            keep = not self.dry_run and not (self.atomic and self.outcome.conflict_count)
            bulk.forget_unchanged(self.session)
            if keep:
                self.session.commit()
            else:
                self.session.rollback()
            self.outcome.committed = keep and self._first_of_write is not None
        except OperationalError as error:
            self._abandon(error)
            raise store_unavailable(error) from None
        except BaseException as error:
            self._abandon(error)
            raise

    def _abandon(self, exc: BaseException) -> None:
        # A dropped connection cannot roll back either; the server has rolled back already.
        with contextlib.suppress(Exception):
            self.session.rollback()

    def set_schemes(self, indicator: IdScheme, unit: IdScheme) -> None:
        """How rows name indicators and units, when the payload says so (DHIS2's idScheme)."""
        if self._checker is not None:
            raise RuntimeError("set the id schemes before the write begins")
        self._schemes = (indicator, unit)

    def _is_estimate(self, row: int) -> bool:
        chosen = self._estimate
        return chosen if isinstance(chosen, bool) else row in chosen

    @property
    def catalog(self) -> Catalog:
        """The catalogue the write checks against (inside the write only)."""
        if self._catalog is None:
            raise RuntimeError("use ValueWriter as a context manager")
        return self._catalog

    @property
    def failed(self) -> bool:
        return self.atomic and self.outcome.conflict_count > 0

    # -- rows -----------------------------------------------------------------------------------

    def add(self, rows: Iterable[RawValue | tuple[Any, ...] | RowConflict]) -> None:
        """Check and write rows; may be called many times inside one write.

        Reading and checking the next chunk (pure Python, on a helper thread) overlaps
        with writing this one (the database's own work, which releases the GIL), so the
        two cores of a small server both work on a large import.
        """
        iterator = iter(rows)

        def next_chunk() -> _Checked | None:
            chunk = list(islice(iterator, CHUNK))
            return self._check(chunk) if chunk else None

        first = next_chunk()
        if first is None:
            return
        if first.rows < CHUNK:  # one chunk: nothing to overlap
            self._store(first)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fansipan-check") as pool:
            current: _Checked | None = first
            while current is not None:
                upcoming = pool.submit(next_chunk)
                self._store(current)
                current = upcoming.result()

    def _reject(self, conflicts: Iterable[RowConflict]) -> None:
        out = self.outcome
        for c in conflicts:
            out.conflict_count += 1
            self._rejected_rows.add(c.row)
            if len(out.conflicts) < MAX_CONFLICTS:
                out.conflicts.append(c)
        out.rejected_rows = len(self._rejected_rows)

    def _check(self, raws: list[RawValue | tuple[Any, ...] | RowConflict]) -> _Checked:
        """Check a chunk against the catalogue and scope (no database work)."""
        checker = self._checker
        if checker is None:
            raise RuntimeError("use ValueWriter as a context manager")
        resolved: list[ResolvedValue] = []
        seen: dict[tuple[int, int, str], int] = {}
        problems: list[RowConflict] = []
        for raw in raws:
            if isinstance(raw, RowConflict):  # a row its reader could not make sense of
                problems.append(raw)
                continue
            found = checker.check(raw)
            if isinstance(found, list):
                problems.extend(found)
                continue
            key = (found.indicator_id, found.unit_id, found.period.id)
            earlier = seen.get(key)
            if earlier is not None:
                problems.append(duplicate(found.row, earlier, found.period.id))
                continue
            seen[key] = found.row
            resolved.append(found)
        return _Checked(len(raws), resolved, list(seen), problems)

    def _store(self, checked: _Checked) -> None:
        """Compare a checked chunk with the store and write it."""
        self.outcome.rows += checked.rows
        problems = checked.problems
        resolved = self._unlocked(checked.resolved, problems)
        self._flush_unchanged()
        keys = checked.keys if len(checked.keys) == len(resolved) else [r.key for r in resolved]
        existing = bulk.find_existing(self.session, keys)
        before = bulk.seen_before(self.session, keys) if self._parts else {}
        self._parts += 1
        self._write(resolved, existing, before, problems)
        self._reject(sorted(problems, key=lambda c: c.row))
        if self._progress is not None:
            self._progress(self.outcome.rows)

    def _unlocked(self, resolved: list[ResolvedValue],
                  problems: list[RowConflict]) -> list[ResolvedValue]:
        """Drop the rows that fall in approved, locked data (the approvals service decides)."""
        if self._catalog is None:
            raise RuntimeError("use ValueWriter as a context manager")
        try:
            check_not_locked(self.session, self._catalog,
                             ((r.row, r.unit_id, r.period.start, r.period.end) for r in resolved))
        except LockedError as exc:
            refused = {e.row for e in exc.errors}
            problems.extend(locked(e) for e in exc.errors)
            return [r for r in resolved if r.row not in refused]
        return resolved

    def _flush_unchanged(self) -> None:
        if self._pending_unchanged:
            bulk.remember_unchanged(self.session, self._pending_unchanged)
            self._pending_unchanged = []

    def _write(self, resolved: list[ResolvedValue], existing: dict[tuple[int, int, str],
               bulk.Stored], before: dict[tuple[int, int, str], int],
               problems: list[RowConflict]) -> None:
        out = self.outcome
        strategy = self.strategy
        first_of_write = self._first_of_write
        creates: list[ResolvedValue] = []
        changes: list[tuple[ResolvedValue, bulk.Stored, str]] = []  # update or delete
        unchanged: list[tuple[int, int, str, int]] = []
        if not existing and not before and strategy in (WriteStrategy.CREATE_AND_UPDATE,
                                                        WriteStrategy.CREATE):
            creates, resolved = resolved, []  # a first load: every row is new
        for r in resolved:
            key = (r.indicator_id, r.unit_id, r.period.id)
            current = existing.get(key)
            if key in before or (current is not None and first_of_write is not None
                                 and current.change_id >= first_of_write):
                problems.append(duplicate(r.row, before.get(key), r.period.id))
                continue
            live = current is not None and not current.deleted
            if strategy is WriteStrategy.DELETE:
                if current is not None and live:
                    changes.append((r, current, "delete"))
                else:
                    out.unchanged += 1
                    unchanged.append((*key, r.row))
            elif current is not None and live:
                estimate = self._is_estimate(r.row)
                if strategy is WriteStrategy.CREATE:
                    problems.append(exists_already(r.row, r.period.id))
                elif estimate and not current.estimate:
                    problems.append(estimate_over_official(r.row, r.period.id))
                elif (current.value == r.value and current.comment == r.comment
                      and current.estimate == estimate):
                    out.unchanged += 1
                    unchanged.append((*key, r.row))
                else:
                    changes.append((r, current, "update"))
            elif strategy is WriteStrategy.UPDATE:
                problems.append(nothing_to_update(r.row, r.period.id))
            elif current is not None:
                changes.append((r, current, "update"))  # a deleted value comes back
            else:
                creates.append(r)
        self._pending_unchanged = unchanged
        total = len(creates) + len(changes)
        if not total:
            return
        first = reserve_changes(self.session, total)
        if self._first_of_write is None:
            self._first_of_write = first
        out.first_change = out.first_change or first
        out.last_change = first + total - 1
        out.created += len(creates)
        out.updated += sum(1 for c in changes if c[2] == "update")
        out.deleted += sum(1 for c in changes if c[2] == "delete")
        record_ids = self._insert(creates, first)
        lines = self._rewrite(changes, first + len(creates))
        self._mark_estimates(creates, record_ids, first, changes)
        if self.failed or self.dry_run:
            return  # rolled back at the end: no audit event, no digest to compute
        digest = hashlib.sha256()
        digest.update(self._created_lines(creates, record_ids, first).encode())
        digest.update(lines.encode())
        self._audit(first, first + total - 1, len(creates), changes, digest.hexdigest())

    def _insert(self, creates: list[ResolvedValue], first: int) -> list[int]:
        """Insert new values with change numbers first, first+1, …; returns their ids."""
        if not creates:
            return []
        # In the unique index's order: the B-tree is then appended to, page after page,
        # instead of being split all over (several times faster once it outgrows memory).
        creates.sort(key=_index_order)
        rows = [[r.indicator_id, r.unit_id, p.id, p.type_name, p.start_iso, p.end_iso, r.value,
                 r.comment, n] for n, r, p in zip(range(first, first + len(creates)), creates,
                                                  (r.period for r in creates), strict=True)]
        ids = bulk.insert_values(self.session, rows, source=self.source, actor=self.actor,
                                 now=self._now)
        bulk.insert_created_changes(self.session, first, first + len(creates) - 1,
                                    source=self.source, actor=self.actor, now=self._now,
                                    batch=self.outcome.batch)
        return ids

    def _rewrite(self, changes: list[tuple[ResolvedValue, bulk.Stored, str]],
                 first: int) -> str:
        """Update or soft-delete stored values; returns their digest lines."""
        if not changes:
            return ""
        value_rows: list[list[object]] = []
        change_rows: list[list[object]] = []
        lines: list[str] = []
        tail = self._digest_tail
        for n, (r, stored, op) in enumerate(changes):
            change_id = first + n
            if op == "delete":
                old, new = stored.value, None
                value_rows.append([stored.id, stored.value, stored.comment, 1, change_id])
            else:
                old = None if stored.deleted else stored.value
                new = r.value
                value_rows.append([stored.id, r.value, r.comment, 0, change_id])
            change_rows.append([change_id, stored.id, op, r.indicator_id, r.unit_id,
                                r.period.id, old, new])
            statuses = self._statuses(r, stored, op)
            lines.append(f'[{change_id},"data_value",{stored.id},"{op}",{r.indicator_id},'
                         f'{r.unit_id},{json.dumps(r.period.id)},{_num(old)},{_num(new)}'
                         f'{_with_statuses(tail, statuses)}')
        bulk.update_values(self.session, value_rows, source=self.source, actor=self.actor,
                           now=self._now)
        bulk.insert_changes(self.session, change_rows, source=self.source, actor=self.actor,
                            now=self._now, batch=self.outcome.batch)
        return "".join(lines)

    def _created_lines(self, creates: list[ResolvedValue], ids: list[int], first: int) -> str:
        tail = self._digest_tail
        estimate = _with_statuses(tail, (None, "estimate"))
        return "".join(
            f'[{first + n},"data_value",{ids[n]},"create",{r.indicator_id},{r.unit_id},'
            f'"{r.period.id}",null,{_num(r.value)}'
            f'{estimate if self._is_estimate(r.row) else tail}' for n, r in enumerate(creates))

    def _statuses(self, r: ResolvedValue, stored: bulk.Stored,
                  op: str) -> tuple[str | None, str | None]:
        """A change's old and new status, None for an official figure (or no value)."""
        old = "estimate" if stored.estimate and not stored.deleted else None
        new = "estimate" if op != "delete" and self._is_estimate(r.row) else None
        return old, new

    def _mark_estimates(self, creates: list[ResolvedValue], ids: list[int], first: int,
                        changes: list[tuple[ResolvedValue, bulk.Stored, str]]) -> None:
        """Record which values and changes are estimates, and keep the estimate an
        official figure replaces; nothing to do in a write of official figures only."""
        if self._estimate is False and not any(stored.estimate for _, stored, _ in changes):
            return
        values: list[list[object]] = []
        change_rows: list[list[object]] = []
        for n, r in enumerate(creates):
            if self._is_estimate(r.row):
                values.append([ids[n], "estimate", None])
                change_rows.append([first + n, None, "estimate"])
        start = first + len(creates)
        for n, (r, stored, op) in enumerate(changes):
            old, new = self._statuses(r, stored, op)
            if old or new:
                change_rows.append([start + n, old, new])
            if op == "delete":
                continue  # a deleted value keeps the status it had
            if new:
                values.append([stored.id, "estimate", None])
            elif stored.estimate:
                # The official figure replaces the estimate; the estimate stays beside it.
                values.append([stored.id, "official", stored.value if old else None])
        bulk.set_statuses(self.session, values, change_rows)

    def _audit(self, first: int, last: int, created: int,
               changes: list[tuple[ResolvedValue, bulk.Stored, str]], digest: str) -> None:
        detail = {
            "source": self.source, "batch": self.outcome.batch, "created": created,
            "updated": sum(1 for c in changes if c[2] == "update"),
            "deleted": sum(1 for c in changes if c[2] == "delete"),
            "first_change": first, "last_change": last, "changes_digest": digest,
            **self._audit_detail,
        }
        if self._parts > 1:
            detail["part"] = self._parts
        if self.principal is not None:
            event = record_for(self.principal, "data.write", target=self.source,
                               detail=detail)
        else:
            event = AuditRecord(action="data.write", actor=self.actor, actor_kind="system",
                                target=self.source, detail=detail)
        append_events(self.session, [event])


def _index_order(r: ResolvedValue) -> tuple[int, int, str]:
    return (r.indicator_id, r.unit_id, r.period.id)


def _with_statuses(tail: str, statuses: tuple[str | None, str | None]) -> str:
    """A digest line's tail with the change's statuses, when it has any (store.audit)."""
    if not any(statuses):
        return tail
    return tail[:-2] + "," + ",".join(json.dumps(s) for s in statuses) + "]\n"


def _num(value: float | None) -> str:
    """A change row's number as the audit log's canonical JSON writes it."""
    return "null" if value is None else f'"{float(value)!r}"'
