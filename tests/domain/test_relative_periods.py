from __future__ import annotations

from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fansipan.domain.periods import Period, parse_period
from fansipan.domain.relative_periods import (
    MAX_PERIODS,
    RELATIVE_PERIODS,
    is_relative,
    parse_periods,
    resolve_relative,
)
from fansipan.errors import ValidationError

MID_MARCH = date(2022, 3, 15)  # a Tuesday, in 2022W11
NEW_YEAR = date(2022, 1, 1)  # a Saturday, in 2021W52

# name: (first, last, count), worked out by hand from a calendar.
AT_MID_MARCH: dict[str, tuple[str, str, int]] = {
    "TODAY": ("2022-03-15", "2022-03-15", 1),
    "YESTERDAY": ("2022-03-14", "2022-03-14", 1),
    "LAST_3_DAYS": ("2022-03-12", "2022-03-14", 3),
    "LAST_7_DAYS": ("2022-03-08", "2022-03-14", 7),
    "LAST_14_DAYS": ("2022-03-01", "2022-03-14", 14),
    "LAST_30_DAYS": ("2022-02-13", "2022-03-14", 30),
    "LAST_60_DAYS": ("2022-01-14", "2022-03-14", 60),
    "LAST_90_DAYS": ("2021-12-15", "2022-03-14", 90),
    "LAST_180_DAYS": ("2021-09-16", "2022-03-14", 180),
    "THIS_WEEK": ("2022W11", "2022W11", 1),
    "LAST_WEEK": ("2022W10", "2022W10", 1),
    "LAST_4_WEEKS": ("2022W07", "2022W10", 4),
    "LAST_12_WEEKS": ("2021W51", "2022W10", 12),
    "LAST_52_WEEKS": ("2021W11", "2022W10", 52),
    "WEEKS_THIS_YEAR": ("2022W01", "2022W52", 52),
    "THIS_MONTH": ("2022-03", "2022-03", 1),
    "LAST_MONTH": ("2022-02", "2022-02", 1),
    "LAST_3_MONTHS": ("2021-12", "2022-02", 3),
    "LAST_6_MONTHS": ("2021-09", "2022-02", 6),
    "LAST_12_MONTHS": ("2021-03", "2022-02", 12),
    "MONTHS_THIS_YEAR": ("2022-01", "2022-12", 12),
    "MONTHS_LAST_YEAR": ("2021-01", "2021-12", 12),
    "YEAR_TO_DATE": ("2022-01", "2022-03", 3),
    "THIS_QUARTER": ("2022Q1", "2022Q1", 1),
    "LAST_QUARTER": ("2021Q4", "2021Q4", 1),
    "LAST_4_QUARTERS": ("2021Q1", "2021Q4", 4),
    "QUARTERS_THIS_YEAR": ("2022Q1", "2022Q4", 4),
    "QUARTERS_LAST_YEAR": ("2021Q1", "2021Q4", 4),
    "THIS_SIX_MONTH": ("2022S1", "2022S1", 1),
    "LAST_SIX_MONTH": ("2021S2", "2021S2", 1),
    "LAST_2_SIXMONTHS": ("2021S1", "2021S2", 2),
    "THIS_YEAR": ("2022", "2022", 1),
    "LAST_YEAR": ("2021", "2021", 1),
    "LAST_5_YEARS": ("2017", "2021", 5),
    "LAST_10_YEARS": ("2012", "2021", 10),
}

AT_NEW_YEAR: dict[str, tuple[str, str, int]] = {
    "TODAY": ("2022-01-01", "2022-01-01", 1),
    "YESTERDAY": ("2021-12-31", "2021-12-31", 1),
    "LAST_3_DAYS": ("2021-12-29", "2021-12-31", 3),
    "LAST_7_DAYS": ("2021-12-25", "2021-12-31", 7),
    "LAST_14_DAYS": ("2021-12-18", "2021-12-31", 14),
    "LAST_30_DAYS": ("2021-12-02", "2021-12-31", 30),
    "LAST_60_DAYS": ("2021-11-02", "2021-12-31", 60),
    "LAST_90_DAYS": ("2021-10-03", "2021-12-31", 90),
    "LAST_180_DAYS": ("2021-07-05", "2021-12-31", 180),
    # 1 January 2022 is a Saturday, so the current ISO week is still 2021W52.
    "THIS_WEEK": ("2021W52", "2021W52", 1),
    "LAST_WEEK": ("2021W51", "2021W51", 1),
    "LAST_4_WEEKS": ("2021W48", "2021W51", 4),
    "LAST_12_WEEKS": ("2021W40", "2021W51", 12),
    # 2020 has 53 ISO weeks: 51 weeks of 2021 plus 2020W53.
    "LAST_52_WEEKS": ("2020W53", "2021W51", 52),
    "WEEKS_THIS_YEAR": ("2022W01", "2022W52", 52),
    "THIS_MONTH": ("2022-01", "2022-01", 1),
    "LAST_MONTH": ("2021-12", "2021-12", 1),
    "LAST_3_MONTHS": ("2021-10", "2021-12", 3),
    "LAST_6_MONTHS": ("2021-07", "2021-12", 6),
    "LAST_12_MONTHS": ("2021-01", "2021-12", 12),
    "MONTHS_THIS_YEAR": ("2022-01", "2022-12", 12),
    "MONTHS_LAST_YEAR": ("2021-01", "2021-12", 12),
    "YEAR_TO_DATE": ("2022-01", "2022-01", 1),
    "THIS_QUARTER": ("2022Q1", "2022Q1", 1),
    "LAST_QUARTER": ("2021Q4", "2021Q4", 1),
    "LAST_4_QUARTERS": ("2021Q1", "2021Q4", 4),
    "QUARTERS_THIS_YEAR": ("2022Q1", "2022Q4", 4),
    "QUARTERS_LAST_YEAR": ("2021Q1", "2021Q4", 4),
    "THIS_SIX_MONTH": ("2022S1", "2022S1", 1),
    "LAST_SIX_MONTH": ("2021S2", "2021S2", 1),
    "LAST_2_SIXMONTHS": ("2021S1", "2021S2", 2),
    "THIS_YEAR": ("2022", "2022", 1),
    "LAST_YEAR": ("2021", "2021", 1),
    "LAST_5_YEARS": ("2017", "2021", 5),
    "LAST_10_YEARS": ("2012", "2021", 10),
}

REQUIRED = (
    "TODAY",
    "YESTERDAY",
    "LAST_7_DAYS",
    "LAST_30_DAYS",
    "THIS_WEEK",
    "LAST_WEEK",
    "LAST_4_WEEKS",
    "LAST_12_WEEKS",
    "LAST_52_WEEKS",
    "THIS_MONTH",
    "LAST_MONTH",
    "LAST_3_MONTHS",
    "LAST_6_MONTHS",
    "LAST_12_MONTHS",
    "MONTHS_THIS_YEAR",
    "MONTHS_LAST_YEAR",
    "THIS_QUARTER",
    "LAST_QUARTER",
    "LAST_4_QUARTERS",
    "QUARTERS_THIS_YEAR",
    "QUARTERS_LAST_YEAR",
    "THIS_SIX_MONTH",
    "LAST_SIX_MONTH",
    "LAST_2_SIXMONTHS",
    "THIS_YEAR",
    "LAST_YEAR",
    "LAST_5_YEARS",
    "LAST_10_YEARS",
    "YEAR_TO_DATE",
)


def test_every_required_name_is_supported_and_every_name_is_tested() -> None:
    assert set(REQUIRED) <= set(RELATIVE_PERIODS)
    assert set(AT_MID_MARCH) == set(RELATIVE_PERIODS) == set(AT_NEW_YEAR)
    assert len(set(RELATIVE_PERIODS)) == len(RELATIVE_PERIODS)


def check(found: list[Period], first: str, last: str, count: int) -> None:
    assert (found[0].id, found[-1].id, len(found)) == (first, last, count)
    assert all(b == a.next() for a, b in pairwise(found))


@pytest.mark.parametrize("name", sorted(AT_MID_MARCH))
def test_at_mid_march(name: str) -> None:
    check(resolve_relative(name, MID_MARCH), *AT_MID_MARCH[name])


@pytest.mark.parametrize("name", sorted(AT_NEW_YEAR))
def test_at_new_year(name: str) -> None:
    check(resolve_relative(name, NEW_YEAR), *AT_NEW_YEAR[name])


def test_a_few_in_full() -> None:
    assert [p.id for p in resolve_relative("LAST_3_MONTHS", MID_MARCH)] == [
        "2021-12",
        "2022-01",
        "2022-02",
    ]
    assert [p.id for p in resolve_relative("LAST_4_WEEKS", NEW_YEAR)] == [
        "2021W48",
        "2021W49",
        "2021W50",
        "2021W51",
    ]


@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.sampled_from(RELATIVE_PERIODS))
def test_relative_periods_are_ordered_runs_around_today(today: date, name: str) -> None:
    found = resolve_relative(name, today)
    assert found
    assert len({p.type for p in found}) == 1
    assert all(b == a.next() for a, b in pairwise(found))
    if name.startswith("LAST_") or name == "YESTERDAY":
        assert found[-1].end < today
        assert found[-1].next().contains(today)
    if name.startswith("THIS_") or name in ("TODAY", "YEAR_TO_DATE"):
        assert found[-1].contains(today)


def test_names_are_case_insensitive() -> None:
    assert resolve_relative(" last_12_months ", MID_MARCH) == resolve_relative(
        "LAST_12_MONTHS", MID_MARCH
    )
    assert is_relative("this_year")
    assert is_relative(" Year_To_Date ")


@pytest.mark.parametrize("text", ["2022", "2022-03", "LAST_13_MONTHS", "", "NEXT_YEAR"])
def test_is_relative_refuses_other_text(text: str) -> None:
    assert not is_relative(text)


def test_unknown_name_lists_valid_ones() -> None:
    with pytest.raises(ValidationError) as caught:
        resolve_relative("LAST_12_MONTH", MID_MARCH)
    message = caught.value.message
    assert "'LAST_12_MONTH'" in message
    assert "Did you mean LAST_12_MONTHS" in message
    assert "THIS_MONTH" in message
    assert caught.value.errors[0].field == "period"
    assert caught.value.errors[0].value == "LAST_12_MONTH"


def test_unknown_name_without_a_close_match() -> None:
    with pytest.raises(ValidationError, match="'SOMETIME'") as caught:
        resolve_relative("SOMETIME", MID_MARCH)
    assert "Did you mean" not in caught.value.message
    assert "YEAR_TO_DATE" in caught.value.message


# -- parse_periods ----------------------------------------------------------------------------


def test_parse_periods_single_relative_and_range() -> None:
    assert parse_periods("2022Q1", MID_MARCH) == [parse_period("2022Q1")]
    assert parse_periods(" 202203 ", MID_MARCH) == [parse_period("2022-03")]
    assert parse_periods("last_quarter", MID_MARCH) == [parse_period("2021Q4")]
    assert [p.id for p in parse_periods("2022-01..2022-06", MID_MARCH)] == [
        f"2022-{m:02d}" for m in range(1, 7)
    ]
    assert [p.id for p in parse_periods("2020W52 .. 2021W01", MID_MARCH)] == [
        "2020W52",
        "2020W53",
        "2021W01",
    ]
    assert parse_periods("2022..2022", MID_MARCH) == [parse_period("2022")]


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("2022-01..2022Q2", "'2022-01..2022Q2'"),
        ("2022-06..2022-01", "'2022-06..2022-01'"),
        ("2022-01..", "'2022-01..'"),
        ("..2022-01", "'..2022-01'"),
        ("2022-01..2022-03..2022-06", "'2022-01..2022-03..2022-06'"),
        ("2022-01..2022-13", "'2022-13'"),
        ("2022-13", "'2022-13'"),
        ("LAST_13_MONTHS", "'LAST_13_MONTHS'"),
        ("", "''"),
        ("0001-01-01..9999-12-31", f"at most {MAX_PERIODS}"),
    ],
)
def test_parse_periods_refuses_bad_specs(spec: str, named: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_periods(spec, MID_MARCH)
    assert named in caught.value.message
    assert caught.value.errors[0].field == "period"


def test_parse_periods_suggests_relative_names() -> None:
    with pytest.raises(ValidationError, match="Did you mean") as caught:
        parse_periods("LAST_12_MONTH", MID_MARCH)
    assert "2022-03" in caught.value.message  # also says how periods are written
