"""Periods as people write them: every label reads back as its period, in Vietnamese and
in English, with or without diacritics; year-to-date totals are months, not one period."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fansipan.domain.periods import Period, PeriodType, cumulative_label, parse_period
from fansipan.domain.periods.cumulative import to_date_label
from fansipan.domain.periods.parsing import fold
from fansipan.domain.relative_periods import parse_periods
from fansipan.errors import ValidationError

YEARS = st.integers(min_value=1000, max_value=9998)


@st.composite
def periods(draw: st.DrawFn, ptype: PeriodType | None = None) -> Period:
    kind = ptype or draw(st.sampled_from(list(PeriodType)))
    year = draw(YEARS)
    if kind is PeriodType.DAY:
        return Period.day_of(draw(st.dates(date(year, 1, 1), date(year, 12, 31))))
    if kind is PeriodType.WEEK:
        last = date(year, 12, 28).isocalendar().week
        return Period.week_of(year, draw(st.integers(1, last)))
    top = {PeriodType.MONTH: 12, PeriodType.QUARTER: 4, PeriodType.SIX_MONTH: 2,
           PeriodType.YEAR: 1}[kind]
    return Period(kind, year, draw(st.integers(1, top)))


@pytest.mark.parametrize("ptype", list(PeriodType))
@given(data=st.data())
def test_every_vietnamese_label_reads_back(ptype: PeriodType, data: st.DataObject) -> None:
    period = data.draw(periods(ptype))
    label = period.label("vi")
    assert parse_period(label) == period, label
    assert parse_period(label.lower()) == period
    assert parse_period(fold(label)) == period  # typed without diacritics: "Quy I/2022"


@pytest.mark.parametrize("ptype", list(PeriodType))
@given(data=st.data())
def test_every_english_label_reads_back(ptype: PeriodType, data: st.DataObject) -> None:
    period = data.draw(periods(ptype))
    assert parse_period(period.label("en")) == period, period.label("en")


@pytest.mark.parametrize(("text", "expected"), [
    ("Quý I/2022", "2022Q1"), ("quý 1/2022", "2022Q1"), ("Quý IV năm 2022", "2022Q4"),
    ("6 tháng đầu năm 2022", "2022S1"), ("6 tháng cuối năm 2022", "2022S2"),
    ("tháng 3/2022", "2022-03"), ("Tháng 03/2022", "2022-03"), ("năm 2022", "2022"),
    ("Cả năm 2022", "2022"), ("3 tháng đầu năm 2022", "2022Q1"),
    ("lũy kế 6 tháng đầu năm 2022", "2022S1"), ("ngày 15/3/2022", "2022-03-15"),
])
def test_names_people_write(text: str, expected: str) -> None:
    assert parse_period(text).id == expected


def test_nine_months_is_a_total_of_months_not_one_period() -> None:
    today = date(2022, 11, 1)
    months = parse_periods("9 tháng đầu năm 2022", today)
    assert [p.id for p in months] == [f"2022-{m:02d}" for m in range(1, 10)]
    assert parse_periods("Lũy kế 9 tháng đầu năm 2022", today) == months
    with pytest.raises(ValidationError) as caught:
        parse_period("9 tháng đầu năm 2022")
    assert "2022-01..2022-09" in caught.value.message


@given(periods(PeriodType.QUARTER) | periods(PeriodType.MONTH))
def test_every_year_to_date_label_reads_back_as_its_months(period: Period) -> None:
    label = cumulative_label(period, "vi")
    # "Cả năm 2022" reads back as the year, "9 tháng đầu năm 2022" as nine months: the
    # same months either way.
    found = [m for p in parse_periods(label, date(2000, 1, 1))
             for m in p.periods_within(PeriodType.MONTH)]
    assert found == [Period.month_of(period.year, m) for m in range(1, period.end.month + 1)]


@pytest.mark.parametrize(("text", "relative"), [
    ("năm nay", "THIS_YEAR"), ("Năm trước", "LAST_YEAR"), ("tháng này", "THIS_MONTH"),
    ("quý trước", "LAST_QUARTER"), ("12 tháng qua", "LAST_12_MONTHS"),
    ("lũy kế từ đầu năm", "YEAR_TO_DATE"),
])
def test_relative_periods_in_vietnamese(text: str, relative: str) -> None:
    today = date(2022, 5, 17)
    assert parse_periods(text, today) == parse_periods(relative, today)


@pytest.mark.parametrize("text", ["Quý V/2022", "tháng 13/2022", "7 tháng cuối năm 2022",
                                  "quý/2022"])
def test_wrong_names_are_refused_with_the_reason(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    assert "is not a period" in caught.value.message


def test_a_year_read_to_date_is_named_for_its_last_month() -> None:
    assert to_date_label(date(2026, 9, 30)) == "lũy kế đến hết tháng 9/2026"
    assert to_date_label(date(2026, 11, 3), "en") == \
        "year to date, to the end of November 2026"
    with pytest.raises(ValidationError):
        to_date_label(date(2026, 9, 30), "fr")
