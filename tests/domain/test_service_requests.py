"""Field reports: the workflow, its refusals, deadlines, duplicates and the public view."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from fansipan.domain.duplicates import (
    DuplicateCandidate,
    haversine_metres,
    suggest_duplicates,
)
from fansipan.domain.feedback import Timeliness
from fansipan.domain.local_time import VIETNAM
from fansipan.domain.service_request_deadlines import (
    expected_datetime,
    feedback_record,
    resolved_on_time,
    timeliness,
)
from fansipan.domain.service_request_states import (
    TRANSITIONS,
    Action,
    RequestState,
    allowed_actions,
)
from fansipan.domain.service_request_views import public_view
from fansipan.domain.service_requests import (
    Answer,
    Location,
    Reporter,
    ServiceRequest,
    Step,
    apply_step,
    apply_steps,
    progress_at,
    receive_request,
)
from fansipan.errors import Conflict, ValidationError

S, A = RequestState, Action


def at(day: int, hour: int = 9, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=VIETNAM)


def weekends_only(start: date, n: int) -> date:
    """A calendar with Saturdays and Sundays off and no holidays."""
    day = start
    while n > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


SA_PA = Location(lat=22.3364, long=103.8438, address="Đường Fansipan, phường Sa Pa")
REPORTER = Reporter(first_name="An", last_name="Nguyễn Văn", email="an@example.vn",
                    phone="0912 345 678", device_id="dev-77", account_id="acc-9")


def report(**overrides: object) -> ServiceRequest:
    fields: dict[str, object] = {
        "request_id": "PA-1", "service_code": "SAT_LO", "requested_at": at(3),
        "location": SA_PA, "description": "Sạt lở taluy dương, đất đá tràn mặt đường",
        "reporter": REPORTER, "media_urls": ("https://ioc.laocai.gov.vn/m/ab12.jpg",),
        "answers": (Answer("MUC_DO", "nghiem_trong"),),
        "expected_at": datetime(2025, 3, 5, 23, 59, 59, tzinfo=VIETNAM),
    }
    fields.update(overrides)
    return receive_request(**fields)  # type: ignore[arg-type]


def step(action: Action, when: datetime, **extra: object) -> Step:
    return Step(action, at=when, actor="canbo.ioc", **extra)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- workflow


def test_a_report_walks_from_received_to_closed_and_every_step_is_an_event() -> None:
    r = apply_steps(report(), [
        step(A.TRIAGE, at(3, 10)),
        step(A.ASSIGN, at(3, 11), agency="so-xay-dung", internal_note="Đội 3 trực"),
        step(A.START, at(4, 8), public_note="Đã cử máy xúc đến hiện trường"),
        step(A.RESOLVE, at(4, 16), public_note="Đã thông tuyến"),
        step(A.CLOSE, at(6, 8)),
    ])
    assert [e.to_state for e in r.events] == [S.RECEIVED, S.FOR_TRIAGE, S.ASSIGNED,
                                             S.IN_PROGRESS, S.RESOLVED, S.CLOSED]
    assert [e.seq for e in r.events] == [1, 2, 3, 4, 5, 6]
    assert [e.from_state for e in r.events][:3] == [None, S.RECEIVED, S.FOR_TRIAGE]
    assert r.state is S.CLOSED and r.progress.agency == "so-xay-dung"
    assert r.progress.outcome is S.RESOLVED and r.progress.outcome_at == at(4, 16)
    assert r.progress.closed_at == at(6, 8)
    assert r.events[2].actor == "canbo.ioc" and r.events[2].internal_note == "Đội 3 trực"
    # The state on an earlier day is had again from the events.
    assert progress_at(r, at(4, 12)).state is S.IN_PROGRESS
    assert progress_at(r, at(3, 10, month=3)).state is S.FOR_TRIAGE
    with pytest.raises(ValueError, match="received"):
        progress_at(r, at(2))


def test_routing_by_category_assigns_at_reception() -> None:
    r = report(agency="dien-luc-lao-cai")
    assert r.state is S.ASSIGNED
    assert [(e.action, e.actor) for e in r.events] == [(A.RECEIVE, "citizen"),
                                                      (A.ASSIGN, "system")]


@pytest.mark.parametrize(
    ("steps", "state", "action"),
    [
        ([], S.RECEIVED, A.START),  # nobody assigned yet
        ([], S.RECEIVED, A.RESOLVE),
        ([], S.RECEIVED, A.CLOSE),
        ([], S.RECEIVED, A.REOPEN),
        ([(A.ASSIGN, {"agency": "x"})], S.ASSIGNED, A.TRIAGE),
        ([(A.ASSIGN, {"agency": "x"}), (A.RESOLVE, {})], S.RESOLVED, A.START),
        ([(A.ASSIGN, {"agency": "x"}), (A.RESOLVE, {}), (A.CLOSE, {})], S.CLOSED, A.RESOLVE),
        ([(A.ASSIGN, {"agency": "x"}), (A.RESOLVE, {}), (A.CLOSE, {})], S.CLOSED, A.CLOSE),
        ([(A.REJECT, {"reason": "r"})], S.REJECTED, A.ASSIGN),
    ],
)
def test_illegal_transitions_are_refused_naming_what_is_allowed(
        steps: list[tuple[Action, dict[str, object]]], state: RequestState,
        action: Action) -> None:
    r = report()
    for n, (done, extra) in enumerate(steps):
        r = apply_step(r, step(done, at(3, 10 + n), **extra))
    assert r.state is state
    extra = {"agency": "x"} if action is A.ASSIGN else {"reason": "r"} \
        if action in (A.REJECT, A.REOPEN) else {}
    with pytest.raises(Conflict) as caught:
        apply_step(r, step(action, at(5), **extra))
    assert f"«{action.label()}»" in caught.value.message
    assert f"«{state.label()}»" in caught.value.message
    allowed = caught.value.errors[0].message
    assert "allowed now:" in allowed
    for ok in allowed_actions(state):
        assert ok.label("en").lower() in allowed
    assert r.events == apply_steps(r, []).events  # nothing changed


def test_start_before_assignment_is_refused_in_a_reopened_report_without_a_body() -> None:
    r = apply_steps(report(), [step(A.REJECT, at(3, 10), reason="Không rõ vị trí"),
                               step(A.REOPEN, at(4), reason="Đã bổ sung vị trí")])
    assert r.state is S.REOPENED
    with pytest.raises(ValidationError) as caught:
        apply_step(r, step(A.START, at(4, 10)))
    assert caught.value.errors[0].field == "agency"


@pytest.mark.parametrize(
    ("action", "extra", "field"),
    [
        (A.REJECT, {}, "reason"),
        (A.REJECT, {"reason": "   "}, "reason"),
        (A.ASSIGN, {}, "agency"),
        (A.MARK_DUPLICATE, {}, "duplicate_of"),
        (A.MARK_DUPLICATE, {"duplicate_of": "PA-1"}, "duplicate_of"),  # itself
        (A.TRIAGE, {"agency": "so-xay-dung"}, "agency"),  # does not go with triage
        (A.COMMENT, {"satisfied": True}, "satisfied"),
        (A.TRIAGE, {"public_note": "x" * 4001}, "public_note"),
    ],
)
def test_steps_missing_or_misusing_their_fields_are_refused(
        action: Action, extra: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        apply_step(report(), step(action, at(3, 10), **extra))
    assert field in [e.field for e in caught.value.errors]


def test_a_step_earlier_than_the_last_one_or_without_a_zone_is_refused() -> None:
    r = apply_step(report(), step(A.TRIAGE, at(3, 12)))
    with pytest.raises(ValidationError, match="not valid") as caught:
        apply_step(r, step(A.ASSIGN, at(3, 11), agency="x"))
    assert caught.value.errors[0].field == "at"
    with pytest.raises(ValidationError) as caught:
        apply_step(r, step(A.ASSIGN, datetime(2025, 3, 4, 9), agency="x"))
    assert "time zone" in caught.value.errors[0].message
    with pytest.raises(Conflict):
        apply_step(r, step(A.RECEIVE, at(4)))


def test_a_new_report_is_checked() -> None:
    with pytest.raises(ValidationError) as caught:
        report(location=Location(lat=22.3, long=None), description="x" * 4001)
    fields = [e.field for e in caught.value.errors]
    assert fields == ["lat", "description"]
    assert "4.001" in caught.value.errors[1].message  # Vietnamese thousands
    with pytest.raises(ValidationError):
        report(location=Location())
    with pytest.raises(ValidationError):
        report(location=Location(lat=95.0, long=103.0))
    with pytest.raises(ValidationError):
        report(requested_at=datetime(2025, 3, 3, 9))
    with pytest.raises(ValidationError):
        report(expected_at=at(2))
    assert report(location=Location(address_id="LC-00123")).location.address_id == "LC-00123"


def test_outcomes_duplicates_referrals_and_reopening() -> None:
    dup = apply_step(report(), step(A.MARK_DUPLICATE, at(3, 10), duplicate_of="PA-0"))
    assert dup.state is S.DUPLICATE and dup.progress.duplicate_of == "PA-0"
    out = apply_step(report(), step(A.REFER_OUT, at(3, 10), referred_to="Công ty Điện lực"))
    assert out.state is S.NOT_RESPONSIBLE
    r = apply_steps(report(), [step(A.ASSIGN, at(3, 10), agency="so-xay-dung"),
                               step(A.RESOLVE, at(3, 15)),
                               step(A.RATE, at(3, 16), satisfied=False),
                               step(A.REOPEN, at(3, 17), reason="Đất đá lại tràn xuống")])
    assert r.state is S.REOPENED and r.state.is_open
    assert r.progress.outcome is None and r.progress.satisfied is None
    assert r.progress.agency == "so-xay-dung"  # the body stays responsible
    r = apply_steps(r, [step(A.START, at(4, 8)), step(A.RESOLVE, at(4, 12))])
    assert r.progress.outcome_at == at(4, 12)


def test_every_state_maps_to_open311_and_has_public_labels() -> None:
    assert set(TRANSITIONS) == set(RequestState)
    opened = {s for s in RequestState if s.open311_status == "open"}
    assert opened == {S.RECEIVED, S.FOR_TRIAGE, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}
    assert {s.open311_status for s in RequestState} == {"open", "closed"}
    assert S.NOT_RESPONSIBLE.extended_status == "not_councils_responsibility"
    assert S.RESOLVED.extended_status == "fixed"
    assert S.FOR_TRIAGE.extended_status == "for_triage"
    assert S.REOPENED.extended_status == "reopen"
    assert len({s.label() for s in RequestState}) == len(RequestState)
    assert len({s.label("en") for s in RequestState}) == len(RequestState)
    assert S.IN_PROGRESS.label() == "Đang xử lý" and S.IN_PROGRESS.label("en") == "In progress"


# --------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (datetime(2025, 3, 3, 9, tzinfo=VIETNAM), 2, date(2025, 3, 5)),  # Mon → Wed
        (datetime(2025, 3, 6, 16, tzinfo=VIETNAM), 2, date(2025, 3, 10)),  # Thu → Mon
        (datetime(2025, 3, 8, 10, tzinfo=VIETNAM), 1, date(2025, 3, 10)),  # Sat → Mon
        (datetime(2025, 3, 3, 9, tzinfo=VIETNAM), 0, date(2025, 3, 3)),  # same day
        # 20:00 UTC on Sunday is 03:00 Monday in Vietnam: Monday is the day received.
        (datetime.fromisoformat("2025-03-02T20:00:00+00:00"), 1, date(2025, 3, 4)),
    ],
)
def test_the_deadline_counts_working_days_from_the_vietnamese_day_received(
        received: datetime, days: int, due: date) -> None:
    expected = expected_datetime(requested_at=received, working_days=days,
                                 add_working_days=weekends_only)
    assert expected == datetime(due.year, due.month, due.day, 23, 59, 59, tzinfo=VIETNAM)


def test_a_deadline_needs_days_ahead_and_a_calendar_that_goes_forward() -> None:
    with pytest.raises(ValueError, match="days ahead"):
        expected_datetime(requested_at=at(3), working_days=-1, add_working_days=weekends_only)
    with pytest.raises(ValueError, match="went back"):
        expected_datetime(requested_at=at(3), working_days=1,
                          add_working_days=lambda d, n: d - timedelta(days=n))


def test_on_time_is_judged_by_the_latest_outcome_against_the_deadline() -> None:
    due = datetime(2025, 3, 5, 23, 59, 59, tzinfo=VIETNAM)
    assigned = apply_step(report(), step(A.ASSIGN, at(3, 10), agency="x"))
    assert resolved_on_time(assigned) is None
    assert timeliness(assigned, as_of=at(5, 20)) is Timeliness.OPEN_WITHIN_TIME
    assert timeliness(assigned, as_of=at(6, 0)) is Timeliness.OPEN_OVERDUE
    on_edge = apply_step(assigned, step(A.RESOLVE, due))
    assert resolved_on_time(on_edge) is True
    assert timeliness(on_edge, as_of=at(9)) is Timeliness.ON_TIME
    late = apply_step(assigned, step(A.RESOLVE, due + timedelta(seconds=1)))
    assert resolved_on_time(late) is False
    assert timeliness(late, as_of=at(9)) is Timeliness.LATE
    # Resolved on time, reopened, resolved again after the deadline: late.
    again = apply_steps(on_edge, [step(A.REOPEN, at(6), reason="Chưa khắc phục xong"),
                                  step(A.RESOLVE, at(7))])
    assert resolved_on_time(again) is False
    # ... but on the 5th, before the reopening, it stood on time.
    assert timeliness(again, as_of=at(6, 0)) is Timeliness.ON_TIME
    without = apply_steps(report(expected_at=None), [step(A.ASSIGN, at(3, 10), agency="x")])
    assert timeliness(without, as_of=at(30)) is Timeliness.OPEN_WITHIN_TIME


def test_the_feedback_record_says_what_decision_766_counts() -> None:
    handled = apply_steps(report(), [step(A.ASSIGN, at(3, 10), agency="x"),
                                     step(A.RESOLVE, at(4)),
                                     step(A.RATE, at(4, 12), satisfied=False),
                                     step(A.CLOSE, at(6))])
    record = feedback_record(handled, as_of=at(10))
    assert record.within_remit and record.dissatisfied
    assert record.timeliness is Timeliness.ON_TIME
    assert not feedback_record(handled, as_of=at(4, 11)).dissatisfied  # not yet rated
    referred = apply_steps(report(), [step(A.REFER_OUT, at(3, 10)), step(A.CLOSE, at(4))])
    assert not feedback_record(referred, as_of=at(10)).within_remit
    rejected = apply_step(report(), step(A.REJECT, at(3, 10), reason="Tin sai sự thật"))
    assert feedback_record(rejected, as_of=at(10)).within_remit


# --------------------------------------------------------------------------- duplicates


def test_haversine_gives_known_distances() -> None:
    # One degree of latitude on a sphere of the mean Earth radius: π/180 × 6,371,008.8 m.
    assert haversine_metres(22.0, 103.0, 23.0, 103.0) == pytest.approx(111_195.08, abs=0.01)
    assert haversine_metres(22.3364, 103.8438, 22.3364, 103.8438) == 0.0
    # Sa Pa to Lào Cai city: 16.59 km north and 13.05 km east (0.1269° × cos 22.41° of a
    # 111.195 km degree), so √(16.59² + 13.05²) ≈ 21.1 km on the flat.
    assert haversine_metres(22.3364, 103.8438, 22.4856, 103.9707) == pytest.approx(
        21_105, rel=0.001)


def candidate(rid: str, lat: float | None, long: float | None, hours: float,
              code: str = "SAT_LO", state: RequestState = S.RECEIVED) -> DuplicateCandidate:
    return DuplicateCandidate(rid, code, lat, long, at(3) + timedelta(hours=hours), state)


def test_duplicates_are_same_category_near_in_place_and_time_and_still_open() -> None:
    new = candidate("new", 22.3364, 103.8438, 0)
    metre = 1 / 111_195.08  # one metre of latitude, in degrees
    existing = [
        candidate("40m", 22.3364 + 40 * metre, 103.8438, -5),
        candidate("10m", 22.3364 + 10 * metre, 103.8438, -70),
        candidate("10m-later", 22.3364 - 10 * metre, 103.8438, 2),
        candidate("150m", 22.3364 + 150 * metre, 103.8438, -1),
        candidate("old", 22.3364, 103.8438, -73),
        candidate("other-category", 22.3364, 103.8438, -1, code="MAT_NUOC"),
        candidate("closed", 22.3364, 103.8438, -1, state=S.CLOSED),
        candidate("duplicate", 22.3364, 103.8438, -1, state=S.DUPLICATE),
        candidate("no-point", None, None, -1),
        candidate("new", 22.3364, 103.8438, 0),  # itself
    ]
    found = suggest_duplicates(new, existing, within_metres=100, within_hours=72)
    assert [s.request_id for s in found] == ["10m-later", "10m", "40m"]
    assert found[0].distance_m == pytest.approx(10, abs=0.01)
    assert found[0].hours_apart == 2 and found[1].hours_apart == 70
    assert [s.request_id for s in suggest_duplicates(new, existing, within_metres=10.01,
                                                     within_hours=72)] == ["10m-later", "10m"]
    assert suggest_duplicates(new, existing, limit=1)[0].request_id == "10m-later"
    assert suggest_duplicates(candidate("x", None, None, 0), existing) == []
    r = report()
    assert DuplicateCandidate.of(r).state is S.RECEIVED


# --------------------------------------------------------------------------- public view


def test_the_public_view_keeps_the_problem_and_drops_the_people() -> None:
    r = apply_steps(report(), [
        step(A.ASSIGN, at(3, 10), agency="so-xay-dung", internal_note="Gọi anh Tuấn 0988"),
        step(A.COMMENT, at(3, 11), internal_note="Người báo là cán bộ xã"),
        step(A.START, at(4, 8), public_note="Đã cử máy xúc"),
        step(A.REJECT, at(4, 9), reason="Đoạn đường thuộc dự án đang thi công",
             internal_note="Chủ đầu tư: Ban QLDA"),
    ])
    view = public_view(r)
    assert view.status == "closed" and view.state is S.REJECTED
    assert view.status_label() == "Không xử lý (có lý do)"
    assert view.status_label("en") == "Rejected" and view.extended_status == "no_further_action"
    assert view.status_notes == "Đoạn đường thuộc dự án đang thi công"
    assert view.agency == "so-xay-dung" and view.lat == 22.3364
    assert view.media_urls == ("https://ioc.laocai.gov.vn/m/ab12.jpg",)
    assert view.updated_at == at(4, 9) and view.expected_at == r.expected_at
    assert [e.action for e in view.history] == [A.RECEIVE, A.ASSIGN, A.START, A.REJECT]
    text = repr(view)
    for private in ("An", "Nguyễn Văn", "an@example.vn", "0912 345 678", "dev-77", "acc-9",
                    "canbo.ioc", "anh Tuấn", "cán bộ xã", "Ban QLDA", "nghiem_trong"):
        assert f"'{private}'" not in text and private not in str(view.history), private
    assert not hasattr(view, "reporter")
    assert "an@example.vn" not in repr(r) and "0912 345 678" not in repr(r)  # logs stay clean
    assert r.reporter.email == "an@example.vn"  # yet staff have it


def test_status_notes_explain_the_current_state_only() -> None:
    r = apply_steps(report(), [step(A.ASSIGN, at(3, 10), agency="x", public_note="Đã chuyển"),
                               step(A.MARK_DUPLICATE, at(3, 12), duplicate_of="PA-0")])
    view = public_view(r)
    assert view.status_notes == "Trùng với phản ánh PA-0 / Duplicate of report PA-0"
    assert view.duplicate_of == "PA-0"
    r = apply_step(r, step(A.COMMENT, at(3, 13), public_note="Mời theo dõi phản ánh PA-0"))
    assert public_view(r).status_notes == ("Trùng với phản ánh PA-0 / Duplicate of report PA-0"
                                           "\nMời theo dõi phản ánh PA-0")
    assert public_view(r).updated_at == at(3, 13)
    quiet = apply_step(r, step(A.COMMENT, at(3, 14), internal_note="chỉ nội bộ"))
    assert public_view(quiet).updated_at == at(3, 13)  # a staff note is not an update
    assert public_view(report()).status_notes is None


def test_the_citizens_page_lists_every_state_as_the_code_maps_it() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "citizens.md").read_text("utf-8")
    rows = {line for line in page.splitlines() if line.startswith("| ")}
    for state in RequestState:
        for label in (state.label(), state.label("en")):
            row = f"| {label} | `{state.open311_status}` | `{state.extended_status}` |"
            assert any(r.startswith(row) for r in rows), row
