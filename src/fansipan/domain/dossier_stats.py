"""Decision 766 figures over dossiers: per agency, unit or procedure, for a period.

For a period [first day 00:00, day after the last 00:00) in Vietnam time, counted as
things stood at `as_of` (a month's figures are reproduced by passing the moment the
month's report was taken):

- carried over (tồn kỳ trước): received before the period, not completed at its start;
- received (tiếp nhận mới): received within the period;
- handled (đã giải quyết): completed within the period; split into early, on time and
  late by `fansipan.domain.dossiers.classify_dossier`;
- open within time / open overdue (đang giải quyết trong hạn / quá hạn): received before
  the period's end and not completed then, judged at the period's end (or at `as_of`,
  when that comes first).

The on-time rate is given over two denominators, each labelled, because provinces
publish both: over the dossiers handled (Decision 766's "trên số hồ sơ đã giải quyết")
and over those handled plus those overdue and still open ("trên số hồ sơ đã giải quyết
và quá hạn chưa giải quyết", as Gia Lai counts its late rate). The average processing
time is over the dossiers handled, net of the time waiting for documents, in calendar
days. The online rates: submitted online ÷ received; paid online ÷ received with a fee
to pay; results issued electronically ÷ handled; digitised ÷ received.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from fansipan.domain.dossiers import (
    Dossier,
    DossierStatus,
    classify_dossier,
    effective_due,
    net_processing_time,
)
from fansipan.domain.local_time import require_aware, start_of_day
from fansipan.domain.periods import Period
from fansipan.domain.rates import Rate

#: What dossiers may be grouped by.
GROUPINGS = ("agency_code", "unit_code", "procedure_code")


@dataclass(frozen=True)
class DossierSummary:
    period: str
    key: tuple[str, ...]
    carried_over: int
    received: int
    handled: int
    early: int
    on_time: int
    late: int
    open_within_time: int
    open_overdue: int
    #: Mean net processing time of the dossiers handled, in days; None when none were.
    average_days: float | None
    on_time_rate_handled: Rate
    on_time_rate_with_overdue: Rate
    online_submission_rate: Rate
    online_payment_rate: Rate
    electronic_result_rate: Rate
    digitisation_rate: Rate


ON_TIME_HANDLED = ("Tỷ lệ giải quyết trước hạn, đúng hạn trên số hồ sơ đã giải quyết",
                   "Handled early or on time, of the dossiers handled")
ON_TIME_WITH_OVERDUE = ("Tỷ lệ giải quyết trước hạn, đúng hạn trên số hồ sơ đã giải quyết "
                        "và quá hạn chưa giải quyết",
                        "Handled early or on time, of the dossiers handled plus those "
                        "overdue and not yet handled")
ONLINE_SUBMISSION = ("Tỷ lệ hồ sơ nộp trực tuyến trên số hồ sơ tiếp nhận",
                     "Dossiers submitted online, of the dossiers received")
ONLINE_PAYMENT = ("Tỷ lệ hồ sơ thanh toán trực tuyến trên số hồ sơ tiếp nhận phải nộp phí, "
                  "lệ phí", "Dossiers paid online, of the dossiers received with a fee to pay")
ELECTRONIC_RESULT = ("Tỷ lệ kết quả giải quyết được cấp bản điện tử trên số hồ sơ đã giải quyết",
                     "Results issued electronically, of the dossiers handled")
DIGITISATION = ("Tỷ lệ hồ sơ được số hóa trên số hồ sơ tiếp nhận",
                "Dossiers digitised, of the dossiers received")


@dataclass
class _Tally:
    carried_over: int = 0
    received: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    open_within_time: int = 0
    open_overdue: int = 0
    net_time: timedelta = timedelta(0)
    online: int = 0
    fee_payable: int = 0
    paid_online: int = 0
    electronic_result: int = 0
    digitised: int = 0

    @property
    def handled(self) -> int:
        return self.early + self.on_time + self.late


def summarise_dossiers(
    dossiers: Iterable[Dossier],
    *,
    period: Period,
    as_of: datetime,
    by: tuple[str, ...] = (),
) -> dict[tuple[str, ...], DossierSummary]:
    """The period's figures for each group of `by` (a subset of GROUPINGS, in order);
    `by=()` gives one total under the key `()`. Groups with nothing to count are left
    out. Check the dossiers first with `fansipan.domain.dossiers.check_dossiers`."""
    require_aware(as_of, field="as_of")
    unknown = [name for name in by if name not in GROUPINGS]
    if unknown:
        raise ValueError(f"cannot group dossiers by {unknown}; use {GROUPINGS}")
    start = start_of_day(period.start)
    end = start_of_day(period.end + timedelta(days=1))
    cutoff = min(end, as_of)
    tallies: dict[tuple[str, ...], _Tally] = {}
    for dossier in dossiers:
        if dossier.received_at >= cutoff:
            continue  # not yet received when the figures are taken
        key = group_key(dossier, by)
        tally = tallies.setdefault(key, _Tally())
        _count(tally, dossier, start=start, cutoff=cutoff)
    return {key: _summary(period, key, tally) for key, tally in tallies.items()
            if _counted(tally)}


def group_key(dossier: Dossier, by: tuple[str, ...]) -> tuple[str, ...]:
    """The key `summarise_dossiers` files `dossier` under."""
    return tuple(str(getattr(dossier, name)) for name in by)


def _count(tally: _Tally, dossier: Dossier, *, start: datetime, cutoff: datetime) -> None:
    # The cutoff is exclusive, like the period's end: a completion at that very moment
    # belongs to the next period.
    done = dossier.completed_at
    completed = done if done is not None and done < cutoff else None
    if dossier.received_at < start and (done is None or done >= start):
        tally.carried_over += 1
    if dossier.received_at >= start:
        tally.received += 1
        tally.online += dossier.submitted_online
        tally.fee_payable += dossier.fee_payable
        tally.paid_online += dossier.fee_payable and dossier.paid_online
        tally.digitised += dossier.digitised
    if completed is None:
        if cutoff > effective_due(dossier, at=cutoff):
            tally.open_overdue += 1
        else:
            tally.open_within_time += 1
    elif completed >= start:
        status = classify_dossier(dossier, as_of=completed)
        if status is DossierStatus.EARLY:
            tally.early += 1
        elif status is DossierStatus.ON_TIME:
            tally.on_time += 1
        else:
            tally.late += 1
        tally.electronic_result += dossier.electronic_result
        tally.net_time += net_processing_time(dossier) or timedelta(0)


def _counted(tally: _Tally) -> bool:
    return bool(tally.carried_over or tally.received or tally.handled
                or tally.open_within_time or tally.open_overdue)


def _summary(period: Period, key: tuple[str, ...], t: _Tally) -> DossierSummary:
    handled = t.handled
    in_time = t.early + t.on_time
    average = (t.net_time / timedelta(days=1) / handled) if handled else None
    return DossierSummary(
        period=period.id, key=key, carried_over=t.carried_over, received=t.received,
        handled=handled, early=t.early, on_time=t.on_time, late=t.late,
        open_within_time=t.open_within_time, open_overdue=t.open_overdue,
        average_days=average,
        on_time_rate_handled=Rate(in_time, handled, *ON_TIME_HANDLED),
        on_time_rate_with_overdue=Rate(in_time, handled + t.open_overdue,
                                       *ON_TIME_WITH_OVERDUE),
        online_submission_rate=Rate(t.online, t.received, *ONLINE_SUBMISSION),
        online_payment_rate=Rate(t.paid_online, t.fee_payable, *ONLINE_PAYMENT),
        electronic_result_rate=Rate(t.electronic_result, handled, *ELECTRONIC_RESULT),
        digitisation_rate=Rate(t.digitised, t.received, *DIGITISATION),
    )
