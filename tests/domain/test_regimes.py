from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from fansipan.domain.calendar import vietnam_calendar
from fansipan.domain.periods import Period, parse_period
from fansipan.domain.regimes import (
    CutOff,
    DateWindow,
    DayOfMonth,
    DaysAfter,
    DueBasis,
    Frequency,
    ReportingRegime,
    SubmissionStatus,
    submission_status,
)
from fansipan.errors import ValidationError

VN = vietnam_calendar()
S = SubmissionStatus


def regime(frequency: Frequency, due: DaysAfter | DayOfMonth | None = None,
           **kw: object) -> ReportingRegime:
    return ReportingRegime(code="KTXH", name="Báo cáo tình hình kinh tế - xã hội",
                           frequency=frequency, due=due or DayOfMonth(25), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("frequency", "period", "start", "end"),
    [
        (Frequency.MONTHLY, "2025-03", date(2025, 2, 15), date(2025, 3, 14)),
        (Frequency.MONTHLY, "2025-01", date(2024, 12, 15), date(2025, 1, 14)),
        (Frequency.QUARTERLY, "2025Q1", date(2024, 12, 15), date(2025, 3, 14)),
        (Frequency.QUARTERLY, "2025Q3", date(2025, 6, 15), date(2025, 9, 14)),
        (Frequency.HALF_YEARLY, "2025S1", date(2024, 12, 15), date(2025, 6, 14)),
        (Frequency.HALF_YEARLY, "2025S2", date(2025, 6, 15), date(2025, 12, 14)),
        (Frequency.NINE_MONTHS, "2025Q3", date(2024, 12, 15), date(2025, 9, 14)),
        (Frequency.YEARLY, "2025", date(2024, 12, 15), date(2025, 12, 14)),
    ],
)
def test_decree_09_cut_off_windows(frequency: Frequency, period: str, start: date,
                                   end: date) -> None:
    window = regime(frequency).cut_off_window(parse_period(period))
    assert window == DateWindow(start, end)


def test_a_window_knows_its_days() -> None:
    window = regime(Frequency.MONTHLY).cut_off_window(Period.month_of(2024, 3))
    assert window.days == 29  # 15/02 to 14/03 of a leap year
    assert date(2024, 2, 29) in window
    assert date(2024, 3, 15) not in window
    assert window.label() == "15/02/2024 - 14/03/2024"


def test_other_cut_offs_can_be_configured() -> None:
    plain = regime(Frequency.QUARTERLY, cut_off=CutOff.calendar_months())
    assert plain.cut_off_window(Period.quarter_of(2025, 2)) == DateWindow(
        date(2025, 4, 1), date(2025, 6, 30))
    # A body that closes its nine months on the 20th of September.
    nine = regime(Frequency.NINE_MONTHS, cut_off=CutOff(from_day=21, to_day=20))
    assert nine.cut_off_window(Period.quarter_of(2025, 3)) == DateWindow(
        date(2024, 12, 21), date(2025, 9, 20))
    # A day past the end of a short month is its last day.
    feb = regime(Frequency.MONTHLY, cut_off=CutOff(from_day=31, to_day=30))
    assert feb.cut_off_window(Period.month_of(2025, 3)) == DateWindow(
        date(2025, 2, 28), date(2025, 3, 30))
    with pytest.raises(ValidationError) as caught:
        CutOff(from_day=0)
    assert caught.value.errors[0].field == "from_day"


def test_khanh_hoa_nine_months_two_working_days_after_the_cut_off() -> None:
    nine = regime(Frequency.NINE_MONTHS, DaysAfter(2, working=True),
                  legal_basis="QĐ 01/2023/QĐ-UBND")
    q3 = Period.quarter_of(2025, 3)
    # The cut-off ends on Sunday 14/09/2025: Monday 15 and Tuesday 16 are the two days.
    assert nine.due_date(q3, calendar=VN) == date(2025, 9, 16)
    assert nine.period_label(q3) == "9 tháng đầu năm 2025"
    assert nine.period_label(q3, "en") == "January–September 2025"
    assert nine.periods(2025) == [q3]


def test_a_deadline_in_working_days_skips_tet() -> None:
    monthly = regime(Frequency.MONTHLY, DaysAfter(3, working=True))
    # January 2026: cut-off ends Wednesday 14/01, then 15, 16 and 19/01.
    assert monthly.due_date(Period.month_of(2026, 1), calendar=VN) == date(2026, 1, 19)
    # February 2026: cut-off ends Saturday 14/02; Tết closes 16–20/02, so 23, 24, 25/02.
    feb = Period.month_of(2026, 2)
    assert monthly.due_date(feb, calendar=VN) == date(2026, 2, 25)
    assert monthly.status(feb, received=date(2026, 2, 24), today=date(2026, 3, 1),
                          calendar=VN) is S.ON_TIME
    assert monthly.status(feb, received=date(2026, 2, 26), today=date(2026, 3, 1),
                          calendar=VN) is S.LATE
    assert monthly.status(feb, received=None, today=date(2026, 2, 25),
                          calendar=VN) is S.NOT_YET_DUE
    assert monthly.status(feb, received=None, today=date(2026, 2, 26),
                          calendar=VN) is S.OVERDUE
    # In calendar days the same rule would have fallen on 17/02, the first day of Tết.
    calendar_days = regime(Frequency.MONTHLY, DaysAfter(3))
    assert calendar_days.due_date(feb, calendar=VN) == date(2026, 2, 17)


def test_days_after_the_period_end() -> None:
    after_end = regime(Frequency.QUARTERLY, DaysAfter(10, after=DueBasis.PERIOD_END))
    assert after_end.due_date(Period.quarter_of(2025, 1), calendar=VN) == date(2025, 4, 10)


def test_fixed_days_of_a_month() -> None:
    q1 = Period.quarter_of(2025, 1)
    # Decree 09 Art. 13: by the 25th of the last month of the period.
    assert regime(Frequency.QUARTERLY).due_date(q1, calendar=VN) == date(2025, 3, 25)
    # Circular 02/2023/TT-BTTTT: monthly by the 15th, quarterly by the 6th of the last
    # month, half-year by 6 June, annual by 25 November.
    assert regime(Frequency.MONTHLY, DayOfMonth(15)).due_date(
        Period.month_of(2025, 3), calendar=VN) == date(2025, 3, 15)
    assert regime(Frequency.QUARTERLY, DayOfMonth(6)).due_date(q1, calendar=VN) == date(
        2025, 3, 6)
    assert regime(Frequency.HALF_YEARLY, DayOfMonth(6)).due_date(
        Period.six_month_of(2025, 1), calendar=VN) == date(2025, 6, 6)
    assert regime(Frequency.YEARLY, DayOfMonth(25, month_offset=-1)).due_date(
        Period.year_of(2025), calendar=VN) == date(2025, 11, 25)
    # The 5th of the next month, across a year end; the 31st of a 30-day month.
    assert regime(Frequency.MONTHLY, DayOfMonth(5, month_offset=1)).due_date(
        Period.month_of(2025, 12), calendar=VN) == date(2026, 1, 5)
    assert regime(Frequency.MONTHLY, DayOfMonth(31)).due_date(
        Period.month_of(2025, 6), calendar=VN) == date(2025, 6, 30)


def test_a_deadline_on_a_day_off_can_move_to_the_next_working_day() -> None:
    # 25/01/2026 is a Sunday.
    january = Period.month_of(2026, 1)
    assert regime(Frequency.MONTHLY).due_date(january, calendar=VN) == date(2026, 1, 25)
    shifted = regime(Frequency.MONTHLY, shift_off_days=True)
    assert shifted.due_date(january, calendar=VN) == date(2026, 1, 26)
    # 17/02/2026 is Tết: the next working day is Monday 23/02.
    tet = regime(Frequency.MONTHLY, DayOfMonth(17), shift_off_days=True)
    assert tet.due_date(Period.month_of(2026, 2), calendar=VN) == date(2026, 2, 23)


def test_received_reports_are_judged_on_the_vietnamese_day() -> None:
    due = date(2025, 3, 25)
    assert submission_status(due=due, received=datetime(2025, 3, 25, 23, 59),
                             today=date(2025, 4, 1)) is S.ON_TIME
    # 17:30 UTC on the 25th is 00:30 on the 26th in Vietnam: late.
    utc_evening = datetime(2025, 3, 25, 17, 30, tzinfo=UTC)
    assert submission_status(due=due, received=utc_evening, today=date(2025, 4, 1)) is S.LATE
    ict_morning = datetime(2025, 3, 26, 0, 30, tzinfo=timezone(timedelta(hours=7)))
    assert submission_status(due=due, received=ict_morning, today=date(2025, 4, 1)) is S.LATE
    assert submission_status(due=due, received=date(2025, 3, 1),
                             today=date(2025, 3, 2)) is S.ON_TIME  # early counts as on time
    assert S.OVERDUE.label() == "Quá hạn, chưa gửi"
    assert S.LATE.label("en") == "Received late"
    assert S.ON_TIME.received and not S.OVERDUE.received


def test_the_periods_of_a_year() -> None:
    assert [p.id for p in regime(Frequency.QUARTERLY).periods(2025)] == [
        "2025Q1", "2025Q2", "2025Q3", "2025Q4"]
    assert len(regime(Frequency.MONTHLY).periods(2025)) == 12
    assert [p.id for p in regime(Frequency.HALF_YEARLY).periods(2025)] == ["2025S1", "2025S2"]
    assert regime(Frequency.HALF_YEARLY).period_label(Period.six_month_of(2025, 1)) == (
        "6 tháng đầu năm 2025")


@pytest.mark.parametrize(
    ("frequency", "period"),
    [
        (Frequency.MONTHLY, "2025Q1"),
        (Frequency.QUARTERLY, "2025-03"),
        (Frequency.NINE_MONTHS, "2025Q2"),
        (Frequency.YEARLY, "2025S1"),
    ],
)
def test_a_period_of_another_frequency_is_refused(frequency: Frequency, period: str) -> None:
    with pytest.raises(ValidationError) as caught:
        regime(frequency).cut_off_window(parse_period(period))
    error = caught.value.errors[0]
    assert error.field == "period" and error.value == period
    assert "không phải kỳ của" in error.message and "is not a period of" in error.message


def test_rules_refuse_nonsense() -> None:
    with pytest.raises(ValidationError):
        DaysAfter(-1)
    with pytest.raises(ValidationError):
        DayOfMonth(32)
    with pytest.raises(ValidationError):
        DayOfMonth(5, month_offset=24)
    with pytest.raises(ValidationError) as caught:
        ReportingRegime(code=" ", name="x", frequency=Frequency.YEARLY, due=DayOfMonth(25))
    assert caught.value.errors[0].field == "code"
