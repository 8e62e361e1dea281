"""The periods a picker offers: the kinds an indicator can be read at, newest first,
the running period named for the months it covers."""

from __future__ import annotations

from datetime import date

from fansipan.domain.periods import Period, PeriodType, parse_period
from fansipan.domain.periods.choices import period_choices

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
    assert [c.label_vi for c in halves.choices[:3]] == [
        "Từ tháng 7 đến tháng 11/2026", "6 tháng đầu năm 2026", "6 tháng cuối năm 2025"]
    # December has no data yet: the newest month is November; two years of months.
    assert months.choices[0].id == "2026-11"
    assert months.choices[0].label_vi == "Tháng 11/2026"
    assert months.choices[0].label_en == "November 2026"
    assert months.choices[-1].id == "2024-12"
    assert len(months.choices) == 24


def test_every_value_reads_back_as_its_period() -> None:
    for group in period_choices(PeriodType.MONTH, TODAY, THROUGH):
        for choice in group.choices:
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
