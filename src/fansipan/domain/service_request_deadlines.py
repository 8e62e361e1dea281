"""Deadlines of field reports and whether they were met.

A category promises a resolution within a number of working days. The deadline
(Open311 `expected_datetime`) is the end of the Vietnamese day that many working days
after the day the report came in: `add_working_days(received day, n)` at 23:59:59+07:00.
Which days are working days (weekends, public holidays, make-up Saturdays) is the
calendar's business, passed in as a function, so this module knows no calendar.

A report is handled once it reaches an outcome (resolved, rejected, duplicate, not ours)
and stays there or is closed after it; reopening makes it unhandled again and keeps the
original deadline (the problem was not dealt with). It was handled on time when its
latest outcome came no later than the deadline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from fansipan.domain.feedback import FeedbackRecord, Timeliness
from fansipan.domain.local_time import end_of_day, local_date, require_aware
from fansipan.domain.service_request_states import RequestState
from fansipan.domain.service_requests import ServiceRequest, progress_at

AddWorkingDays = Callable[[date, int], date]


#: Outcomes that leave a report outside the body's remit in the Decision 766 count:
#: another body's business, or the same problem already counted under another report.
OUTSIDE_REMIT = frozenset({RequestState.NOT_RESPONSIBLE, RequestState.DUPLICATE})


def expected_datetime(
    *, requested_at: datetime, working_days: int, add_working_days: AddWorkingDays
) -> datetime:
    """The deadline of a report received at `requested_at` with `working_days` to fix it.

    0 working days means the end of the day it was received.
    """
    require_aware(requested_at, field="requested_datetime")
    if working_days < 0:
        raise ValueError(f"a resolution deadline counts days ahead, not {working_days}")
    received = local_date(requested_at)
    due = add_working_days(received, working_days)
    if due < received:
        raise ValueError(f"add_working_days({received}, {working_days}) went back to {due}")
    return end_of_day(due)


def timeliness(request: ServiceRequest, *, as_of: datetime) -> Timeliness:
    """Whether the report was (or is being) handled on time, as things stood at `as_of`.

    A report without a deadline is never overdue: it is ON_TIME once handled.
    """
    require_aware(as_of, field="as_of")
    progress = progress_at(request, as_of)
    due = request.expected_at
    if progress.outcome_at is not None:
        return Timeliness.LATE if due is not None and progress.outcome_at > due \
            else Timeliness.ON_TIME
    return Timeliness.OPEN_OVERDUE if due is not None and as_of > due \
        else Timeliness.OPEN_WITHIN_TIME


def resolved_on_time(request: ServiceRequest) -> bool | None:
    """True or False once the report is handled (per its latest outcome); None while open."""
    outcome_at = request.progress.outcome_at
    if outcome_at is None:
        return None
    return request.expected_at is None or outcome_at <= request.expected_at


def feedback_record(request: ServiceRequest, *, as_of: datetime) -> FeedbackRecord:
    """The report as Decision 766 counts feedback (PAKN), as things stood at `as_of`."""
    progress = progress_at(request, as_of)
    outcome = progress.outcome
    return FeedbackRecord(
        within_remit=outcome not in OUTSIDE_REMIT,
        timeliness=timeliness(request, as_of=as_of),
        dissatisfied=progress.satisfied is False,
    )
