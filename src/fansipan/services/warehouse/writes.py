"""The one write path for data values: check, compare, write in bulk, audit, all or nothing.

Every row is checked against the catalogue and the writer's scope, compared with the
store set-based, and written with pre-reserved change numbers in a few statements; every
chunk of changes becomes one audit event carrying the digest of its change rows. The
write commits, or rolls back when it is all or nothing and any row was refused, or when
it was a dry run, so a dry run reports exactly what the real write would.

Two ways through, chosen by size:

- **direct** (up to one chunk, `CHUNK` rows: a form, an API batch): one transaction that
  takes the change lock first, then checks, compares and writes;
- **staged** (more than a chunk: a large file): the rows are checked and compared and
  kept on a stage while the store stays open to other writers, then applied in one short
  transaction under the change lock (see `staging`). Still all or nothing. Estimates
  (ước thực hiện) are staged as official figures are, by the same rules: an official
  figure replaces a stored estimate and keeps it beside it, an estimate never replaces
  an official figure.

The change lock serialises writers, so change numbers are committed in the order they
are handed out.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import chain, islice
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.domain.numbers import NumberReading
from fansipan.domain.rows import (
    IdScheme,
    RawValue,
    ResolvedValue,
    RowConflict,
    WriteOp,
    WriteStrategy,
)
from fansipan.domain.value_rules import decide_write, duplicate, locked, refused_for
from fansipan.errors import Conflict as LockedError
from fansipan.services.catalog import Catalog, load_catalog
from fansipan.services.trust.access import data_scope, require
from fansipan.services.trust.audit import record_for
from fansipan.services.warehouse.approvals import check_not_locked
from fansipan.services.warehouse.checks import RowChecker
from fansipan.services.warehouse.estimate_marks import mark_estimates
from fansipan.services.warehouse.write_outcome import (
    BeforeCommit,
    Checked,
    Rows,
    WriteOutcome,
)
from fansipan.store import bulk
from fansipan.store.audit import AuditRecord, append_events, change_lines, change_tail
from fansipan.store.changes import hold_change_lock, reserve_changes
from fansipan.store.failures import store_unavailable

if TYPE_CHECKING:
    from fansipan.services.warehouse.staging import StagedWrite

CHUNK = 50_000  # rows checked and written per step; bounds memory for any file size
MAX_CONFLICTS = 1000  # conflicts listed in full; the rest are counted
_END = object()

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
                 before_commit: BeforeCommit | None = None,
                 numbers: NumberReading | None = None,
                 counts: bool = False,
                 estimate: bool | AbstractSet[int] = False,
                 lock_first: bool = False) -> None:
        """`estimate`: the rows are estimates (ước thực hiện) — all of them, or those whose
        row numbers are in the set; the others are official figures (domain.estimates).
        `lock_first`: the transaction is begun, and the change lock held, from `__enter__`
        on, so the caller may change rows of its own on the session before adding values;
        they commit together, even with no value added (never staged)."""
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
        self.before_commit = before_commit
        self.catalog = catalog
        self._schemes = (indicator_scheme, unit_scheme)
        self.audit_detail = audit_detail or {}
        self.progress = progress
        self.numbers = numbers if numbers is not None else NumberReading()
        # Only the record counts (services.citizens) write indicators counted from records.
        self._counts = counts
        self._lock_first = lock_first
        # Whether any row is an estimate: a write of official figures only pays nothing
        # for estimates.
        self.estimates = estimate is True or (not isinstance(estimate, bool) and bool(estimate))
        self._checker: RowChecker | None = None
        self._rejected_rows: set[int] = set()
        self._unlisted = 0
        self._pending_unchanged: list[tuple[int, int, str, int]] = []
        self._first_of_write: int | None = None
        self._parts = 0
        self._direct = False
        self._staged: StagedWrite | None = None
        self.now = datetime.now(UTC)
        self.digest_tail = change_tail(source, actor, self.now, self.outcome.batch)

    # -- the transaction ----------------------------------------------------------------------

    def __enter__(self) -> ValueWriter:
        # The catalogue and the writer's scope are read before any lock is taken: a large
        # write checks its rows while the store stays open to others (see `staging`).
        try:
            with self.session.begin():
                catalog = self.catalog or load_catalog(self.session)
                scope = (data_scope(self.session, catalog, self.principal)
                         if self.principal is not None else None)
        except OperationalError as error:
            raise store_unavailable(error) from None
        self.catalog = catalog
        self._checker = RowChecker(catalog, deleting=self.strategy is WriteStrategy.DELETE,
                                   scope=scope, indicator_scheme=self._schemes[0],
                                   unit_scheme=self._schemes[1], numbers=self.numbers,
                                   counts=self._counts)
        if self._lock_first:
            self._begin_direct()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._staged is not None:
            self._staged.finish(exc)
            return
        if not self._direct:
            return  # no row came: nothing was begun
        if exc is not None:
            self._abandon()
            if isinstance(exc, OperationalError):
                raise store_unavailable(exc) from None
            return
        try:
            keep = not self.dry_run and not (self.atomic and self.outcome.conflict_count)
            bulk.forget_unchanged(self.session)
            if keep:
                self.outcome.committed = self._first_of_write is not None
                if self.before_commit is not None:
                    self.before_commit(self.session, self.outcome)
                self.session.commit()
            else:
                self.session.rollback()
        except OperationalError as error:
            self.outcome.committed = False
            self._abandon()
            raise store_unavailable(error) from None
        except BaseException:
            self.outcome.committed = False
            self._abandon()
            raise

    def _abandon(self) -> None:
        # A dropped connection cannot roll back either; the server has rolled back already.
        with contextlib.suppress(Exception):
            self.session.rollback()

    def set_schemes(self, indicator: IdScheme, unit: IdScheme) -> None:
        """How rows name indicators and units, when the payload says so (DHIS2's idScheme)."""
        if self._checker is not None:
            raise RuntimeError("set the id schemes before the write begins")
        self._schemes = (indicator, unit)

    def is_estimate(self, row: int) -> bool:
        """Whether the row numbered `row` is an estimate."""
        chosen = self._estimate
        return chosen if isinstance(chosen, bool) else row in chosen

    @property
    def estimate_for_all(self) -> bool | None:
        """True when every row is an estimate, False when none is; None when it depends on
        the row (`is_estimate`)."""
        chosen = self._estimate
        return chosen if isinstance(chosen, bool) else None

    @property
    def failed(self) -> bool:
        return self.atomic and self.outcome.conflict_count > 0

    # -- rows -----------------------------------------------------------------------------------

    def add(self, rows: Rows) -> None:
        """Check and write rows; may be called many times inside one write.

        The first call decides the way through: rows that fit in one chunk are written
        directly; more go on a stage (see the module's docstring).
        """
        iterator: Iterator[Any] = iter(rows)
        if self._staged is not None:
            self._staged.add(iterator)
            return
        if not self._direct:
            head = list(islice(iterator, CHUNK))
            more = next(iterator, _END)
            if more is not _END:
                from fansipan.services.warehouse.staging import StagedWrite

                self._staged = StagedWrite(self)
                self._staged.add(chain(head, [more], iterator))
                return
            self._begin_direct()
            iterator = iter(head) if more is _END else chain(head, [more], iterator)
        self._add_direct(iterator)

    def _begin_direct(self) -> None:
        self.session.begin()
        try:
            # Lock first: later reads then see every earlier writer's committed values.
            hold_change_lock(self.session)
            bulk.prepare_connection(self.session)
        except OperationalError as error:
            self._abandon()
            raise store_unavailable(error) from None
        except BaseException:
            self._abandon()
            raise
        self._direct = True

    def _add_direct(self, iterator: Iterator[Any]) -> None:
        # Reading and checking the next chunk (pure Python, on a helper thread) overlaps
        # with writing this one (the database's own work, which releases the GIL).
        for checked in self.checked_chunks(iterator):
            self._store(checked)

    def checked_chunks(self, iterator: Iterator[Any]) -> Iterator[Checked]:
        """The rows, checked a chunk at a time, the next chunk on a helper thread while
        the caller stores this one."""

        def next_chunk() -> Checked | None:
            chunk = list(islice(iterator, CHUNK))
            return self.check(chunk) if chunk else None

        first = next_chunk()
        if first is None:
            return
        if first.rows < CHUNK:  # one chunk: nothing to overlap
            yield first
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="fansipan-check") as pool:
            current: Checked | None = first
            while current is not None:
                upcoming = pool.submit(next_chunk)
                try:
                    yield current
                except BaseException:
                    upcoming.cancel()
                    raise
                current = upcoming.result()

    def reject(self, conflicts: Iterable[RowConflict]) -> None:
        out = self.outcome
        for c in conflicts:
            out.conflict_count += 1
            self._rejected_rows.add(c.row)
            if len(out.conflicts) < MAX_CONFLICTS:
                out.conflicts.append(c)
        out.rejected_rows = len(self._rejected_rows) + self._unlisted

    def reject_unlisted(self, count: int) -> None:
        """Refused rows beyond those listed: counted, not named."""
        self._unlisted += count
        self.outcome.conflict_count += count
        self.outcome.rejected_rows = len(self._rejected_rows) + self._unlisted

    def check(self, raws: list[RawValue | tuple[Any, ...] | RowConflict]) -> Checked:
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
        return Checked(len(raws), resolved, list(seen), problems)

    def unlocked(self, session: Session, resolved: list[ResolvedValue],
                 problems: list[RowConflict]) -> list[ResolvedValue]:
        """Drop the rows that fall in approved, locked data (the approvals service decides)."""
        if self.catalog is None:
            raise RuntimeError("use ValueWriter as a context manager")
        try:
            check_not_locked(session, self.catalog,
                             ((r.row, r.unit_id, r.period.start, r.period.end) for r in resolved))
        except LockedError as exc:
            refused = {e.row for e in exc.errors}
            problems.extend(locked(e) for e in exc.errors)
            return [r for r in resolved if r.row not in refused]
        return resolved

    # -- the direct way -------------------------------------------------------------------------

    def _store(self, checked: Checked) -> None:
        """Compare a checked chunk with the store and write it."""
        self.outcome.rows += checked.rows
        problems = checked.problems
        resolved = self.unlocked(self.session, checked.resolved, problems)
        self._flush_unchanged()
        keys = checked.keys if len(checked.keys) == len(resolved) else [r.key for r in resolved]
        existing = bulk.find_existing(self.session, keys)
        before = bulk.seen_before(self.session, keys) if self._parts else {}
        self._parts += 1
        self._write(resolved, existing, before, problems)
        self.reject(sorted(problems, key=lambda c: c.row))
        if self.progress is not None:
            self.progress(self.outcome.rows)

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
        changes: list[tuple[ResolvedValue, bulk.Stored, WriteOp]] = []  # updates, deletes
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
            op = decide_write(strategy, r.value, r.comment, None if current is None else
                              (current.value, current.comment, current.deleted,
                               current.estimate), estimate=self.is_estimate(r.row))
            if op is WriteOp.CREATE:
                creates.append(r)
            elif op is WriteOp.UNCHANGED:
                out.unchanged += 1
                unchanged.append((*key, r.row))
            elif op.writes and current is not None:
                changes.append((r, current, op))
            else:
                problems.append(refused_for(op, r.row, r.period.id))
        self._pending_unchanged = unchanged
        total = len(creates) + len(changes)
        if not total:
            return
        first = reserve_changes(self.session, total)
        if self._first_of_write is None:
            self._first_of_write = first
        out.first_change = out.first_change or first
        out.last_change = first + total - 1
        deleted = sum(1 for c in changes if c[2] is WriteOp.DELETE)
        out.created += len(creates)
        out.updated += len(changes) - deleted
        out.deleted += deleted
        record_ids = self._insert(creates, first)
        rewritten = self._rewrite(changes, first + len(creates))
        statuses = (mark_estimates(self.session, creates, record_ids, first, changes,
                                   self.is_estimate) if self.estimates or any(
            stored.estimate for _, stored, _ in changes) else None)
        if self.failed or self.dry_run:
            return  # rolled back at the end: no audit event, no digest to compute
        created = ((first + n, record_ids[n], "create", r.indicator_id, r.unit_id, r.period.id,
                    None, r.value) for n, r in enumerate(creates))
        tail = self.digest_tail
        lines = (change_lines(created, tail) + change_lines(rewritten, tail)
                 if statuses is None else change_lines(chain(created, rewritten), tail,
                                                       statuses))
        self.audit(self.session, first, first + total - 1, created=len(creates),
                   updated=len(changes) - deleted, deleted=deleted,
                   digest=hashlib.sha256(lines.encode()).hexdigest(), part=self._parts)

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
                                 now=self.now)
        bulk.insert_created_changes(self.session, first, first + len(creates) - 1,
                                    source=self.source, actor=self.actor, now=self.now,
                                    batch=self.outcome.batch)
        return ids

    def _rewrite(self, changes: list[tuple[ResolvedValue, bulk.Stored, WriteOp]],
                 first: int) -> list[list[object]]:
        """Update or soft-delete stored values; returns their change rows."""
        if not changes:
            return []
        value_rows: list[list[object]] = []
        change_rows: list[list[object]] = []
        for n, (r, stored, op) in enumerate(changes):
            change_id = first + n
            if op is WriteOp.DELETE:
                old, new, verb = stored.value, None, "delete"
                value_rows.append([stored.id, stored.value, stored.comment, 1, change_id])
            else:
                old, new, verb = None if stored.deleted else stored.value, r.value, "update"
                value_rows.append([stored.id, r.value, r.comment, 0, change_id])
            change_rows.append([change_id, stored.id, verb, r.indicator_id, r.unit_id,
                                r.period.id, old, new])
        bulk.update_values(self.session, value_rows, source=self.source, actor=self.actor,
                           now=self.now)
        bulk.insert_changes(self.session, change_rows, source=self.source, actor=self.actor,
                            now=self.now, batch=self.outcome.batch)
        return change_rows

    # -- audit ----------------------------------------------------------------------------------

    def audit(self, session: Session, first: int, last: int, *, created: int, updated: int,
              deleted: int, digest: str, part: int) -> None:
        """One `data.write` event for changes `first`..`last`, with their digest."""
        detail = {
            "source": self.source, "batch": self.outcome.batch, "created": created,
            "updated": updated, "deleted": deleted, "first_change": first,
            "last_change": last, "changes_digest": digest, **self.audit_detail,
        }
        if part > 1:
            detail["part"] = part
        if self.principal is not None:
            event = record_for(self.principal, "data.write", target=self.source,
                               detail=detail)
        else:
            event = AuditRecord(action="data.write", actor=self.actor, actor_kind="system",
                                target=self.source, detail=detail)
        append_events(session, [event])


def _index_order(r: ResolvedValue) -> tuple[int, int, str]:
    return (r.indicator_id, r.unit_id, r.period.id)
