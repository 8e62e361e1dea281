"""The periods a picker offers: the kinds an indicator can be read at, newest first,
the running period named for the months it covers."""

from __future__ import annotations

from datetime import date

import pytest

from fansipan.domain.periods import Period, PeriodType, parse_period
from fansipan.domain.periods.choices import period_choices
from fansipan.domain.periods.cumulative import Reading, read_period
from fansipan.errors import ValidationError

TODAY = date(2026, 12, 2)
THROUGH = date(2026, 11, 30)  # the data's last complete month: November


def test_a_monthly_indicator_offers_years_quarters_halves_and_months() -> None:
    groups = period_choices(PeriodType.MONTH, TODAY, THROUGH)
    assert [g.kind for g in groups] == [PeriodType.YEAR, PeriodType.QUARTER,
                                        PeriodType.SIX_MONTH, PeriodType.MONTH]
    years, quarters, halves, months = groups
    assert [c.id for c in years.choices] == [str(y) for y in range(2026, 2018, -1)]
    assert years.choices[0].label_vi == "11 tháng đầu năm 2026"
    assert years.choices[0].label_en == "January–November 2026"
    assert years.choices[1].label_vi == "Năm 2025"
    assert len(quarters.choices) == 12
    assert quarters.choices[0].id == "2026Q4"
    assert quarters.choices[0].label_vi == "2 tháng đầu quý IV/2026"
    assert quarters.choices[1].label_vi == "Quý III/2026"
    assert quarters.choices[-1].id == "2024Q1"
    assert [c.label_vi for c in halves.choices[:4]] == [
        "Từ tháng 7 đến tháng 11/2026", "9 tháng đầu năm 2026", "6 tháng đầu năm 2026",
        "6 tháng cuối năm 2025"]
    # December has no data yet: the newest month is November; two years of months.
    assert months.choices[0].id == "2026-11"
    assert months.choices[0].label_vi == "Tháng 11/2026"
    assert months.choices[0].label_en == "November 2026"
    assert months.choices[-1].id == "2024-12"
    assert len(months.choices) == 24


def test_every_value_reads_back_as_its_period() -> None:
    for group in period_choices(PeriodType.MONTH, TODAY, THROUGH):
        for choice in group.choices:
            if ".." in choice.id:  # the nine months, a year to date
                assert read_period(choice.id).id == choice.id
                continue
            assert parse_period(choice.id).type is group.kind
            assert parse_period(choice.id).id == choice.id


def test_a_yearly_indicator_offers_years_only() -> None:
    groups = period_choices(PeriodType.YEAR, TODAY, None)
    assert [g.kind for g in groups] == [PeriodType.YEAR]
    # No data yet: nothing is named as partial, the newest year is today's.
    assert groups[0].choices[0].label_vi == "Năm 2026"


def test_a_quarterly_indicator_offers_no_months() -> None:
    kinds = [g.kind for g in period_choices(PeriodType.QUARTER, TODAY, THROUGH)]
    assert kinds == [PeriodType.YEAR, PeriodType.QUARTER, PeriodType.SIX_MONTH]


def test_the_period_shown_is_offered_even_outside_the_window() -> None:
    old = Period.year_of(2010)
    years = period_choices(PeriodType.YEAR, TODAY, THROUGH, old)[0]
    assert years.choices[-1].id == "2010"
    week = parse_period("2026W05")
    groups = period_choices(PeriodType.MONTH, TODAY, THROUGH, week)
    assert groups[-1].kind is PeriodType.WEEK
    assert groups[-1].choices[0].label_vi == "Tuần 5/2026"


def test_data_that_runs_ahead_of_today_does_not_move_the_window() -> None:
    months = period_choices(PeriodType.MONTH, date(2026, 3, 10), date(2026, 6, 30))[-1]
    assert months.choices[0].id == "2026-03"


def test_nine_months_stand_beside_the_halves() -> None:
    halves = period_choices(PeriodType.MONTH, TODAY, THROUGH)[2]
    assert [c.id for c in halves.choices[:4]] == ["2026S2", "2026-01..2026-09", "2026S1",
                                                  "2025S2"]
    nine = halves.choices[1]
    assert (nine.label_vi, nine.label_en) == ("9 tháng đầu năm 2026", "January–September 2026")
    # Data only to July: the nine months are named for the seven they cover.
    early = period_choices(PeriodType.MONTH, date(2026, 8, 20), date(2026, 7, 31))[2]
    assert early.choices[1].label_vi == "7 tháng đầu năm 2026"
    # Before July the running year's nine months are not offered yet.
    spring = period_choices(PeriodType.MONTH, date(2026, 5, 20), date(2026, 4, 30))[2]
    assert "2026-01..2026-09" not in [c.id for c in spring.choices]


def test_a_page_reads_back_the_nine_months_and_names() -> None:
    nine = read_period("2026-01..2026-09")
    assert (nine.period, nine.to_date, nine.id) == (Period.month_of(2026, 9), True,
                                                    "2026-01..2026-09")
    assert read_period("9 tháng đầu năm 2026") == nine
    assert read_period("January–September 2026") == nine
    # A run that is a period is that period; a plain id is itself.
    assert read_period("2026-01..2026-06") == Reading(Period.six_month_of(2026, 1))
    assert read_period("2026-01..2026-12") == Reading(Period.year_of(2026))
    assert read_period("2026Q3") == Reading(Period.quarter_of(2026, 3))


def test_a_run_that_is_no_year_to_date_is_refused_with_the_fix() -> None:
    with pytest.raises(ValidationError) as bad:
        read_period("2026-01..2026-13")
    assert "2026-01..2026-09" in str(bad.value)
    with pytest.raises(ValidationError):
        read_period("2026-01..2027-03")
