"""Decision 766 dossier rules and feedback ratios, checked on hand-made cases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from fansipan.domain.dossier_stats import summarise_dossiers
from fansipan.domain.dossiers import (
    Dossier,
    DossierStatus,
    OnlineService,
    Pause,
    check_dossiers,
    classify_dossier,
    effective_due,
    net_processing_time,
    paused_time,
)
from fansipan.domain.feedback import FeedbackRecord, Timeliness, summarise_feedback
from fansipan.domain.local_time import VIETNAM
from fansipan.domain.periods import Period
from fansipan.domain.rates import Rate
from fansipan.errors import ValidationError

EARLY, ON_TIME, LATE = DossierStatus.EARLY, DossierStatus.ON_TIME, DossierStatus.LATE
OPEN_OK, OPEN_LATE = DossierStatus.OPEN_WITHIN_TIME, DossierStatus.OPEN_OVERDUE


def t(day: int, hour: int = 8, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=VIETNAM)


def dossier(number: str, received: datetime, due: datetime, completed: datetime | None = None,
            *pauses: Pause, agency: str = "so-tu-phap", **flags: object) -> Dossier:
    return Dossier(number=number, procedure_code="1.001", agency_code=agency,
                   unit_code="15", received_at=received, due_at=due, completed_at=completed,
                   pauses=pauses, **flags)  # type: ignore[arg-type]


RECEIVED, DUE = t(3), t(5, 17)  # Monday 08:00, Wednesday 17:00


@pytest.mark.parametrize(
    ("completed", "expected"),
    [
        (t(4, 10), EARLY),  # the day before the due day
        (t(4, 23, 30), EARLY),  # still Tuesday in Vietnam
        (datetime.fromisoformat("2025-03-04T17:30:00+00:00"), ON_TIME),  # 00:30 Wednesday
        (t(5, 16), ON_TIME),
        (DUE, ON_TIME),  # at the due moment itself
        (DUE + timedelta(seconds=1), LATE),
        (t(6, 9), LATE),
    ],
)
def test_a_completed_dossier_is_early_on_time_or_late(completed: datetime,
                                                      expected: DossierStatus) -> None:
    d = dossier("H1", RECEIVED, DUE, completed)
    assert classify_dossier(d, as_of=t(20)) is expected
    assert classify_dossier(d, as_of=completed - timedelta(seconds=1)) in (OPEN_OK, OPEN_LATE)
    assert classify_dossier(d, as_of=RECEIVED - timedelta(seconds=1)) is None


def test_waiting_for_documents_moves_the_due_moment_later() -> None:
    # Paused 48 hours (Tuesday 08:00 to Thursday 08:00): due Friday 17:00 instead.
    pause = Pause(t(4), t(6))
    d = dossier("H4", RECEIVED, DUE, t(7, 9), pause)
    assert paused_time(d, until=t(7, 9)) == timedelta(hours=48)
    assert effective_due(d, at=t(7, 9)) == t(7, 17)
    assert classify_dossier(d, as_of=t(20)) is ON_TIME  # late without the pause
    assert net_processing_time(d) == timedelta(hours=97 - 48)
    # While it waited, the clock stood still: on Thursday morning it was within time.
    assert classify_dossier(d, as_of=t(6, 7)) is OPEN_OK
    # A pause that began after the due moment still moves it (by 24 hours here).
    after = dossier("H7", RECEIVED, DUE, t(7, 10), Pause(t(6), t(7)))
    assert effective_due(after, at=t(7, 10)) == t(6, 17)
    assert classify_dossier(after, as_of=t(20)) is LATE


def test_an_open_dossier_still_waiting_never_falls_overdue_while_it_waits() -> None:
    waiting = dossier("H5", RECEIVED, DUE, None, Pause(t(5, 9)))
    for day in (5, 6, 10, 31):
        assert classify_dossier(waiting, as_of=t(day, 12)) is OPEN_OK
    assert paused_time(waiting, until=t(6, 9)) == timedelta(hours=24)
    assert paused_time(waiting, until=t(5, 8)) == timedelta(0)  # not begun yet
    stuck = dossier("H6", RECEIVED, DUE)
    assert classify_dossier(stuck, as_of=t(5, 12)) is OPEN_OK
    assert classify_dossier(stuck, as_of=DUE) is OPEN_OK
    assert classify_dossier(stuck, as_of=DUE + timedelta(seconds=1)) is OPEN_LATE
    assert net_processing_time(stuck) is None


def test_inconsistent_dossiers_are_refused_with_every_problem_named() -> None:
    good = dossier("OK", RECEIVED, DUE, t(4))
    bad = [
        dossier("A", RECEIVED, t(2)),
        dossier("B", RECEIVED, DUE, t(2)),
        dossier("C", RECEIVED, DUE, t(10), Pause(t(4), t(6)), Pause(t(5), t(7))),
        dossier("D", RECEIVED, DUE, None, Pause(t(4)), Pause(t(6), t(7))),
        dossier("E", RECEIVED, DUE, t(10), Pause(t(4))),
        dossier("F", RECEIVED, DUE, t(4), Pause(t(3, 10), t(5))),
        dossier("G", RECEIVED, DUE, paid_online=True),
        dossier("H", RECEIVED, DUE, submitted_online=True),
        dossier("I", datetime(2025, 3, 3, 8), DUE),
        dossier("J", RECEIVED, DUE, None, Pause(t(2), t(4))),
    ]
    assert check_dossiers([good]) == [good]
    with pytest.raises(ValidationError) as caught:
        check_dossiers([good, *bad])
    found = [(e.row, e.field) for e in caught.value.errors]
    assert found == [
        (2, "due_at"), (3, "completed_at"), (4, "pauses[2].start"), (5, "pauses[1].end"),
        (6, "pauses[1].end"), (7, "pauses[1].end"), (8, "paid_online"),
        (9, "submitted_online"), (10, "received_at"), (11, "pauses[1].start"),
    ]
    assert caught.value.errors[0].message.startswith("hồ sơ A / dossier A: ")
    assert "online" in caught.value.errors[7].message


# --------------------------------------------------------------------------- aggregates

MARCH = Period.month_of(2025, 3)
FULL, PARTIAL = OnlineService.FULL, OnlineService.PARTIAL


def march() -> list[Dossier]:
    return [
        # Carried over from February, handled late in March: 170 hours.
        dossier("C", t(25, month=2), t(27, 17, month=2), t(4, 10)),
        # Handled in February: in no March figure.
        dossier("X", t(20, month=2), t(24, 17, month=2), t(21, month=2)),
        dossier("D1", RECEIVED, DUE, t(4, 10), submitted_online=True, online_service=FULL,
                fee_payable=True, paid_online=True, electronic_result=True, digitised=True),
        dossier("D2", RECEIVED, DUE, t(5, 16), submitted_online=True,
                online_service=PARTIAL, fee_payable=True, digitised=True),
        dossier("D3", RECEIVED, DUE, t(5, 17, 30), online_service=FULL, fee_payable=True,
                paid_online=True, digitised=True),
        dossier("D4", RECEIVED, DUE, t(7, 9), Pause(t(4), t(6)), submitted_online=True,
                online_service=FULL, electronic_result=True),
        dossier("D6", RECEIVED, DUE, digitised=True),  # never completed: overdue
        dossier("D11", t(10), t(12, 17), t(1, 0, month=4)),  # done at the very end: open
        dossier("D8", t(31, 10), t(2, 17, month=4), agency="so-xay-dung"),
        dossier("D10", t(28), t(3, 17, month=4), t(2, month=4), agency="so-xay-dung"),
    ]


def test_the_month_s_figures_by_hand() -> None:
    (total,) = summarise_dossiers(march(), period=MARCH, as_of=t(10, month=4)).values()
    assert total.period == "2025-03" and total.key == ()
    assert (total.carried_over, total.received, total.handled) == (1, 8, 5)
    assert (total.early, total.on_time, total.late) == (1, 2, 2)
    assert (total.open_within_time, total.open_overdue) == (2, 2)
    # Net hours: C 170, D1 26, D2 56, D3 57.5, D4 97 − 48 = 49; 358.5 h over 5 dossiers.
    assert total.average_days == pytest.approx(358.5 / 5 / 24)
    assert total.on_time_rate_handled.percent == pytest.approx(60.0)  # 3 of 5
    assert total.on_time_rate_with_overdue.percent == pytest.approx(300 / 7)  # 3 of 5 + 2
    assert (total.on_time_rate_with_overdue.numerator,
            total.on_time_rate_with_overdue.denominator) == (3, 7)
    assert "đã giải quyết và quá hạn chưa giải quyết" in total.on_time_rate_with_overdue.label()
    assert total.on_time_rate_handled.label("en").endswith("of the dossiers handled")
    assert total.online_submission_rate.percent == pytest.approx(37.5)  # 3 of 8 received
    assert total.online_payment_rate.percent == pytest.approx(200 / 3)  # 2 of 3 with a fee
    assert total.electronic_result_rate.percent == pytest.approx(40.0)  # 2 of 5 handled
    assert total.digitisation_rate.percent == pytest.approx(50.0)  # 4 of 8 received


def test_grouped_by_agency_the_parts_add_up_to_the_total() -> None:
    groups = summarise_dossiers(march(), period=MARCH, as_of=t(10, month=4),
                                by=("agency_code",))
    assert set(groups) == {("so-tu-phap",), ("so-xay-dung",)}
    justice, building = groups[("so-tu-phap",)], groups[("so-xay-dung",)]
    assert (justice.received, justice.handled, justice.open_overdue) == (6, 5, 2)
    assert (building.received, building.handled, building.open_within_time) == (2, 0, 2)
    assert building.on_time_rate_handled.percent is None  # nothing handled: no rate
    assert building.average_days is None
    by_both = summarise_dossiers(march(), period=MARCH, as_of=t(10, month=4),
                                 by=("agency_code", "unit_code"))
    assert set(by_both) == {("so-tu-phap", "15"), ("so-xay-dung", "15")}
    with pytest.raises(ValueError, match="cannot group"):
        summarise_dossiers(march(), period=MARCH, as_of=t(10, month=4), by=("citizen",))


def test_figures_taken_mid_period_see_only_what_had_happened() -> None:
    (early,) = summarise_dossiers(march(), period=MARCH, as_of=t(5, 12)).values()
    assert (early.received, early.handled, early.early, early.late) == (5, 2, 1, 1)
    # D2, D3 not done yet, D4 waiting for documents, D6 within its time at noon on the 5th.
    assert (early.open_within_time, early.open_overdue) == (4, 0)
    (february,) = summarise_dossiers(march(), period=Period.month_of(2025, 2),
                                     as_of=t(10, month=4)).values()
    assert (february.received, february.handled, february.open_overdue) == (2, 1, 1)


# --------------------------------------------------------------------------- feedback


def test_the_feedback_ratios_of_decision_766_by_hand() -> None:
    rows = (
        [FeedbackRecord(True, Timeliness.ON_TIME)] * 4
        + [FeedbackRecord(True, Timeliness.ON_TIME, dissatisfied=True)] * 2
        + [FeedbackRecord(True, Timeliness.LATE)]
        + [FeedbackRecord(True, Timeliness.LATE, dissatisfied=True)]
        + [FeedbackRecord(True, Timeliness.OPEN_WITHIN_TIME, dissatisfied=True)]  # ignored
        + [FeedbackRecord(True, Timeliness.OPEN_OVERDUE)]
        + [FeedbackRecord(False, Timeliness.ON_TIME)] * 3  # another body's, or duplicates
    )
    s = summarise_feedback(rows)
    assert (s.total, s.within_remit, s.handled) == (13, 10, 8)
    assert (s.handled_on_time, s.handled_late, s.open_within_time, s.open_overdue) == (6, 2, 1, 1)
    assert (s.dissatisfied, s.dissatisfied_and_late) == (3, 1)
    assert s.on_time_rate.percent == pytest.approx(60.0)  # 6 of 10 within the remit
    # 8 handled − (3 dissatisfied + 2 late − 1 both) = 4 satisfied, of 10.
    assert (s.satisfaction_rate.numerator, s.satisfaction_rate.denominator) == (4, 10)
    literal = (s.handled - s.dissatisfied - s.handled_late) / s.within_remit
    assert literal == pytest.approx(0.3)  # the subtraction taken literally, from the counts
    assert "thuộc thẩm quyền" in s.on_time_rate.label()


def test_rates_keep_their_counts_and_refuse_nonsense() -> None:
    assert Rate(0, 0, "a", "b").percent is None
    assert Rate(1, 4, "a", "b").percent == 25.0
    assert Rate(1, 4, "a", "b").label("en") == "b"
    with pytest.raises(ValueError, match="exceed"):
        Rate(5, 4, "a", "b")
    assert summarise_feedback([]).on_time_rate.percent is None
