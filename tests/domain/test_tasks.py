from __future__ import annotations

from datetime import date, datetime

import pytest

from fansipan.domain.calendar import vietnam_calendar
from fansipan.domain.tasks import (
    Cancelled,
    Completed,
    CompletionRate,
    DeadlineExtended,
    ProgressReported,
    Reopened,
    Task,
    TaskEvent,
    TaskStatus,
    by_directive,
    by_unit,
    by_year,
    completion_rate,
    completion_rates,
    evaluate_task,
    evaluate_tasks,
    format_percent,
)
from fansipan.errors import Conflict, ValidationError

VN = vietnam_calendar()
S = TaskStatus


def make(*events: TaskEvent, deadline: date = date(2026, 3, 31), target: str | None = None,
         unit: str = "so-tttt", directive: str = "12/CT-UBND",
         assigned_on: date = date(2026, 3, 2), id: str = "NV-1") -> Task:
    task = Task.assign(id=id, title="Thí điểm mạng 5G tại Sa Pa", unit=unit,
                       directive=directive, assigned_on=assigned_on, deadline=deadline,
                       target=target)
    for e in events:
        task = task.record(e)
    return task


def status(task: Task, day: date, **kw: object) -> TaskStatus:
    return evaluate_task(task, on=day, **kw).status  # type: ignore[arg-type]


# -- statuses on a day ------------------------------------------------------------------------


def test_a_task_nobody_started_is_within_its_deadline_until_the_deadline_day_ends() -> None:
    task = make()
    assert status(task, date(2026, 3, 2)) is S.NOT_STARTED_ON_TIME
    assert status(task, date(2026, 3, 31)) is S.NOT_STARTED_ON_TIME  # the deadline itself
    late = evaluate_task(task, on=date(2026, 4, 1))
    assert late.status is S.NOT_STARTED_OVERDUE
    assert late.days_late == 1
    assert late.progress == 0


def test_progress_makes_a_task_in_progress_within_or_past_its_deadline() -> None:
    task = make(ProgressReported(date(2026, 3, 15), 40))
    assert status(task, date(2026, 3, 14)) is S.NOT_STARTED_ON_TIME  # not reported yet
    assert status(task, date(2026, 3, 20)) is S.IN_PROGRESS_ON_TIME
    later = evaluate_task(task, on=date(2026, 4, 5))
    assert later.status is S.IN_PROGRESS_OVERDUE
    assert later.progress == 40
    assert later.days_late == 5


def test_completion_on_or_before_the_deadline_is_on_time_after_it_late() -> None:
    on_time = evaluate_task(make(Completed(date(2026, 3, 31))), on=date(2026, 12, 31))
    assert on_time.status is S.DONE_ON_TIME
    assert on_time.progress == 100
    assert on_time.days_late == 0
    late = evaluate_task(make(ProgressReported(date(2026, 3, 20), 80),
                              Completed(date(2026, 4, 2))), on=date(2026, 12, 31))
    assert late.status is S.DONE_LATE
    assert late.days_late == 2
    assert late.completed_on == date(2026, 4, 2)
    # Before the completion was recorded it was simply overdue.
    assert status(make(Completed(date(2026, 4, 2))), date(2026, 4, 1)) is S.NOT_STARTED_OVERDUE


def test_a_cancelled_task_is_shown_with_its_reason() -> None:
    ev = evaluate_task(make(Cancelled(date(2026, 3, 20), "Trùng với nhiệm vụ NV-7")),
                       on=date(2026, 4, 30))
    assert ev.status is S.CANCELLED
    assert ev.cancelled_on == date(2026, 3, 20)
    assert ev.cancel_reason == "Trùng với nhiệm vụ NV-7"
    assert ev.days_late == 0


def test_every_status_has_both_labels() -> None:
    assert S.DONE_ON_TIME.label() == "Hoàn thành đúng hạn"
    assert S.DONE_LATE.label("vi") == "Hoàn thành quá hạn"
    assert S.IN_PROGRESS_ON_TIME.label() == "Đang thực hiện trong hạn"
    assert S.IN_PROGRESS_OVERDUE.label() == "Đang thực hiện quá hạn"
    assert S.NOT_STARTED_ON_TIME.label() == "Chưa thực hiện (trong hạn)"
    assert S.NOT_STARTED_OVERDUE.label() == "Chưa thực hiện (quá hạn)"
    assert S.CANCELLED.label() == "Đã hủy"
    assert S.DONE_LATE.label("en") == "Completed late"
    assert len({s.label("en") for s in S}) == len(S)


# -- deadlines and their extensions -----------------------------------------------------------


def test_an_extension_is_an_event_and_the_last_one_is_in_force() -> None:
    task = make(
        ProgressReported(date(2026, 3, 15), 30),
        DeadlineExtended(date(2026, 3, 25), date(2026, 4, 30), "45/UBND-TH", "Chờ vốn"),
        DeadlineExtended(date(2026, 4, 28), date(2026, 5, 29), "61/UBND-TH"),
        Completed(date(2026, 5, 20)),
    )
    assert task.deadline == date(2026, 3, 31)  # the original is kept
    before = evaluate_task(task, on=date(2026, 3, 20))
    assert before.deadline == date(2026, 3, 31) and before.extensions == 0
    middle = evaluate_task(task, on=date(2026, 4, 15))
    assert middle.status is S.IN_PROGRESS_ON_TIME  # past the first deadline, within the new one
    assert middle.deadline == date(2026, 4, 30) and middle.extensions == 1
    done = evaluate_task(task, on=date(2026, 12, 31))
    assert done.status is S.DONE_ON_TIME
    assert done.deadline == date(2026, 5, 29)
    assert done.original_deadline == date(2026, 3, 31)
    assert done.extensions == 2
    state = task.state_on(date(2026, 12, 31))
    assert [(x.deadline, x.document) for x in state.extensions] == [
        (date(2026, 4, 30), "45/UBND-TH"), (date(2026, 5, 29), "61/UBND-TH")]


def test_an_extension_granted_after_the_deadline_ends_the_overdue_spell() -> None:
    task = make(DeadlineExtended(date(2026, 4, 3), date(2026, 4, 30), "52/UBND-TH"))
    assert status(task, date(2026, 4, 2)) is S.NOT_STARTED_OVERDUE
    assert status(task, date(2026, 4, 3)) is S.NOT_STARTED_ON_TIME


def test_an_extension_must_move_the_deadline_later_and_name_its_document() -> None:
    with pytest.raises(ValidationError) as caught:
        make(DeadlineExtended(date(2026, 3, 10), date(2026, 3, 20), "45/UBND-TH"))
    error = caught.value.errors[0]
    assert error.field == "new_deadline" and error.row == 1
    assert "gia hạn phải lùi hạn về sau" in error.message
    assert "must move the deadline later" in error.message
    with pytest.raises(ValidationError) as caught:
        make(DeadlineExtended(date(2026, 3, 10), date(2026, 4, 20), "  "))
    assert caught.value.errors[0].field == "document"
    with pytest.raises(ValidationError, match="had already passed"):
        make(DeadlineExtended(date(2026, 6, 10), date(2026, 6, 1), "45/UBND-TH"))


def test_a_deadline_in_working_days_skips_tet() -> None:
    # Assigned on Thursday 12/02/2026 with 5 working days: 13/02, then 23–26/02 after Tết.
    task = Task.assign(id="NV-2", title="Báo cáo nhanh", unit="so-tttt",
                       directive="05/CĐ-UBND", assigned_on=date(2026, 2, 12),
                       within_working_days=5, calendar=VN)
    assert task.deadline == date(2026, 2, 26)
    assert task.deadline_working_days == 5
    # Five calendar days would have made it overdue during Tết.
    assert status(task, date(2026, 2, 20)) is S.NOT_STARTED_ON_TIME
    open_late = evaluate_task(task, on=date(2026, 3, 3), calendar=VN)
    assert open_late.status is S.NOT_STARTED_OVERDUE
    assert open_late.days_late == 5  # Friday, the weekend, Monday, Tuesday
    assert open_late.working_days_late == 3


def test_lateness_in_working_days_does_not_count_tet() -> None:
    task = make(Completed(date(2026, 2, 23)), assigned_on=date(2026, 2, 2),
                deadline=date(2026, 2, 13))
    ev = evaluate_task(task, on=date(2026, 3, 1), calendar=VN)
    assert ev.status is S.DONE_LATE
    assert ev.days_late == 10
    assert ev.working_days_late == 1
    assert evaluate_task(task, on=date(2026, 3, 1)).working_days_late is None


def test_a_deadline_is_given_one_way_only() -> None:
    for kwargs in ({}, {"deadline": date(2026, 3, 31), "within_working_days": 5}):
        with pytest.raises(ValidationError) as caught:
            Task.assign(id="NV-3", title="x", unit="u", directive="d",
                        assigned_on=date(2026, 3, 2), calendar=VN, **kwargs)  # type: ignore[arg-type]
        assert caught.value.errors[0].field == "deadline"
    with pytest.raises(ValidationError) as caught:
        Task.assign(id="NV-3", title="x", unit="u", directive="d",
                    assigned_on=date(2026, 3, 2), within_working_days=5)
    assert caught.value.errors[0].field == "within_working_days"
    with pytest.raises(ValidationError, match="before the day of assignment"):
        make(deadline=date(2026, 3, 1))


# -- legal moves --------------------------------------------------------------------------------


def test_progress_of_100_is_a_completion_not_a_report() -> None:
    with pytest.raises(ValidationError) as caught:
        make(ProgressReported(date(2026, 3, 10), 100))
    error = caught.value.errors[0]
    assert error.field == "percent" and error.row == 1
    assert "ghi sự kiện hoàn thành (Completed)" in error.message
    assert "record a completion (Completed)" in error.message


@pytest.mark.parametrize("percent", [-5, 120, float("nan"), True])
def test_progress_must_be_a_percentage(percent: float) -> None:
    with pytest.raises(ValidationError) as caught:
        make(ProgressReported(date(2026, 3, 10), percent))
    assert caught.value.errors[0].field == "percent"


def test_a_completed_task_cannot_change_without_being_reopened() -> None:
    done = make(ProgressReported(date(2026, 3, 10), 60), Completed(date(2026, 3, 20)))
    for event in (ProgressReported(date(2026, 3, 25), 0),
                  DeadlineExtended(date(2026, 3, 25), date(2026, 4, 30), "45/UBND-TH"),
                  Cancelled(date(2026, 3, 25), "Không còn cần"),
                  Completed(date(2026, 3, 25))):
        with pytest.raises(Conflict) as caught:
            done.record(event)
        text = str(caught.value)
        assert "đã hoàn thành ngày 20/03/2026" in text
        assert "record a reopening (Reopened)" in text
        assert caught.value.errors[0].row == 3
    reopened = done.record(Reopened(date(2026, 3, 25), "Kiểm tra thấy chưa đạt yêu cầu"))
    back = evaluate_task(reopened, on=date(2026, 3, 26))
    assert back.status is S.IN_PROGRESS_ON_TIME
    assert back.progress == 60  # what was reported before the completion
    assert back.completed_on is None
    assert status(reopened, date(2026, 3, 22)) is S.DONE_ON_TIME  # history is kept
    again = reopened.record(Completed(date(2026, 4, 3)))
    assert status(again, date(2026, 4, 30)) is S.DONE_LATE


def test_a_cancelled_task_cannot_change_without_being_reopened() -> None:
    cancelled = make(Cancelled(date(2026, 3, 10), "Chuyển sang năm sau"))
    with pytest.raises(Conflict, match="bị hủy ngày 10/03/2026"):
        cancelled.record(Completed(date(2026, 3, 12)))
    reopened = cancelled.record(Reopened(date(2026, 3, 12), "Tỉnh giao lại"))
    assert status(reopened, date(2026, 3, 12)) is S.NOT_STARTED_ON_TIME


def test_reopening_needs_something_to_reopen_and_a_reason() -> None:
    with pytest.raises(Conflict) as caught:
        make(Reopened(date(2026, 3, 10), "?"))
    assert "nothing to reopen" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        make(Completed(date(2026, 3, 10)), Reopened(date(2026, 3, 11), " "))
    assert caught.value.errors[0].field == "reason"
    with pytest.raises(ValidationError) as caught:
        make(Cancelled(date(2026, 3, 10), ""))
    assert caught.value.errors[0].field == "reason"


def test_events_come_in_date_order_and_not_before_assignment() -> None:
    with pytest.raises(ValidationError) as caught:
        make(ProgressReported(date(2026, 3, 20), 10), ProgressReported(date(2026, 3, 19), 20))
    assert caught.value.errors[0].row == 2
    assert "theo thứ tự ngày" in caught.value.errors[0].message
    with pytest.raises(ValidationError):
        make(ProgressReported(date(2026, 3, 1), 10))
    with pytest.raises(ValidationError) as caught:
        make(ProgressReported(datetime(2026, 3, 5, 9, 0), 10))
    assert caught.value.errors[0].field == "on"


def test_a_task_needs_its_identity() -> None:
    with pytest.raises(ValidationError) as caught:
        make(id=" ")
    assert caught.value.errors[0].field == "id"
    with pytest.raises(ValidationError) as caught:
        evaluate_task(make(), on=date(2026, 3, 1))
    assert caught.value.errors[0].field == "on"


# -- tasks completed by a met target -----------------------------------------------------------


def test_a_met_target_completes_its_task() -> None:
    task = make(ProgressReported(date(2026, 3, 10), 50), target="BC-01")
    ev = evaluate_task(task, on=date(2026, 4, 10), target_met_on=date(2026, 3, 28))
    assert ev.status is S.DONE_ON_TIME
    assert ev.completed_on == date(2026, 3, 28)
    assert ev.completed_by_target and ev.progress == 100
    assert status(task, date(2026, 4, 10), target_met_on=date(2026, 4, 6)) is S.DONE_LATE
    # A target met later than the day asked about changes nothing yet.
    assert status(task, date(2026, 3, 20), target_met_on=date(2026, 3, 28)) is (
        S.IN_PROGRESS_ON_TIME)
    # An explicit earlier completion keeps its own date.
    done = task.record(Completed(date(2026, 3, 20)))
    ev = evaluate_task(done, on=date(2026, 4, 10), target_met_on=date(2026, 3, 28))
    assert ev.completed_on == date(2026, 3, 20) and not ev.completed_by_target


def test_a_met_target_does_not_revive_a_cancelled_task() -> None:
    task = make(Cancelled(date(2026, 3, 10), "Thay bằng nhiệm vụ khác"), target="BC-01")
    assert status(task, date(2026, 4, 10), target_met_on=date(2026, 3, 28)) is S.CANCELLED


def test_only_a_task_linked_to_a_target_takes_its_date() -> None:
    with pytest.raises(ValidationError) as caught:
        evaluate_task(make(), on=date(2026, 4, 10), target_met_on=date(2026, 3, 28))
    assert caught.value.errors[0].field == "target_met_on"
    linked = make(target="BC-01", id="A")
    plain = make(id="B")
    found = evaluate_tasks([linked, plain, make(id="C", assigned_on=date(2026, 5, 4),
                                                        deadline=date(2026, 6, 30))],
                           on=date(2026, 4, 10), targets_met_on={"BC-01": date(2026, 3, 28)})
    assert [(e.task_id, e.status) for e in found] == [
        ("A", S.DONE_ON_TIME), ("B", S.NOT_STARTED_OVERDUE)]  # C was not assigned yet


# -- the completion rate -------------------------------------------------------------------------


def test_the_2017_government_arithmetic() -> None:
    """Báo cáo 1270/BC-TCTTTg: 21,914 tasks; 16,051 done (14,068 on time), 223 overdue."""
    day = date(2017, 12, 31)
    counts = {
        "on_time": 14_068,
        "late": 1_983,
        "open_in_time": 5_640,
        "overdue": 223,
    }
    tasks: list[Task] = []
    for kind, n in counts.items():
        for i in range(n):
            if kind == "on_time":
                events: tuple[TaskEvent, ...] = (Completed(date(2017, 5, 20)),)
                deadline = date(2017, 6, 30)
            elif kind == "late":
                events, deadline = (Completed(date(2017, 7, 10)),), date(2017, 6, 30)
            elif kind == "open_in_time":
                events, deadline = (ProgressReported(date(2017, 9, 1), 50),), date(2018, 3, 31)
            else:
                events, deadline = (), date(2017, 11, 30)
            tasks.append(Task(id=f"{kind}-{i}", title="t", unit=f"bo-{i % 7}",
                              directive="1270", assigned_on=date(2017, 1, 3),
                              deadline=deadline, events=events))
    rate = completion_rate(evaluate_tasks(tasks, on=day))
    assert rate.total == 21_914
    assert (rate.done, rate.done_on_time, rate.done_late) == (16_051, 14_068, 1_983)
    assert (rate.open_in_time, rate.open_overdue, rate.due) == (5_640, 223, 16_274)
    assert rate.rate is not None and rate.overdue_rate is not None
    assert round(rate.rate, 2) == 98.63
    assert round(rate.overdue_rate, 2) == 1.37
    assert format_percent(rate.rate) == "98,63%"
    assert format_percent(rate.on_time_rate) == "86,44%"
    assert format_percent(rate.late_rate) == "12,19%"
    # Done over everything assigned would have said 73,25 %: not what the rules count.
    assert format_percent(100 * rate.done / rate.total) == "73,25%"
    assert rate.sentence() == (
        "Hoàn thành 16.051/16.274 nhiệm vụ đến hạn (98,63%), trong đó 14.068 đúng hạn, "
        "1.983 quá hạn; 223 nhiệm vụ quá hạn chưa hoàn thành")
    assert rate.sentence("en") == (
        "16,051/16,274 tasks fallen due completed (98.63%): 14,068 on time, 1,983 late; "
        "223 overdue and still open")


def test_cancelled_and_not_yet_due_tasks_are_outside_the_denominator() -> None:
    day = date(2026, 4, 10)
    tasks = [
        make(Completed(date(2026, 3, 20)), id="1"),
        make(id="2", deadline=date(2026, 6, 30)),
        make(id="3", deadline=date(2026, 6, 30)),
        make(Cancelled(date(2026, 3, 5), "Trùng lặp"), id="4"),
        make(id="5", deadline=day),  # due today: still within its deadline
    ]
    rate = completion_rate(evaluate_tasks(tasks, on=day))
    assert (rate.total, rate.due, rate.done, rate.cancelled, rate.open_in_time) == (5, 1, 1, 1, 3)
    assert rate.rate == 100.0
    assert rate.not_started == 3
    tomorrow = completion_rate(evaluate_tasks(tasks, on=date(2026, 4, 11)))
    assert (tomorrow.due, tomorrow.open_overdue) == (2, 1)
    assert tomorrow.rate == 50.0


def test_nothing_fallen_due_has_no_rate() -> None:
    rate = completion_rate(evaluate_tasks([make(deadline=date(2026, 12, 31))],
                                          on=date(2026, 4, 1)))
    assert rate.rate is None
    assert format_percent(rate.rate) == "-"
    assert rate.sentence() == "Chưa có nhiệm vụ nào đến hạn (1 nhiệm vụ trong hạn)"
    assert rate.sentence("en") == "No task has fallen due yet (1 within deadline)"


def test_rates_per_unit_directive_and_year() -> None:
    day = date(2026, 12, 31)
    tasks = [
        make(Completed(date(2026, 3, 20)), id="1", unit="so-tttt"),
        make(Completed(date(2026, 4, 20)), id="2", unit="so-tttt", directive="05/CT-UBND"),
        make(id="3", unit="so-tttt", directive="05/CT-UBND"),
        make(Completed(date(2026, 3, 1)), id="4", unit="ubnd-sa-pa",
             assigned_on=date(2025, 12, 1)),
    ]
    evaluations = evaluate_tasks(tasks, on=day)
    units = completion_rates(evaluations, by_unit)
    assert units["so-tttt"] == CompletionRate(done_on_time=1, done_late=1, open_overdue=1,
                                              not_started=1)
    assert units["so-tttt"].rate is not None and round(units["so-tttt"].rate, 2) == 66.67
    assert units["ubnd-sa-pa"].rate == 100.0
    directives = completion_rates(evaluations, by_directive)
    assert directives["05/CT-UBND"].rate == 50.0
    assert directives["12/CT-UBND"].due == 2
    years = completion_rates(evaluations, by_year)
    assert sorted(years) == [2025, 2026]
    assert years[2025].done == 1 and years[2026].due == 3
    assert units["so-tttt"] + units["ubnd-sa-pa"] == completion_rate(evaluations)
