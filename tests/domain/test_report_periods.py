"""The periods of a report of results, their names and data cut-off windows."""

from __future__ import annotations

from datetime import date

import pytest

from fansipan.domain.regimes import Frequency
from fansipan.domain.report_periods import (
    NINE_MONTHS_DEFAULT,
    PERIOD_CHOICES,
    parse_cut_off,
    report_period,
)
from fansipan.errors import ValidationError


@pytest.mark.parametrize(("kind", "label", "figures", "window", "frequency"), [
    ("year", "năm 2021", "Năm 2021", (date(2020, 12, 15), date(2021, 12, 14)),
     Frequency.YEARLY),
    ("6m", "6 tháng đầu năm 2021", "6 tháng đầu năm 2021",
     (date(2020, 12, 15), date(2021, 6, 14)), Frequency.HALF_YEARLY),
    ("9m", "9 tháng đầu năm 2021", "9 tháng đầu năm 2021",
     (date(2020, 12, 15), date(2021, 9, 14)), Frequency.NINE_MONTHS),
    ("q2", "quý II năm 2021", "6 tháng đầu năm 2021",
     (date(2021, 3, 15), date(2021, 6, 14)), Frequency.QUARTERLY),
    ("m1", "tháng 1 năm 2021", "Tháng 1/2021", (date(2020, 12, 15), date(2021, 1, 14)),
     Frequency.MONTHLY),
    ("2021-03", "tháng 3 năm 2021", "3 tháng đầu năm 2021",
     (date(2021, 2, 15), date(2021, 3, 14)), Frequency.MONTHLY),
])
def test_each_kind_has_its_name_its_stretch_and_its_decree_09_window(
        kind: str, label: str, figures: str, window: tuple[date, date],
        frequency: Frequency) -> None:
    p = report_period(2021, kind)
    assert (p.label("vi"), p.figures_label("vi")) == (label, figures)
    assert (p.window.start, p.window.end) == window
    assert p.frequency is frequency and p.start == date(2021, 1, 1)


def test_the_share_of_the_year_covered() -> None:
    assert report_period(2021).elapsed == 1.0
    assert report_period(2021, "6m").elapsed == pytest.approx(181 / 365)
    assert report_period(2024, "q1").elapsed == pytest.approx(91 / 366)  # a leap year


def test_the_nine_month_window_is_the_provinces() -> None:
    assert parse_cut_off(NINE_MONTHS_DEFAULT).from_month_offset == -1
    calendar = parse_cut_off("01/01..30/09")
    p = report_period(2022, "9m", nine_months=calendar)
    assert (p.window.start, p.window.end) == (date(2022, 1, 1), date(2022, 9, 30))
    for bad in ("15/12-14/09", "15/11..14/09", "15/12..14/10", "40/12..14/09"):
        with pytest.raises(ValidationError) as refused:
            parse_cut_off(bad)
        assert refused.value.errors[0].field == "nine_months_cutoff"


def test_unknown_periods_and_years_are_refused_with_the_choices() -> None:
    assert "year" in PERIOD_CHOICES and "m12" in PERIOD_CHOICES
    for bad in ("autumn", "q5", "m13", "2020-03"):
        with pytest.raises(ValidationError) as refused:
            report_period(2021, bad)
        assert refused.value.errors[0].field == "period"
    with pytest.raises(ValidationError):
        report_period(10_000)
