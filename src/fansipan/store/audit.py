"""The hash-chained audit log: append events, and the canonical form that is hashed.

Each event's hash is SHA-256 over the previous event's hash and the event's own
fields in a canonical JSON form, so changing, removing or inserting an event breaks
every later link. A data write's event carries a digest of its change rows, which
extends the chain over the `changes` table without an event per value.

Appending takes the chain lock (an UPDATE of the single `audit_head` row) and holds
it to commit, so events are chained in commit order. Transactions that also take the
change lock take it first, so the two locks are always taken in the same order.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session

from fansipan.store.changes import hold_change_lock
from fansipan.store.security_tables import AuditEventRow, AuditHeadRow

GENESIS = "0" * 64
log = logging.getLogger("fansipan.audit")

# The change-log columns a data write's digest covers, in this order.
CHANGE_FIELDS = ("id", "record_kind", "record_id", "operation", "indicator_id", "unit_id",
                 "period", "old_value", "new_value", "source", "actor", "at", "batch")
_FLOAT_FIELDS = {"old_value", "new_value"}
# Estimates (ước thực hiện): added to a row's digest only when the row has one, so every
# digest of official figures, those written before estimates existed included, is as it was.
STATUS_FIELDS = ("old_status", "new_status")


@dataclass(frozen=True)
class AuditRecord:
    action: str
    actor: str
    actor_kind: str
    outcome: str = "ok"
    target: str = ""
    ip: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


def canonical_time(value: datetime) -> str:
    """UTC, microseconds, no zone suffix: what both stores give back for a stored time."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds")


def canonical(value: object) -> object:
    if isinstance(value, datetime):
        return canonical_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [canonical(v) for v in value]
    return value


def dumps(value: object) -> str:
    return json.dumps(canonical(value), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)


def event_fields(event_id: int, at: datetime, r: AuditRecord | AuditEventRow,
                 detail: str) -> dict[str, object]:
    return {"id": event_id, "at": canonical_time(at), "actor": r.actor,
            "actor_kind": r.actor_kind, "action": r.action, "target": r.target or "",
            "outcome": r.outcome, "ip": r.ip or "", "detail": detail}


def event_hash(prev_hash: str, fields: Mapping[str, object]) -> str:
    return hashlib.sha256(f"{prev_hash}\n{dumps(fields)}".encode()).hexdigest()


def changes_digest(rows: Iterable[Mapping[str, object]]) -> str:
    """SHA-256 over change rows (dicts of CHANGE_FIELDS) in the order given."""
    h = hashlib.sha256()
    for row in rows:
        values = []
        for name in CHANGE_FIELDS:
            v = row[name]
            if name in _FLOAT_FIELDS and v is not None:
                v = float(v)  # type: ignore[arg-type]
            values.append(v)
        statuses = [row.get(name) for name in STATUS_FIELDS]
        if any(statuses):
            values.extend(statuses)
        h.update(dumps(values).encode())
        h.update(b"\n")
    return h.hexdigest()


def changes_text(rows: Iterable[Sequence[Any]]) -> str:
    """What `changes_digest` hashes, for rows that are tuples in CHANGE_FIELDS' order
    (then, optionally, STATUS_FIELDS'): the same text, made in one C call per row (a
    verification reads millions)."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    out = []
    for r in rows:
        old, new, at = r[7], r[8], r[11]
        values = [r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                  None if old is None else repr(float(old)),
                  None if new is None else repr(float(new)), r[9], r[10],
                  canonical_time(at) if isinstance(at, datetime) else at, r[12]]
        if len(r) > 13 and (r[13] or r[14]):
            values += [r[13], r[14]]
        out.append(encode(values))
    out.append("")
    return "\n".join(out)


def change_tail(source: str, actor: str, at: datetime, batch: str | None) -> str:
    """The end of every digest line of one write: the columns all its changes share."""
    return "," + ",".join(json.dumps(x, ensure_ascii=False) for x in (
        source, actor, canonical_time(at), batch)) + "]\n"


def digest_number(value: float | None) -> str:
    """A value as a digest line writes it (`changes_digest`: the float's repr, quoted)."""
    return "null" if value is None else f'"{float(value)!r}"'


def digest_text(value: str) -> str:
    """A text cell (a period) as a digest line writes it."""
    return json.dumps(value, ensure_ascii=False)


_num = digest_number


def created_line_part(indicator: int, unit: int, period_text: str,
                      value: float | None) -> str:
    """The part of a created value's digest line that its row decides (indicator, unit,
    period, old and new value; `period_text` is `digest_text` of the period); `created_line`
    adds the rest once the change and record ids are known."""
    if value is None:
        return f"{indicator},{unit},{period_text},null,null"
    return f'{indicator},{unit},{period_text},null,"{float(value)!r}"'


def created_line(parts: Iterable[Sequence[str]], first: int, offset: int, tail: str) -> str:
    """The digest lines of created values numbered from change `first` (record id: change id
    + `offset`), from their `created_line_part`s (one-item rows, as a cursor gives them):
    the same text as `change_lines`."""
    return "".join([f'[{c},"data_value",{c + offset},"create",{part[0]}{tail}'
                    for c, part in enumerate(parts, first)])


def change_lines(rows: Iterable[Sequence[Any]], tail: str,
                 statuses: Iterable[tuple[str | None, str | None]] | None = None) -> str:
    """`changes_digest`'s input for data-value change rows (id, record id, operation,
    indicator, unit, period, old, new), written directly: the same text, at the speed a
    million rows need. `tail` is `change_tail` of the write; `statuses`, when any row has
    one, each row's (old status, new status), as `changes_digest` adds them."""
    dumps_text = json.dumps
    if statuses is None:
        return "".join(
            f'[{c},"data_value",{rid},"{op}",{i},{u},{dumps_text(p, ensure_ascii=False)},'
            f"{_num(old)},{_num(new)}{tail}" for c, rid, op, i, u, p, old, new in rows)
    return "".join(
        f'[{c},"data_value",{rid},"{op}",{i},{u},{dumps_text(p, ensure_ascii=False)},'
        f"{_num(old)},{_num(new)}{with_statuses(tail, s)}"
        for (c, rid, op, i, u, p, old, new), s in zip(rows, statuses, strict=True))


def with_statuses(tail: str, statuses: tuple[str | None, str | None]) -> str:
    """A digest line's tail with its change's statuses, when it has any."""
    if not any(statuses):
        return tail
    return tail[:-2] + "," + ",".join(json.dumps(s) for s in statuses) + "]\n"


def lock_chain(session: Session) -> None:
    """Take the chain lock now (first in a transaction that will append later).

    On SQLite this also takes the write lock before any read, so the transaction never
    has to upgrade a stale read snapshot (which fails at once instead of waiting).
    """
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1)
                    .values(last_id=AuditHeadRow.last_id))


@contextmanager
def audited_transaction(session: Session, *, numbered: bool = False) -> Iterator[Session]:
    """One all-or-nothing transaction that will append to the audit chain.

    Its locks are taken first and always in the same order: the change lock when the
    transaction writes numbered changes (`numbered=True`), then the chain lock. Leaving
    the block commits; an exception rolls everything back, events included.
    """
    with session.begin():
        if numbered:
            hold_change_lock(session)
        lock_chain(session)
        yield session


def append_events(session: Session, records: Sequence[AuditRecord],
                  at: datetime | None = None) -> list[int]:
    """Chain `records` onto the log inside the caller's transaction; returns their ids."""
    if not records:
        return []
    when = at or datetime.now(UTC)
    last_id, prev = session.execute(
        update(AuditHeadRow).where(AuditHeadRow.id == 1)
        .values(last_id=AuditHeadRow.last_id)
        .returning(AuditHeadRow.last_id, AuditHeadRow.last_hash)
    ).one()
    rows: list[dict[str, object]] = []
    next_id = int(last_id) + 1
    for r in records:
        # Clip to the column sizes before hashing, so what is stored is what was hashed.
        clipped = AuditRecord(action=r.action[:40], actor=r.actor[:100],
                              actor_kind=r.actor_kind[:12], outcome=r.outcome[:10],
                              target=(r.target or "")[:200], ip=(r.ip or "")[:64])
        detail = dumps(dict(r.detail))
        digest = event_hash(prev, event_fields(next_id, when, clipped, detail))
        rows.append({"id": next_id, "at": when, "actor": clipped.actor,
                     "actor_kind": clipped.actor_kind, "action": clipped.action,
                     "target": clipped.target, "outcome": clipped.outcome,
                     "ip": clipped.ip, "detail": detail, "prev_hash": prev, "hash": digest})
        prev, next_id = digest, next_id + 1
    session.execute(insert(AuditEventRow), rows)
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1)
                    .values(last_id=next_id - 1, last_hash=prev))
    _log_after_commit(session, rows)
    return [int(str(r["id"])) for r in rows]


def _log_after_commit(session: Session, rows: list[dict[str, object]]) -> None:
    """Ship each event to the `fansipan.audit` log once it is committed (never before)."""
    pending: list[dict[str, object]] = session.info.setdefault("audit_pending", [])
    pending.extend(rows)
    if session.info.get("audit_listening"):
        return
    session.info["audit_listening"] = True

    def committed(s: Session) -> None:
        for row in s.info.pop("audit_pending", []):
            log.info("audit", extra={"audit": {k: canonical(v) for k, v in row.items()}})

    def rolled_back(s: Session) -> None:
        s.info.pop("audit_pending", None)

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_soft_rollback", lambda s, _tx: rolled_back(s))
