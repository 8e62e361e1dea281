from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fansipan.domain.periods import (
    ACCEPTED_FORMS,
    Period,
    PeriodType,
    cumulative_label,
    parse_period,
    parse_period_type,
    period_containing,
    periods_between,
    periods_in_range,
    year_to_date,
)
from fansipan.errors import ValidationError

DAY, WEEK, MONTH = PeriodType.DAY, PeriodType.WEEK, PeriodType.MONTH
QUARTER, SIX_MONTH, YEAR = PeriodType.QUARTER, PeriodType.SIX_MONTH, PeriodType.YEAR
ONE_DAY = timedelta(days=1)

# The whole calendar except 9999-12-27..31, whose ISO week would end in year 10000.
any_day = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 26))
# Away from the calendar's ends, so neighbours and enclosing periods always exist.
inner_day = st.dates(min_value=date(2, 1, 1), max_value=date(9998, 12, 31))
# Far enough from the ends for a few hundred periods either way.
middle_day = st.dates(min_value=date(1000, 1, 1), max_value=date(8999, 12, 31))
types = st.sampled_from(list(PeriodType))


def periods(days: st.SearchStrategy[date] = any_day) -> st.SearchStrategy[Period]:
    return st.builds(period_containing, days, types)


def p(text: str) -> Period:
    return parse_period(text)


def ids(items: list[Period]) -> list[str]:
    return [x.id for x in items]


# -- identifiers and parsing ------------------------------------------------------------------


@given(periods())
def test_id_round_trips_through_parse(period: Period) -> None:
    assert str(period) == period.id
    assert parse_period(period.id) == period
    assert parse_period(f"  {period.id.lower()}\t") == period


@given(st.integers(1, 9999), st.integers(1, 12))
def test_compact_month_is_the_same_month(year: int, month: int) -> None:
    assert parse_period(f"{year:04d}{month:02d}") == Period.month_of(year, month)


@given(any_day)
def test_compact_day_is_the_same_day(day: date) -> None:
    compact = f"{day.year:04d}{day.month:02d}{day.day:02d}"
    assert parse_period(compact) == Period.day_of(day)


def test_accepted_spellings() -> None:
    assert p("202203") == p("2022-03") == p("2022-3") == Period.month_of(2022, 3)
    assert p("20220315") == p("2022-03-15") == Period.day_of(date(2022, 3, 15))
    assert p("2022W5") == p("2022w05") == p("2022-W05") == Period.week_of(2022, 5)
    assert p("2022q1") == p("2022Q1") == Period.quarter_of(2022, 1)
    assert p("2022s2") == Period.six_month_of(2022, 2)
    assert p(" 2022 ") == Period.year_of(2022)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Period.year_of(2022), "2022"),
        (Period.six_month_of(2022, 1), "2022S1"),
        (Period.quarter_of(2022, 1), "2022Q1"),
        (Period.month_of(2022, 3), "2022-03"),
        (Period.week_of(2022, 5), "2022W05"),
        (Period.day_of(date(2022, 3, 15)), "2022-03-15"),
        (Period.year_of(987), "0987"),
    ],
)
def test_canonical_ids(period: Period, expected: str) -> None:
    assert period.id == expected
    assert str(period) == expected
    assert repr(period) == f"Period('{expected}')"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2022", date(2022, 1, 1), date(2022, 12, 31)),
        ("2022S1", date(2022, 1, 1), date(2022, 6, 30)),
        ("2022S2", date(2022, 7, 1), date(2022, 12, 31)),
        ("2022Q3", date(2022, 7, 1), date(2022, 9, 30)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2022-02", date(2022, 2, 1), date(2022, 2, 28)),
        ("2022W05", date(2022, 1, 31), date(2022, 2, 6)),
        ("2022-03-15", date(2022, 3, 15), date(2022, 3, 15)),
        ("2024-12-31", date(2024, 12, 31), date(2024, 12, 31)),
    ],
)
def test_start_and_end(text: str, start: date, end: date) -> None:
    assert (p(text).start, p(text).end) == (start, end)


def test_day_index_is_day_of_year() -> None:
    assert Period.day_of(date(2024, 12, 31)) == Period(DAY, 2024, 366)
    assert Period.day_of(date(2022, 3, 15)).index == 74


def test_type_given_as_text_is_converted() -> None:
    assert Period("month", 2022, 3) == Period.month_of(2022, 3)  # type: ignore[arg-type]
    assert Period(YEAR, 2022) == Period.year_of(2022)


# -- period types and ordering ----------------------------------------------------------------


def test_types_are_ranked_from_finest_to_coarsest() -> None:
    ranked = sorted(PeriodType, key=lambda t: t.rank)
    assert ranked == [DAY, WEEK, MONTH, QUARTER, SIX_MONTH, YEAR]
    assert MONTH.is_finer_than(QUARTER)
    assert not QUARTER.is_finer_than(MONTH)
    assert YEAR.is_coarser_than(SIX_MONTH)
    assert not MONTH.is_finer_than(MONTH)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("month", MONTH),
        (" Monthly ", MONTH),
        ("SIX_MONTH", SIX_MONTH),
        ("six-month", SIX_MONTH),
        ("SixMonthly", SIX_MONTH),
        ("weekly", WEEK),
        ("day", DAY),
        ("Yearly", YEAR),
    ],
)
def test_parse_period_type(text: str, expected: PeriodType) -> None:
    assert parse_period_type(text) is expected


def test_sorted_by_start_then_finer_first() -> None:
    mixed = [p(x) for x in ["2022", "2022W01", "2022-01", "2022Q1", "2022S1", "2022-01-01"]]
    mixed.append(p("2021W52"))
    assert ids(sorted(mixed)) == [
        "2021W52",  # starts 2021-12-27
        "2022-01-01",
        "2022-01",
        "2022Q1",
        "2022S1",
        "2022",
        "2022W01",  # starts 2022-01-03
    ]


@given(periods(), periods())
def test_ordering_is_total_and_follows_start_then_rank(a: Period, b: Period) -> None:
    assert [a < b, a == b, a > b].count(True) == 1
    assert (a < b) == ((a.start, a.type.rank) < (b.start, b.type.rank))
    assert (a <= b) == (a < b or a == b)


# -- containment, periods_within and roll_up --------------------------------------------------


@given(periods(inner_day), types)
def test_periods_within_roll_back_up(period: Period, finer: PeriodType) -> None:
    if finer.is_coarser_than(period.type):
        return
    within = period.periods_within(finer)
    assert within == sorted(within)
    assert all(x.type is finer for x in within)
    assert all(x.roll_up(period.type) == period for x in within)
    if finer is not WEEK or period.type is WEEK:
        assert all(period.contains(x) for x in within)
    else:
        assert all(period.contains(x.start + timedelta(days=3)) for x in within)


@given(periods(inner_day), st.sampled_from([DAY, MONTH, QUARTER, SIX_MONTH]))
def test_finer_periods_tile_without_gaps(period: Period, finer: PeriodType) -> None:
    if period.type is WEEK and finer is not DAY:
        return
    if finer.is_coarser_than(period.type):
        return
    within = period.periods_within(finer)
    assert within[0].start == period.start
    assert within[-1].end == period.end
    for before, after in pairwise(within):
        assert after.start == before.end + ONE_DAY


def test_months_of_a_quarter_cover_it_exactly() -> None:
    months = p("2022Q3").periods_within(MONTH)
    assert ids(months) == ["2022-07", "2022-08", "2022-09"]
    days = {m.start + timedelta(days=i) for m in months for i in range((m.end - m.start).days + 1)}
    quarter = p("2022Q3")
    assert days == {quarter.start + timedelta(days=i) for i in range(92)}


@given(st.integers(2, 9997))
def test_weeks_of_consecutive_years_follow_each_other(year: int) -> None:
    this_year = Period.year_of(year).periods_within(WEEK)
    next_year = Period.year_of(year + 1).periods_within(WEEK)
    assert this_year[0].index == 1
    assert this_year[-1] == Period.week_of(year, date(year, 12, 28).isocalendar().week)
    assert this_year[-1].next() == next_year[0]


@given(periods(inner_day), types)
def test_roll_up_contains_the_period(period: Period, coarser: PeriodType) -> None:
    if coarser.is_finer_than(period.type):
        with pytest.raises(ValidationError, match=period.id):
            period.roll_up(coarser)
        return
    up = period.roll_up(coarser)
    assert up.type is coarser
    if period.type is WEEK and coarser is not WEEK:
        # A week belongs where its Thursday is, even when it spills over the edge.
        assert up.contains(period.start + timedelta(days=3))
    else:
        assert up.contains(period)
    assert period in up.periods_within(period.type)


def test_roll_up_examples() -> None:
    assert p("2022-03-15").roll_up(WEEK) == p("2022W11")
    assert p("2022-03-15").roll_up(QUARTER) == p("2022Q1")
    assert p("2022-08").roll_up(SIX_MONTH) == p("2022S2")
    assert p("2022Q3").roll_up(YEAR) == p("2022")
    assert p("2022Q3").roll_up(QUARTER) == p("2022Q3")


def test_roll_up_to_a_finer_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="2022Q1"):
        p("2022Q1").roll_up(MONTH)


def test_splitting_into_a_coarser_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="2022-03"):
        p("2022-03").periods_within(QUARTER)


def test_contains() -> None:
    assert p("2022").contains(p("2022Q3"))
    assert p("2022Q3").contains(p("2022Q3"))
    assert not p("2022Q3").contains(p("2022"))
    assert not p("2022-03").contains(p("2022W13"))  # 2022-03-28..2022-04-03
    assert p("2022-03").contains(date(2022, 3, 31))
    assert not p("2022-03").contains(date(2022, 4, 1))
    assert p("2022-03").contains(datetime(2022, 3, 31, 23, 59))


@given(any_day, types)
def test_period_containing_contains_the_day(day: date, ptype: PeriodType) -> None:
    period = period_containing(day, ptype)
    assert period.type is ptype
    assert period.contains(day)


# -- ISO weeks --------------------------------------------------------------------------------


def test_week_53_exists_only_in_long_years() -> None:
    assert (p("2020W53").start, p("2020W53").end) == (date(2020, 12, 28), date(2021, 1, 3))
    assert p("2026W53").start == date(2026, 12, 28)
    with pytest.raises(ValidationError, match="2021W53"):
        p("2021W53")
    with pytest.raises(ValidationError, match="2021W53"):
        Period.week_of(2021, 53)


def test_first_week_of_2021_starts_on_4_january() -> None:
    assert p("2021W01").start == date(2021, 1, 4)
    assert p("2021W01").end == date(2021, 1, 10)
    assert period_containing(date(2021, 1, 3), WEEK) == p("2020W53")
    assert period_containing(date(2021, 1, 4), WEEK) == p("2021W01")


def test_week_across_new_year_rolls_up_to_the_year_of_its_thursday() -> None:
    # 2020W53 runs 2020-12-28..2021-01-03; Thursday is 2020-12-31.
    assert p("2020W53").roll_up(YEAR) == p("2020")
    assert p("2020W53").roll_up(QUARTER) == p("2020Q4")
    assert p("2020W53").roll_up(MONTH) == p("2020-12")
    # 2019W01 runs 2018-12-31..2019-01-06; Thursday is 2019-01-03.
    assert p("2019W01").start == date(2018, 12, 31)
    assert p("2019W01").roll_up(YEAR) == p("2019")
    assert p("2019W01").roll_up(MONTH) == p("2019-01")


def test_weeks_of_a_year_and_of_a_month() -> None:
    weeks_2020 = p("2020").periods_within(WEEK)
    assert (len(weeks_2020), weeks_2020[0].id, weeks_2020[-1].id) == (53, "2020W01", "2020W53")
    assert len(p("2021").periods_within(WEEK)) == 52
    # March 2022: weeks whose Thursday falls in March, including 2022W13 (28 Mar–3 Apr).
    assert ids(p("2022-03").periods_within(WEEK)) == [f"2022W{w:02d}" for w in range(9, 14)]
    assert ids(p("2020W53").periods_within(DAY))[::6] == ["2020-12-28", "2021-01-03"]


# -- next, previous, shift, same period last year ---------------------------------------------


@given(periods(inner_day))
def test_next_follows_without_gap_and_previous_undoes_it(period: Period) -> None:
    after = period.next()
    assert after.type is period.type
    assert after.start == period.end + ONE_DAY
    assert after.previous() == period
    assert period.shift(0) == period


@given(periods(middle_day), st.integers(-300, 300))
def test_shift_adds_up(period: Period, n: int) -> None:
    assert period.shift(n).shift(-n) == period
    assert period.shift(n) == period.shift(n // 2).shift(n - n // 2)


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("2022-11", 3, "2023-02"),
        ("2022Q1", -1, "2021Q4"),
        ("2022S2", 1, "2023S1"),
        ("2020W52", 1, "2020W53"),
        ("2020W53", 1, "2021W01"),
        ("2021W52", 1, "2022W01"),
        ("2024-02-28", 1, "2024-02-29"),
        ("2022-12-31", 1, "2023-01-01"),
        ("2022", -10, "2012"),
    ],
)
def test_shift_examples(text: str, n: int, expected: str) -> None:
    assert p(text).shift(n).id == expected


def test_shift_past_the_calendar_is_refused() -> None:
    with pytest.raises(ValidationError, match="9999"):
        p("9999").next()
    with pytest.raises(ValidationError, match="0001-01"):
        p("0001-01").previous()
    with pytest.raises(ValidationError, match="0001-01-01"):
        p("0001-01-01").previous()
    assert p("0001W01").start == date(1, 1, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022", "2021"),
        ("2022S2", "2021S2"),
        ("2022Q3", "2021Q3"),
        ("2022-03", "2021-03"),
        ("2022W11", "2021W11"),
        ("2021W01", "2020W01"),
        ("2026W53", "2025W52"),
        ("2022-03-15", "2021-03-15"),
        ("2024-02-29", "2023-02-28"),
    ],
)
def test_same_period_last_year(text: str, expected: str) -> None:
    assert p(text).same_period_last_year().id == expected


def test_same_period_last_year_before_year_one_is_refused() -> None:
    with pytest.raises(ValidationError, match="0001Q1"):
        p("0001Q1").same_period_last_year()


# -- labels -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "vi", "en"),
    [
        ("2022", "Năm 2022", "2022"),
        ("2022S1", "6 tháng đầu năm 2022", "Jan–Jun 2022"),
        ("2022S2", "6 tháng cuối năm 2022", "Jul–Dec 2022"),
        ("2022Q1", "Quý I/2022", "Q1 2022"),
        ("2022Q2", "Quý II/2022", "Q2 2022"),
        ("2022Q3", "Quý III/2022", "Q3 2022"),
        ("2022Q4", "Quý IV/2022", "Q4 2022"),
        ("2022-03", "Tháng 3/2022", "March 2022"),
        ("2022-12", "Tháng 12/2022", "December 2022"),
        ("2022W05", "Tuần 5/2022", "Week 5 2022"),
        ("2022-03-15", "Ngày 15/03/2022", "15 March 2022"),
        ("2022-03-05", "Ngày 05/03/2022", "5 March 2022"),
    ],
)
def test_labels(text: str, vi: str, en: str) -> None:
    assert p(text).label("vi") == vi
    assert p(text).label() == vi
    assert p(text).label("en") == en


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValidationError, match="'fr'") as caught:
        p("2022").label("fr")
    assert caught.value.errors[0].field == "lang"


# -- ranges -----------------------------------------------------------------------------------


def test_periods_between() -> None:
    assert ids(periods_between(p("2021-11"), p("2022-02"))) == [
        "2021-11",
        "2021-12",
        "2022-01",
        "2022-02",
    ]
    assert ids(periods_between(p("2020W52"), p("2021W01"))) == ["2020W52", "2020W53", "2021W01"]
    assert periods_between(p("2022Q2"), p("2022Q2")) == [p("2022Q2")]


@given(periods(middle_day), st.integers(0, 60))
def test_periods_between_is_consecutive(first: Period, n: int) -> None:
    last = first.shift(n)
    between = periods_between(first, last)
    assert len(between) == n + 1
    assert (between[0], between[-1]) == (first, last)
    assert all(b == a.next() for a, b in pairwise(between))


def test_periods_between_refuses_bad_ranges() -> None:
    with pytest.raises(ValidationError, match=r"2022-01\.\.2022Q2"):
        periods_between(p("2022-01"), p("2022Q2"))
    with pytest.raises(ValidationError, match=r"2022-06\.\.2022-01"):
        periods_between(p("2022-06"), p("2022-01"))
    with pytest.raises(ValidationError, match="at most 10"):
        periods_between(p("2022-01-01"), p("2022-12-31"), limit=10)


def test_periods_in_range() -> None:
    months = periods_in_range(date(2022, 1, 15), date(2022, 7, 1), MONTH)
    assert ids(months) == ["2022-02", "2022-03", "2022-04", "2022-05", "2022-06"]
    # 2022-01-01 is a Saturday: the first whole week starts on Monday 3 January.
    weeks = periods_in_range(date(2022, 1, 1), date(2022, 1, 31), WEEK)
    assert ids(weeks) == ["2022W01", "2022W02", "2022W03", "2022W04"]
    assert periods_in_range(date(2022, 1, 2), date(2022, 3, 30), QUARTER) == []
    assert ids(periods_in_range(date(2022, 1, 1), date(2022, 12, 31), YEAR)) == ["2022"]
    with pytest.raises(ValidationError, match="2022-02-01"):
        periods_in_range(date(2022, 2, 1), date(2022, 1, 1), MONTH)


@given(inner_day, st.integers(0, 400), types)
def test_periods_in_range_are_inside_and_maximal(start: date, days: int, ptype: PeriodType) -> None:
    end = min(start + timedelta(days=days), date(9998, 12, 1))
    if end < start:
        return
    found = periods_in_range(start, end, ptype)
    assert all(start <= x.start and x.end <= end for x in found)
    if found:
        assert found[0].previous().start < start
        assert found[-1].next().end > end
    else:
        candidate = period_containing(start, ptype)
        assert candidate.start < start or candidate.end > end
        assert candidate.next().end > end


# -- year to date and cumulative labels -------------------------------------------------------


def test_year_to_date() -> None:
    assert ids(year_to_date(p("2022Q3"))) == [f"2022-{m:02d}" for m in range(1, 10)]
    assert ids(year_to_date(p("2022S1"))) == [f"2022-{m:02d}" for m in range(1, 7)]
    assert ids(year_to_date(p("2022-03"))) == ["2022-01", "2022-02", "2022-03"]
    assert ids(year_to_date(p("2022-01"))) == ["2022-01"]
    assert len(year_to_date(p("2022"))) == 12
    for text in ("2022W05", "2022-03-15"):
        with pytest.raises(ValidationError, match=text):
            year_to_date(p(text))


@pytest.mark.parametrize(
    ("text", "vi", "en"),
    [
        ("2022Q3", "9 tháng đầu năm 2022", "January–September 2022"),
        ("2022Q1", "3 tháng đầu năm 2022", "January–March 2022"),
        ("2022S1", "6 tháng đầu năm 2022", "January–June 2022"),
        ("2022S2", "Cả năm 2022", "Full year 2022"),
        ("2022Q4", "Cả năm 2022", "Full year 2022"),
        ("2022", "Cả năm 2022", "Full year 2022"),
        ("2022-01", "Tháng 1/2022", "January 2022"),
        ("2022-02", "2 tháng đầu năm 2022", "January–February 2022"),
        ("2022-03", "3 tháng đầu năm 2022", "January–March 2022"),
        ("2022-11", "11 tháng đầu năm 2022", "January–November 2022"),
    ],
)
def test_cumulative_label(text: str, vi: str, en: str) -> None:
    assert cumulative_label(p(text), "vi") == vi
    assert cumulative_label(p(text)) == vi
    assert cumulative_label(p(text), "en") == en


def test_cumulative_label_needs_a_calendar_period() -> None:
    with pytest.raises(ValidationError, match="2022W05"):
        cumulative_label(p("2022W05"))


# -- bad input --------------------------------------------------------------------------------


def test_error_message_says_what_is_wrong_and_what_is_accepted() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period("2022-13")
    error = caught.value
    assert error.message == (
        "'2022-13' is not a period: month must be 01–12. "
        "Use 2022, 2022S1, 2022Q1, 2022-03, 2022W05, 2022-03-15, Quý I/2022 or tháng 3/2022."
    )
    assert [(e.field, e.message, e.value) for e in error.errors] == [
        ("period", "month must be 01–12", "2022-13")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "2022-13",
        "2022-00",
        "202213",
        "2022Q0",
        "2022Q5",
        "2022S0",
        "2022S3",
        "2022W00",
        "2022W54",
        "2021W53",
        "9999W52",
        "2022-02-29",
        "2022-04-31",
        "2022-13-01",
        "20221301",
        "20220230",
        "0000",
        "0000-01",
        "22",
        "22022",
        "2022-03-15T10:00",
        "2022Q1x",
        " 2022 Q1 ",
        "15/03/2022",
        "03/2022",
        "Q1/2022",
        "LAST_12_MONTHS",
        "２０２２",  # full-width digits
        "2022M03",
    ],
)
def test_bad_input_is_named_in_the_error(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    error = caught.value
    assert f"'{text.strip()}'" in error.message
    assert ACCEPTED_FORMS in error.message
    assert error.errors[0].field == "period"
    assert error.errors[0].value == text


def test_day_first_dates_get_a_hint() -> None:
    with pytest.raises(ValidationError, match="as 2022-03-15"):
        parse_period("15/03/2022")
    with pytest.raises(ValidationError, match="as 2022-03"):
        parse_period("3/2022")


def test_long_input_is_shortened_in_the_message() -> None:
    text = "2022" * 100
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    assert len(caught.value.message) < 200
    assert caught.value.errors[0].value == text


def test_non_text_is_refused() -> None:
    with pytest.raises(ValidationError, match="2022"):
        parse_period(2022)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda: Period.month_of(2022, 13), "2022-13"),
        (lambda: Period.quarter_of(2022, 5), "2022Q5"),
        (lambda: Period.six_month_of(2022, 3), "2022S3"),
        (lambda: Period.week_of(2021, 53), "2021W53"),
        (lambda: Period.year_of(10000), "10000"),
        (lambda: Period(DAY, 2022, 366), "2022 day 366"),
        (lambda: Period(YEAR, 2022, 2), "2022"),
        (lambda: Period(MONTH, 2022, True), "True"),
        (lambda: Period("fortnight", 2022, 1), "fortnight"),  # type: ignore[arg-type]
    ],
)
def test_invalid_construction_is_refused(make: Callable[[], Period], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        make()


def test_unknown_period_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="'fortnightly'") as caught:
        parse_period_type("fortnightly")
    assert caught.value.errors[0].field == "period_type"
