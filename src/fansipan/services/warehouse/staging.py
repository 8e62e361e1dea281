"""The staged way of a large write: check everything while others go on writing, then
apply it all in one short transaction.

A large file used to hold the change lock (on SQLite, the store's only write lock) from
its first row to its last, so an officer saving a form waited, and gave up after 30
seconds. Now:

1. **Stage** (no lock). Each chunk is checked (catalogue, scope, locked periods), then
   compared with the store as it stands, and kept on the stage (`store.stage`): what
   each row does (create, update, delete, unchanged, or refused by the strategy or by
   the rules of estimates), whether it is an estimate (ước thực hiện), and what the
   store held for its key. A key repeated anywhere in the file is found by the
   stage's own key.
2. **Apply** (one transaction, under the change lock). Keys that others wrote while the
   file was checked are compared again; periods approved meanwhile are checked again;
   then every staged row is written by a few set-based statements, each chunk of changes
   gets its audit event with the digest of its change rows, and the transaction commits.
   A dry run, or an all-or-nothing write with any refused row, stops after the stage and
   writes nothing.

What the lock covers is the database's own work (inserting in index order, the change
rows, their digests): a few seconds per million values, instead of the whole read.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from fansipan.domain.rows import WriteOp
from fansipan.domain.value_rules import decide_write, duplicate, locked, refused_for
from fansipan.errors import Conflict as LockedError
from fansipan.services.warehouse import writes
from fansipan.services.warehouse.approvals import check_not_locked
from fansipan.store import bulk, stage
from fansipan.store.audit import change_lines, created_line_part, digest_text
from fansipan.store.changes import hold_change_lock, reserve_changes
from fansipan.store.failures import store_unavailable
from fansipan.store.security_tables import ApprovalRow
from fansipan.store.tables import ChangeRow

if TYPE_CHECKING:
    from fansipan.services.warehouse.write_outcome import Checked
    from fansipan.services.warehouse.writes import ValueWriter

_BATCH = 50_000  # staged rows read back at a time (bounds memory)


class _Abandon(Exception):
    """Leave the apply transaction without writing (refused rows, all or nothing)."""


class StagedWrite:
    """The stage of one large write: made on the writer's own connection, dropped after."""

    def __init__(self, writer: ValueWriter) -> None:
        self.writer = writer
        writer.outcome.staged = True
        engine = writer.session.get_bind()
        self.conn: Connection = engine.connect()  # type: ignore[union-attr]
        self.session = Session(bind=self.conn, expire_on_commit=False)
        self._periods: dict[str, str] = {}  # staged period → as a digest line writes it
        try:
            with self.session.begin():
                connection = self.session.connection()
                stage.create(connection)
                bulk.prepare_connection(self.session)
                # Every change after this one may have moved a key since it was compared.
                self.after = int(self.session.scalar(
                    select(func.coalesce(func.max(ChangeRow.id), 0))) or 0)
                self.approvals = _approvals(self.session)
        except BaseException as exc:
            self._close()
            if isinstance(exc, OperationalError):
                raise store_unavailable(exc) from None
            raise

    # -- stage ----------------------------------------------------------------------------------

    def add(self, rows: Iterator[Any]) -> None:
        try:
            for checked in self.writer.checked_chunks(rows):
                self._stage(checked)
        except OperationalError as error:
            raise store_unavailable(error) from None

    def _stage(self, checked: Checked) -> None:
        w = self.writer
        out = w.outcome
        out.rows += checked.rows
        problems = checked.problems
        with self.session.begin():
            conn = self.session.connection()
            resolved = w.unlocked(self.session, checked.resolved, problems)
            keys = (checked.keys if len(checked.keys) == len(resolved)
                    else [r.key for r in resolved])
            existing = bulk.find_existing(self.session, keys)
            new_periods = {r.period.id: r.period for r in resolved
                           if r.period.id not in self._periods}
            stage.add_periods(conn, [(p.id, p.type_name, p.start, p.end)
                                     for p in new_periods.values()])
            periods = self._periods
            periods.update((p, digest_text(p)) for p in new_periods)
            rows: list[stage.StageRow] = []
            stored: list[stage.StoredRow] = []
            strategy = w.strategy
            # What a row does when nothing was ever stored for its key depends on the
            # strategy alone (`decide_write`): decided once, not per row.
            fresh = decide_write(strategy, None, None, None).value
            same = w.estimate_for_all
            for r, key in zip(resolved, keys, strict=True):
                row, value, comment = r.row, r.value, r.comment
                current = existing.get(key) if existing else None
                estimate = same if same is not None else w.is_estimate(row)
                if current is None:
                    op = fresh
                else:
                    op = decide_write(strategy, value, comment, (
                        current.value, current.comment, current.deleted, current.estimate),
                        estimate=estimate).value
                    stored.append((*key, current.id, current.value, current.comment,
                                   current.deleted, current.estimate))
                rows.append((*key, row, value, comment, op, estimate,
                             created_line_part(key[0], key[1], periods[key[2]], value)))
            if stage.add_rows(conn, rows) < len(rows):
                earlier = stage.staged_rows(conn, keys)
                problems.extend(duplicate(r.row, earlier[key], r.period.id)
                                for r, key in zip(resolved, keys, strict=True)
                                if earlier.get(key, r.row) != r.row)
            stage.add_stored(conn, stored)
        w.reject(sorted(problems, key=lambda c: c.row))
        if w.progress is not None:
            w.progress(out.rows)

    # -- apply ----------------------------------------------------------------------------------

    def finish(self, exc: BaseException | None) -> None:
        """Apply the stage (or report it), then drop it; called when the writer exits."""
        try:
            if exc is None:
                self._finish()
        except OperationalError as error:
            self.writer.outcome.committed = False
            raise store_unavailable(error) from None
        except BaseException:
            self.writer.outcome.committed = False
            raise
        finally:
            self._close()
        if isinstance(exc, OperationalError):
            raise store_unavailable(exc) from None

    def _finish(self) -> None:
        w = self.writer
        if w.dry_run or w.failed:
            with self.session.begin():
                self._report(self.session.connection())
            return
        transaction = self.session.begin()
        try:
            self._apply(self.session.connection())
        except _Abandon:
            transaction.rollback()
            w.outcome.committed = False
            return
        except BaseException:
            with contextlib.suppress(Exception):
                transaction.rollback()
            raise
        transaction.commit()

    def _apply(self, conn: Connection) -> None:
        w = self.writer
        out = w.outcome
        hold_change_lock(self.session)
        if _approvals(self.session) != self.approvals:
            self._check_locks_again(conn)
        self._compare_again(conn)
        ops = self._report(conn)
        if w.failed:
            raise _Abandon
        creates = ops.get(WriteOp.CREATE.value, 0)
        rewrites = ops.get(WriteOp.UPDATE.value, 0) + ops.get(WriteOp.DELETE.value, 0)
        total = creates + rewrites
        if total:
            first = reserve_changes(self.session, total)
            made = stage.apply_creates(conn, first, source=w.source, actor=w.actor, now=w.now)
            bulk.insert_created_changes(self.session, first, first + creates - 1,
                                        source=w.source, actor=w.actor, now=w.now,
                                        batch=out.batch)
            estimates = w.estimates and stage.writes_estimates(conn)
            if estimates and creates:
                stage.mark_created_estimates(conn, first, first + creates - 1)
            done = stage.apply_rewrites(conn, first + creates, source=w.source, actor=w.actor,
                                        now=w.now, batch=out.batch)
            if (made, done) != (creates, rewrites):
                raise RuntimeError(f"the stage wrote {made} + {done} rows, not {creates} + "
                                   f"{rewrites}")
            out.first_change, out.last_change = first, first + total - 1
            self._audit(conn, first, first + total - 1, estimates, creates)
        out.committed = total > 0
        if w.before_commit is not None:
            w.before_commit(self.session, out)

    def _report(self, conn: Connection) -> dict[str, int]:
        """Count what the staged rows do, and list those the strategy refuses."""
        w = self.writer
        ops = stage.counts(conn)
        out = w.outcome
        out.created = ops.get(WriteOp.CREATE.value, 0)
        out.updated = ops.get(WriteOp.UPDATE.value, 0)
        out.deleted = ops.get(WriteOp.DELETE.value, 0)
        out.unchanged = ops.get(WriteOp.UNCHANGED.value, 0)
        strategy = (WriteOp.EXISTS, WriteOp.MISSING, WriteOp.OVER_OFFICIAL)
        refused = sum(ops.get(op.value, 0) for op in strategy)
        if refused:
            listed = stage.refused(conn, "".join(op.value for op in strategy),
                                   writes.MAX_CONFLICTS)
            w.reject(refused_for(WriteOp(op), row, period) for row, period, op in listed)
            w.reject_unlisted(refused - len(listed))
        return ops

    def _compare_again(self, conn: Connection) -> None:
        """Decide again for the keys others wrote since the rows were compared."""
        if not stage.changed_since(conn, self.after):
            return
        strategy = self.writer.strategy
        for batch in stage.refreshed(conn, _BATCH):
            ops: list[tuple[str, int, int, str]] = []
            stored: list[stage.StoredRow] = []
            for i, u, p, v, c, op, e, did, dval, dcom, ddel, dest in batch:
                if str(op).strip() == WriteOp.LOCKED.value:
                    continue
                now = None if did is None else (dval, dcom, bool(ddel), bool(dest))
                decided = decide_write(strategy, v, c, now, estimate=bool(e))
                ops.append((decided.value, i, u, p))
                if did is not None:
                    stored.append((i, u, p, did, dval, dcom, bool(ddel), bool(dest)))
            stage.set_ops(conn, ops)
            stage.add_stored(conn, stored)

    def _check_locks_again(self, conn: Connection) -> None:
        """Periods approved while the rows were checked: their rows are refused now."""
        w = self.writer
        catalog = w.catalog
        if catalog is None:
            raise RuntimeError("use ValueWriter as a context manager")
        for batch in stage.writing_rows(conn, _BATCH):
            try:
                check_not_locked(self.session, catalog,
                                 ((r, u, start, end) for _i, u, _p, r, start, end in batch))
            except LockedError as exc:
                by_row = {r: (i, u, p) for i, u, p, r, _s, _e in batch}
                refused = [e for e in exc.errors if e.row in by_row]
                stage.set_ops(conn, [(WriteOp.LOCKED.value, *by_row[e.row])
                                     for e in refused if e.row is not None])
                w.reject(sorted((locked(e) for e in refused), key=lambda c: c.row))

    def _audit(self, conn: Connection, first: int, last: int, estimates: bool,
               creates: int) -> None:
        """One audit event per chunk of changes, each with the digest of its rows.

        The changes `first`..`first + creates - 1` are the values just created, in key
        order: their digest lines are put together from the stage, as they were written.
        The other changes (updates, deletes), and every change of a write that meets
        estimates (their lines carry statuses), are read back from `changes`."""
        w = self.writer
        size = writes.CHUNK
        # Else no change row has a status.
        statuses = estimates or stage.replaces_estimates(conn)
        made = first + creates  # the first change that is not a creation
        lines_made: Generator[tuple[int, str]] | None = None
        if creates and not statuses:
            offset = stage.created_offset(conn, first, made - 1)
            if offset is not None:
                lines_made = stage.created_lines(conn, first, offset, w.digest_tail, size)
        try:
            for part, start in enumerate(range(first, last + 1, size), start=1):
                end = min(last, start + size - 1)
                created, lines = 0, ""
                if lines_made is not None and start < made:
                    created, lines = next(lines_made, (0, ""))
                    if created != min(end, made - 1) - start + 1:
                        raise RuntimeError(f"the stage gave {created} created values for "
                                           f"changes {start}..{end}")
                rows = (stage.change_rows(conn, start + created, end, statuses=statuses)
                        if start + created <= end else [])
                ops = [r[2] for r in rows]
                lines += (change_lines([r[:8] for r in rows], w.digest_tail,
                                       [(r[8], r[9]) for r in rows]) if statuses
                          else change_lines(rows, w.digest_tail))
                digest = hashlib.sha256(lines.encode()).hexdigest()
                w.audit(self.session, start, end, created=created + ops.count("create"),
                        updated=ops.count("update"), deleted=ops.count("delete"),
                        digest=digest, part=part)
        finally:
            if lines_made is not None:
                lines_made.close()  # lets go of the statement that reads the stage

    def _close(self) -> None:
        with contextlib.suppress(Exception):
            if self.session.in_transaction():
                self.session.rollback()
            with self.session.begin():
                stage.drop(self.session.connection())
        with contextlib.suppress(Exception):
            self.session.close()
        with contextlib.suppress(Exception):
            self.conn.close()


def _approvals(session: Session) -> tuple[object, ...]:
    """A fingerprint of the approvals: any submit, approval or reopening changes it."""
    return tuple(session.execute(select(func.count(), func.max(ApprovalRow.updated_at),
                                        func.max(ApprovalRow.id))).one())

