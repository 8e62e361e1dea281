"""Estimates (ước thực hiện) in a direct write: which values and changes are estimates,
and the estimate an official figure replaces, kept beside it (domain.estimates).

A write of official figures over official figures never comes here, so it pays nothing
for estimates."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from fansipan.domain.rows import ResolvedValue, WriteOp
from fansipan.store import bulk

Statuses = tuple[str | None, str | None]  # a change's old and new status; None: official


def statuses_of(stored: bulk.Stored, op: WriteOp, estimate: bool) -> Statuses:
    """A change's old and new status, None for an official figure (or no value)."""
    old = "estimate" if stored.estimate and not stored.deleted else None
    new = "estimate" if op is not WriteOp.DELETE and estimate else None
    return old, new


def mark_estimates(session: Session, creates: list[ResolvedValue], ids: list[int],
                   first: int, changes: list[tuple[ResolvedValue, bulk.Stored, WriteOp]],
                   is_estimate: Callable[[int], bool]) -> list[Statuses]:
    """Record the statuses of values just created (`creates`, numbered from `first`, with
    their `ids`) and rewritten (`changes`, numbered after them); returns each change's
    statuses, in change order, for the audit digest."""
    values: list[list[object]] = []
    change_rows: list[list[object]] = []
    statuses: list[Statuses] = []
    for n, r in enumerate(creates):
        if is_estimate(r.row):
            values.append([ids[n], "estimate", None])
            change_rows.append([first + n, None, "estimate"])
            statuses.append((None, "estimate"))
        else:
            statuses.append((None, None))
    start = first + len(creates)
    for n, (r, stored, op) in enumerate(changes):
        old, new = statuses_of(stored, op, is_estimate(r.row))
        statuses.append((old, new))
        if old or new:
            change_rows.append([start + n, old, new])
        if op is WriteOp.DELETE:
            continue  # a deleted value keeps the status it had
        if new:
            values.append([stored.id, "estimate", None])
        elif stored.estimate:
            # The official figure replaces the estimate; the estimate stays beside it.
            values.append([stored.id, "official", stored.value if old else None])
    bulk.set_statuses(session, values, change_rows)
    return statuses
