"""Numbers formatted with patterns parsed once and texts kept read exactly as Babel's
`format_decimal` and `format_percent` write them, in both languages."""

from __future__ import annotations

import decimal

from babel.numbers import format_decimal, format_percent
from hypothesis import given, settings
from hypothesis import strategies as st

from fansipan.web.formatting import babel_locale, number, percent

ROUNDING = decimal.Context(rounding=decimal.ROUND_HALF_UP, prec=400)
VALUES = st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=64),
                   st.integers(min_value=-10**18, max_value=10**18),
                   st.sampled_from([0.0, -0.0, 0.5, 2.5, -2.5, 0.05, 0.045, 1e-9, 1234.5]))


def _decimal(value: float | int) -> decimal.Decimal:
    return decimal.Decimal(repr(value)) if isinstance(value, float) else decimal.Decimal(value)


def _tidy(text: str) -> str:
    if not any(c in "123456789" for c in text):
        return text.lstrip("-−")
    return text.replace("-", "−")


def _pattern(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


def babel_number(value: float | int, decimals: int, lang: str) -> str:
    with decimal.localcontext(ROUNDING):
        return _tidy(format_decimal(_decimal(value), format=_pattern(max(0, decimals)),
                                    locale=babel_locale(lang), decimal_quantization=True))


def babel_percent(value: float | int, lang: str, decimals: int) -> str:
    space = " " if lang == "vi" else ""
    with decimal.localcontext(ROUNDING):
        return _tidy(format_percent(_decimal(value) / 100, format=_pattern(decimals) + space + "%",
                                    locale=babel_locale(lang), decimal_quantization=True))


@settings(max_examples=400, deadline=None)
@given(VALUES, st.integers(min_value=-1, max_value=6), st.sampled_from(["vi", "en"]))
def test_a_number_reads_as_babel_writes_it(value: float | int, decimals: int,
                                           lang: str) -> None:
    # Twice: the second answer is the kept one.
    assert number(value, decimals, lang) == babel_number(value, decimals, lang)
    assert number(value, decimals, lang) == babel_number(value, decimals, lang)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(min_value=0, max_value=3), st.sampled_from(["vi", "en"]))
def test_a_percentage_reads_as_babel_writes_it(value: float | int, decimals: int,
                                               lang: str) -> None:
    assert percent(value, lang, decimals) == babel_percent(value, lang, decimals)
    assert percent(value, lang, decimals) == babel_percent(value, lang, decimals)


def test_kept_texts_keep_languages_decimals_and_signs_apart() -> None:
    assert number(1234.5, 1, "vi") == "1.234,5" and number(1234.5, 1, "en") == "1,234.5"
    assert number(1234.5, 0, "vi") == "1.235" and number(1234.5, 2, "vi") == "1.234,50"
    assert number(-0.0, 1) == "0,0" and number(-2.5, 0) == "−3" and number(2.5, 0) == "3"
    assert percent(34.5, "vi") == "34,5 %" and percent(34.5, "en") == "34.5%"
