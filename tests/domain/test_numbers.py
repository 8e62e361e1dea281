"""Numbers as officers type them."""

from __future__ import annotations

import pytest

from fansipan.domain.numbers import format_number, parse_number
from fansipan.errors import ValidationError


@pytest.mark.parametrize(("text", "value"), [
    ("1234.5", 1234.5), ("1234,5", 1234.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
    ("3.456.789", 3456789.0), ("1,234,567", 1234567.0), ("1.234", 1.234), (" 12 ", 12.0),
    ("-7", -7.0), (3, 3.0), (2.5, 2.5),
])
def test_accepted_forms(text: str | float, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.2.3,4,5", "nan", "inf", "1,23,4"])
def test_refused_forms_say_how_to_write_it(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_number(text, row=3)
    [error] = caught.value.errors
    assert error.row == 3
    assert "write it like 1234.5 or 1234,5" in error.message


def test_format_in_both_languages() -> None:
    assert format_number(1234.5, 1, "vi") == "1.234,5"
    assert format_number(1234.5, 1, "en") == "1,234.5"
