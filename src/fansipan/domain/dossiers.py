"""Public-service dossiers (hồ sơ thủ tục hành chính) and when they are early, on time
or late, as Decision 766/QĐ-TTg counts them.

A dossier is received at the one-stop shop with a due moment (the appointment on the
receipt). While it waits for the applicant's supplementary documents ("chờ bổ sung")
the clock stops: the due moment moves later by the time spent waiting. Precisely, for a
moment `t` (the completion, or the day asked about if it is still open):

    paused(t)  = the total length of the pauses' overlap with [received, t]
                 (a pause still running counts up to t)
    due'(t)    = due + paused(t)

and then, with `completed` the completion if it happened by the day asked about:

- EARLY (trước hạn): completed on a calendar day (Vietnam time) before the day of
  due'(completed);
- ON_TIME (đúng hạn): completed on that day, no later than due'(completed);
- LATE (quá hạn): completed after due'(completed);
- OPEN_WITHIN_TIME (đang giải quyết trong hạn): not completed, and t ≤ due'(t);
- OPEN_OVERDUE (đang giải quyết quá hạn): not completed, and t > due'(t).

So a dossier waiting for documents when its time was not yet up does not fall overdue
while it waits. The net processing time is completed − received − paused(completed).
Times are calendar time; working days are the calendar's business and are already in
the due moment the one-stop system wrote on the receipt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from fansipan.domain.local_time import local_date
from fansipan.errors import FieldError, ValidationError


class OnlineService(StrEnum):
    """How far the procedure is offered online (Decree 42/2022/NĐ-CP)."""

    FULL = "full"  # dịch vụ công trực tuyến toàn trình
    PARTIAL = "partial"  # dịch vụ công trực tuyến một phần
    NONE = "none"  # không cung cấp trực tuyến

    def label(self, lang: str = "vi") -> str:
        vi, en = _SERVICE_LABELS[self]
        return en if lang == "en" else vi


_SERVICE_LABELS = {
    OnlineService.FULL: ("Dịch vụ công trực tuyến toàn trình", "Full online public service"),
    OnlineService.PARTIAL: ("Dịch vụ công trực tuyến một phần",
                            "Partial online public service"),
    OnlineService.NONE: ("Không cung cấp trực tuyến", "Not offered online"),
}


class DossierStatus(StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    OPEN_WITHIN_TIME = "open_within_time"
    OPEN_OVERDUE = "open_overdue"

    @property
    def handled(self) -> bool:
        return self in (DossierStatus.EARLY, DossierStatus.ON_TIME, DossierStatus.LATE)

    def label(self, lang: str = "vi") -> str:
        vi, en = _STATUS_LABELS[self]
        return en if lang == "en" else vi


_STATUS_LABELS = {
    DossierStatus.EARLY: ("Giải quyết trước hạn", "Handled early"),
    DossierStatus.ON_TIME: ("Giải quyết đúng hạn", "Handled on time"),
    DossierStatus.LATE: ("Giải quyết quá hạn", "Handled late"),
    DossierStatus.OPEN_WITHIN_TIME: ("Đang giải quyết trong hạn", "Open, within time"),
    DossierStatus.OPEN_OVERDUE: ("Đang giải quyết quá hạn", "Open, overdue"),
}


@dataclass(frozen=True)
class Pause:
    """A stop of the clock while waiting for supplementary documents; `end` None while
    still waiting."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class Dossier:
    """One case of the one-stop shop, as its system reports it."""

    number: str
    procedure_code: str
    agency_code: str
    unit_code: str
    received_at: datetime
    due_at: datetime
    completed_at: datetime | None = None
    pauses: tuple[Pause, ...] = ()
    submitted_online: bool = False
    online_service: OnlineService = OnlineService.NONE
    #: The procedure charges a fee or charge, and whether it was paid online.
    fee_payable: bool = False
    paid_online: bool = False
    #: The result was issued as an electronic document.
    electronic_result: bool = False
    #: The dossier's components were digitised (Decree 45/2020/NĐ-CP).
    digitised: bool = False


def dossier_problems(dossier: Dossier) -> list[FieldError]:
    """What is inconsistent in `dossier`, each problem naming its field."""
    out: list[FieldError] = []

    def problem(field: str, vi: str, en: str, value: object = None) -> None:
        out.append(FieldError(field=field, message=f"{vi} / {en}",
                              value=None if value is None else str(value)))

    moments = {"received_at": dossier.received_at, "due_at": dossier.due_at,
               "completed_at": dossier.completed_at}
    for n, pause in enumerate(dossier.pauses, start=1):
        moments[f"pauses[{n}].start"] = pause.start
        moments[f"pauses[{n}].end"] = pause.end
    naive = [name for name, moment in moments.items()
             if moment is not None and (moment.tzinfo is None or moment.utcoffset() is None)]
    for name in naive:
        problem(name, "thiếu múi giờ", "has no time zone", moments[name])
    if naive:
        return out  # naive and aware moments cannot be compared
    received, completed = dossier.received_at, dossier.completed_at
    if dossier.due_at < received:
        problem("due_at", "hạn trả kết quả trước ngày tiếp nhận",
                "the due moment precedes the reception", dossier.due_at.isoformat())
    if completed is not None and completed < received:
        problem("completed_at", "hoàn thành trước ngày tiếp nhận",
                "completed before it was received", completed.isoformat())
    previous_end = received
    for n, pause in enumerate(dossier.pauses, start=1):
        name = f"pauses[{n}]"
        if pause.start < previous_end:
            problem(f"{name}.start", "bắt đầu trước khi tiếp nhận hoặc chồng lên lần chờ trước",
                    "starts before the reception or overlaps the previous pause",
                    pause.start.isoformat())
        if pause.end is None:
            if n != len(dossier.pauses):
                problem(f"{name}.end", "chỉ lần chờ bổ sung cuối cùng được để trống ngày kết thúc",
                        "only the last pause may still be running")
            if completed is not None:
                problem(f"{name}.end", "hồ sơ đã hoàn thành nhưng vẫn đang chờ bổ sung",
                        "the dossier is completed but still waiting for documents")
            previous_end = pause.start
        else:
            if pause.end < pause.start:
                problem(f"{name}.end", "kết thúc trước khi bắt đầu", "ends before it starts",
                        pause.end.isoformat())
            if completed is not None and pause.end > completed:
                problem(f"{name}.end", "kết thúc sau khi hồ sơ hoàn thành",
                        "ends after the dossier was completed", pause.end.isoformat())
            previous_end = max(previous_end, pause.end)
    if dossier.paid_online and not dossier.fee_payable:
        problem("paid_online", "thủ tục không thu phí, lệ phí mà lại ghi thanh toán trực tuyến",
                "paid online, yet the procedure charges no fee")
    if dossier.submitted_online and dossier.online_service is OnlineService.NONE:
        problem("submitted_online", "nộp trực tuyến một thủ tục không cung cấp trực tuyến",
                "submitted online, yet the procedure is not offered online")
    return out


def check_dossiers(dossiers: Iterable[Dossier]) -> list[Dossier]:
    """The dossiers as a list, or one ValidationError listing every problem by dossier."""
    kept = list(dossiers)
    errors: list[FieldError] = []
    for row, dossier in enumerate(kept, start=1):
        for problem in dossier_problems(dossier):
            errors.append(FieldError(field=problem.field, row=row, value=problem.value,
                                     message=f"hồ sơ {dossier.number} / dossier "
                                             f"{dossier.number}: {problem.message}"))
    if errors:
        raise ValidationError("Dữ liệu hồ sơ chưa nhất quán / The dossiers are inconsistent",
                              errors)
    return kept


def paused_time(dossier: Dossier, *, until: datetime) -> timedelta:
    """How long the clock stood still between the reception and `until`."""
    total = timedelta(0)
    for pause in dossier.pauses:
        start = max(pause.start, dossier.received_at)
        end = until if pause.end is None else min(pause.end, until)
        if end > start:
            total += end - start
    return total


def effective_due(dossier: Dossier, *, at: datetime) -> datetime:
    """The due moment moved later by the pauses up to `at` (due'(at) above)."""
    return dossier.due_at + paused_time(dossier, until=at)


def completed_by(dossier: Dossier, as_of: datetime) -> datetime | None:
    """The completion, if it had happened by `as_of`."""
    if dossier.completed_at is not None and dossier.completed_at <= as_of:
        return dossier.completed_at
    return None


def classify_dossier(dossier: Dossier, *, as_of: datetime) -> DossierStatus | None:
    """Early, on time, late, or open within time or overdue, as things stood at `as_of`;
    None when the dossier had not been received yet."""
    if as_of < dossier.received_at:
        return None
    completed = completed_by(dossier, as_of)
    if completed is None:
        if as_of > effective_due(dossier, at=as_of):
            return DossierStatus.OPEN_OVERDUE
        return DossierStatus.OPEN_WITHIN_TIME
    due = effective_due(dossier, at=completed)
    if completed > due:
        return DossierStatus.LATE
    if local_date(completed) < local_date(due):
        return DossierStatus.EARLY
    return DossierStatus.ON_TIME


def net_processing_time(dossier: Dossier) -> timedelta | None:
    """From reception to completion, less the time waiting for documents; None if open."""
    if dossier.completed_at is None:
        return None
    elapsed = dossier.completed_at - dossier.received_at
    return elapsed - paused_time(dossier, until=dossier.completed_at)
