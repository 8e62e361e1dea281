"""Key tasks through the services: assigning, reporting, extending, completing,
cancelling and reopening, the statuses that follow on any day, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from fansipan.analytics.warehouse import Warehouse
from fansipan.domain.access import Principal
from fansipan.domain.tasks import TaskStatus
from fansipan.errors import Conflict, NotFound, PermissionDenied, ValidationError
from fansipan.services.direction.directives import create_directive, list_directives
from fansipan.services.direction.shapes import (
    DirectiveCreate,
    EventKind,
    TaskCreate,
    TaskEventCreate,
)
from fansipan.services.direction.task_events import record_event
from fansipan.services.direction.task_rates import completion_rates
from fansipan.services.direction.task_views import TaskQuery, list_tasks
from fansipan.services.direction.tasks import create_tasks, get_task
from fansipan.services.trust.audit import AuditQuery, search_events
from tests.services.direction.conftest import CALENDAR, Account, People, assign, directive

S = TaskStatus


def event(session: Session, who: Account, task: int, kind: EventKind, **fields: object) -> None:
    record_event(session=session, principal=who.principal, task_id=task,
                 data=TaskEventCreate(kind=kind, **fields), calendar=CALENDAR)  # type: ignore[arg-type]


def status(session: Session, who: Account, task: int, on: date) -> TaskStatus:
    return get_task(session=session, warehouse=Warehouse(), principal=who.principal,
                    task_id=task, calendar=CALENDAR, on=on).status


def test_a_task_from_assignment_to_completion_with_an_extension(
        session: Session, people: People) -> None:
    d = directive(session, people.leader)
    t = assign(session, people.leader, d, title="Phủ sóng di động các thôn vùng lõm",
               deadline=date(2022, 6, 30), co_units=["083"], indicators=["VT_THON_VUNG_LOM"])
    assert status(session, people.officer, t, date(2022, 2, 1)) is S.NOT_STARTED_ON_TIME
    event(session, people.officer, t, EventKind.PROGRESS, on=date(2022, 3, 1), percent=40,
          note="Đã khảo sát 12 thôn")
    assert status(session, people.officer, t, date(2022, 3, 1)) is S.IN_PROGRESS_ON_TIME
    assert status(session, people.officer, t, date(2022, 7, 1)) is S.IN_PROGRESS_OVERDUE
    # The deadline is moved by a document of the assigning side, never overwritten.
    event(session, people.leader, t, EventKind.EXTENSION, on=date(2022, 6, 20),
          new_deadline=date(2022, 9, 30), document="125/UBND-TH", reason="Chờ vốn")
    assert status(session, people.officer, t, date(2022, 7, 1)) is S.IN_PROGRESS_ON_TIME
    event(session, people.officer, t, EventKind.COMPLETION, on=date(2022, 9, 15),
          document="Báo cáo 88/BC-UBND")
    detail = get_task(session=session, warehouse=Warehouse(), principal=people.officer.principal,
                      task_id=t, calendar=CALENDAR, on=date(2022, 12, 31))
    assert detail.status is S.DONE_ON_TIME
    assert (detail.deadline, detail.original_deadline, detail.extensions) == (
        date(2022, 9, 30), date(2022, 6, 30), 1)
    assert (detail.completed_on, detail.progress) == (date(2022, 9, 15), 100.0)
    assert [e.kind for e in detail.events] == [EventKind.PROGRESS, EventKind.EXTENSION,
                                               EventKind.COMPLETION]
    assert [u.code for u in detail.co_units] == ["083"]
    assert [i.code for i in detail.indicators] == ["VT_THON_VUNG_LOM"]
    assert detail.may_update and not detail.may_assign
    # The history as it stood: on 1 July, before the extension, it was overdue…
    assert status(session, people.officer, t, date(2022, 6, 19)) is S.IN_PROGRESS_ON_TIME
    # …and every change is in the audit log.
    logged = {e.action for e in search_events(session=session,
                                              principal=Principal.system("tests"),
                                              query=AuditQuery(limit=200))}
    assert {"directive.create", "task.create", "task.progress", "task.extension",
            "task.completion"} <= logged


def test_a_done_task_changes_only_after_a_reopening_with_its_reason(
        session: Session, people: People) -> None:
    d = directive(session, people.leader)
    t = assign(session, people.leader, d)
    event(session, people.officer, t, EventKind.COMPLETION, on=date(2022, 7, 4))
    assert status(session, people.officer, t, date(2022, 7, 4)) is S.DONE_LATE
    with pytest.raises(Conflict):
        event(session, people.officer, t, EventKind.PROGRESS, on=date(2022, 7, 5), percent=50)
    with pytest.raises(ValidationError) as no_reason:
        event(session, people.leader, t, EventKind.REOPENING, on=date(2022, 7, 5))
    assert no_reason.value.errors[0].field == "reason"
    event(session, people.leader, t, EventKind.REOPENING, on=date(2022, 7, 5),
          reason="Kết quả chưa đạt yêu cầu")
    assert status(session, people.officer, t, date(2022, 7, 5)) is S.NOT_STARTED_OVERDUE
    with pytest.raises(ValidationError) as no_reason:
        event(session, people.leader, t, EventKind.CANCELLATION, on=date(2022, 7, 6))
    event(session, people.leader, t, EventKind.CANCELLATION, on=date(2022, 7, 6),
          reason="Không còn phù hợp", document="200/UBND-TH")
    assert status(session, people.officer, t, date(2022, 8, 1)) is S.CANCELLED


def test_events_come_in_date_order_and_never_from_the_future(
        session: Session, people: People) -> None:
    d = directive(session, people.leader)
    t = assign(session, people.leader, d)
    event(session, people.officer, t, EventKind.PROGRESS, on=date(2022, 3, 1), percent=20)
    with pytest.raises(ValidationError) as early:
        event(session, people.officer, t, EventKind.COMMENT, on=date(2022, 2, 1), note="x")
    assert early.value.errors[0].field == "on"
    with pytest.raises(ValidationError) as future:
        event(session, people.officer, t, EventKind.PROGRESS, on=date(2999, 1, 1), percent=30)
    assert future.value.errors[0].field == "on"
    with pytest.raises(ValidationError) as hundred:
        event(session, people.officer, t, EventKind.PROGRESS, on=date(2022, 3, 2), percent=100)
    assert hundred.value.errors[0].field == "percent"
    with pytest.raises(ValidationError) as earlier_deadline:
        event(session, people.leader, t, EventKind.EXTENSION, on=date(2022, 3, 3),
              new_deadline=date(2022, 5, 1), document="1/UBND")
    assert earlier_deadline.value.errors[0].field in ("new_deadline", "number")
    with pytest.raises(ValidationError) as no_document:
        event(session, people.leader, t, EventKind.EXTENSION, on=date(2022, 3, 3),
              new_deadline=date(2022, 8, 1))
    assert no_document.value.errors[0].field == "document"
    detail = get_task(session=session, warehouse=Warehouse(), principal=people.leader.principal,
                      task_id=t, calendar=CALENDAR, on=date(2022, 3, 3))
    assert len(detail.events) == 1  # nothing refused was kept


def test_deadlines_in_working_days_skip_tet_and_count_lateness_in_working_days(
        session: Session, people: People) -> None:
    d = directive(session, people.leader, number="08/TB-UBND", issued_on=date(2026, 2, 13),
                  working_days=True)
    # Received Friday 13/02/2026, three working days: Tết closes 16–20/02, so 25/02.
    t = assign(session, people.leader, d, deadline=None, within_days=3,
               assigned_on=date(2026, 2, 13), lead="02647")
    detail = get_task(session=session, warehouse=Warehouse(), principal=people.leader.principal,
                      task_id=t, calendar=CALENDAR, on=date(2026, 2, 25))
    assert (detail.deadline, detail.deadline_working_days) == (date(2026, 2, 25), 3)
    assert detail.status is S.NOT_STARTED_ON_TIME
    late = get_task(session=session, warehouse=Warehouse(), principal=people.leader.principal,
                    task_id=t, calendar=CALENDAR, on=date(2026, 3, 2))
    # Overdue from 26/02; by Monday 02/03 that is 5 calendar days but 3 working days.
    assert late.status is S.NOT_STARTED_OVERDUE
    assert (late.days_late, late.working_days_late) == (5, 3)
    # An extension of 2 working days from Friday 27/02 is Tuesday 03/03.
    event(session, people.leader, t, EventKind.EXTENSION, on=date(2026, 2, 27), within_days=2,
          document="09/TB-UBND")
    again = get_task(session=session, warehouse=Warehouse(), principal=people.leader.principal,
                     task_id=t, calendar=CALENDAR, on=date(2026, 3, 2))
    assert (again.deadline, again.status) == (date(2026, 3, 3), S.NOT_STARTED_ON_TIME)


def test_an_officer_updates_only_their_units_tasks(session: Session, people: People) -> None:
    d = directive(session, people.leader)
    mine = assign(session, people.leader, d, lead="082")
    theirs = assign(session, people.leader, d, lead="088")
    event(session, people.officer, mine, EventKind.PROGRESS, on=date(2022, 2, 1), percent=10)
    # Sa Pa's task is not even visible to Bát Xát's officer: it is as missing as none.
    with pytest.raises(NotFound):
        event(session, people.officer, theirs, EventKind.PROGRESS, on=date(2022, 2, 1),
              percent=10)
    with pytest.raises(NotFound):
        get_task(session=session, warehouse=Warehouse(), principal=people.foreign.principal,
                 task_id=mine, calendar=CALENDAR)
    # An officer reports; only a leader over the unit extends or cancels.
    with pytest.raises(PermissionDenied):
        event(session, people.officer, mine, EventKind.EXTENSION, on=date(2022, 2, 2),
              new_deadline=date(2022, 12, 31), document="1/UBND-TH")
    # A reader of Bát Xát sees the task but may not report on it.
    assert status(session, people.reader, mine, date(2022, 2, 2)) is S.IN_PROGRESS_ON_TIME
    with pytest.raises(PermissionDenied):
        event(session, people.reader, mine, EventKind.PROGRESS, on=date(2022, 2, 3), percent=20)
    # A district leader assigns within the district only.
    with pytest.raises(PermissionDenied):
        assign(session, people.district_leader, d, lead="088")
    own = assign(session, people.district_leader, d, lead="02683")  # a commune of Bát Xát
    assert status(session, people.officer, own, date(2022, 2, 1)) is S.NOT_STARTED_ON_TIME
    # Officers do not assign.
    with pytest.raises(PermissionDenied):
        assign(session, people.officer, d, lead="082")


def test_leaders_see_every_task_in_scope_overdue_first(session: Session, people: People) -> None:
    d = directive(session, people.leader)
    done = assign(session, people.leader, d, title="done", deadline=date(2022, 3, 31))
    soon = assign(session, people.leader, d, title="soon", deadline=date(2022, 5, 31))
    late = assign(session, people.leader, d, title="late", deadline=date(2022, 2, 28))
    later = assign(session, people.leader, d, title="later", deadline=date(2022, 1, 31))
    other = assign(session, people.leader, d, title="other", lead="088",
                   deadline=date(2022, 1, 31))
    event(session, people.officer, done, EventKind.COMPLETION, on=date(2022, 3, 1))
    on = date(2022, 4, 1)
    listed = list_tasks(session=session, warehouse=Warehouse(), principal=people.leader.principal,
                        query=TaskQuery(on=on), calendar=CALENDAR)
    # The most overdue first, then the others by deadline, the done one last.
    assert [t.id for t in listed] == [later, other, late, soon, done]
    assert [t.overdue for t in listed] == [True, True, True, False, False]
    district = list_tasks(session=session, warehouse=Warehouse(),
                          principal=people.district_leader.principal, query=TaskQuery(on=on),
                          calendar=CALENDAR)
    assert other not in [t.id for t in district] and len(district) == 4
    overdue = list_tasks(session=session, warehouse=Warehouse(),
                         principal=people.leader.principal,
                         query=TaskQuery(on=on, status=(S.NOT_STARTED_OVERDUE,)),
                         calendar=CALENDAR)
    assert {t.id for t in overdue} == {later, other, late}
    assert [d.number for d in list_directives(session=session,
                                              principal=people.officer.principal)] == [
        "15/KH-UBND"]


def test_the_completion_rate_counts_only_tasks_fallen_due(
        session: Session, people: People) -> None:
    d = directive(session, people.leader)
    on_time = [assign(session, people.leader, d, deadline=date(2022, 3, 31)) for _ in range(2)]
    late = assign(session, people.leader, d, deadline=date(2022, 2, 28))
    assign(session, people.leader, d, deadline=date(2022, 3, 15))  # overdue, still open
    assign(session, people.leader, d, deadline=date(2022, 12, 31))  # within its deadline
    assign(session, people.leader, d, deadline=date(2022, 12, 31), lead="088")
    cancelled = assign(session, people.leader, d, deadline=date(2022, 2, 1))
    for t in on_time:
        event(session, people.officer, t, EventKind.COMPLETION, on=date(2022, 3, 20))
    event(session, people.officer, late, EventKind.COMPLETION, on=date(2022, 3, 20))
    event(session, people.leader, cancelled, EventKind.CANCELLATION, on=date(2022, 1, 25),
          reason="Trùng nhiệm vụ khác")
    rates = completion_rates(session=session, warehouse=Warehouse(),
                             principal=people.leader.principal, query=TaskQuery(
                                 on=date(2022, 4, 1)), by="unit", calendar=CALENDAR)
    total = rates.total
    # 3 done of the 4 fallen due: 75 %, not 3 of 7; the two in time and the cancelled
    # one are outside the denominator.
    assert (total.total, total.due, total.done_on_time, total.done_late) == (7, 4, 2, 1)
    assert (total.open_overdue, total.open_in_time, total.cancelled) == (1, 2, 1)
    assert total.rate == pytest.approx(75.0) and total.rate_text == "75,00%"
    assert total.on_time_rate == pytest.approx(50.0)
    by_unit = {g.key: g for g in rates.groups}
    assert set(by_unit) == {"082", "088"}
    assert by_unit["088"].due == 0 and by_unit["088"].rate is None
    assert by_unit["082"].rate == pytest.approx(75.0)


def test_a_directive_is_recorded_once_with_a_well_formed_number(
        session: Session, people: People) -> None:
    directive(session, people.leader)
    with pytest.raises(Conflict):
        directive(session, people.leader)
    with pytest.raises(ValidationError) as bad:
        create_directive(session=session, principal=people.leader.principal,
                         data=DirectiveCreate(number="5/KH-UBND", issued_on=date(2022, 1, 5),
                                              issuer="UBND tỉnh", excerpt="Kế hoạch"))
    assert bad.value.errors[0].field == "number" and "05" in bad.value.errors[0].message
    with pytest.raises(PermissionDenied):
        directive(session, people.officer, number="16/KH-UBND")


def test_tasks_are_created_all_or_nothing_with_every_problem_named(
        session: Session, people: People) -> None:
    d = directive(session, people.leader)
    items = [TaskCreate(directive=d, title="Thứ nhất", lead_unit="082", deadline=date(2022, 5, 1)),
             TaskCreate(directive=d, title="Thứ hai", lead_unit="9999", deadline=date(2022, 5, 1)),
             TaskCreate(directive=d, title="Thứ ba", lead_unit="082", deadline=date(2021, 5, 1))]
    with pytest.raises(ValidationError) as refused:
        create_tasks(session=session, principal=people.leader.principal, items=items,
                     calendar=CALENDAR)
    assert [(e.row, e.field) for e in refused.value.errors] == [(2, "lead_unit"),
                                                               (3, "deadline")]
    assert list_tasks(session=session, warehouse=Warehouse(), principal=people.leader.principal,
                      query=TaskQuery(on=date(2022, 6, 1)), calendar=CALENDAR) == []
