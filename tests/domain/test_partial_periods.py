"""Partial periods: named for the months they cover, compared with the same months."""

from __future__ import annotations

from datetime import date

import pytest

from fansipan.domain.periods import (
    Period,
    cumulative_label,
    last_complete_month,
    parse_period,
    partial_period,
)

NOV = date(2026, 11, 30)


def test_a_year_with_eleven_months_of_data_is_named_for_them() -> None:
    part = partial_period(parse_period("2026"), NOV)
    assert part is not None
    assert part.label("vi") == "11 tháng đầu năm 2026"
    assert part.label("en") == "January–November 2026"
    assert [m.id for m in part.months][-1] == "2026-11" and len(part.months) == 11
    # The same wording as the year-to-date total of November (the overview's).
    assert part.label("vi") == cumulative_label(parse_period("2026-11"), "vi")


def test_compared_with_the_same_months_a_year_before() -> None:
    part = partial_period(parse_period("2026"), NOV)
    assert part is not None
    before = part.same_months_last_year()
    assert before.period.id == "2025" and before.end == date(2025, 11, 30)
    assert before.label("vi") == "11 tháng đầu năm 2025"
    feb = partial_period(parse_period("2024S1"), date(2024, 2, 29))
    assert feb is not None and feb.same_months_last_year().end == date(2023, 2, 28)


@pytest.mark.parametrize(("period", "through", "vi", "en"), [
    ("2026Q4", NOV, "2 tháng đầu quý IV/2026", "October–November 2026"),
    ("2026S2", NOV, "Từ tháng 7 đến tháng 11/2026", "July–November 2026"),
    ("2026S1", date(2026, 3, 31), "3 tháng đầu năm 2026", "January–March 2026"),
    ("2026Q4", date(2026, 10, 31), "Tháng 10/2026", "October 2026"),
])
def test_halves_and_quarters_are_named_for_their_months(period: str, through: date, vi: str,
                                                        en: str) -> None:
    part = partial_period(parse_period(period), through)
    assert part is not None
    assert (part.label("vi"), part.label("en")) == (vi, en)


@pytest.mark.parametrize("period", ["2025", "2026-11", "2026-12", "2027", "2026W48",
                                    "2026-11-15"])
def test_whole_unbegun_or_monthly_periods_are_not_partial(period: str) -> None:
    # Ended by the data's last month, not begun by then, or not made of months.
    assert partial_period(parse_period(period), NOV) is None
    assert partial_period(Period.year_of(2026), None) is None


def test_the_last_complete_month_is_the_latest_datas_never_a_future_one() -> None:
    today = date(2026, 12, 1)
    assert last_complete_month(date(2026, 11, 30), today) == NOV
    assert last_complete_month(date(2026, 11, 1), today) == NOV  # a month is counted whole
    # A December estimate entered in December makes the year whole ("ước thực hiện năm").
    assert last_complete_month(date(2026, 12, 31), today) == date(2026, 12, 31)
    assert last_complete_month(date(2027, 3, 31), today) == date(2026, 12, 31)
    assert last_complete_month(None, today) is None
