"""Decision 766/QĐ-TTg's two ratios for feedback (phản ánh, kiến nghị — PAKN).

The satisfaction group of Decision 766 scores how a body answers citizens' feedback,
and field reports are such feedback. Two ratios, over the reports of a period:

- handled on time = reports handled early or on time ÷ reports within the body's remit;
- satisfaction = (reports handled − those rated "dissatisfied" − those handled late)
  ÷ reports within the body's remit.

Choices the published wording leaves open, made here and shown in the labels:

- "within the remit" leaves out reports found to be another body's business and
  duplicates (the problem is counted once, under the report it duplicates); rejected
  reports were answered by the body, so they stay in, as handled;
- the denominator of both ratios counts every report within the remit, open ones too;
- "overdue" in the satisfaction ratio means handled after the deadline (an open report
  is not among the handled ones, so it cannot be taken away from them);
- a report both late and rated dissatisfied is taken away once, not twice. The counts
  are all returned, so the literal subtraction can be had as well.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fansipan.domain.rates import Rate


class Timeliness(StrEnum):
    """Where a report (or a task with a deadline) stands against its deadline."""

    ON_TIME = "on_time"  # handled no later than the deadline, early included
    LATE = "late"  # handled after the deadline
    OPEN_WITHIN_TIME = "open_within_time"
    OPEN_OVERDUE = "open_overdue"

    @property
    def handled(self) -> bool:
        return self in (Timeliness.ON_TIME, Timeliness.LATE)

    def label(self, lang: str = "vi") -> str:
        vi, en = _LABELS[self]
        return en if lang == "en" else vi


_LABELS = {
    Timeliness.ON_TIME: ("Đã xử lý đúng hạn", "Handled on time"),
    Timeliness.LATE: ("Đã xử lý quá hạn", "Handled late"),
    Timeliness.OPEN_WITHIN_TIME: ("Đang xử lý trong hạn", "Open, within time"),
    Timeliness.OPEN_OVERDUE: ("Đang xử lý quá hạn", "Open, overdue"),
}


@dataclass(frozen=True)
class FeedbackRecord:
    """One report as the ratios count it."""

    within_remit: bool
    timeliness: Timeliness
    #: The citizen answered "dissatisfied" about the handling.
    dissatisfied: bool = False


@dataclass(frozen=True)
class FeedbackSummary:
    total: int
    within_remit: int
    handled: int
    handled_on_time: int
    handled_late: int
    open_within_time: int
    open_overdue: int
    #: Handled reports rated dissatisfied, and those of them also handled late.
    dissatisfied: int
    dissatisfied_and_late: int
    on_time_rate: Rate
    satisfaction_rate: Rate


ON_TIME_LABEL = (
    "Tỷ lệ PAKN xử lý đúng hạn, trước hạn trên số PAKN thuộc thẩm quyền",
    "Feedback handled early or on time, of the feedback within the body's remit",
)
SATISFACTION_LABEL = (
    "Tỷ lệ hài lòng về xử lý PAKN: (số đã xử lý − số không hài lòng − số xử lý quá hạn) "
    "trên số PAKN thuộc thẩm quyền",
    "Satisfaction with feedback handling: (handled − dissatisfied − handled late) of the "
    "feedback within the body's remit",
)


def summarise_feedback(records: Iterable[FeedbackRecord]) -> FeedbackSummary:
    """The counts and both ratios over `records` (pick the period's reports beforehand)."""
    total = 0
    counts = dict.fromkeys(Timeliness, 0)
    dissatisfied = dissatisfied_late = 0
    for record in records:
        total += 1
        if not record.within_remit:
            continue
        counts[record.timeliness] += 1
        if record.dissatisfied and record.timeliness.handled:
            dissatisfied += 1
            dissatisfied_late += record.timeliness is Timeliness.LATE
    within = sum(counts.values())
    on_time, late = counts[Timeliness.ON_TIME], counts[Timeliness.LATE]
    handled = on_time + late
    satisfied = handled - (dissatisfied + late - dissatisfied_late)
    return FeedbackSummary(
        total=total, within_remit=within, handled=handled, handled_on_time=on_time,
        handled_late=late, open_within_time=counts[Timeliness.OPEN_WITHIN_TIME],
        open_overdue=counts[Timeliness.OPEN_OVERDUE], dissatisfied=dissatisfied,
        dissatisfied_and_late=dissatisfied_late,
        on_time_rate=Rate(on_time, within, *ON_TIME_LABEL),
        satisfaction_rate=Rate(satisfied, within, *SATISFACTION_LABEL),
    )
