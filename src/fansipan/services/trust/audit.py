"""The audit log as services use it: record, search, verify, export.

Every write (data, targets, metadata, accounts, tokens, approvals), every sign-in
(success and failure), every refused request and every export becomes one chained
event. Nothing here deletes an event: retention (at least 12 months) is met by
keeping them all, and `export_events` ships them to a separate archive.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fansipan.domain.access import Permission, Principal
from fansipan.errors import Message, msg
from fansipan.locale import say
from fansipan.services.stamps import UtcDateTime
from fansipan.services.trust.access import require
from fansipan.store.audit import (
    CHANGE_FIELDS,
    GENESIS,
    STATUS_FIELDS,
    AuditRecord,
    append_events,
    audited_transaction,
    changes_text,
    event_fields,
    event_hash,
)
from fansipan.store.security_tables import AuditEventRow, AuditHeadRow
from fansipan.store.tables import ChangeRow


def record_for(principal: Principal, action: str, *, target: str = "", outcome: str = "ok",
               detail: Mapping[str, Any] | None = None) -> AuditRecord:
    return AuditRecord(action=action, actor=principal.actor, actor_kind=principal.kind.value,
                       outcome=outcome, target=target, ip=principal.ip,
                       detail={**({"via": principal.via} if principal.via else {}),
                               **(detail or {})})


def record(session: Session, principal: Principal, action: str, *, target: str = "",
           outcome: str = "ok", detail: Mapping[str, Any] | None = None) -> None:
    """Append one event inside the caller's transaction (it commits with the write)."""
    append_events(session, [record_for(principal, action, target=target, outcome=outcome,
                                       detail=detail)])


def record_alone(session: Session, principal: Principal, action: str, *, target: str = "",
                 outcome: str = "ok", detail: Mapping[str, Any] | None = None) -> None:
    """Append one event in a transaction of its own (a refusal, an export, a sign-out)."""
    with audited_transaction(session):
        record(session, principal, action, target=target, outcome=outcome, detail=detail)


def record_export(session: Session, principal: Principal, what: str, *, rows: int,
                  detail: Mapping[str, Any] | None = None) -> None:
    """Audit an export (a file or table taken out of the system): call it once per export."""
    record_alone(session, principal, "export", target=what[:200],
                 detail={"rows": rows, **(detail or {})})


class AuditEventPublic(BaseModel):
    id: int
    at: UtcDateTime
    actor: str
    actor_kind: str
    action: str
    target: str
    outcome: str
    ip: str
    detail: dict[str, Any]
    hash: str


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None
    action: str | None = None  # exact, or a prefix ending in "." ("auth.")
    outcome: str | None = None
    target: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_id: int = 0
    before_id: int = 0  # paging newest first: the events older than the last one seen
    limit: int = 200


def search_events(*, session: Session, principal: Principal,
                  query: AuditQuery) -> list[AuditEventPublic]:
    """Newest first; administrators only."""
    require(principal, Permission.READ_AUDIT)
    with session.begin():
        stmt = select(AuditEventRow).order_by(AuditEventRow.id.desc())
        if query.actor:
            stmt = stmt.where(AuditEventRow.actor == query.actor)
        if query.action:
            if query.action.endswith("."):
                stmt = stmt.where(AuditEventRow.action.startswith(query.action,
                                                                  autoescape=True))
            else:
                stmt = stmt.where(AuditEventRow.action == query.action)
        if query.outcome:
            stmt = stmt.where(AuditEventRow.outcome == query.outcome)
        if query.target:
            stmt = stmt.where(AuditEventRow.target == query.target)
        if query.since:
            stmt = stmt.where(AuditEventRow.at >= query.since)
        if query.until:
            stmt = stmt.where(AuditEventRow.at <= query.until)
        if query.after_id:
            stmt = stmt.where(AuditEventRow.id > query.after_id)
        if query.before_id:
            stmt = stmt.where(AuditEventRow.id < query.before_id)
        rows = session.scalars(stmt.limit(query.limit)).all()
        return [public_event(r) for r in rows]


def public_event(r: AuditEventRow) -> AuditEventPublic:
    return AuditEventPublic(id=r.id, at=r.at, actor=r.actor, actor_kind=r.actor_kind,
                            action=r.action, target=r.target, outcome=r.outcome, ip=r.ip,
                            detail=json.loads(r.detail or "{}"), hash=r.hash)


class VerifyReport(BaseModel):
    ok: bool
    events: int
    changes_covered: int
    changes_before_log: int
    last_id: int
    last_hash: str
    problems: list[str] = []
    problems_vi: list[str] = []  # the same, in Vietnamese


@dataclass
class _Walk:
    """What a verification has found so far; memory stays flat however long the log."""

    problems: list[Message] = field(default_factory=list)
    covered: int = 0
    # Change numbers the events cover, as merged ranges [first, last] in order: a bulk
    # write covers 50,000 at once, and consecutive writes merge into one range.
    ranges: list[list[int]] = field(default_factory=list)

    def problem(self, text: Message) -> None:
        if len(self.problems) < 50:
            self.problems.append(text)

    def cover(self, first: int, last: int, count: int) -> None:
        self.covered += count
        ranges = self.ranges
        if ranges and ranges[-1][0] <= first <= ranges[-1][1] + 1:
            ranges[-1][1] = max(ranges[-1][1], last)
            return
        ranges.append([first, last])
        if len(ranges) > 1 and ranges[-2][0] > first:  # out of order: keep them sorted
            ranges.sort()
            merged = [ranges[0]]
            for r in ranges[1:]:
                if r[0] <= merged[-1][1] + 1:
                    merged[-1][1] = max(merged[-1][1], r[1])
                else:
                    merged.append(r)
            self.ranges = merged


_PAGE = 5000
_CHANGES_PAGE = 50_000
# The statuses last: `changes_text` adds them only to a row that has one.
_CHANGE_COLUMNS = [ChangeRow.__table__.c[name] for name in (*CHANGE_FIELDS, *STATUS_FIELDS)]


def verify_chain(*, session: Session, principal: Principal | None = None) -> VerifyReport:
    """Recompute every link and every data write's digest; report what does not match.

    Streams: events a page at a time, each write's change rows as they come, and the
    change numbers the events cover as ranges, so memory stays flat at any size.
    """
    if principal is not None:
        require(principal, Permission.READ_AUDIT)
    walk = _Walk()
    with session.begin():
        head = session.get(AuditHeadRow, 1)
        prev, expected_id, count = GENESIS, 1, 0
        last = 0
        while True:
            rows = session.execute(select(AuditEventRow.__table__).where(
                AuditEventRow.id >= expected_id).order_by(AuditEventRow.id).limit(_PAGE)).all()
            if not rows:
                break
            for r in rows:
                count += 1
                if r.id != expected_id:
                    walk.problem(msg("events {first}–{last} are missing", first=expected_id,
                                     last=r.id - 1))
                if r.prev_hash != prev:
                    walk.problem(msg("event {id} does not follow the event before it "
                                     "(removed or inserted events)", id=r.id))
                fields = event_fields(r.id, r.at, r, r.detail)  # type: ignore[arg-type]
                if event_hash(r.prev_hash, fields) != r.hash:
                    walk.problem(msg("event {id} ({action} by {actor}) was altered", id=r.id,
                                     action=r.action, actor=r.actor))
                _check_changes(session, r.id, r.detail, walk)
                prev, expected_id, last = r.hash, r.id + 1, r.id
        if head is None or head.last_id != last or head.last_hash != prev:
            walk.problem(msg("the newest events were removed (the chain head does not "
                             "match)"))
        before = _uncovered(session, walk)
    return VerifyReport(ok=not walk.problems, events=count, changes_covered=walk.covered,
                        changes_before_log=before, last_id=last, last_hash=prev,
                        problems=[str(p) for p in walk.problems],
                        problems_vi=[say(p, "vi") for p in walk.problems])


def _check_changes(session: Session, event_id: int, detail_text: str, walk: _Walk) -> None:
    if "changes_digest" not in (detail_text or ""):
        return
    detail = json.loads(detail_text or "{}")
    if "changes_digest" not in detail:
        return
    first, last = int(detail["first_change"]), int(detail["last_change"])
    digest = hashlib.sha256()
    seen = 0
    result = session.execute(select(*_CHANGE_COLUMNS).where(ChangeRow.id.between(first, last))
                             .order_by(ChangeRow.id).execution_options(
                                 yield_per=_CHANGES_PAGE))
    for part in result.partitions():
        digest.update(changes_text(part).encode())
        seen += len(part)
    if seen != last - first + 1 or digest.hexdigest() != detail["changes_digest"]:
        walk.problem(msg("changes {first}–{last} of event {id} were altered or removed",
                         first=first, last=last, id=event_id))
    walk.cover(first, last, seen)


def _uncovered(session: Session, walk: _Walk) -> int:
    """Change rows no event covers: those older than the log are counted, the rest are
    problems. Reads the change numbers as they come, beside the covered ranges."""
    first_covered = walk.ranges[0][0] if walk.ranges else None
    ranges = iter(walk.ranges)
    current = next(ranges, None)
    before = 0
    result = session.execute(select(ChangeRow.id).order_by(ChangeRow.id)
                             .execution_options(yield_per=_CHANGES_PAGE))
    for part in result.partitions():
        for (change_id,) in part:
            while current is not None and change_id > current[1]:
                current = next(ranges, None)
            if current is not None and current[0] <= change_id:
                continue
            if first_covered is None or change_id < first_covered:
                before += 1  # written before this store had an audit log
            else:
                walk.problem(msg("change {id} is in no audit event (written outside Fansipan, "
                                 "or its event was removed)", id=change_id))
    return before


def export_events(*, session: Session, after_id: int = 0) -> Iterator[dict[str, Any]]:
    """Every event after `after_id`, oldest first, as it is stored (for an archive)."""
    next_id = after_id
    while True:
        with session.begin():
            rows = session.scalars(select(AuditEventRow).where(AuditEventRow.id > next_id)
                                   .order_by(AuditEventRow.id).limit(_PAGE)).all()
            page = [public_event(r).model_dump(mode="json") | {"prev_hash": r.prev_hash}
                    for r in rows]
        if not page:
            return
        yield from page
        next_id = int(page[-1]["id"])


def count_recent(session: Session, *, action: str, actor: str, ip: str,
                 since: datetime) -> int:
    """Events of one kind by one actor from one address since a moment (throttling)."""
    return int(session.scalar(
        select(func.count()).select_from(AuditEventRow).where(
            AuditEventRow.action == action, AuditEventRow.actor == actor,
            AuditEventRow.ip == ip, AuditEventRow.at >= since)
    ) or 0)


def count_recent_failures(session: Session, *, ip: str, since: datetime) -> int:
    """Failed sign-ins from one address since a moment (for per-address throttling)."""
    return int(session.scalar(
        select(func.count()).select_from(AuditEventRow).where(
            AuditEventRow.action == "auth.login", AuditEventRow.outcome == "failed",
            AuditEventRow.ip == ip, AuditEventRow.at >= since)
    ) or 0)
