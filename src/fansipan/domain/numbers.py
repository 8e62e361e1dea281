"""Numbers as people type them: `1234.5`, `1234,5` and Vietnamese `1.234,5`."""

from __future__ import annotations

import math
import re

from fansipan.errors import FieldError, ValidationError, msg

_PLAIN = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)([eE][+-]?\d+)?$")
# Grouped thousands: the separator that is not the decimal one repeats every 3 digits.
_VI_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_EN_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_number(text: str | float | int, *, field: str = "value", row: int | None = None) -> float:
    """A finite float from a number or its text, or a ValidationError that says why not.

    A lone comma is a decimal comma (Vietnamese style); grouped thousands are accepted
    when both separators are present (`1.234,5` or `1,234.5`); `1.234` stays 1.234.
    """
    if isinstance(text, bool):
        raise _error(str(text), field, row)
    if isinstance(text, int | float):
        value = float(text)
    else:
        s = text.strip().replace("\u00a0", "").replace(" ", "")
        if _PLAIN.match(s):
            value = float(s.replace(",", "."))
        # Grouping is certain with both separators, or when the same one repeats
        # (3.456.789); a lone 1.234 stays a decimal.
        elif _VI_GROUPED.match(s) and ("," in s or s.count(".") >= 2):
            value = float(s.replace(".", "").replace(",", "."))
        elif _EN_GROUPED.match(s) and ("." in s or s.count(",") >= 2):
            value = float(s.replace(",", ""))
        else:
            raise _error(text, field, row)
    if math.isnan(value) or math.isinf(value):
        raise _error(str(text), field, row)
    return value


def _error(text: str, field: str, row: int | None) -> ValidationError:
    return ValidationError(
        msg("Not a number"),
        [FieldError(field=field, row=row, value=text, message=msg(
            "{given} is not a number; write it like 1234.5 or 1234,5", given=repr(text)))],
    )


def format_number(value: float, decimals: int = 0, lang: str = "vi") -> str:
    """`1.234,5` in Vietnamese, `1,234.5` in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
