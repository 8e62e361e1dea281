"""Numbers as officers type them, and which way a dot or a comma is read."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fansipan.domain.numbers import (
    NumberReading,
    NumberStyle,
    Refusal,
    format_number,
    parse_number,
    read_number,
)
from fansipan.errors import ValidationError
from fansipan.locale import say

VI, EN, AUTO, MACHINE = NumberStyle.VI, NumberStyle.EN, NumberStyle.AUTO, NumberStyle.MACHINE


@pytest.mark.parametrize(("text", "value"), [
    ("1234.5", 1234.5), ("1234,5", 1234.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("3.456.789", 3456789.0), ("1,234,567", 1234567.0), (" 12 ", 12.0), ("1 234,5", 1234.5),
    ("-7", -7.0), ("0,234", 0.234), ("0.234", 0.234), ("1234.567", 1234.567),
    ("12,5", 12.5), ("1.5e3", 1500.0), (".5", 0.5), (3, 3.0), (2.5, 2.5),
])
def test_forms_that_read_one_way_in_every_style(text: str | float, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1.234", "1,234", "12.345", "-123,456"])
def test_one_separator_before_three_digits_is_refused_with_both_readings(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_number(text, row=7)
    [error] = caught.value.errors
    assert error.row == 7 and error.value == text
    grouped = text.replace(".", "").replace(",", "")
    decimal = text.replace(",", ".")
    assert grouped in error.message and str(float(decimal)) in error.message
    assert "number_style" in error.message
    found = read_number(text)
    assert isinstance(found, Refusal) and found.code == "ambiguous_number"
    vi = say(found.message, "vi")
    assert grouped in vi and str(float(decimal)).replace(".", ",") in vi


def test_the_style_decides_the_ambiguous_shape_and_says_so() -> None:
    assert read_number("1.234", VI) == (1234.0, True)
    assert read_number("1,234", VI) == (1.234, True)
    assert read_number("1.234", EN) == (1.234, True)
    assert read_number("1,234", EN) == (1234.0, True)
    assert read_number("1.234", MACHINE) == (1.234, False)
    reading = NumberReading(VI)
    assert reading.read("12") == 12.0 and reading.decided == 0
    assert reading.read("2.500") == 2500.0 and reading.read("7.000") == 7000.0
    assert reading.decided == 2 and reading.example == "2.500"


@pytest.mark.parametrize(("text", "style"), [
    ("1,234.5", VI), ("1,234,567", VI), ("1.234,5", EN), ("3.456.789", EN),
    ("1,5", MACHINE), ("1.234,5", MACHINE),
])
def test_a_number_in_the_other_style_is_refused(text: str, style: NumberStyle) -> None:
    found = read_number(text, style)
    assert isinstance(found, Refusal), found


@pytest.mark.parametrize("text", [
    "", "abc", "1.2.3,4,5", "nan", "inf", "1,23,4", "true", "1_000", "0x10", "1e400",
    "١٢٣", "１２３", "١.٥", "٣",  # Arabic-Indic and full-width digits
])
def test_refused_forms_say_how_to_write_it(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_number(text, row=3)
    [error] = caught.value.errors
    assert error.row == 3
    if text:
        assert "1234.5" in error.message or "too large" in error.message


def test_true_and_false_are_not_numbers() -> None:
    for flag in (True, False):
        with pytest.raises(ValidationError):
            parse_number(flag)


def test_minus_zero_is_stored_as_zero() -> None:
    for given_value in (-0.0, "-0", "-0,0", "-0.000", "-0e5"):
        value = parse_number(given_value)
        assert value == 0 and math.copysign(1, value) == 1, given_value


@given(st.floats(min_value=-1e15, max_value=1e15, allow_nan=False), st.integers(0, 4))
def test_what_a_page_shows_reads_back_in_its_language(value: float, decimals: int) -> None:
    shown_vi = format_number(value, decimals, "vi")
    shown_en = format_number(value, decimals, "en")
    assert parse_number(shown_vi, style=VI) == parse_number(shown_en, style=EN)
    assert parse_number(shown_vi, style=VI) == pytest.approx(round(value, decimals), abs=1e-9)


def test_format_in_both_languages() -> None:
    assert format_number(1234.5, 1, "vi") == "1.234,5"
    assert format_number(1234.5, 1, "en") == "1,234.5"
