from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fansipan.domain.calendar import WorkingCalendar, vietnam_calendar
from fansipan.errors import ValidationError

VN = vietnam_calendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # Tết 2026: the Lunar New Year is Tuesday 17/02/2026; officials are off 16–20/02.
        (date(2026, 2, 13), True),
        (date(2026, 2, 16), False),
        (date(2026, 2, 17), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        # Tết 2025: Wednesday 29/01/2025; off from Monday 27/01 to Friday 31/01.
        (date(2025, 1, 24), True),
        (date(2025, 1, 27), False),
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),
        # 30/4 and 1/5 2025, with Friday 02/05 swapped for Saturday 26/04.
        (date(2025, 4, 30), False),
        (date(2025, 5, 1), False),
        (date(2025, 5, 2), False),
        (date(2025, 4, 26), True),  # a Saturday made a working day
        (date(2025, 4, 27), False),
        # Hùng Kings' day 2025 is Monday 07/04; in 2026 it is a Sunday, observed Monday 27/04.
        (date(2025, 4, 7), False),
        (date(2026, 4, 27), False),
        (date(2026, 4, 28), True),
        # National Day 2025 (1–2/09) and 2026 (31/08 swapped for Saturday 22/08, 1–2/09).
        (date(2025, 9, 1), False),
        (date(2025, 9, 2), False),
        (date(2025, 9, 3), True),
        (date(2026, 8, 22), True),
        (date(2026, 8, 31), False),
        (date(2026, 9, 2), False),
        # Vietnam Culture Day, a paid day off from 2026 on.
        (date(2026, 11, 24), False),
        (date(2025, 11, 24), True),
        # Plain weekdays and weekends.
        (date(2026, 3, 10), True),
        (date(2026, 3, 14), False),
        (date(2026, 3, 15), False),
        (date(2026, 1, 1), False),
    ],
)
def test_working_days_of_2025_and_2026(day: date, working: bool) -> None:
    assert VN.is_working_day(day) is working


def test_days_off_carry_their_vietnamese_names() -> None:
    assert VN.day_off_name(date(2026, 2, 17)) == "Tết Nguyên Đán"
    assert VN.day_off_name(date(2026, 9, 2)) == "Quốc khánh"
    assert VN.day_off_name(date(2026, 3, 10)) is None
    tet = [d for d, name in VN.days_off(2026).items() if "Tết" in name and d.month == 2]
    assert tet == [date(2026, 2, d) for d in range(16, 21)]
    assert VN.made_working_days(2025) == [date(2025, 4, 26)]
    assert VN.made_working_days(2026) == [date(2026, 8, 22)]


def test_adding_working_days_skips_tet() -> None:
    # Friday before Tết 2026: the weekend, five days of Tết and the next weekend are skipped.
    friday = date(2026, 2, 13)
    assert VN.add_working_days(friday, 1) == date(2026, 2, 23)
    assert VN.add_working_days(friday, 3) == date(2026, 2, 25)
    assert VN.add_working_days(friday, 0) == friday
    assert VN.add_working_days(date(2026, 2, 25), -3) == friday
    # Ten working days from Monday 20/01/2025 with Tết 2025 in between.
    assert VN.add_working_days(date(2025, 1, 20), 10) == date(2025, 2, 10)
    # Counted in calendar days the same deadline would have been 30/01, in the middle of Tết.
    assert date(2025, 1, 20) + timedelta(days=10) == date(2025, 1, 30)


def test_counting_working_days_between_two_dates() -> None:
    assert VN.working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert VN.working_days_between(date(2026, 2, 25), date(2026, 2, 13)) == -3
    assert VN.working_days_between(date(2026, 2, 16), date(2026, 2, 22)) == 0
    assert VN.working_days_between(date(2026, 3, 2), date(2026, 3, 2)) == 0
    # The swapped Saturday counts, the swapped Friday does not.
    assert VN.working_days_between(date(2025, 4, 25), date(2025, 5, 4)) == 3  # 26/4, 28/4, 29/4
    # …and the next is Monday 05/05.
    assert VN.add_working_days(date(2025, 4, 25), 4) == date(2025, 5, 5)


def test_working_days_in_a_month() -> None:
    assert VN.working_days_in_month(2026, 2) == 15  # 20 weekdays less five days of Tết
    assert VN.working_days_in_month(2026, 3) == 22
    assert VN.next_working_day(date(2026, 2, 16)) == date(2026, 2, 23)
    assert VN.next_working_day(date(2026, 2, 23)) == date(2026, 2, 23)


def test_a_deployment_adds_its_own_days_off_and_working_saturdays() -> None:
    cal = WorkingCalendar.build(
        days_off={date(2027, 3, 5): "Nghỉ theo Quyết định của UBND tỉnh"},
        working_days=[date(2027, 3, 13)],
    )
    assert not cal.is_working_day(date(2027, 3, 5))
    assert cal.day_off_name(date(2027, 3, 5)) == "Nghỉ theo Quyết định của UBND tỉnh"
    assert cal.is_working_day(date(2027, 3, 13))  # a Saturday
    assert VN.is_working_day(date(2027, 3, 5))  # the national calendar is untouched
    # From Thursday 04/03: Monday 08/03 is the first working day after the added day off…
    assert cal.add_working_days(date(2027, 3, 4), 1) == date(2027, 3, 8)
    # …and the working Saturday shortens a 7-day deadline by one calendar day.
    assert VN.add_working_days(date(2027, 3, 8), 7) == date(2027, 3, 17)
    assert cal.add_working_days(date(2027, 3, 8), 7) == date(2027, 3, 16)


def test_what_the_deployment_says_wins_over_the_library() -> None:
    # Say the Government moved the 2026 swap: 22/08 is no longer worked, 31/08 not given off.
    cal = WorkingCalendar.build(days_off=[date(2026, 8, 22)], working_days=[date(2026, 8, 31)])
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.is_working_day(date(2026, 8, 31))
    assert cal.made_working_days(2026) == [date(2026, 8, 31)]
    # A plain weekday declared a working day changes nothing and is not listed.
    assert WorkingCalendar.build(working_days=[date(2026, 3, 10)]).made_working_days(2026) == [
        date(2026, 8, 22)
    ]


def test_a_day_cannot_be_both_off_and_worked() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkingCalendar.build(days_off=[date(2027, 3, 13)], working_days=[date(2027, 3, 13)])
    text = str(caught.value)
    assert "13/03/2027" in text
    assert "vừa là ngày nghỉ vừa là ngày làm việc" in text
    assert "both a day off and a working day" in text
    assert caught.value.errors[0].field == "extra_working_days"


def test_without_public_holidays_only_weekends_count() -> None:
    plain = WorkingCalendar(public_holidays=False)
    assert plain.is_working_day(date(2026, 2, 17))
    assert not plain.is_working_day(date(2026, 2, 14))
    assert plain.days_off(2026) == {}


@pytest.mark.parametrize("n", [1.5, True, "3"])
def test_the_number_of_working_days_must_be_a_whole_number(n: object) -> None:
    with pytest.raises(ValidationError) as caught:
        VN.add_working_days(date(2026, 1, 5), n)  # type: ignore[arg-type]
    assert caught.value.errors[0].field == "working_days"


def test_an_absurd_number_of_working_days_is_refused() -> None:
    with pytest.raises(ValidationError, match="at most 2600"):
        VN.add_working_days(date(2026, 1, 5), 100_000)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    n=st.integers(min_value=0, max_value=400),
)
def test_adding_then_counting_gives_back_the_number(start: date, n: int) -> None:
    end = VN.add_working_days(start, n)
    assert VN.working_days_between(start, end) == n
    assert n == 0 or VN.is_working_day(end)
    if n > 0:
        # Back from the end lands on the start, or on the working day before a day off.
        assert VN.add_working_days(end, -n) == _last_working_on_or_before(start)


def _last_working_on_or_before(day: date) -> date:
    while not VN.is_working_day(day):
        day -= timedelta(days=1)
    return day
