"""The words of the pages' small figures: a share in a sentence, how late, a period's name,
and a day typed into a form, read back or refused with the field and the fix."""

from __future__ import annotations

from datetime import date

import pytest

from fansipan.errors import ValidationError
from fansipan.locale import say
from fansipan.web.days import iso_day, read_day, shown_day
from fansipan.web.formatting import lateness, period_name, share


def test_a_share_keeps_only_the_decimals_it_needs() -> None:
    assert share(25.0) == "25 %" and share(25.0, "en") == "25%"
    assert share(100 / 3) == "33,3 %" and share(100.0) == "100 %"
    assert share(98.63) == "98,6 %"
    # 99,96 % is not all of them, and 0,04 % is not none of them.
    assert share(99.96) == "99,96 %" and share(0.04) == "0,04 %"
    assert share(None) == "—"


def test_lateness_in_hours_under_a_day_and_in_days_after() -> None:
    assert lateness(0.3) == "7 giờ" and lateness(0.3, "en") == "7 hours"
    assert lateness(1 / 24, "en") == "1 hour"
    assert lateness(0.01) == "dưới 1 giờ" and lateness(0.01, "en") == "under 1 hour"
    assert lateness(0.995) == "1,0 ngày"
    assert lateness(5.708) == "5,7 ngày" and lateness(5.708, "en") == "5.7 days"
    assert lateness(None) == "—"


@pytest.mark.parametrize(("code", "vi", "en"), [
    ("2026-11", "Tháng 11/2026", "November 2026"),
    ("2026Q1", "Quý I/2026", "Q1 2026"),
    ("2026S1", "6 tháng đầu năm 2026", "Jan–Jun 2026"),
    ("2026", "Năm 2026", "2026"),
    ("khong-phai-ky", "khong-phai-ky", "khong-phai-ky"),
])
def test_a_period_by_its_name(code: str, vi: str, en: str) -> None:
    assert (period_name(code), period_name(code, "en")) == (vi, en)


def test_a_day_is_read_day_first_or_year_first() -> None:
    for text in ("02/12/2026", "2/12/2026", "02.12.2026", "02-12-2026", "2026-12-02",
                 " 2026-12-2 "):
        assert read_day(text, "since") == date(2026, 12, 2), text
    assert read_day("", "since") is None and iso_day("  ", "since") == ""
    assert iso_day("31/12/2026", "valid_to") == "2026-12-31"


@pytest.mark.parametrize("text", ["12/31/2026", "31/02/2026", "2026/12/31", "31/12/26",
                                  "hôm nay", "2026-13-01"])
def test_a_day_that_is_not_one_names_its_field_and_the_fix(text: str) -> None:
    with pytest.raises(ValidationError) as refused:
        read_day(text, "issued_on")
    [problem] = refused.value.errors
    assert (problem.field, problem.value) == ("issued_on", text)
    assert say(problem.message, "vi") == "viết ngày theo dạng dd/mm/yyyy, ví dụ 25/12/2026"


def test_a_date_field_shows_dd_mm_yyyy_and_gives_back_what_was_typed() -> None:
    assert shown_day(date(2026, 3, 5)) == "05/03/2026"
    assert shown_day("2026-03-05") == shown_day("2026-3-5") == "05/03/2026"
    assert shown_day("31/02/2026") == "31/02/2026" and shown_day("") == ""
    assert shown_day(None) == ""
